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
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import checks as c
from . import kinds as _kinds  # noqa: F401  (defining the kinds fills SCORING_KINDS)
from .checks import Problem
from .model import (
    COMPARISONS,
    RESPONSE_KINDS,
    RESPONSE_OPTIONS,
    RESPONSE_TEXT,
    SCORING_KINDS,
    FlagRule,
    Instrument,
    Item,
    MissingRule,
    ResponseOption,
    ScoringRule,
    Section,
)

SCHEMA_VERSION = 1

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


# ---------------------------------------------------------------- parts


def _options(value: Any, where: str) -> tuple[ResponseOption, ...]:
    options = []
    seen: set[int] = set()
    for index, raw in enumerate(c.a_list(value, where, non_empty=True)):
        at = f"{where}[{index}]"
        entry = c.an_object(raw, at)
        c.check_keys(entry, {"value": True, "label": True}, at)
        option_value = c.an_integer(entry["value"], f"{at}.value")
        if option_value in seen:
            raise Problem(f"{at}.value: {option_value} is listed twice")
        seen.add(option_value)
        options.append(ResponseOption(option_value, c.a_text(entry["label"], f"{at}.label")))
    return tuple(options)


def _sections(value: Any) -> tuple[Section, ...]:
    sections = []
    seen: set[str] = set()
    for index, raw in enumerate(c.a_list(value, "sections")):
        at = f"sections[{index}]"
        entry = c.an_object(raw, at)
        c.check_keys(entry, {"id": True, "title": True, "description": False}, at)
        section_id = c.an_identifier(entry["id"], f"{at}.id")
        if section_id in seen:
            raise Problem(f"{at}.id: section {section_id!r} is defined twice")
        seen.add(section_id)
        description = c.a_text(entry.get("description", ""), f"{at}.description", allow_empty=True)
        sections.append(Section(section_id, c.a_text(entry["title"], f"{at}.title"), description))
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
    for index, raw in enumerate(c.a_list(value, "items", non_empty=True)):
        number = index + 1
        at = f"items[{index}] (item {number})"
        entry = c.an_object(raw, at)
        c.check_keys(entry, allowed, at)
        item_id = c.an_identifier(entry["id"], f"{at}.id")
        if item_id in seen:
            raise Problem(f"{at}.id: item {item_id!r} is defined twice")
        seen.add(item_id)
        response = entry.get("response", RESPONSE_OPTIONS)
        if response not in RESPONSE_KINDS:
            raise Problem(f"{at}.response: must be one of {', '.join(RESPONSE_KINDS)}")
        if response == RESPONSE_TEXT:
            if "options" in entry:
                raise Problem(f"{at}: a free-text item has no options")
            options: tuple[ResponseOption, ...] = ()
        elif "options" in entry:
            options = _options(entry["options"], f"{at}.options")
        elif shared_options:
            options = shared_options
        else:
            raise Problem(f"{at}: no options (give the item options, or the instrument options)")
        section = entry.get("section")
        if section is not None:
            c.a_text(section, f"{at}.section")
            if section not in section_ids:
                raise Problem(f"{at}.section: no section with id {section!r}")
        band_set = entry.get("band_set")
        if band_set is not None:
            c.a_text(band_set, f"{at}.band_set")
        label = entry.get("label", f"Item {number}")
        items.append(
            Item(
                id=item_id,
                number=number,
                text=c.a_text(entry["text"], f"{at}.text"),
                label=c.a_text(label, f"{at}.label"),
                response=response,
                options=options,
                section=section,
                band_set=band_set,
            )
        )
    return tuple(items)


def _scoring(value: Any, items: tuple[Item, ...]) -> ScoringRule:
    entry = c.an_object(value, "scoring")
    kind = entry.get("kind")
    if kind not in SCORING_KINDS:
        raise Problem(f"scoring.kind: must be one of {', '.join(SCORING_KINDS)}, not {kind!r}")
    return SCORING_KINDS[kind].parse(entry, items)


def _missing(value: Any, scoring: ScoringRule, item_count: int) -> MissingRule:
    if value is None:
        if not SCORING_KINDS[scoring.kind].scored:
            return MissingRule()
        raise Problem(
            'missing: required for a scored instrument; give {"max_missing": 0} when the '
            "published rules allow no unanswered items"
        )
    entry = c.an_object(value, "missing")
    c.check_keys(
        entry, {"max_missing": True, "method": False, "rounding": False, "enabled": False}, "missing"
    )
    most = c.an_integer(entry["max_missing"], "missing.max_missing")
    if most < 0 or most >= item_count:
        raise Problem(f"missing.max_missing: must be 0-{item_count - 1}, not {most}")
    method, rounding = entry.get("method"), entry.get("rounding")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise Problem("missing.enabled: must be true or false")
    if most == 0:
        if method is not None or rounding is not None or "enabled" in entry:
            raise Problem("missing: method, rounding and enabled apply only when max_missing is above 0")
        return MissingRule()
    if not SCORING_KINDS[scoring.kind].prorates:
        raise Problem(f"missing: a {scoring.kind} instrument cannot have missing items")
    if method != "prorate":
        raise Problem('missing.method: must be "prorate" when max_missing is above 0')
    if rounding != "half_up":
        raise Problem('missing.rounding: must be "half_up" (the prorated total is whole)')
    return MissingRule(most, method, rounding, enabled)


