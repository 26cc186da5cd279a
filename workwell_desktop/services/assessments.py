"""Recording assessments: score through ``instruments.score``, then save through the store.

This module sits above ``domain``, ``instruments`` and ``store`` on purpose:
``domain`` imports nothing of ours, ``store`` depends on ``domain`` only (so it stays
usable by the sync server and reports without the instrument definitions), and
``instruments`` knows nothing about clients or databases. Scoring-then-saving needs
all three, so it lives here, one level up, where the GUI and the CLI can share it.

Scores are never worked out here: the total, raw score, band and flags saved are
exactly what ``instruments.derived.derive_assessment`` returns, the same function
the store uses to refuse a mis-scored record and sync uses to re-score one.

``store`` below is anything with ``add``, ``get``, ``for_client`` and ``coach_name``:
a :class:`~workwell_desktop.store.Store`, or the GUI's RecordStore, which announces saves.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from ..domain.assessments import (
    Assessment,
    FollowUp,
    MeasureTrend,
    SafetyAction,
    SafetyGuidance,
    current,
    trend,
)
from ..instruments import Instrument, ScoreResult, get_instrument, raised_flags
from ..instruments.derived import derive_assessment
from ..instruments.model import RESPONSE_TEXT
from ..paths import resource_path
from ..store.errors import InvalidRecord


def safety_guidance_path() -> Path:
    return resource_path("safety", "safety_actions.json")


@lru_cache(maxsize=4)
def _guidance_from(path: str, mtime: float) -> SafetyGuidance:
    return SafetyGuidance.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def load_safety_guidance(path: Path | None = None) -> SafetyGuidance:
    """The service's safety prompt wording (resources/safety/safety_actions.json).

    Read again when the file changes, so an edit by the service shows without a rebuild.
    Raises ValueError naming what is wrong with a broken file.
    """
    path = Path(path or safety_guidance_path())
    try:
        return _guidance_from(str(path), path.stat().st_mtime)
    except (OSError, json.JSONDecodeError) as problem:
        raise ValueError(f"The safety prompt wording in {path} could not be read: {problem}") from None


# Used only when the service's safety wording cannot be read (a broken edit): the
# prompt must still open, with the national crisis lines, and say what is wrong.
FALLBACK_GUIDANCE = {
    "title": "Safety check: the client gave a risk answer",
    "intro": (
        "Stop the questions and check the client is safe now, following your service's risk "
        "and safeguarding procedure. Record what you did."
    ),
    "actions": [
        {"id": "asked_immediate_risk", "label": "Asked about immediate risk"},
        {"id": "called_999", "label": "Immediate danger: called 999"},
        {"id": "shared_crisis_lines", "label": "Shared crisis lines"},
        {"id": "followed_risk_procedure", "label": "Followed the service's risk procedure"},
        {"id": "informed_team_lead", "label": "Informed the team lead"},
    ],
    "crisis_lines": [
        {"name": "Emergency services", "number": "999", "when": "Anyone in immediate danger"},
        {"name": "A&E", "number": "nearest emergency department", "when": "If they may not keep safe"},
        {"name": "NHS 111", "number": "111, then option 2", "when": "Urgent mental health help, 24 hours"},
        {"name": "Samaritans", "number": "116 123", "when": "Free, any time, day or night"},
    ],
    "note_prompt": "What you did and what was agreed",
}


def safety_guidance_for_prompt() -> tuple[SafetyGuidance, str]:
    """The guidance the safety prompt shows, and a problem to show with it ("" when none).

    A broken safety file never stops the prompt opening: the national wording above is
    used and the problem is shown in the prompt and logged (hazard HAZ-006)."""
    try:
        return load_safety_guidance(), ""
    except ValueError as broken:
        import logging

        logging.getLogger(__name__).error("safety wording file unreadable; national fallback shown")
        return SafetyGuidance.from_dict(FALLBACK_GUIDANCE), (
            f"{broken} The standard NHS crisis wording is shown instead: tell your service IT team today."
        )


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def prorated_text(missing_items: Sequence[int]) -> str:
    """How every display and export says a score was prorated."""
    items = ", ".join(str(n) for n in missing_items)
    plural = "s" if len(missing_items) != 1 else ""
    return (
        f"Prorated: item{plural} {items} not answered; the answered items' average stands in "
        f"for {'them' if plural else 'it'} (published rule, for outcome reporting)."
    )


def missing_items_of(assessment: Assessment) -> tuple[int, ...]:
    """The item numbers a scored assessment's prorated total filled in (none when whole)."""
    if assessment.total is None:
        return ()
    return tuple(n for n, a in enumerate(assessment.answers, 1) if a is None)


# ----- building and saving --------------------------------------------------------


