"""delegate_proposal (R22): a delegate's proposal is handled and answered, again if the delegate is not satisfied."""
from __future__ import annotations

from tests.meeting_helpers import run_process

STEPS = {
    "write_proposal": {"proposal_text": "建议在老城区增设公共停车场，缓解停车难问题。"},
    "register": {"field": "城乡建设", "handler": "bumen"},
    "handle": {"handling": "已选址两处，纳入明年建设计划。", "draft_answer": "您的提案已纳入明年建设计划。"},
    "review_answer": {"answer_approved": True},
    "answer": {"answer_text": "您的提案已纳入明年建设计划，感谢关心。"},
    "feedback": {"satisfaction": "满意"},
}


def proposal(api, extra=None):
    return run_process(api, "delegate_proposal", "daibiao", "关于增设停车场的提案", {**STEPS, **(extra or {})})


def test_R22_a_proposal_is_handled_reviewed_answered_and_closed(api):
    instance, steps = proposal(api)
    assert steps == [("write_proposal", "daibiao"), ("register", "bangong"), ("handle", "bumen"),
                     ("review_answer", "zhoucw"), ("answer", "bangong"), ("feedback", "daibiao")]
    assert api.instance(instance)["status"] == "completed"


def test_R22_an_answer_sent_back_by_the_member_in_charge_is_redone(api):
    verdicts = iter([False, True])
    _, steps = proposal(api, {"review_answer": lambda holder: {"answer_approved": next(verdicts)}})
    assert [e for e, _ in steps].count("handle") == 2


def test_R22_an_unsatisfied_delegate_gets_the_proposal_handled_again(api):
    feedback = iter(["不满意", "基本满意"])
    instance, steps = proposal(api, {"feedback": lambda holder: {"satisfaction": next(feedback),
                                                                 "feedback_note": "希望明确建设时间。"}})
    elements = [e for e, _ in steps]
    assert elements.count("handle") == 2 and elements.count("feedback") == 2
    assert api.instance(instance)["status"] == "completed"
