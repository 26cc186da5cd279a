"""The small readers every part of an instrument definition is checked with.

Each raises :class:`Problem` saying where in the file and what is wrong; the loader
turns it into an ``InstrumentDefinitionError`` naming the file. Shared by the loader
(items, flags, the missing-items rule) and the scoring kinds (``kinds.py``, which
check their own part of ``scoring``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

from .model import Band, Item

ID = re.compile(r"^[a-z][a-z0-9_]*$")


class Problem(Exception):
    """Raised inside parsing; turned into InstrumentDefinitionError with the file name."""


def check_keys(obj: Mapping[str, Any], allowed: Mapping[str, bool], where: str) -> None:
    unknown = sorted(set(obj) - set(allowed))
    if unknown:
        raise Problem(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(allowed)}"
        )
    for key, required in allowed.items():
        if required and key not in obj:
            raise Problem(f"{where}: missing required key {key!r}")


def prefix(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def an_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Problem(f"{where}: must be an object {{...}}, not {kind_of(value)}")
    return value


def a_list(value: Any, where: str, *, non_empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise Problem(f"{where}: must be a list [...], not {kind_of(value)}")
    if non_empty and not value:
        raise Problem(f"{where}: must not be empty")
    return value


def a_text(value: Any, where: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise Problem(f"{where}: must be text, not {kind_of(value)}")
    if not allow_empty and not value.strip():
        raise Problem(f"{where}: must not be empty")
    return value


def an_integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Problem(f"{where}: must be a whole number, not {kind_of(value)} {value!r}")
    return value


def a_number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Problem(f"{where}: must be a number, not {kind_of(value)} {value!r}")
    return value


def an_identifier(value: Any, where: str) -> str:
    text = a_text(value, where)
    if not ID.match(text):
        raise Problem(
            f"{where}: {text!r} is not a valid id (lower-case letters, digits and _, starting with a letter)"
        )
    return text


def kind_of(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a whole number",
        float: "a decimal number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def fmt(number: float) -> str:
    return f"{number:g}"


def read_bands(value: Any, where: str, scores: Iterable[float]) -> tuple[Band, ...]:
    """Bands in ascending order, not overlapping, covering every score that can occur."""
    bands = []
    for index, raw in enumerate(a_list(value, where, non_empty=True)):
        at = f"{where}[{index}]"
        entry = an_object(raw, at)
        check_keys(entry, {"min": True, "max": True, "label": True, "description": False}, at)
        low = a_number(entry["min"], f"{at}.min")
        high = a_number(entry["max"], f"{at}.max")
        if low > high:
            raise Problem(f"{at}: min {fmt(low)} is above max {fmt(high)}")
        description = a_text(entry.get("description", ""), f"{at}.description", allow_empty=True)
        bands.append(Band(low, high, a_text(entry["label"], f"{at}.label"), description))
    for index, (before, band) in enumerate(pairwise(bands), start=1):
        if band.min <= before.max:
            raise Problem(
                f"{where}[{index}]: min {fmt(band.min)} overlaps or comes before the band "
                f"before it ({fmt(before.min)}-{fmt(before.max)}); list bands in ascending "
                "order without overlaps"
            )
    uncovered = sorted({s for s in scores if not any(b.contains(s) for b in bands)})
    if uncovered:
        shown = ", ".join(fmt(s) for s in uncovered[:10])
        more = f" and {len(uncovered) - 10} more" if len(uncovered) > 10 else ""
        raise Problem(f"{where}: no band for possible score(s) {shown}{more}")
    return tuple(bands)


def sum_range(items: tuple[Item, ...]) -> range:
    return range(sum(min(i.values) for i in items), sum(max(i.values) for i in items) + 1)


def read_table(value: Any, raw_totals: range) -> dict[int, float]:
    where = "scoring.table"
    entries = an_object(value, where)
    table: dict[int, float] = {}
    for key, converted in entries.items():
        try:
            raw_total = int(key)
        except ValueError:
            raise Problem(f"{where}: key {key!r} is not a whole-number raw score") from None
        if raw_total not in raw_totals:
            raise Problem(
                f"{where}: raw score {raw_total} cannot occur (raw scores run "
                f"{raw_totals.start}-{raw_totals.stop - 1})"
            )
        if raw_total in table:
            raise Problem(f"{where}: raw score {raw_total} is listed twice")
        table[raw_total] = a_number(converted, f"{where}[{key!r}]")
    absent = [str(n) for n in raw_totals if n not in table]
    if absent:
        raise Problem(f"{where}: no converted score for raw score(s) {', '.join(absent)}")
    return dict(sorted(table.items()))
