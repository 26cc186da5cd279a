"""Completed assessments: the record, timepoints, follow-ups, safety actions and change over time.

Plain Python only (no scoring here): scores are worked out by the ``instruments``
package and saved by ``workwell_desktop.services.assessments``; this module only holds the
record and the rules about it that need no instrument definition.

A completed assessment is a fact once made: it is never edited, and a correction is
a new version that ``supersedes`` it, with the reason.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from . import json_text
from . import validation as v
from .records import Record, _collect

Errors = dict[str, str]

# Follow-ups are due this many months after discharge (the programme follows
# outcomes beyond the 12 weeks of support).
FOLLOW_UP_MONTHS: tuple[int, ...] = (3, 6)
# A follow-up is "due" from this many days before its date until this many after;
# later than that it is "overdue".
FOLLOW_UP_WINDOW_DAYS = 14

TIMEPOINTS = {
    "baseline": "Baseline",
    "review": "Review",
    "discharge": "Discharge",
    **{f"follow_up_{m}m": f"Follow-up ({m} months)" for m in FOLLOW_UP_MONTHS},
}
_FOLLOW_UP = re.compile(r"^follow_up_(\d{1,2})m$")

FOLLOW_UP_STATUSES = {
    "upcoming": "Not due yet",
    "due": "Due now",
    "overdue": "Overdue",
    "done": "Done",
    "cancelled": "Cancelled: the client withdrew and did not agree to be contacted",
}


def timepoint_label(code: str) -> str:
    """'follow_up_3m' -> 'Follow-up (3 months)'; unknown codes are shown as they are."""
    if code in TIMEPOINTS:
        return TIMEPOINTS[code]
    match = _FOLLOW_UP.match(code or "")
    return f"Follow-up ({int(match.group(1))} months)" if match else code


def is_timepoint(code: str) -> bool:
    return code in TIMEPOINTS or bool(_FOLLOW_UP.match(code or ""))


# ----- the safety record ---------------------------------------------------------


@dataclass(frozen=True)
class SafetyChoice:
    """One action on the service's checklist (resources/safety/safety_actions.json)."""

    id: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class CrisisLine:
    name: str
    number: str
    when: str = ""