def _unscored_problems(
    instrument: Instrument, answers: Sequence[int | None], responses: Mapping[str, str]
) -> str | None:
    name = instrument.short_name
    if len(answers) != len(instrument.items):
        return f"{name} has {len(instrument.items)} questions; got {len(answers)} answers."
    for item, answer in zip(instrument.items, answers, strict=True):
        if item.response == RESPONSE_TEXT and answer is not None:
            return f"{name}: '{item.label}' is answered in words, not with an option."
        if answer is not None and (isinstance(answer, bool) or answer not in item.values):
            return f"{name}: {answer!r} is not one of the answers to '{item.label}'."
    text_items = {item.id for item in instrument.items if item.response == RESPONSE_TEXT}
    unknown = sorted(set(responses) - text_items)
    if unknown:
        return f"{name} has no written question {', '.join(unknown)}."
    return None


def build_assessment(
    client_id: str,
    instrument_id: str,
    answers: Sequence[int | None],
    *,
    timepoint: str,
    completed_on: str,
    completed_by: str,
    responses: Mapping[str, str] | None = None,
    safety_action: SafetyAction | None = None,
    supersedes: str = "",
    correction_reason: str = "",
    record_id: str = "",
) -> tuple[Assessment, ScoreResult | None]:
    """The assessment record for these answers, scored by ``instruments.derived``.

    ``record_id`` is the id chosen when the assessment began, so the risk events
    written while it ran name the assessment they belong to.

    Raises InvalidRecord: ``answers`` says what scoring refused (a missing answer, a
    value out of range); other fields as the record's own checks say. The record is
    not saved.
    """
    try:
        instrument = get_instrument(instrument_id)
    except ValueError as unknown:
        raise InvalidRecord({"instrument_id": str(unknown)}) from None
    texts = {k: t.strip() for k, t in (responses or {}).items() if t and t.strip()}
    if instrument.scored:
        if texts:
            raise InvalidRecord({"responses": f"{instrument.short_name} has no written answers."})
    elif problem := _unscored_problems(instrument, answers, texts):
        raise InvalidRecord({"answers": problem})
    record = Assessment(
        client_id=client_id,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        timepoint=timepoint,
        completed_on=completed_on,
        completed_by=completed_by,
        answers=tuple(answers),
        responses=json.dumps(texts, ensure_ascii=False, sort_keys=True) if texts else "",
        safety_action=safety_action.to_json() if safety_action else "",
        supersedes=supersedes,
        correction_reason=correction_reason.strip(),
    )
    if record_id:
        record.id = record_id  # a correction being rebuilt keeps the id it was shown with
    # The one scoring path (instruments.derived): the same function the store and sync
    # use to check what is saved. The service's prorating choice applies here.
    try:
        derivation = derive_assessment(record, use_published_prorating=False)
    except ValueError as refused:
        raise InvalidRecord({"answers": str(refused)}) from None
    record, result = derivation.record, derivation.result
    if result is not None:
        record = replace(record, answers=tuple(result.answers))
    return record, result


def _with_risk_events(store, record: Assessment) -> list:
    """The assessment and the risk events that go with it, to save in one transaction.

    A flagged assessment needs every risk answer in it on record (the runner wrote
    them as they were given; one saved another way gets them now) and an action
    event closing them with what the coach did.
    """
    from ..domain.risk import RiskEvent
    from .safety import action_event

    if not record.flags or record.safety is None:
        return [record]
    events = store.for_client(RiskEvent, record.client_id)
    given = {(e.item_id, e.flag_id) for e in events if e.kind == "answer" and e.assessment_id == record.id}
    if record.supersedes:
        # A correction keeps the risk answers of the version it replaces: they were given
        # then, not now, and are already on record with what was done.
        original = store.get(Assessment, record.supersedes)
        given |= {(f.item_id, f.id) for f in raised_flags(original.instrument_id, list(original.answers))}
    new_answers = [
        RiskEvent(
            client_id=record.client_id,
            kind="answer",
            instrument_id=record.instrument_id,
            item_id=flag.item_id,
            item_number=flag.item_number,
            answer=flag.answer,
            flag_id=flag.id,
            assessment_id=record.id,
            recorded_by=store.coach_name,
            recorded_at=now_iso(),
        )
        for flag in raised_flags(record.instrument_id, list(record.answers))
        if (flag.item_id, flag.id) not in given
    ]
    from .safety import open_answer_ids

    closes = open_answer_ids(events, record.id) + [e.id for e in new_answers]
    if not closes:
        return [record]
    return [record, *new_answers, action_event(store, record.client_id, closes, record.safety, record.id)]


def record_assessment(
    store,
    client_id: str,
    instrument_id: str,
    answers: Sequence[int | None],
    *,
    timepoint: str,
    completed_on: str | None = None,
    completed_by: str | None = None,
    responses: Mapping[str, str] | None = None,
    safety_action: SafetyAction | None = None,
    record_id: str = "",
) -> Assessment:
    """Score and save a completed assessment in one transaction; returns it as stored.

    A risk answer needs ``safety_action`` (what the coach did), or nothing is saved;
    with it, the risk answers given in this assessment are closed by an action event
    in the same transaction.
    """
    record, _result = build_assessment(
        client_id,
        instrument_id,
        answers,
        timepoint=timepoint,
        completed_on=completed_on or date.today().isoformat(),
        completed_by=completed_by or store.coach_name,
        responses=responses,
        safety_action=safety_action,
        record_id=record_id,
    )
    return store.add_together(_with_risk_events(store, record))[0]


