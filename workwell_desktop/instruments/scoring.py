"""Score a list of answers by an instrument's published rules, exactly.

An unanswered item is ``None`` and is never counted as zero: either the
definition's missing-item rule allows it (prorating, rounded half up) or
scoring refuses with a ``ValueError`` naming the unanswered item numbers.
Every other problem with the answers is also a ``ValueError`` that says which
item and what is wrong, e.g. ``PHQ-9 item 3: 4 is out of range 0-3``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from .model import Flag, Instrument, ScoreResult


def _numbers(values: Sequence[int]) -> str:
    return ", ".join(str(v) for v in values)


def _plural(item_numbers: Sequence[int]) -> str:
    if len(item_numbers) == 1:
        return f"item {item_numbers[0]} is"
    return f"items {_numbers(item_numbers)} are"


class Scorer:
    """Scores answers for one instrument; checks are prepared once, up front."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self._name = instrument.short_name
        self._allowed: list[frozenset[int]] = []
        self._range_text: list[str] = []
        for item in instrument.items:
            values = sorted(item.values)
            self._allowed.append(frozenset(values))
            if values and values == list(range(values[0], values[-1] + 1)):
                self._range_text.append(f"out of range {values[0]}-{values[-1]}")
            else:
                self._range_text.append(f"not one of the allowed answers {_numbers(values)}")
        index = {item.id: i for i, item in enumerate(instrument.items)}
        self._flags = tuple((rule, index[rule.item]) for rule in instrument.flags)

    # -- checks

    def _checked(self, answers: object) -> tuple[int | None, ...]:
        name, items = self._name, self.instrument.items
        if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
            raise ValueError(
                f"{name}: answers must be a list with one entry per item (None for "
                f"unanswered), not {type(answers).__name__}"
            )
        if len(answers) != len(items):
            raise ValueError(
                f"{name} has {len(items)} items, so it needs {len(items)} answers "
                f"(None for an unanswered item); got {len(answers)}"
            )
        checked: list[int | None] = []
        problems: list[str] = []
        for position, answer in enumerate(answers):
            if answer is None:
                checked.append(None)
                continue
            number = position + 1
            if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
                problems.append(
                    f"{name} item {number}: {answer!r} is not a whole-number answer "
                    f"(got {type(answer).__name__})"
                )
                continue
            value = int(answer)
            if value not in self._allowed[position]:
                problems.append(f"{name} item {number}: {value} is {self._range_text[position]}")
                continue
            checked.append(value)
        if problems:
            raise ValueError("; ".join(problems))
        return tuple(checked)

    def _check_missing(
        self, values: tuple[int | None, ...], use_published_prorating: bool
    ) -> tuple[int, ...]:
        missing = tuple(i + 1 for i, v in enumerate(values) if v is None)
        if not missing:
            return missing
        name, rule = self._name, self.instrument.missing
        # A risk question is never estimated: prorating would hide the answer.
        risk = [
            f"item {position + 1} is a risk question ({flag.id}) and must always be answered"
            for flag, position in self._flags
            if values[position] is None
        ]
        problem = f"{name}: {_plural(missing)} unanswered"
        if rule.max_missing == 0:
            problem += "; every item must be answered (the published scoring allows no missing items)"
        elif not rule.enabled and not use_published_prorating:
            problem += (
                "; every item must be answered (prorating a score with missing items is "
                "not switched on for this service)"
            )
        elif len(missing) > rule.max_missing:
            problem += f"; at most {rule.max_missing} may be missing for a prorated score"
        elif not risk:
            return missing
        raise ValueError("; ".join([problem, *risk]))

    # -- scoring

    def raised_flags(self, answers: object) -> tuple[Flag, ...]:
        """The risk flags these answers raise, for scored and unscored instruments alike
        (the initial assessment's risk question has a flag but no score)."""
        values = self._checked(answers)
        return tuple(
            Flag(rule.id, rule.item, position + 1, answer, rule.message)
            for rule, position in self._flags
            if (answer := values[position]) is not None and rule.applies_to(answer)
        )

    def __call__(self, answers: object, *, use_published_prorating: bool = False) -> ScoreResult:
        """Score ``answers``. ``use_published_prorating`` applies a prorating rule the
        service has not switched on (``enabled: false``): for a record made where it is."""
        instrument = self.instrument
        if not instrument.scored:
            instrument.kind.result(instrument, (), {})  # raises: the kind says why
        values = self._checked(answers)
        missing = self._check_missing(values, use_published_prorating)
        common: dict[str, Any] = dict(
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            flags=self.raised_flags(values),
            answers=values,
            missing_items=missing,
            prorated=bool(missing),
        )
        # What the scores are (a sum, a converted sum, each item banded) is the kind's.
        return instrument.kind.result(instrument, values, common)


def score_answers(
    instrument: Instrument, answers: Sequence[int | None], *, use_published_prorating: bool = False
) -> ScoreResult:
    """Score ``answers`` (one per item, in order; None = unanswered) for ``instrument``."""
    return Scorer(instrument)(answers, use_published_prorating=use_published_prorating)
