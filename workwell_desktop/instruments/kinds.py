"""The scoring kinds a definition file may name, each in one place.

A kind says how its part of ``scoring`` is checked (``parse``), how checked answers
become a result (``result``), the lowest and highest score (``score_range``) and how
a result is said to the coach (``describe``). The loader, the scorer, the services
(charts, trends) and the assessment runner ask the instrument's kind, so a new kind
is one new subclass here (and its description in resources/instruments/README.md).
"""

from __future__ import annotations

from fractions import Fraction
from math import floor
from types import MappingProxyType
from typing import Any

from ..domain.assessments import number_text
from . import checks as c
from .model import (
    RESPONSE_OPTIONS,
    Band,
    Instrument,
    Item,
    ItemScore,
    ScoreResult,
    ScoringKind,
    ScoringRule,
)


def _band_for(bands: tuple[Band, ...], score: float) -> Band | None:
    for band in bands:
        if band.contains(score):
            return band
    return None


def _options_only(kind: str, items: tuple[Item, ...]) -> None:
    not_scorable = [str(i.number) for i in items if i.response != RESPONSE_OPTIONS]
    if not_scorable:
        raise c.Problem(
            f"scoring: a {kind} instrument needs every item answered from options; "
            f"free-text item(s) {', '.join(not_scorable)}"
        )


def _no_band_sets(items: tuple[Item, ...]) -> None:
    stray = [str(i.number) for i in items if i.band_set is not None]
    if stray:
        raise c.Problem(f"items {', '.join(stray)}: band_set is only used by per_item_bands")


class Summed(ScoringKind):
    """The item scores added up; banded by ``scoring.bands`` when given."""

    name = "sum"
    prorates = True

    def parse(self, entry: dict[str, Any], items: tuple[Item, ...]) -> ScoringRule:
        _options_only(self.name, items)
        _no_band_sets(items)
        self.check_shape(items)
        c.check_keys(entry, {"kind": True, "bands": False}, "scoring")
        bands = c.read_bands(entry["bands"], "scoring.bands", c.sum_range(items)) if "bands" in entry else ()
        return ScoringRule(self.name, bands=bands)

    def check_shape(self, items: tuple[Item, ...]) -> None:
        """Any number of items may be summed."""

    def raw_total(self, values: tuple[int | None, ...]) -> int:
        """The sum of the answers; with unanswered items (a published prorating rule
        allowed them) the answered items' mean stands in for each, rounded half up."""
        answered = [v for v in values if v is not None]
        raw = sum(answered)
        if len(answered) < len(values):
            raw = floor(Fraction(raw * len(values), len(answered)) + Fraction(1, 2))
        return raw

    def reported(self, rule: ScoringRule, raw: int) -> int | float:
        return raw

    def result(
        self, instrument: Instrument, values: tuple[int | None, ...], common: dict[str, Any]
    ) -> ScoreResult:
        raw = self.raw_total(values)
        total = self.reported(instrument.scoring, raw)
        band = _band_for(instrument.scoring.bands, total)
        return ScoreResult(
            total=total,
            raw=raw,
            band=band.label if band else None,
            band_description=(band.description or None) if band else None,
            **common,
        )

    def score_range(self, instrument: Instrument) -> tuple[float, float]:
        scored = [item for item in instrument.items if item.values]
        return (sum(min(item.values) for item in scored), sum(max(item.values) for item in scored))

    def describe(self, instrument: Instrument, result: ScoreResult) -> tuple[str, str]:
        high = self.score_range(instrument)[1]
        return (
            f"{instrument.short_name} score {number_text(result.total)} out of {number_text(high)}",
            result.band_text(),
        )


class SumThenLookup(Summed):
    """The sum converted by a published table (SWEMWBS raw to metric score)."""

    name = "sum_then_lookup"

    def parse(self, entry: dict[str, Any], items: tuple[Item, ...]) -> ScoringRule:
        _options_only(self.name, items)
        _no_band_sets(items)
        c.check_keys(entry, {"kind": True, "table": True, "bands": False}, "scoring")
        table = c.read_table(entry["table"], c.sum_range(items))
        bands = c.read_bands(entry["bands"], "scoring.bands", table.values()) if "bands" in entry else ()
        return ScoringRule(self.name, bands=bands, table=MappingProxyType(table))

    def reported(self, rule: ScoringRule, raw: int) -> int | float:
        return rule.table[raw]

    def score_range(self, instrument: Instrument) -> tuple[float, float]:
        values = list(instrument.scoring.table.values())
        return (min(values), max(values)) if values else super().score_range(instrument)

    def describe(self, instrument: Instrument, result: ScoreResult) -> tuple[str, str]:
        return (
            f"{instrument.short_name} metric score {number_text(result.total)} (raw score {result.raw})",
            result.band_text(),
        )