def correct_assessment(
    store,
    original_id: str,
    answers: Sequence[int | None],
    reason: str,
    *,
    responses: Mapping[str, str] | None = None,
    safety_action: SafetyAction | None = None,
    timepoint: str | None = None,
    completed_on: str | None = None,
    record_id: str = "",
) -> Assessment:
    """Save a corrected version that supersedes ``original_id``; the reason is required.

    The original is kept unchanged. What the coach did after a risk answer stays with
    the correction unless a new safety record is given.
    """
    original: Assessment = store.get(Assessment, original_id)
    later = [a for a in store.for_client(Assessment, original.client_id) if a.supersedes == original.id]
    if later:
        raise InvalidRecord(
            {"supersedes": "This assessment has already been corrected: correct the latest version instead."}
        )
    record, _result = build_assessment(
        original.client_id,
        original.instrument_id,
        answers,
        timepoint=timepoint or original.timepoint,
        completed_on=completed_on or original.completed_on,
        completed_by=store.coach_name,
        responses=responses,
        safety_action=safety_action or original.safety,
        supersedes=original.id,
        correction_reason=reason,
        record_id=record_id,
    )
    return store.add_together(_with_risk_events(store, record))[0]


# ----- reading: what the Assessments tab shows ---------------------------------------


@dataclass(frozen=True)
class AssessmentOverview:
    assessments: tuple[Assessment, ...]  # current versions, newest first
    every_version: tuple[Assessment, ...]  # corrections and what they replaced, as saved
    trends: tuple[MeasureTrend, ...]
    follow_ups: tuple[FollowUp, ...]  # empty until the client is discharged
    discharged_on: str = ""


# Mood measures first, then wellbeing, then work: the order coaches read them in.
MEASURE_ORDER = ("phq9", "gad7", "wsas", "swemwbs", "ons4", "work_ability")


def measure_order(instrument_id: str) -> tuple[int, str]:
    """Sort key: the shipped measures in MEASURE_ORDER, a service's own after them A to Z."""
    known = instrument_id in MEASURE_ORDER
    return (MEASURE_ORDER.index(instrument_id) if known else len(MEASURE_ORDER), instrument_id)


def measure_trends(assessments: Sequence[Assessment]) -> list[MeasureTrend]:
    """One trend per scored measure the client has done (per question for ONS4), in
    MEASURE_ORDER."""
    by_measure: dict[str, list[Assessment]] = {}
    for a in assessments:
        by_measure.setdefault(a.instrument_id, []).append(a)
    trends = []
    for instrument_id in sorted(by_measure, key=measure_order):
        try:
            instrument = get_instrument(instrument_id)
        except ValueError:
            continue  # a measure this installation no longer has: still listed, not charted
        if not instrument.scored:
            continue
        lowest, highest = instrument.score_range()
        done = by_measure[instrument_id]
        if instrument.kind.per_item:
            for position, item in enumerate(instrument.items):
                trends.append(
                    trend(
                        f"{instrument.id}:{item.id}",
                        f"{instrument.short_name} {item.label.lower()}",
                        done,
                        _answer_at(position),
                        lowest,
                        highest,
                    )
                )
        else:
            trends.append(
                trend(instrument.id, instrument.short_name, done, lambda a: a.total, lowest, highest)
            )
    return trends


def _answer_at(position: int) -> Callable[[Assessment], float | None]:
    """One item's answer (a per-item measure's trend), None where it was not answered."""
    return lambda a: a.answers[position] if position < len(a.answers) else None


def assessment_overview(store, client_id: str, today: date | None = None) -> AssessmentOverview:
    """Everything the Assessments tab needs, from two reads."""
    from .journey import load_journey

    every = store.for_client(Assessment, client_id)
    shown = current(every)
    # The follow-ups of the journey (domain.episodes): the current episode's discharge,
    # not undone, cancelled when the client did not agree to be contacted.
    now = load_journey(store, client_id, today)
    latest = now.discharge
    due = now.follow_ups
    newest_first = sorted(enumerate(shown), key=lambda p: (p[1].completed_on, p[0]), reverse=True)
    return AssessmentOverview(
        tuple(a for _i, a in newest_first),
        tuple(every),
        tuple(measure_trends(shown)),
        tuple(due),
        latest.discharged_on if latest else "",
    )


def baseline_of(assessments: Sequence[Assessment], instrument_id: str) -> Assessment | None:
    """The earliest current baseline of one measure."""
    baselines = [
        a for a in current(assessments) if a.instrument_id == instrument_id and a.timepoint == "baseline"
    ]
    return min(baselines, key=lambda a: a.completed_on, default=None)
