"""The corpus of tests/corpus/ and what each file must do (read by tests/process/test_corpus.py).

Every file was written for this corpus and saved the way bpmn-js / Camunda Modeler save it (``bpmn:`` prefix,
``exporter`` attributes, BPMNDI shapes and edges). ``ce_*`` cover the BPMN 2.0 Common Executable conformance
class (spec §2.2); ``bad_*`` are malformed or hostile; ``odd_*`` are unusual but valid.

Outcomes:
- ``completes``: validated, deployed, started and driven to its end through the API, each open task completed
  by its holder, due timers fired by the worker;
- ``waits:<kind>:<element>``: as above, until the matter waits for a timer or message at that element, with no
  step open, and says so in ``waiting_for``;
- ``stops:<element>``: runs until a step that cannot finish (a script past its time limit); the matter is in
  ``error`` naming the element — stopped, not hung;
- ``refused:<id>[|<id>…]``: ``/designs/validate`` answers 422 naming each id (an element's id, or the file name /
  ``bpmn_xml`` for a document that is no BPMN at all), with the element's name where it has one (deployment runs
  the same check).
"""
from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"

FORMS = {  # sent with every design, as the modeler sends the forms it made
    "corpus_note.schema.json": {"type": "object", "title": "意见", "required": ["note"],
                                "properties": {"note": {"type": "string", "title": "意见", "minLength": 1}}},
    "corpus_approve.schema.json": {"type": "object", "title": "审批", "required": ["approved"],
                                   "properties": {"approved": {"type": "boolean", "title": "同意"},
                                                  "note": {"type": "string", "title": "意见"}}},
    "corpus_fund.schema.json": {"type": "object", "title": "资金申请", "required": ["amount", "purpose"],
                                "properties": {"amount": {"type": "number", "title": "金额（万元）", "minimum": 0},
                                               "purpose": {"type": "string", "title": "用途"}}},
}
ANSWERS = {"note": "同意", "approved": True, "amount": 2000, "purpose": "基础设施建设"}  # by form field

