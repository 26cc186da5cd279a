"""What an instrument is (its definition) and what scoring it gives (its result).

Everything here is immutable: a definition is loaded once and shared by the GUI,
reports and server; a result is a fact about one completed assessment.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

# How an item is answered: pick one of its options (an integer value), or free text.
RESPONSE_OPTIONS = "options"
RESPONSE_TEXT = "text"
RESPONSE_KINDS = (RESPONSE_OPTIONS, RESPONSE_TEXT)

COMPARISONS: Mapping[str, Callable[[float, float], bool]] = MappingProxyType(
    {
        ">=": operator.ge,
        "<=": operator.le,
        "==": operator.eq,
        "!=": operator.ne,
        ">": operator.gt,
        "<": operator.lt,
    }
)

_EMPTY: Mapping = MappingProxyType({})


@dataclass(frozen=True)
class ResponseOption:
    """One answer a person can give: the stored value and the words shown."""

    value: int
    label: str


@dataclass(frozen=True)
class Section:
    """A heading that groups items (used by the WorkWell initial assessment)."""

    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Item:
    """One question, with the options a GUI runner shows for it."""

    id: str
    number: int  # 1-based position; error messages and reports use it
    text: str
    label: str  # short name, e.g. "Life satisfaction"; "Item 3" when not given
    response: str = RESPONSE_OPTIONS
    options: tuple[ResponseOption, ...] = ()
    section: str | None = None
    band_set: str | None = None  # per_item_bands only: which band set applies

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    def option_label(self, value: int) -> str | None:
        for option in self.options:
            if option.value == value:
                return option.label
        return None


@dataclass(frozen=True)
class Band:
    """A labelled score range; both ends are inclusive."""

    min: float
    max: float
    label: str
    description: str = ""

    def contains(self, score: float) -> bool:
        return self.min <= score <= self.max


@dataclass(frozen=True)
class FlagRule:
    """Raise flag ``id`` when the answer to ``item`` meets ``condition`` (e.g. ">=1")."""

    id: str
    item: str
    condition: str
    comparison: str
    threshold: float
    message: str

    def applies_to(self, answer: int) -> bool:
        return COMPARISONS[self.comparison](answer, self.threshold)


@dataclass(frozen=True)
class MissingRule:
    """How many items may be unanswered and what is then done.

    ``max_missing`` 0 means every item must be answered. Above 0 the only method
    is ``prorate``: total = answered sum x items / answered items, rounded half up.
    ``enabled`` false marks a published prorating rule the service has not switched
    on (PHQ-9 and GAD-7 ship so: strict by default): every item is then required
    when a coach completes it, but a record made where it is on still scores.
    """

    max_missing: int = 0
    method: str | None = None
    rounding: str | None = None
    enabled: bool = True


class ScoringKind:
    """One kind of scoring rule a definition file may name (``"sum"``, ``"per_item_bands"``...):
    how its part of ``scoring`` is checked, how answers are scored, the lowest and highest
    score, and how a result is said. The kinds are in ``kinds.py``; a new kind is one
    subclass there (the loader, the scorer, the services and the runner ask it)."""

    name: ClassVar[str]
    scored: ClassVar[bool] = True
    per_item: ClassVar[bool] = False  # each item banded (and charted) on its own, no total
    prorates: ClassVar[bool] = False  # a published missing-items rule may fill unanswered items

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            SCORING_KINDS[cls.name] = cls()

    def parse(self, entry: dict[str, Any], items: tuple[Item, ...]) -> ScoringRule:
        """The checked rule from the definition's ``scoring`` object (raises checks.Problem)."""
        raise NotImplementedError

    def result(
        self, instrument: Instrument, values: tuple[int | None, ...], common: dict[str, Any]
    ) -> ScoreResult:
        """The result of checked answers (``common``: the fields every result has)."""
        raise NotImplementedError

    def score_range(self, instrument: Instrument) -> tuple[float, float]:
        raise NotImplementedError

    def describe(self, instrument: Instrument, result: ScoreResult) -> tuple[str, str]:
        """What the coach reads: the score line and the band line(s)."""
        raise NotImplementedError


