"""The functions BPMN scripts may call. Each reads or records through the engine, never raw SQL.

Decisions reached by a meeting are queued here and delivered to the waiting matters by the
runtime after the meeting's own steps, in the same transaction.
"""
from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from sqlalchemy.orm import Session

from engine.committee import accountability, topics
from engine.committee.ballots import box as ballot_box
from engine.committee.calendar_days import load_calendar
from engine.bpmn.callables import LOOKUP_FUNCTIONS, SCRIPT_FUNCTIONS, SIDE_EFFECT_FUNCTIONS  # noqa: F401 (re-exported)
from engine.directory.people import Directory
from engine.directory.snapshots import field_member, person, role_members
from engine.errors import Msg, NotFound, WorkflowFailed
from engine.committee.meetings import ballot_options, body as body_of, chosen, notice_refusal, passes, quorum
from engine.models import HumanTask, Instance
from engine.collaboration.notifications import notify_role
from engine.committee.numbering import format_number, next_number
from engine.committee.workdays import LOCAL_TZ

_TYPES = {"str": str, "int": int, "bool": bool, "list": list, "dict": dict, "None": type(None)}


@functools.lru_cache(maxsize=None)
def _signature(function: Callable) -> tuple[inspect.Signature, dict[str, tuple[type, ...]]]:
    """A script function's signature and the types its annotations allow for each argument."""
    signature = inspect.signature(function)
    allowed = {name: tuple(_TYPES[t.strip()] for t in str(p.annotation).split("|") if t.strip() in _TYPES)
               for name, p in signature.parameters.items()}
    return signature, allowed


def _checked(method: Callable) -> Callable:
    """``method`` refusing arguments whose types its annotations do not allow (a script's data is untrusted)."""
    signature, allowed = _signature(method.__func__)

    def call(*args, **kwargs):
        bound = signature.bind(method.__self__, *args, **kwargs)  # TypeError for a wrong count or name
        for name, value in bound.arguments.items():
            types = allowed[name]
            if types and not (isinstance(value, types) or (int in types and isinstance(value, str)
                                                           and value.isdigit())):
                raise TypeError(Msg("script.bad_type", name=name, kind=type(value).__name__))
        return method(*args, **kwargs)
    return call


@dataclass
class Delivery:
    """A decision to hand to the matter that waits for it."""

    matter_id: int
    element_id: str
    payload: dict