# file -> (outcome, extras): "words" each refused element's problem must mention, "visits" elements the run must pass, "avoids" ones it must not, "data" at start,
# "process" the process to start (default corpus_<file stem>), "name" the process name as listed.
CASES: dict[str, tuple[str, dict]] = {
    # -- Common Executable, run by the engine
    "ce_user_script_exclusive.bpmn": ("completes", {"visits": ["fill", "approve", "stamp", "end_yes"], "avoids": ["end_no"]}),
    "ce_parallel_gateway.bpmn": ("completes", {"visits": ["office_sign", "org_sign", "join"]}),
    "ce_subprocess.bpmn": ("completes", {"visits": ["sub_task"]}),
    "ce_call_activity.bpmn": ("completes", {"visits": ["c_review"]}),
    "ce_business_rule.bpmn": ("completes", {"visits": ["route", "end_plenary"], "avoids": ["end_other"]}),
    "ce_timer_catch.bpmn": ("waits:timer:wait_month", {"visits": ["wait_past", "after"]}),
    "ce_message_catch.bpmn": ("waits:message:await_reply", {"visits": ["fill"]}),
    "ce_boundary_timer_interrupting.bpmn": ("completes", {"visits": ["escalate"], "avoids": ["end_done"]}),
    "ce_boundary_timer_non_interrupting.bpmn": ("completes", {"visits": ["remind_note", "handle", "end"]}),
    "ce_multi_instance_parallel.bpmn": ("completes", {"visits": ["pick", "review"]}),
    "ce_multi_instance_sequential.bpmn": ("completes", {"visits": ["sign"]}),
    "ce_standard_loop.bpmn": ("completes", {"visits": ["tick", "confirm"]}),
    "ce_data_artifacts.bpmn": ("completes", {"visits": ["summarize", "read"]}),
    "ce_io_specification.bpmn": ("completes", {"visits": ["prepare", "double", "finish", "check"], "data": {"amount": 21}}),
    # -- Common Executable elements the engine does not run: refused by name
    "ce_data_store.bpmn": ("refused:store_archive", {}),
    "ce_message_start.bpmn": ("refused:start_msg", {}),
    "ce_timer_start.bpmn": ("refused:start_timer", {}),
    "ce_message_end.bpmn": ("refused:end_msg", {}),
    "ce_terminate_end.bpmn": ("refused:end_terminate", {}),
    "ce_inclusive_gateway.bpmn": ("refused:gw_incl|gw_incl_join", {}),
    "ce_event_based_gateway.bpmn": ("refused:gw_event", {}),
    "ce_servicetask.bpmn": ("refused:call_archive", {}),
    "ce_sendtask.bpmn": ("refused:send_notice", {}),
    "ce_receivetask.bpmn": ("refused:receive_reply", {}),
    "ce_manualtask.bpmn": ("refused:sign_paper", {}),
    "ce_abstract_task.bpmn": ("refused:do_something", {}),
    # -- malformed and hostile
    "bad_broken_xml.bpmn": ("refused:bad_broken_xml.bpmn", {}),
    "bad_billion_laughs.bpmn": ("refused:bad_billion_laughs.bpmn", {}),
    "bad_external_entity.bpmn": ("refused:bad_external_entity.bpmn", {}),
    "bad_empty.bpmn": ("refused:bpmn_xml", {}),
    "bad_not_bpmn.bpmn": ("refused:bad_not_bpmn.bpmn", {}),
    "bad_not_executable.bpmn": ("refused:bad_not_executable.bpmn", {}),
    "bad_huge_attribute.bpmn": ("refused:corpus_bad_huge_attribute", {}),  # a 30,000-character process name
    "bad_dangling_refs.bpmn": ("refused:Flow_3|await_ghost", {"words": {"Flow_3": "ghost_end", "await_ghost": "msg_ghost"}}),
    "bad_empty_flownoderef.bpmn": ("refused:Lane_bad_empty_flownoderef_office", {}),
    "bad_self_call.bpmn": ("refused:call_self", {}),
    "bad_duplicate_ids.bpmn": ("refused:fill", {"words": {"fill": "重复"}}),  # two user tasks with id "fill"
    "bad_non_ncname_ids.bpmn": ("refused:1st_review|review:a b", {}),
    "bad_missing_di.bpmn": ("refused:start|fill|end|Flow_1|Flow_2|Lane_bad_missing_di_office", {}),
    "bad_sandbox_escape.bpmn": ("refused:esc_import|esc_dunder|esc_open|esc_builtins", {}),
    "bad_timer_timedelta.bpmn": ("refused:wait_30s", {}),
    "bad_timer_not_a_date.bpmn": ("refused:wait_tuesday", {}),  # "next tuesday" is no ISO 8601 date
    "bad_timer_cycle.bpmn": ("refused:remind_cycle", {}),  # cycles are never fired (engine/runtime/timers.py)
    "bad_unknown_function.bpmn": ("refused:summarize", {}),
    "bad_mi_input_never_set.bpmn": ("refused:review", {}),
    "bad_camunda_el_condition.bpmn": ("refused:f_yes", {}),
    "bad_compensation.bpmn": ("refused:undo_fill", {}),
    "bad_missing_called_process.bpmn": ("refused:call_missing", {}),
    "bad_missing_form.bpmn": ("refused:fill", {}),
    "bad_missing_decision.bpmn": ("refused:decide", {"words": {"decide": "no_such_table"}}),
    "bad_unknown_role_lane.bpmn": ("refused:Lane_bad_unknown_role_lane_office", {}),
    "bad_no_start_event.bpmn": ("refused:corpus_bad_no_start_event", {}),
    "bad_script_syntax.bpmn": ("refused:broken", {}),
    "bad_gateway_no_conditions.bpmn": ("refused:gw_bare", {}),
    "bad_runaway_script.bpmn": ("stops:spin", {"visits": ["fill"]}),  # no validator can tell it never ends
    # -- unusual but valid
    "odd_zeebe_user_task.bpmn": ("completes", {"visits": ["fill"]}),  # <zeebe:userTask/> beside our properties
    "odd_latin1_names.bpmn": ("completes", {"visits": ["fill", "review"], "name": "Règlement à deux étapes（两步审批）"}),
    "bad_deep_nesting.bpmn": ("refused:sub_17", {}),  # 30 nested subprocesses, past the run-time bound of 16 levels
}