def _flags(value: Any, items: tuple[Item, ...], scoring: ScoringRule) -> tuple[FlagRule, ...]:
    rules = []
    seen: set[str] = set()
    by_id = {item.id: item for item in items}
    # An unscored instrument may still have flags (the initial assessment's risk
    # question): they rise from the answer alone, with no score.
    entries = c.a_list(value, "flags")
    for index, raw in enumerate(entries):
        at = f"flags[{index}]"
        entry = c.an_object(raw, at)
        c.check_keys(entry, {"id": True, "item": True, "condition": True, "message": True}, at)
        flag_id = c.an_identifier(entry["id"], f"{at}.id")
        if flag_id in seen:
            raise Problem(f"{at}.id: flag {flag_id!r} is defined twice")
        seen.add(flag_id)
        item_id = c.a_text(entry["item"], f"{at}.item")
        if item_id not in by_id:
            raise Problem(f"{at}.item: no item with id {item_id!r}")
        condition = c.a_text(entry["condition"], f"{at}.condition")
        match = _CONDITION.match(condition)
        if not match:
            raise Problem(
                f'{at}.condition: {condition!r} is not a comparison such as ">=1" '
                f"(operators: {' '.join(COMPARISONS)})"
            )
        rule = FlagRule(
            id=flag_id,
            item=item_id,
            condition=condition.strip(),
            comparison=match.group(1),
            threshold=float(match.group(2)),
            message=c.a_text(entry["message"], f"{at}.message"),
        )
        if not any(rule.applies_to(v) for v in by_id[item_id].values):
            raise Problem(f"{at}.condition: {condition!r} can never be met by item {item_id!r}")
        rules.append(rule)
    return tuple(rules)


def _notes(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (c.a_text(value, "notes"),)
    return tuple(c.a_text(n, f"notes[{i}]") for i, n in enumerate(c.a_list(value, "notes")))


# ---------------------------------------------------------------- public


def parse_instrument(data: Any, *, expected_id: str | None = None) -> Instrument:
    """Build an Instrument from decoded JSON; raise ``ValueError`` naming what is wrong."""
    try:
        return _parse(data, expected_id)
    except Problem as problem:
        raise ValueError(str(problem)) from None


def _parse(data: Any, expected_id: str | None) -> Instrument:
    top = c.an_object(data, "the file")
    c.check_keys(top, _TOP_KEYS, "the file")
    if isinstance(top["schema"], bool) or top["schema"] != SCHEMA_VERSION:
        raise Problem(f"schema: this version of WorkWell reads schema {SCHEMA_VERSION}")
    instrument_id = c.an_identifier(top["id"], "id")
    if expected_id is not None and instrument_id != expected_id:
        raise Problem(
            f"id: {instrument_id!r} does not match the file name; name the file {instrument_id}.json"
        )
    shared = _options(top["options"], "options") if "options" in top else ()
    sections = _sections(top["sections"]) if "sections" in top else ()
    items = _items(top["items"], shared, {s.id for s in sections})
    scoring = _scoring(top["scoring"], items)
    return Instrument(
        id=instrument_id,
        short_name=c.a_text(top["short_name"], "short_name"),
        title=c.a_text(top["title"], "title"),
        version=c.a_text(top["version"], "version"),
        instructions=c.a_text(top.get("instructions", ""), "instructions", allow_empty=True),
        items=items,
        scoring=scoring,
        missing=_missing(top.get("missing"), scoring, len(items)),
        flags=_flags(top.get("flags", []), items, scoring),
        licence=c.a_text(top["licence"], "licence"),
        source=c.a_text(top["source"], "source"),
        sections=sections,
        notes=_notes(top.get("notes", [])),
    )


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys without a word; a typo'd
    # copy-and-paste would then silently change an instrument.
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise Problem(f"key {key!r} appears twice in the same object")
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
    except Problem as problem:
        raise InstrumentDefinitionError(path.name, str(problem)) from None
    try:
        instrument = _parse(data, expected_id=path.stem)
    except Problem as problem:
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