class PerItemBands(ScoringKind):
    """Each item banded on its own by its ``band_set``, no total (ONS4)."""

    name = "per_item_bands"
    per_item = True

    def parse(self, entry: dict[str, Any], items: tuple[Item, ...]) -> ScoringRule:
        _options_only(self.name, items)
        c.check_keys(entry, {"kind": True, "band_sets": True}, "scoring")
        raw_sets = c.an_object(entry["band_sets"], "scoring.band_sets")
        if not raw_sets:
            raise c.Problem("scoring.band_sets: must not be empty")
        for item in items:
            if item.band_set is None:
                raise c.Problem(f"items[{item.number - 1}] (item {item.number}): needs a band_set")
            if item.band_set not in raw_sets:
                raise c.Problem(
                    f"items[{item.number - 1}] (item {item.number}).band_set: no band set "
                    f"{item.band_set!r} in scoring.band_sets"
                )
        band_sets = {}
        for name, raw_bands in raw_sets.items():
            possible = {v for item in items if item.band_set == name for v in item.values}
            band_sets[name] = c.read_bands(raw_bands, f"scoring.band_sets.{name}", possible)
        return ScoringRule(self.name, band_sets=MappingProxyType(band_sets))

    def result(
        self, instrument: Instrument, values: tuple[int | None, ...], common: dict[str, Any]
    ) -> ScoreResult:
        subscales = {}
        for item, value in zip(instrument.items, values, strict=True):
            assert value is not None and item.band_set is not None  # no missing items; parse checked
            band = _band_for(instrument.scoring.band_sets[item.band_set], value)
            subscales[item.id] = ItemScore(item.id, item.label, value, band.label if band else None)
        summary = "; ".join(f"{s.label}: {s.band}" for s in subscales.values())
        return ScoreResult(
            total=None, raw=None, band=summary, subscales=MappingProxyType(subscales), **common
        )

    def score_range(self, instrument: Instrument) -> tuple[float, float]:
        values = [v for item in instrument.items for v in item.values]
        return (min(values), max(values)) if values else (0, 0)

    def describe(self, instrument: Instrument, result: ScoreResult) -> tuple[str, str]:
        high = self.score_range(instrument)[1]
        lines = [
            f"{s.label}: {s.score} out of {number_text(high)} \u2013 {s.band}"
            for s in result.subscales.values()
        ]
        return f"{instrument.short_name}: each question on its own", "\n".join(lines)


class SingleItem(Summed):
    """One question whose answer is the score (Work Ability Score)."""

    name = "single_item"
    prorates = False

    def check_shape(self, items: tuple[Item, ...]) -> None:
        if len(items) != 1:
            raise c.Problem(f"scoring: a single_item instrument has exactly 1 item, not {len(items)}")


class Unscored(ScoringKind):
    """Answers recorded as given (the WorkWell initial assessment); flags still rise."""

    name = "none"
    scored = False

    def parse(self, entry: dict[str, Any], items: tuple[Item, ...]) -> ScoringRule:
        c.check_keys(entry, {"kind": True}, "scoring")
        return ScoringRule(self.name)

    def result(
        self, instrument: Instrument, values: tuple[int | None, ...], common: dict[str, Any]
    ) -> ScoreResult:
        raise ValueError(
            f"{instrument.short_name} ({instrument.id}) is unscored: its answers are "
            "recorded as they are given, not scored"
        )

    def score_range(self, instrument: Instrument) -> tuple[float, float]:
        return (0, 0)

    def describe(self, instrument: Instrument, result: ScoreResult) -> tuple[str, str]:
        return f"{instrument.short_name} completed (not scored)", "The answers are recorded as given."