@dataclass(frozen=True)
class SafetyGuidance:
    """What the safety prompt shows: the service's own wording, edited as a file."""

    title: str
    intro: str
    actions: tuple[SafetyChoice, ...]
    crisis_lines: tuple[CrisisLine, ...]
    note_prompt: str
    # How many days a risk marker stays on the caseload after a risk answer.
    risk_marker_days: int = 28

    @classmethod
    def from_dict(cls, data: dict) -> SafetyGuidance:
        """Parse the file's content; ValueError names what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("the safety actions file must hold a JSON object")
        actions = data.get("actions")
        if not isinstance(actions, list) or not actions:
            raise ValueError("'actions' must list at least one safety action")
        choices, seen = [], set()
        for number, entry in enumerate(actions, 1):
            if (
                not isinstance(entry, dict)
                or not str(entry.get("id", "")).strip()
                or not str(entry.get("label", "")).strip()
            ):
                raise ValueError(f"safety action {number} needs an 'id' and a 'label'")
            if entry["id"] in seen:
                raise ValueError(f"safety action id {entry['id']!r} is used twice")
            seen.add(entry["id"])
            choices.append(SafetyChoice(str(entry["id"]), str(entry["label"]), str(entry.get("detail", ""))))
        lines = []
        for number, entry in enumerate(data.get("crisis_lines", []), 1):
            if not isinstance(entry, dict) or not entry.get("name") or not entry.get("number"):
                raise ValueError(f"crisis line {number} needs a 'name' and a 'number'")
            lines.append(CrisisLine(str(entry["name"]), str(entry["number"]), str(entry.get("when", ""))))
        days = data.get("risk_marker_days", 28)
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365:
            raise ValueError("'risk_marker_days' must be a whole number of days from 0 to 365")
        return cls(
            risk_marker_days=days,
            title=str(data.get("title") or "Safety check"),
            intro=str(data.get("intro") or ""),
            actions=tuple(choices),
            crisis_lines=tuple(lines),
            note_prompt=str(data.get("note_prompt") or "What you did"),
        )

    def label_for(self, action_id: str) -> str:
        for choice in self.actions:
            if choice.id == action_id:
                return choice.label
        return action_id


@dataclass(frozen=True)
class SafetyAction:
    """What the coach did after a risk answer: the checklist ticked and their own note.

    Kept in the assessment as JSON so the record and what was done travel together.
    """

    actions: tuple[str, ...] = ()
    note: str = ""
    recorded_by: str = ""
    recorded_at: str = ""  # ISO date-time, UTC

    def problems(self) -> Errors:
        """Messages by field of the safety prompt: a tick and a note are both required."""
        return _collect(
            safety_actions=None if self.actions else "Tick at least one thing you did.",
            safety_note=v.check_required(self.note, "note of what you did and what was agreed"),
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "actions": list(self.actions),
                "note": self.note,
                "recorded_by": self.recorded_by,
                "recorded_at": self.recorded_at,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> SafetyAction | None:
        """The stored action, or None when there is none. Plain text (from an older or
        another client) is kept as the note."""
        if not text:
            return None
        try:
            data = json_text.loads(text)
        except ValueError:
            return cls(note=text)
        if not isinstance(data, dict):
            return cls(note=text)
        return cls(
            tuple(str(a) for a in data.get("actions", ())),
            str(data.get("note", "")),
            str(data.get("recorded_by", "")),
            str(data.get("recorded_at", "")),
        )


# ----- the record ----------------------------------------------------------------


@dataclass
class Assessment(Record):
    """One completed assessment. ``answers`` holds one entry per item (the option value,
    None for unanswered or free-text items); ``responses`` the free-text answers as a
    JSON object by item id (the unscored WorkWell initial assessment)."""

    record_type: ClassVar[str] = "assessment"
    mutable: ClassVar[bool] = False

    client_id: str = ""
    instrument_id: str = ""
    instrument_version: str = ""
    timepoint: str = ""
    completed_on: str = ""
    completed_by: str = ""
    answers: tuple[int | None, ...] = ()
    responses: str = ""
    total: int | float | None = None
    raw: int | None = None
    band: str = ""
    flags: tuple[str, ...] = ()
    safety_action: str = ""
    supersedes: str = ""
    correction_reason: str = ""

    @property
    def response_texts(self) -> dict[str, str]:
        try:
            data = json_text.loads(self.responses) if self.responses else {}
        except ValueError:
            return {}
        return {str(k): str(t) for k, t in data.items()} if isinstance(data, dict) else {}

    @property
    def safety(self) -> SafetyAction | None:
        return SafetyAction.from_json(self.safety_action)

    def validate(self, today: date | None = None) -> Errors:
        errors = _collect(
            instrument_id=v.check_required(self.instrument_id, "measure"),
            instrument_version=v.check_required(self.instrument_version, "measure version"),
            completed_on=v.check_not_future(self.completed_on, "date the assessment was completed", today),
            completed_by=v.check_required(self.completed_by, "name of who completed it"),
        )
        if not is_timepoint(self.timepoint):
            errors["timepoint"] = (
                "Choose the timepoint: baseline, review, discharge or follow-up."
                if not self.timepoint
                else f"'{self.timepoint}' is not a known timepoint."
            )
        if self.responses:
            try:
                parsed = json_text.loads(self.responses)
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict):
                errors["responses"] = "The written answers could not be read: start the assessment again."
        if all(a is None for a in self.answers) and not self.response_texts:
            errors["answers"] = "Answer the questions before completing the assessment."
        if self.flags:
            action = self.safety
            if action is None:
                errors["safety_action"] = (
                    "A risk answer was given: record what you did (the safety "
                    "actions) before completing the assessment."
                )
            elif action.problems():
                errors["safety_action"] = "Record what you did after the risk answer: " + " ".join(
                    action.problems().values()
                )
        if self.supersedes and not self.correction_reason.strip():
            errors["correction_reason"] = "Say why this assessment is being corrected."
        if self.correction_reason.strip() and not self.supersedes:
            errors["correction_reason"] = "Only a correction of an earlier assessment has a reason."
        if self.supersedes and self.supersedes == self.id:
            errors["supersedes"] = "An assessment cannot correct itself."
        return errors


def current(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Drop the versions a later correction supersedes (order kept)."""
    assessments = list(assessments)
    replaced = {a.supersedes for a in assessments if a.supersedes}
    return [a for a in assessments if a.id not in replaced]


