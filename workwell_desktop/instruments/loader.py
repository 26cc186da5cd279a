"""Read instrument definition files (JSON) and check them before anything uses them.

A service adds an instrument by dropping a file into a folder, so every rule the
scorer relies on is checked here, and a broken file is reported by name with
what is wrong and where, e.g.
``my_scale.json: scoring.bands[1]: min 9 overlaps the band before it (0-10)``.
The file format is described in resources/instruments/README.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .model import (
    COMPARISONS,
    PER_ITEM_BANDS,
    RESPONSE_KINDS,
    RESPONSE_OPTIONS,
    RESPONSE_TEXT,
    SCORING_KINDS,
    SINGLE_ITEM,
    SUM,
    SUM_THEN_LOOKUP,
    UNSCORED,
    Band,
    FlagRule,
    Instrument,
    Item,
    MissingRule,
    ResponseOption,
    ScoringRule,
    Section,
)

SCHEMA_VERSION = 1

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CONDITION = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")

_TOP_KEYS = {
    "schema": True,
    "id": True,
    "short_name": True,
    "title": True,
    "version": True,
    "instructions": False,
    "options": False,
    "sections": False,
    "items": True,
    "scoring": True,
    "missing": False,
    "flags": False,
    "licence": True,
    "source": True,
    "notes": False,
}


class InstrumentDefinitionError(ValueError):
    """A definition file (or folder of them) that cannot be used, and why."""

    def __init__(self, file: str | Path, problem: str) -> None:
        self.file = str(file)
        self.problem = problem
        super().__init__(f"{self.file}: {problem}")


class _Problem(Exception):
    """Raised inside parsing; turned into InstrumentDefinitionError with the file name."""


# ---------------------------------------------------------------- small readers


def _keys(obj: Mapping[str, Any], allowed: Mapping[str, bool], where: str) -> None:
    unknown = sorted(set(obj) - set(allowed))
    if unknown:
        raise _Problem(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(allowed)}"
        )
    for key, required in allowed.items():
        if required and key not in obj:
            raise _Problem(f"{where}: missing required key {key!r}")


def _prefix(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Problem(f"{where}: must be an object {{...}}, not {_kind(value)}")
    return value


def _list(value: Any, where: str, *, non_empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise _Problem(f"{where}: must be a list [...], not {_kind(value)}")
    if non_empty and not value:
        raise _Problem(f"{where}: must not be empty")
    return value


def _text(value: Any, where: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise _Problem(f"{where}: must be text, not {_kind(value)}")
    if not allow_empty and not value.strip():
        raise _Problem(f"{where}: must not be empty")
    return value


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Problem(f"{where}: must be a whole number, not {_kind(value)} {value!r}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Problem(f"{where}: must be a number, not {_kind(value)} {value!r}")
    return value


def _identifier(value: Any, where: str) -> str:
    text = _text(value, where)
    if not _ID.match(text):
        raise _Problem(
            f"{where}: {text!r} is not a valid id (lower-case letters, digits and _, "
            "starting with a letter)"
        )
    return text


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a whole number",
        float: "a decimal number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _fmt(number: float) -> str:
    return f"{number:g}"


# ---------------------------------------------------------------- parts


def _options(value: Any, where: str) -> tuple[ResponseOption, ...]:
    options = []
    seen: set[int] = set()
    for index, raw in enumerate(_list(value, where, non_empty=True)):
        at = f"{where}[{index}]"
        entry = _object(raw, at)
        _keys(entry, {"value": True, "label": True}, at)
        option_value = _integer(entry["value"], f"{at}.value")
        if option_value in seen:
            raise _Problem(f"{at}.value: {option_value} is listed twice")
        seen.add(option_value)
        options.append(ResponseOption(option_value, _text(entry["label"], f"{at}.label")))
    return tuple(options)


def _sections(value: Any) -> tuple[Section, ...]:
    sections = []
    seen: set[str] = set()
    for index, raw in enumerate(_list(value, "sections")):
        at = f"sections[{index}]"
        entry = _object(raw, at)
        _keys(entry, {"id": True, "title": True, "description": False}, at)
        section_id = _identifier(entry["id"], f"{at}.id")
        if section_id in seen:
            raise _Problem(f"{at}.id: section {section_id!r} is defined twice")
        seen.add(section_id)
        description = _text(entry.get("description", ""), f"{at}.description", allow_empty=True)
        sections.append(Section(section_id, _text(entry["title"], f"{at}.title"), description))
    return tuple(sections)


def _items(
    value: Any,
    shared_options: tuple[ResponseOption, ...],
    section_ids: set[str],
) -> tuple[Item, ...]:
    items = []
    seen: set[str] = set()
    allowed = {
        "id": True,
        "text": True,
        "label": False,
        "response": False,
        "options": False,
        "section": False,
        "band_set": False,
    }
    for index, raw in enumerate(_list(value, "items", non_empty=True)):
        number = index + 1
        at = f"items[{index}] (item {number})"
        entry = _object(raw, at)
        _keys(entry, allowed, at)
        item_id = _identifier(entry["id"], f"{at}.id")
        if item_id in seen:
            raise _Problem(f"{at}.id: item {item_id!r} is defined twice")
        seen.add(item_id)
        response = entry.get("response", RESPONSE_OPTIONS)
        if response not in RESPONSE_KINDS:
            raise _Problem(f"{at}.response: must be one of {', '.join(RESPONSE_KINDS)}")
        if response == RESPONSE_TEXT:
            if "options" in entry:
                raise _Problem(f"{at}: a free-text item has no options")
            options: tuple[ResponseOption, ...] = ()
        elif "options" in entry:
            options = _options(entry["options"], f"{at}.options")
        elif shared_options:
            options = shared_options
        else:
            raise _Problem(f"{at}: no options (give the item options, or the instrument options)")
        section = entry.get("section")
        if section is not None:
            _text(section, f"{at}.section")
            if section not in section_ids:
                raise _Problem(f"{at}.section: no section with id {section!r}")
        band_set = entry.get("band_set")
        if band_set is not None:
            _text(band_set, f"{at}.band_set")
        label = entry.get("label", f"Item {number}")
        items.append(
            Item(
                id=item_id,
                number=number,
                text=_text(entry["text"], f"{at}.text"),
                label=_text(label, f"{at}.label"),
                response=response,
                options=options,
                section=section,
                band_set=band_set,
            )
        )
    return tuple(items)


def _bands(value: Any, where: str, scores: Iterable[float]) -> tuple[Band, ...]:
    """Bands in ascending order, not overlapping, covering every score that can occur."""
    bands = []
    for index, raw in enumerate(_list(value, where, non_empty=True)):
        at = f"{where}[{index}]"
        entry = _object(raw, at)
        _keys(entry, {"min": True, "max": True, "label": True, "description": False}, at)
        low = _number(entry["min"], f"{at}.min")
        high = _number(entry["max"], f"{at}.max")
        if low > high:
            raise _Problem(f"{at}: min {_fmt(low)} is above max {_fmt(high)}")
        description = _text(entry.get("description", ""), f"{at}.description", allow_empty=True)
        bands.append(Band(low, high, _text(entry["label"], f"{at}.label"), description))
    for index, (before, band) in enumerate(pairwise(bands), start=1):
        if band.min <= before.max:
            raise _Problem(
                f"{where}[{index}]: min {_fmt(band.min)} overlaps or comes before the band "
                f"before it ({_fmt(before.min)}-{_fmt(before.max)}); list bands in ascending "
                "order without overlaps"
            )
    uncovered = sorted({s for s in scores if not any(b.contains(s) for b in bands)})
    if uncovered:
        shown = ", ".join(_fmt(s) for s in uncovered[:10])
        more = f" and {len(uncovered) - 10} more" if len(uncovered) > 10 else ""
        raise _Problem(f"{where}: no band for possible score(s) {shown}{more}")
    return tuple(bands)


def _sum_range(items: tuple[Item, ...]) -> range:
    return range(sum(min(i.values) for i in items), sum(max(i.values) for i in items) + 1)


def _table(value: Any, raw_totals: range) -> dict[int, float]:
    where = "scoring.table"
    entries = _object(value, where)
    table: dict[int, float] = {}
    for key, converted in entries.items():
        try:
            raw_total = int(key)
        except ValueError:
            raise _Problem(f"{where}: key {key!r} is not a whole-number raw score") from None
        if raw_total not in raw_totals:
            raise _Problem(
                f"{where}: raw score {raw_total} cannot occur (raw scores run "
                f"{raw_totals.start}-{raw_totals.stop - 1})"
            )
        if raw_total in table:
            raise _Problem(f"{where}: raw score {raw_total} is listed twice")
        table[raw_total] = _number(converted, f"{where}[{key!r}]")
    absent = [str(n) for n in raw_totals if n not in table]
    if absent:
        raise _Problem(f"{where}: no converted score for raw score(s) {', '.join(absent)}")
    return dict(sorted(table.items()))


def _scoring(value: Any, items: tuple[Item, ...]) -> ScoringRule:
    entry = _object(value, "scoring")
    kind = entry.get("kind")
    if kind not in SCORING_KINDS:
        raise _Problem(f"scoring.kind: must be one of {', '.join(SCORING_KINDS)}, not {kind!r}")
    if kind == UNSCORED:
        _keys(entry, {"kind": True}, "scoring")
        return ScoringRule(kind)
    not_scorable = [str(i.number) for i in items if i.response != RESPONSE_OPTIONS]
    if not_scorable:
        raise _Problem(
            f"scoring: a {kind} instrument needs every item answered from options; "
            f"free-text item(s) {', '.join(not_scorable)}"
        )
    if kind == PER_ITEM_BANDS:
        _keys(entry, {"kind": True, "band_sets": True}, "scoring")
        raw_sets = _object(entry["band_sets"], "scoring.band_sets")
        if not raw_sets:
            raise _Problem("scoring.band_sets: must not be empty")
        for item in items:
            if item.band_set is None:
                raise _Problem(f"items[{item.number - 1}] (item {item.number}): needs a band_set")
            if item.band_set not in raw_sets:
                raise _Problem(
                    f"items[{item.number - 1}] (item {item.number}).band_set: no band set "
                    f"{item.band_set!r} in scoring.band_sets"
                )
        band_sets = {}
        for name, raw_bands in raw_sets.items():
            scores = {v for item in items if item.band_set == name for v in item.values}
            band_sets[name] = _bands(raw_bands, f"scoring.band_sets.{name}", scores)
        return ScoringRule(kind, band_sets=MappingProxyType(band_sets))

    stray = [str(i.number) for i in items if i.band_set is not None]
    if stray:
        raise _Problem(f"items {', '.join(stray)}: band_set is only used by per_item_bands")
    if kind == SINGLE_ITEM and len(items) != 1:
        raise _Problem(f"scoring: a single_item instrument has exactly 1 item, not {len(items)}")
    raw_totals = _sum_range(items)
    if kind == SUM_THEN_LOOKUP:
        _keys(entry, {"kind": True, "table": True, "bands": False}, "scoring")
        table = _table(entry["table"], raw_totals)
        scores: Iterable[float] = table.values()
    else:
        _keys(entry, {"kind": True, "bands": False}, "scoring")
        table = {}
        scores = raw_totals
    bands = _bands(entry["bands"], "scoring.bands", scores) if "bands" in entry else ()
    return ScoringRule(kind, bands=bands, table=MappingProxyType(table))


def _missing(value: Any, scoring: ScoringRule, item_count: int) -> MissingRule:
    if value is None:
        if scoring.kind == UNSCORED:
            return MissingRule()
        raise _Problem(
            "missing: required for a scored instrument; give {\"max_missing\": 0} when the "
            "published rules allow no unanswered items"
        )
    entry = _object(value, "missing")
    _keys(entry, {"max_missing": True, "method": False, "rounding": False, "enabled": False}, "missing")
    most = _integer(entry["max_missing"], "missing.max_missing")
    if most < 0 or most >= item_count:
        raise _Problem(f"missing.max_missing: must be 0-{item_count - 1}, not {most}")
    method, rounding = entry.get("method"), entry.get("rounding")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _Problem("missing.enabled: must be true or false")
    if most == 0:
        if method is not None or rounding is not None or "enabled" in entry:
            raise _Problem("missing: method, rounding and enabled apply only when max_missing is above 0")
        return MissingRule()
    if scoring.kind not in (SUM, SUM_THEN_LOOKUP):
        raise _Problem(f"missing: a {scoring.kind} instrument cannot have missing items")
    if method != "prorate":
        raise _Problem("missing.method: must be \"prorate\" when max_missing is above 0")
    if rounding != "half_up":
        raise _Problem("missing.rounding: must be \"half_up\" (the prorated total is whole)")
    return MissingRule(most, method, rounding, enabled)


def _flags(value: Any, items: tuple[Item, ...], scoring: ScoringRule) -> tuple[FlagRule, ...]:
    rules = []
    seen: set[str] = set()
    by_id = {item.id: item for item in items}
    # An unscored instrument may still have flags (the initial assessment's risk
    # question): they rise from the answer alone, with no score.
    entries = _list(value, "flags")
    for index, raw in enumerate(entries):
        at = f"flags[{index}]"
        entry = _object(raw, at)
        _keys(entry, {"id": True, "item": True, "condition": True, "message": True}, at)
        flag_id = _identifier(entry["id"], f"{at}.id")
        if flag_id in seen:
            raise _Problem(f"{at}.id: flag {flag_id!r} is defined twice")
        seen.add(flag_id)
        item_id = _text(entry["item"], f"{at}.item")
        if item_id not in by_id:
            raise _Problem(f"{at}.item: no item with id {item_id!r}")
        condition = _text(entry["condition"], f"{at}.condition")
        match = _CONDITION.match(condition)
        if not match:
            raise _Problem(
                f"{at}.condition: {condition!r} is not a comparison such as \">=1\" "
                f"(operators: {' '.join(COMPARISONS)})"
            )
        rule = FlagRule(
            id=flag_id,
            item=item_id,
            condition=condition.strip(),
            comparison=match.group(1),
            threshold=float(match.group(2)),
            message=_text(entry["message"], f"{at}.message"),
        )
        if not any(rule.applies_to(v) for v in by_id[item_id].values):
            raise _Problem(f"{at}.condition: {condition!r} can never be met by item {item_id!r}")
        rules.append(rule)
    return tuple(rules)


def _notes(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (_text(value, "notes"),)
    return tuple(_text(n, f"notes[{i}]") for i, n in enumerate(_list(value, "notes")))


# ---------------------------------------------------------------- public


def parse_instrument(data: Any, *, expected_id: str | None = None) -> Instrument:
    """Build an Instrument from decoded JSON; raise ``ValueError`` naming what is wrong."""
    try:
        return _parse(data, expected_id)
    except _Problem as problem:
        raise ValueError(str(problem)) from None


def _parse(data: Any, expected_id: str | None) -> Instrument:
    top = _object(data, "the file")
    _keys(top, _TOP_KEYS, "the file")
    if isinstance(top["schema"], bool) or top["schema"] != SCHEMA_VERSION:
        raise _Problem(f"schema: this version of WorkWell reads schema {SCHEMA_VERSION}")
    instrument_id = _identifier(top["id"], "id")
    if expected_id is not None and instrument_id != expected_id:
        raise _Problem(
            f"id: {instrument_id!r} does not match the file name; name the file "
            f"{instrument_id}.json"
        )
    shared = _options(top["options"], "options") if "options" in top else ()
    sections = _sections(top["sections"]) if "sections" in top else ()
    items = _items(top["items"], shared, {s.id for s in sections})
    scoring = _scoring(top["scoring"], items)
    return Instrument(
        id=instrument_id,
        short_name=_text(top["short_name"], "short_name"),
        title=_text(top["title"], "title"),
        version=_text(top["version"], "version"),
        instructions=_text(top.get("instructions", ""), "instructions", allow_empty=True),
        items=items,
        scoring=scoring,
        missing=_missing(top.get("missing"), scoring, len(items)),
        flags=_flags(top.get("flags", []), items, scoring),
        licence=_text(top["licence"], "licence"),
        source=_text(top["source"], "source"),
        sections=sections,
        notes=_notes(top.get("notes", [])),
    )


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys without a word; a typo'd
    # copy-and-paste would then silently change an instrument.
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Problem(f"key {key!r} appears twice in the same object")
        seen[key] = value
    return seen


def load_instrument_file(path: str | Path) -> Instrument:
    """Read and check one definition file; errors name the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InstrumentDefinitionError(path.name, f"cannot be read ({error})") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_repeated_keys)
    except json.JSONDecodeError as error:
        raise InstrumentDefinitionError(
            path.name, f"not valid JSON: line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except _Problem as problem:
        raise InstrumentDefinitionError(path.name, str(problem)) from None
    try:
        instrument = _parse(data, expected_id=path.stem)
    except _Problem as problem:
        raise InstrumentDefinitionError(path.name, str(problem)) from None
    return _with_path(instrument, path)


def load_instrument_folder(folder: str | Path) -> list[Instrument]:
    """Every ``*.json`` definition in ``folder`` (other files are ignored), by file name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InstrumentDefinitionError(folder, "folder of instrument definitions not found")
    return [load_instrument_file(path) for path in sorted(folder.glob("*.json"))]


def _with_path(instrument: Instrument, path: Path) -> Instrument:
    return replace(instrument, path=path)
