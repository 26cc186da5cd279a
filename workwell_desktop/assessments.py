"""Recording assessments: score through ``instruments.score``, then save through the store.

This module sits above ``domain``, ``instruments`` and ``store`` on purpose:
``domain`` imports nothing of ours, ``store`` depends on ``domain`` only (so it stays
usable by the sync server and reports without the instrument definitions), and
``instruments`` knows nothing about clients or databases. Scoring-then-saving needs
all three, so it lives here, one level up, where the GUI and the CLI can share it.

Scores are never worked out here: the total, raw score, band and flags saved are
exactly what ``instruments.score`` returned.

``store`` below is anything with ``add``, ``get``, ``for_client`` and ``coach_name``:
a :class:`~workwell_desktop.store.Store`, or the GUI's wrapper that announces saves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from .domain.assessments import (
    Assessment,
    FollowUp,
    MeasureTrend,
    SafetyAction,
    SafetyGuidance,
    current,
    trend,
)
from .instruments import Instrument, ScoreResult, get_instrument, score
from .instruments.model import PER_ITEM_BANDS, RESPONSE_TEXT, SUM_THEN_LOOKUP
from .paths import resource_path
from .store.errors import InvalidRecord


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


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def measure_range(instrument: Instrument) -> tuple[float, float]:
    """The lowest and highest score an instrument can give (for charts and 'out of')."""
    items = instrument.items
    kind = instrument.scoring.kind
    if kind == SUM_THEN_LOOKUP and instrument.scoring.table:
        values = list(instrument.scoring.table.values())
        return min(values), max(values)
    if kind == PER_ITEM_BANDS or len(items) == 1:
        values = [v for item in items for v in item.values]
        return (min(values), max(values)) if values else (0, 0)
    return (sum(min(item.values) for item in items if item.values),
            sum(max(item.values) for item in items if item.values))


def risk_flags_for_answer(instrument: Instrument, item_id: str, value: int | None) -> list[str]:
    """The messages of the instrument's own flag rules that this one answer raises,
    so the runner can open the safety prompt the moment it is given."""
    if value is None:
        return []
    return [rule.message for rule in instrument.flags if rule.item == item_id and rule.applies_to(value)]


# ----- building and saving --------------------------------------------------------

def _unscored_problems(instrument: Instrument, answers: Sequence[int | None],
                       responses: Mapping[str, str]) -> str | None:
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


def build_assessment(client_id: str, instrument_id: str, answers: Sequence[int | None], *,
                     timepoint: str, completed_on: str, completed_by: str,
                     responses: Mapping[str, str] | None = None,
                     safety_action: SafetyAction | None = None,
                     supersedes: str = "", correction_reason: str = "",
                     ) -> tuple[Assessment, ScoreResult | None]:
    """The assessment record for these answers, scored by ``instruments.score``.

    Raises InvalidRecord: ``answers`` says what scoring refused (a missing answer, a
    value out of range); other fields as the record's own checks say. The record is
    not saved.
    """
    try:
        instrument = get_instrument(instrument_id)
    except ValueError as unknown:
        raise InvalidRecord({"instrument_id": str(unknown)}) from None
    texts = {k: t.strip() for k, t in (responses or {}).items() if t and t.strip()}
    result: ScoreResult | None = None
    if instrument.scored:
        if texts:
            raise InvalidRecord({"responses": f"{instrument.short_name} has no written answers."})
        try:
            result = score(instrument_id, list(answers))
        except ValueError as refused:
            raise InvalidRecord({"answers": str(refused)}) from None
        stored_answers = tuple(result.answers)
    else:
        if problem := _unscored_problems(instrument, answers, texts):
            raise InvalidRecord({"answers": problem})
        stored_answers = tuple(answers)
    record = Assessment(
        client_id=client_id,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        timepoint=timepoint,
        completed_on=completed_on,
        completed_by=completed_by,
        answers=stored_answers,
        responses=json.dumps(texts, ensure_ascii=False, sort_keys=True) if texts else "",
        total=result.total if result else None,
        raw=result.raw if result else None,
        band=(result.band or "") if result else "",
        flags=result.flag_ids if result else (),
        safety_action=safety_action.to_json() if safety_action else "",
        supersedes=supersedes,
        correction_reason=correction_reason.strip(),
    )
    return record, result


def record_assessment(store, client_id: str, instrument_id: str, answers: Sequence[int | None], *,
                      timepoint: str, completed_on: str | None = None, completed_by: str | None = None,
                      responses: Mapping[str, str] | None = None,
                      safety_action: SafetyAction | None = None) -> Assessment:
    """Score and save a completed assessment in one transaction; returns it as stored.

    A risk answer needs ``safety_action`` (what the coach did), or nothing is saved.
    """
    record, _result = build_assessment(
        client_id, instrument_id, answers, timepoint=timepoint,
        completed_on=completed_on or date.today().isoformat(),
        completed_by=completed_by or store.coach_name, responses=responses, safety_action=safety_action)
    return store.add(record)


def correct_assessment(store, original_id: str, answers: Sequence[int | None], reason: str, *,
                       responses: Mapping[str, str] | None = None,
                       safety_action: SafetyAction | None = None,
                       timepoint: str | None = None, completed_on: str | None = None) -> Assessment:
    """Save a corrected version that supersedes ``original_id``; the reason is required.

    The original is kept unchanged. What the coach did after a risk answer stays with
    the correction unless a new safety record is given.
    """
    original: Assessment = store.get(Assessment, original_id)
    later = [a for a in store.for_client(Assessment, original.client_id) if a.supersedes == original.id]
    if later:
        raise InvalidRecord({"supersedes": "This assessment has already been corrected: "
                                           "correct the latest version instead."})
    record, _result = build_assessment(
        original.client_id, original.instrument_id, answers,
        timepoint=timepoint or original.timepoint, completed_on=completed_on or original.completed_on,
        completed_by=store.coach_name, responses=responses,
        safety_action=safety_action or original.safety, supersedes=original.id, correction_reason=reason)
    return store.add(record)


# ----- reading: what the Assessments tab shows ---------------------------------------

@dataclass(frozen=True)
class AssessmentOverview:
    assessments: tuple[Assessment, ...]      # current versions, newest first
    every_version: tuple[Assessment, ...]    # corrections and what they replaced, as saved
    trends: tuple[MeasureTrend, ...]
    follow_ups: tuple[FollowUp, ...]         # empty until the client is discharged
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
        lowest, highest = measure_range(instrument)
        done = by_measure[instrument_id]
        if instrument.scoring.kind == PER_ITEM_BANDS:
            for position, item in enumerate(instrument.items):
                trends.append(trend(
                    f"{instrument.id}:{item.id}", f"{instrument.short_name} {item.label.lower()}", done,
                    lambda a, p=position: a.answers[p] if p < len(a.answers) else None, lowest, highest))
        else:
            trends.append(trend(instrument.id, instrument.short_name, done, lambda a: a.total,
                                lowest, highest))
    return trends


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
        tuple(a for _i, a in newest_first), tuple(every), tuple(measure_trends(shown)), tuple(due),
        latest.discharged_on if latest else "")


def baseline_of(assessments: Sequence[Assessment], instrument_id: str) -> Assessment | None:
    """The earliest current baseline of one measure."""
    baselines = [a for a in current(assessments) if a.instrument_id == instrument_id
                 and a.timepoint == "baseline"]
    return min(baselines, key=lambda a: a.completed_on, default=None)