# Every kind by the name a definition file gives; filled as kinds.py defines them (the
# loader imports kinds.py, so they are all here before any instrument is read).
SCORING_KINDS: dict[str, ScoringKind] = {}


@dataclass(frozen=True)
class ScoringRule:
    kind: str  # a key of SCORING_KINDS
    bands: tuple[Band, ...] = ()
    # sum_then_lookup: raw total -> converted (reported) total
    table: Mapping[int, float] = field(default_factory=lambda: _EMPTY, hash=False)
    # per_item_bands: band set name -> bands
    band_sets: Mapping[str, tuple[Band, ...]] = field(default_factory=lambda: _EMPTY, hash=False)


@dataclass(frozen=True)
class Instrument:
    """A loaded, validated instrument definition."""

    id: str
    short_name: str  # used in messages, e.g. "PHQ-9"
    title: str
    version: str
    instructions: str
    items: tuple[Item, ...]
    scoring: ScoringRule
    missing: MissingRule
    flags: tuple[FlagRule, ...]
    licence: str
    source: str
    sections: tuple[Section, ...] = ()
    notes: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)

    @property
    def kind(self) -> ScoringKind:
        return SCORING_KINDS[self.scoring.kind]

    @property
    def scored(self) -> bool:
        return self.kind.scored

    def score_range(self) -> tuple[float, float]:
        """The lowest and highest score this instrument can give (for charts and 'out of')."""
        return self.kind.score_range(self)

    def describe(self, result: ScoreResult) -> tuple[str, str]:
        """The score line and the band line(s) of a result, as the coach reads them."""
        return self.kind.describe(self, result)

    def risk_messages(self, item_id: str, value: int | None) -> list[str]:
        """The messages of this instrument's flag rules that one answer raises (so the
        runner can open the safety prompt the moment it is given)."""
        if value is None:
            return []
        return [rule.message for rule in self.flags if rule.item == item_id and rule.applies_to(value)]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"{self.short_name} has no item {item_id!r}")

    def items_in_section(self, section_id: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.section == section_id)


@dataclass(frozen=True)
class Flag:
    """A raised risk flag: which rule, which answer, and the safety text to show."""

    id: str
    item_id: str
    item_number: int
    answer: int
    message: str


@dataclass(frozen=True)
class ItemScore:
    """One separately banded item (ONS4 reports each question on its own)."""

    item_id: str
    label: str
    score: int
    band: str | None


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of scoring one set of answers.

    total  the reported score: the sum, the converted score (SWEMWBS metric
           score) or the single answer; None where the instrument has no total
           (ONS4, whose four items are banded separately in ``subscales``).
    raw    the unconverted sum of item scores; None where there is no total.
    band   short label of the band the total falls in; for ONS4 a summary of the
           four item bands, e.g. "Life satisfaction: High; ...".
    flags  risk flags raised, in definition order (empty tuple when none).
    prorated / missing_items  whether, and for which item numbers, a published
           prorating rule filled in unanswered items.
    """

    instrument_id: str
    instrument_version: str
    total: int | float | None
    raw: int | None
    band: str | None
    band_description: str | None = None
    flags: tuple[Flag, ...] = ()
    subscales: Mapping[str, ItemScore] = field(default_factory=lambda: _EMPTY, hash=False)
    answers: tuple[int | None, ...] = ()
    missing_items: tuple[int, ...] = ()
    prorated: bool = False

    @property
    def flag_ids(self) -> tuple[str, ...]:
        return tuple(flag.id for flag in self.flags)

    @property
    def has_risk_flag(self) -> bool:
        return bool(self.flags)

    def band_text(self) -> str:
        """The band and its description, said once ("Moderate – ..." or the description
        alone when it already names the band)."""
        if not self.band:
            return ""
        description = self.band_description or ""
        if self.band.lower() in description.lower():
            return description  # "Moderately severe depression (15-19)" already names the band
        return f"{self.band} \u2013 {description}" if description else self.band
