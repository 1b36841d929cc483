"""The accountability ledger (R21) as a file: CSV of the summary (a line per entry), and XLSX with the summary and a
sheet per kind of record (decisions, late steps, reports, urgings, letters, inquiries answered, accountability cases).
Times are Beijing time, delays in hours; text is neutralised as ``exports`` does."""
from __future__ import annotations

from datetime import datetime

from engine.committee.workdays import LOCAL_TZ
from engine.messages import MESSAGES
from engine.oversight.exports import Words, csv_bytes, xlsx_bytes
from engine.oversight.ledger import OFFICIAL, Entry, LedgerView, hours

SUMMARY = ("kind", "name", "decisions", "late_steps", "total_late_hours", "longest_late_hours", "late_reports",
           "missing_reports", "urgings", "letters", "rated", "average_rating", "inquiries", "inquiries_late",
           "inquiries_unsatisfied", "cases", "cases_sanctioned")
PLACE = ("official", "body", "matter", "step")
OUTCOMES = {"passed": "ledger.passed", "rejected": "ledger.rejected"}


def _same(text: str) -> str:
    return text


def _label(code: str, words: Words) -> str:
    return words(MESSAGES[f"ledger.{code}"])


def outcome(decision, words: Words = _same) -> str:
    """A decision's outcome in words (通过, 未通过); an outcome without words as stored."""
    code = OUTCOMES.get(decision.outcome)
    return words(MESSAGES[code]) if code else decision.outcome


def answer_state(inquiry) -> str:
    """Where an answer stands, as the code of its words: in time, late, not made past its due time, or awaited."""
    if inquiry.unanswered:
        return "not_answered" if inquiry.late else "awaiting_answer"
    return "answered_late" if inquiry.late else "answered_in_time"


def _value(value):
    if isinstance(value, datetime):  # Excel has no time zones: the Beijing time the page shows
        return value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return "" if value is None else value


def summary(view: LedgerView, words: Words = _same) -> list[list]:
    """The header and a line per entry: officials first, then bodies."""
    def line(entry: Entry) -> list:
        kind = _label("official" if entry.kind == OFFICIAL else "body", words)
        return [_value(v) for v in (kind, entry.name, entry.decisions, entry.late_steps, hours(entry.total_late),
                                    hours(entry.longest_late), entry.late_reports, entry.missing_reports,
                                    entry.urgings, entry.letters, entry.rated, entry.average_rating,
                                    entry.inquiries, entry.inquiries_late, entry.inquiries_unsatisfied, entry.cases,
                                    entry.cases_sanctioned)]
    return [[_label(code, words) for code in SUMMARY]] + [line(e) for e in [*view.officials, *view.bodies]]


def details(view: LedgerView, words: Words = _same) -> dict[str, list[list]]:
    """A sheet per kind of record (name → header and lines), each record once."""
    records, label = view.records, (lambda code: _label(code, words))

    def sheet(codes: tuple[str, ...], lines: list[tuple]) -> list[list]:
        return [[label(code) for code in codes]] + [[_value(v) for v in line] for line in lines]

    def place(r) -> tuple:
        return (r.official_name, r.body, r.matter, r.step)

    yes, no = label("yes"), label("no")

    def word(value: str | None) -> str | None:  # a value a form recorded (询问, 不满意, 诫勉 …)
        return words(value) if value else value
    return {
        label("sheet_decisions"): sheet(("member_in_charge", "body", "matter", "kind", "outcome", "decided_at",
                                         "superseded"),
                                        [(d.official_name, d.body, d.matter, words(d.step), outcome(d, words),
                                          d.decided_at, yes if d.superseded else no) for d in records.decisions]),
        label("sheet_late_steps"): sheet((*PLACE, "due_at", "done_at", "late_hours"),
                                         [(*place(s), s.due_at, s.done_at, hours(s.late_by))
                                          for s in records.late_steps]),
        label("sheet_reports"): sheet(("rule", *PLACE, "due_at", "reported_at", "late_hours", "state"),
                                      [(r.rule, *place(r), r.due_at, r.reported_at, hours(r.late_by),
                                        label("not_reported" if r.missing else "reported_late"))
                                       for r in records.reports]),
        label("sheet_urgings"): sheet((*PLACE, "urged_at", "urged_by"),
                                      [(*place(u), u.urged_at, u.urged_by) for u in records.urgings]),
        label("sheet_letters"): sheet((*PLACE, "done_at", "rating", "rated_at"),
                                      [(*place(c), c.done_at, c.rating, c.rated_at) for c in records.letters]),
        label("sheet_inquiries"): sheet((*PLACE, "inquiry_kind", "asked_by", "due_at", "answered_at", "late_hours",
                                         "state", "answer_rating"),
                                        [(*place(i), word(i.kind), i.asked_by, i.due_at, i.answered_at,
                                          hours(i.late_by) if i.late else None, label(answer_state(i)),
                                          word(i.rating)) for i in records.inquiries]),
        label("sheet_cases"): sheet(("official", "body", "case", "about", "opened_at", "case_outcome"),
                                    [(c.official_name, c.body, c.matter, c.about, c.opened_at,
                                      word(c.outcome) if c.decided else label("pending")) for c in records.cases]),
    }


def to_csv(view: LedgerView, words: Words = _same) -> bytes:
    """The summary as CSV (UTF-8 with BOM, for Excel)."""
    return csv_bytes(summary(view, words))


def to_xlsx(view: LedgerView, words: Words = _same) -> bytes:
    """The summary and every record behind it as XLSX, a sheet each."""
    return xlsx_bytes({_label("sheet_summary", words): summary(view, words), **details(view, words)})
