"""Risk events and the safety tasks they leave open.

A risk answer (PHQ-9 item 9 above 0, the initial assessment's risk question) is
written down *the moment it is given*, as a ``risk_event`` of kind ``answer``,
before anything else happens to the assessment: so a changed answer, a cancelled
assessment, an auto-lock or a killed app cannot lose it. What the coach does next is
another event: ``action`` (what they did, the checklist ticked and a note: this closes
the answers it names) or ``later`` (they chose to record it later: this closes
nothing). All are facts once made: never edited, synced like any other record.

A **safety task** is open while an answer event has no action event naming it, or a
current assessment carries a risk flag with no safety record (one that arrived by
sync and was re-scored). Only a recorded action closes it. ``open_safety_tasks`` is
the one implementation of that rule: the client's Assessments tab, the caseload
marker and filter and the team summary count all call it.

Plain Python, no Qt, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar

from . import validation as v
from .assessments import Assessment, SafetyAction, current
from .records import Record, _collect

Errors = dict[str, str]

RISK_EVENT_KINDS = {
    "answer": "Risk answer given",
    "later": "Coach chose to record what they did later",
    "action": "What the coach did was recorded",
}

# A risk marker stays on the caseload this many days after a risk answer, even once
# the safety task is closed (the ``risk_marker_days`` setting changes it).
RISK_MARKER_DAYS = 28


@dataclass
class RiskEvent(Record):
    """One step of what happened after a risk answer (see the module docstring)."""

    record_type: ClassVar[str] = "risk_event"
    mutable: ClassVar[bool] = False
    # item_id names a question, not a record; closes names this client's answer events.
    reference_fields: ClassVar[tuple[str, ...]] = ("closes",)

    client_id: str = ""
    kind: str = ""  # a key of RISK_EVENT_KINDS
    instrument_id: str = ""  # answer: the measure it was given in
    item_id: str = ""  # answer: which question
    item_number: int = 0
    answer: int | None = None  # answer: the option value given
    flag_id: str = ""  # answer: the instrument's flag rule it raised
    assessment_id: str = ""  # the assessment it belongs to (saved or not: its id is chosen first)
    recorded_by: str = ""
    recorded_at: str = ""  # ISO date-time, UTC
    actions: tuple[str, ...] = ()  # action: the safety checklist ids ticked
    note: str = ""  # action: what the coach did and what was agreed
    closes: tuple[str, ...] = ()  # later/action: the answer events it responds to

    @property
    def safety_action(self) -> SafetyAction:
        return SafetyAction(self.actions, self.note, self.recorded_by, self.recorded_at)

    def validate(self, today: date | None = None) -> Errors:
        errors = _collect(
            kind=v.check_choice(self.kind, RISK_EVENT_KINDS, "kind of risk event"),
            recorded_by=v.check_required(self.recorded_by, "name of who recorded it"),
            recorded_at=v.check_required(self.recorded_at, "time it was recorded"),
        )
        if self.kind == "answer":
            if not self.instrument_id or not self.item_id or self.answer is None:
                errors["answer"] = "A risk answer names the measure, the question and the answer given."
            if self.closes or self.actions or self.note:
                errors["closes"] = "A risk answer records the answer only; what was done is a separate event."
        elif self.kind in ("later", "action"):
            if not self.closes:
                errors["closes"] = "Say which risk answer this is about."
            if self.kind == "action":
                errors.update(self.safety_action.problems())
            elif self.actions or self.note:
                errors["safety_note"] = "Choosing 'later' records no actions: record them when they are done."
        return errors


@dataclass(frozen=True)
class SafetyTask:
    """An open safety task: a risk answer nobody has yet recorded an action for."""

    client_id: str
    instrument_id: str
    item_number: int
    answer: int | None
    since: str  # when the answer was given (ISO date-time or date)
    answer_event_ids: tuple[str, ...]  # what a recorded action must close
    assessment_id: str = ""
    chose_later: bool = False
    from_assessment: bool = False  # a flagged assessment with no safety record


def open_safety_tasks(
    events: Iterable[RiskEvent], assessments: Iterable[Assessment] = ()
) -> list[SafetyTask]:
    """Every open safety task in these records (any number of clients), oldest first."""
    events = list(events)
    # An action closes only its own client's answers: one naming another client's ids
    # (a bug, or a tampered change) closes nothing.
    closed = {(e.client_id, cid) for e in events if e.kind == "action" for cid in e.closes}
    later = {(e.client_id, cid) for e in events if e.kind == "later" for cid in e.closes}
    tasks = [
        SafetyTask(
            e.client_id,
            e.instrument_id,
            e.item_number,
            e.answer,
            e.recorded_at,
            (e.id,),
            e.assessment_id,
            (e.client_id, e.id) in later,
        )
        for e in events
        if e.kind == "answer" and (e.client_id, e.id) not in closed
    ]
    answered_in = {e.assessment_id for e in events if e.kind == "answer"}
    for a in current(assessments):
        # A flag with no safety record and no answer event of its own: it arrived by
        # sync (or was re-scored) without what was done, so it is a task too.
        if a.flags and a.safety is None and a.id not in answered_in and (a.client_id, a.id) not in closed:
            # An action event closes it by naming the assessment itself.
            tasks.append(
                SafetyTask(
                    a.client_id, a.instrument_id, 0, None, a.completed_on, (a.id,), a.id, from_assessment=True
                )
            )
    return sorted(tasks, key=lambda t: t.since)


@dataclass(frozen=True)
class RiskStatus:
    """What the caseload and the record header show for one client."""

    open_tasks: int = 0
    last_risk_on: str = ""  # date of the latest risk answer or flag, "" when none

    @property
    def marked(self) -> bool:
        return self.open_tasks > 0 or bool(self.last_risk_on)

    def text(self) -> str:
        if self.open_tasks:
            return (
                f"Open safety task{'s' if self.open_tasks > 1 else ''} ({self.open_tasks}): "
                "record what was done after a risk answer"
            )
        if self.last_risk_on:
            return f"Risk answer on {self.last_risk_on}"
        return ""


def _day(stamp: str) -> str:
    return (stamp or "")[:10]


def risk_status_by_client(
    events: Iterable[RiskEvent],
    assessments: Iterable[Assessment],
    today: date | None = None,
    recent_days: int = RISK_MARKER_DAYS,
) -> dict[str, RiskStatus]:
    """The risk marker for each client with one: open safety tasks, or a risk answer or
    flag within ``recent_days`` of ``today``."""
    events, assessments = list(events), list(assessments)
    today = today or date.today()
    since = (today - timedelta(days=max(0, recent_days))).isoformat()
    counts: dict[str, int] = {}
    for task in open_safety_tasks(events, assessments):
        counts[task.client_id] = counts.get(task.client_id, 0) + 1
    latest: dict[str, str] = {}
    dated = [(e.client_id, _day(e.recorded_at)) for e in events if e.kind == "answer"]
    dated += [(a.client_id, a.completed_on) for a in current(assessments) if a.flags]
    for client_id, day in dated:
        if day and day >= since:
            latest[client_id] = max(latest.get(client_id, ""), day)
    return {cid: RiskStatus(counts.get(cid, 0), latest.get(cid, "")) for cid in set(counts) | set(latest)}


def utc_now_iso() -> str:
    from datetime import UTC

    return datetime.now(UTC).isoformat(timespec="seconds")