# ----- follow-ups after discharge --------------------------------------------------


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day
    (31 Aug + 6 months = 28 or 29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class FollowUp:
    timepoint: str  # follow_up_3m, ...
    months: int
    due_on: str  # ISO date
    status: str  # a key of FOLLOW_UP_STATUSES
    done_on: str = ""  # when a follow-up assessment at this timepoint was completed

    @property
    def label(self) -> str:
        return timepoint_label(self.timepoint)


def follow_ups(
    discharged_on: str,
    assessments: Iterable[Assessment],
    today: date | None = None,
    months: Sequence[int] = FOLLOW_UP_MONTHS,
) -> list[FollowUp]:
    """The follow-up assessments due after a discharge on ``discharged_on``.

    One is due ``months`` after the discharge date. It is *done* once any measure
    is completed at that timepoint on or after the discharge; otherwise *due* within
    FOLLOW_UP_WINDOW_DAYS either side of its date, *overdue* after that and *not due
    yet* before.
    """
    left = v.parse_date(discharged_on)
    if left is None:
        return []
    today = today or date.today()
    window = timedelta(days=FOLLOW_UP_WINDOW_DAYS)
    done: dict[str, str] = {}
    for a in current(assessments):
        if a.completed_on >= left.isoformat():
            done[a.timepoint] = min(done.get(a.timepoint, a.completed_on), a.completed_on)
    result = []
    for m in months:
        timepoint, due = f"follow_up_{m}m", add_months(left, m)
        if timepoint in done:
            status = "done"
        elif today > due + window:
            status = "overdue"
        elif today >= due - window:
            status = "due"
        else:
            status = "upcoming"
        result.append(FollowUp(timepoint, m, due.isoformat(), status, done.get(timepoint, "")))
    return result


# ----- change since baseline ---------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    completed_on: str
    timepoint: str
    value: float
    assessment_id: str


@dataclass(frozen=True)
class MeasureTrend:
    """One measure's scores over time (an ONS4 question counts as a measure of its own)."""

    key: str  # instrument id, or "ons4:anxiety" for one separately banded item
    name: str  # "PHQ-9", "ONS4 anxiety"
    points: tuple[TrendPoint, ...] = ()  # oldest first
    lowest: float = 0  # the scale's ends, for a chart
    highest: float = 0

    @property
    def baseline(self) -> TrendPoint | None:
        return next((p for p in self.points if p.timepoint == "baseline"), None)

    @property
    def latest(self) -> TrendPoint | None:
        return self.points[-1] if self.points else None

    @property
    def change(self) -> float | None:
        """Latest minus baseline; None without a baseline or a later score."""
        base, last = self.baseline, self.latest
        if base is None or last is None or last is base:
            return None
        return round(last.value - base.value, 2)

    def summary(self) -> str:
        """'PHQ-9: 18 → 9 (−9) since baseline' and the plain-English cases around it."""
        base, last = self.baseline, self.latest
        if last is None:
            return f"{self.name}: not completed yet"
        if base is None:
            return (
                f"{self.name}: {number_text(last.value)} at {timepoint_label(last.timepoint).lower()}"
                "; no baseline to compare with"
            )
        if last is base:
            return f"{self.name}: {number_text(base.value)} at baseline"
        return (
            f"{self.name}: {number_text(base.value)} \u2192 {number_text(last.value)}"
            f" ({change_text(self.change)}) since baseline"
        )


def number_text(value: float | int | None) -> str:
    """19.25 -> '19.25', 18.0 -> '18', None -> '–'."""
    if value is None:
        return "\u2013"
    if isinstance(value, float):
        text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


def change_text(change: float | None) -> str:
    """+3, −9 (a real minus sign, as screen readers say it), 'no change'."""
    if change is None:
        return ""
    if change == 0:
        return "no change"
    return ("+" if change > 0 else "\u2212") + number_text(abs(change))


def trend(
    key: str,
    name: str,
    assessments: Iterable[Assessment],
    value: Callable[[Assessment], float | None],
    lowest: float = 0,
    highest: float = 0,
) -> MeasureTrend:
    """A measure's trend from its current (uncorrected) assessments, oldest first."""
    ordered = sorted(enumerate(current(assessments)), key=lambda pair: (pair[1].completed_on, pair[0]))
    points = []
    for _position, a in ordered:
        number = value(a)
        if number is not None:
            points.append(TrendPoint(a.completed_on, a.timepoint, number, a.id))
    return MeasureTrend(key, name, tuple(points), lowest, highest)