@dataclass
class ScriptApi:
    """Binds the script functions to one transaction, one matter and one moment."""

    session: Session
    instance: Instance
    now: datetime
    deliveries: list[Delivery] = field(default_factory=list)

    def functions(self) -> dict[str, Callable]:
        """The functions by the names scripts use, each checking its arguments' types first."""
        return {name: _checked(getattr(self, name)) for name in SCRIPT_FUNCTIONS}

    def lookups(self) -> dict[str, Callable]:
        """The read-only functions expressions may call."""
        return {name: _checked(getattr(self, name)) for name in LOOKUP_FUNCTIONS}

    # -- directory --------------------------------------------------------------------------
    def members_of(self, role: str) -> list[str]:
        return [p.username for p in role_members(self.session, role)]

    def display_name(self, username: str) -> str:
        user = person(self.session, username)
        return user.display_name if user else username

    def member_in_charge_of(self, field_name: str) -> str:
        member = field_member(self.session, field_name)
        if member is None:
            raise NotFound("field.missing", field=field_name)
        self.instance.member_in_charge_id = member.id  # the matter's member in charge, for the auditors
        return member.username

    # -- numbers, time, ballots -------------------------------------------------------------------
    def ballot_tally(self, element: str, item_key: str = "", options: list | None = None) -> dict:
        """Votes per choice; ``options`` (values or [value, label] pairs) default to agree/disagree/abstain."""
        values = [o[0] if isinstance(o, (list, tuple)) else o for o in options or ballot_options("", None)]
        return ballot_box.tally(self.session, self.instance.id, element, str(item_key), values)

    def seal_ballot_box(self, tellers: list, teller_keys: list) -> dict:
        """Draw the meeting's vote key, a share wrapped for each teller's public key (R8); never the key itself."""
        return ballot_box.seal(self.session, self.instance.id, [str(t) for t in tellers], [str(k) for k in teller_keys])

    def tally_opened(self, element: str, item_key: str = "") -> bool:
        """True once enough tellers have given their shares of the vote's totals (completion of 开启计票)."""
        return ballot_box.opened(self.session, self.instance.id, element, str(item_key))

    def vote_result(self, item: dict, tally: dict, should_attend: int) -> dict:
        """R9 (and R17 for a competitive vote): {"passed", "chosen", "text"} for the minutes."""
        should_attend, candidates = int(should_attend), item.get("choices") or []
        if candidates:
            winner = chosen(tally, candidates, should_attend)
            counts = "，".join(f"{c} {tally.get(c, 0)} 票" for c in candidates)
            text = f"{counts}，弃权 {tally.get('abstain', 0)}（应到 {should_attend}）"
            return {"passed": winner is not None, "chosen": winner,
                    "text": text + (f"，{winner} 当选" if winner else "，无人获应到半数以上票")}
        text = (f"同意 {tally['agree']}，不同意 {tally['disagree']}，弃权 {tally['abstain']}（应到 {should_attend}）")
        return {"passed": passes(int(tally["agree"]), should_attend), "chosen": None, "text": text}

    def next_number(self, series: str) -> str:
        year = self.now.astimezone(LOCAL_TZ).year
        return format_number(series, year, next_number(self.session, series, year))

    def working_days_from_now(self, days: int) -> str:
        """For timer events: <bpmn:timeDate>working_days_from_now(3)</bpmn:timeDate> (R4 calendar)."""
        return load_calendar(self.session).add_working_days(self.now, int(days)).isoformat()

    def task_overdue(self, element: str) -> bool:
        """True when this matter's last task at ``element`` was completed after its due time."""
        row = self.session.query(HumanTask).filter_by(instance_id=self.instance.id, element_id=element) \
            .order_by(HumanTask.id.desc()).first()
        done = row.completed_at if row and row.completed_at else self.now
        return bool(row and row.due_at and done > row.due_at)

    def link_case(self, matter: int | str | None = None, official: str | None = None) -> int:
        """R21: record what this accountability case is about (checked by R21_case_subject when it was entered)."""
        return accountability.link(self.session, self.instance, matter, official, self.now)

    def notify_role(self, role: str, title: str, body: str = "") -> int:
        return notify_role(self.session, role, "flag", title, self.now, body, self.instance.id)

    # -- topics and meetings ----------------------------------------------------------------------
    def submit_topic(self, body: str, kind: str = "ordinary", member_in_charge: str | None = None,
                     consented: bool = False, element: str = "await_decision", mandatory: bool = False,
                     changes: int | None = None, choices: list | None = None) -> int:
        """A matter puts its topic in a body's queue and then waits at ``element`` for the decision."""
        member = Directory(self.session).find(member_in_charge) if member_in_charge else None
        topic = topics.submit(self.session, self.instance, element, body, self.instance.title, kind,
                              member.id if member else None, bool(consented), self.now, bool(mandatory),
                              int(changes) if changes is not None else None,
                              [str(c) for c in choices] if choices is not None else None)
        return topic.id

    def topic_titles(self, topic_ids: list) -> list[str]:
        return [t["title"] for t in topics.agenda_items(self.session, [int(i) for i in topic_ids or []])]

    def schedule_agenda(self, topic_ids: list, body: str, emergency_reason: str | None = None) -> list[dict]:
        """Put topics on this meeting's notified agenda (R1/R4), or as declared emergencies (R2)."""
        ids = [int(i) for i in topic_ids]
        topics.schedule(self.session, ids, self.instance.id, body, emergency_reason)
        self.instance.body = body
        return topics.agenda_items(self.session, ids)

    def send_notice(self, body: str, meeting_date: str, place: str = "") -> int:
        """R4: the written notice, recorded for every member of the body."""
        refusal = notice_refusal(load_calendar(self.session), self.now, date.fromisoformat(meeting_date))
        if refusal:  # the completion check refuses first; this guards scripts that skip it
            raise WorkflowFailed(refusal)
        title = Msg("notice.meeting", matter=self.instance.title, when=f"{meeting_date}{' ' + place if place else ''}")
        return notify_role(self.session, body_of(body).member_role, "notice", title, self.now, "", self.instance.id)

    def quorum_check(self, item: dict, present: list, should_attend: int) -> dict:
        """R5 for one item: {"ok": bool, "reasons": "…"}."""
        member = item.get("member_in_charge")
        reasons = quorum(int(should_attend), len(present), item.get("kind") == "personnel",
                         (member in present) if member else None)
        return {"ok": not reasons, "reasons": "；".join(reasons)}

    def defer_topic(self, item: dict, reason: str) -> str:
        topics.defer(self.session, int(item["topic_id"]), reason)
        return "deferred"

    def record_decision(self, item: dict, body: str, tally: dict, should_attend: int, present: list,
                        secretary_view: str | None = None, ruling: str | None = None) -> str:
        """Record the decision on an item (R9 majority, R10 ruling) and queue it for the matter."""
        result = self.vote_result(item, tally, should_attend)
        vote_outcome = "passed" if result["passed"] else "rejected"
        outcome = ruling if ruling in ("passed", "rejected") else vote_outcome
        if item.get("choices"):  # the chosen candidate's votes count as 同意, the others' as 不同意
            top = result["chosen"] or max(item["choices"], key=lambda c: tally.get(c, 0))
            tally = {"agree": tally.get(top, 0), "abstain": tally.get("abstain", 0),
                     "disagree": sum(tally.get(c, 0) for c in item["choices"] if c != top), **tally}
        decision = topics.decide(self.session, self.instance.id, body, int(item["topic_id"]), outcome, tally,
                                 int(should_attend), len(present), vote_outcome, secretary_view,
                                 ruling, self.now, result["chosen"] if outcome == "passed" else None)
        self.deliveries.append(Delivery(decision.topic.instance_id, decision.topic.element_id, {
            "outcome": outcome, "decision_id": decision.id, "meeting_id": self.instance.id,
            "agree": decision.agree, "disagree": decision.disagree, "abstain": decision.abstain,
            "should_attend": decision.should_attend, "ruled": ruling is not None,
            "chosen": decision.chosen, "choice_tally": decision.choice_tally, "tally_text": result["text"]}))
        return outcome
