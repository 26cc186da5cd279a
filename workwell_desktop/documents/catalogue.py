"""The service-editable parts of an employer letter, from ``resources/letters``.

- ``adjustments.json``: the adjustment catalogue (code, title, default wording) and
  phased-return presets;
- ``service.json``: the service's name, address and contact details;
- ``wording.json``: the letter's fixed paragraphs and headings.

Each is checked on load; a mistake made while editing one gives a :class:`LetterResourceError`
naming the file, the entry and what to fix, instead of a letter that comes out wrong.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..domain.letters import (
    MAX_DAYS_PER_WEEK,
    MAX_HOURS_PER_DAY,
    MAX_WEEKS,
    MIN_HOURS_PER_DAY,
    PhaseWeek,
)
from ..paths import resource_path

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
ADJUSTMENT_PLACEHOLDERS = {"first_name"}
WORDING_PLACEHOLDERS = {"first_name", "client_name", "service_name", "review_date"}


class LetterResourceError(Exception):
    """A letter resource file is missing or wrong; the message says where and what to fix."""


@dataclass(frozen=True)
class AdjustmentTemplate:
    code: str
    title: str
    wording: str  # may hold {first_name}

    def wording_for(self, first_name: str) -> str:
        return self.wording.replace("{first_name}", first_name.strip() or "the client")


@dataclass(frozen=True)
class PhasedReturnPreset:
    name: str
    weeks: tuple[PhaseWeek, ...]


@dataclass(frozen=True)
class AdjustmentCatalogue:
    adjustments: tuple[AdjustmentTemplate, ...]
    presets: tuple[PhasedReturnPreset, ...]

    def get(self, code: str) -> AdjustmentTemplate | None:
        return next((a for a in self.adjustments if a.code == code), None)


@dataclass(frozen=True)
class ServiceDetails:
    programme: str
    service_name: str
    address: tuple[str, ...]
    phone: str
    email: str


@dataclass(frozen=True)
class LetterWording:
    """The fixed text; ``text(key, **values)`` fills the placeholders."""

    entries: dict

    def text(self, key: str, **values: str) -> str:
        return self.entries[key].format(**values)

    def paragraphs(self, key: str, **values: str) -> list[str]:
        return [p.format(**values) for p in self.entries[key]]


WORDING_KEYS = {
    "subject": str,
    "about_heading": str,
    "about_paragraphs": list,
    "effects_heading": str,
    "condition_shared": str,
    "adjustments_heading": str,
    "adjustments_intro": str,
    "phased_return_heading": str,
    "phased_return_intro": str,
    "phased_return_note": str,
    "review_heading": str,
    "review_paragraphs": list,
    "access_to_work_heading": str,
    "access_to_work_paragraphs": list,
    "closing_paragraphs": list,
    "sign_off": str,
}


def _read(path: Path) -> dict:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LetterResourceError(
            f"{path.name} is missing from {path.parent}: reinstall WorkWell or ask service IT to restore it."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LetterResourceError(f"{path.name} could not be read ({exc}).") from None
    except json.JSONDecodeError as exc:
        raise LetterResourceError(
            f"{path.name} is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from None
    if not isinstance(body, dict):
        raise LetterResourceError(f"{path.name} must hold one JSON object.")
    if body.get("format") != 1:
        raise LetterResourceError(f'{path.name}: "format" must be 1.')
    return body


def _text(where: str, value, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LetterResourceError(f'{where}: "{name}" must be some text.')
    return value.strip()


def _check_placeholders(where: str, text: str, allowed: set[str]) -> None:
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise LetterResourceError(
            f"{where}: a {{ or }} does not match ({exc}). Write {{{{ or }}}} "
            "for a brace that should be printed."
        ) from None
    unknown = used - allowed
    if unknown:
        raise LetterResourceError(
            f"{where}: unknown placeholder {{{sorted(unknown)[0]}}}; "
            f"use only {', '.join('{' + p + '}' for p in sorted(allowed))}."
        )


def parse_catalogue(body: dict, source: str = "adjustments.json") -> AdjustmentCatalogue:
    items = body.get("adjustments")
    if not isinstance(items, list) or not items:
        raise LetterResourceError(f'{source}: "adjustments" must be a list with at least one adjustment.')
    adjustments, seen = [], set()
    for number, item in enumerate(items, start=1):
        where = f"{source}, adjustment {number}"
        if not isinstance(item, dict):
            raise LetterResourceError(
                f"{where}: each adjustment must be an object with code, title and wording."
            )
        code = item.get("code")
        if not isinstance(code, str) or not _CODE.match(code):
            raise LetterResourceError(
                f'{where}: "code" must be lower-case letters, digits and _ (for example flexible_hours).'
            )
        where = f"{source}, adjustment {code}"
        if code in seen:
            raise LetterResourceError(f"{where}: the code is used twice; each code must be unique.")
        seen.add(code)
        title = _text(where, item.get("title"), "title")
        wording = _text(where, item.get("wording"), "wording")
        _check_placeholders(where, wording, ADJUSTMENT_PLACEHOLDERS)
        adjustments.append(AdjustmentTemplate(code, title, wording))
    presets = []
    for number, preset in enumerate(body.get("phased_return_presets", []), start=1):
        where = f"{source}, phased-return preset {number}"
        if not isinstance(preset, dict):
            raise LetterResourceError(f"{where}: each preset must be an object with name and weeks.")
        name = _text(where, preset.get("name"), "name")
        rows = preset.get("weeks")
        if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_WEEKS:
            raise LetterResourceError(f'{where} ({name}): "weeks" must list 1 to {MAX_WEEKS} weeks.')
        weeks = []
        for week, row in enumerate(rows, start=1):
            ok = (
                isinstance(row, list)
                and len(row) == 2
                and isinstance(row[0], int)
                and isinstance(row[1], int | float)
                and 1 <= row[0] <= MAX_DAYS_PER_WEEK
                and MIN_HOURS_PER_DAY <= row[1] <= MAX_HOURS_PER_DAY
            )
            if not ok:
                raise LetterResourceError(
                    f"{where} ({name}), week {week}: write [days per week, hours per day], days 1 to "
                    f"{MAX_DAYS_PER_WEEK} and hours {MIN_HOURS_PER_DAY:g} to {MAX_HOURS_PER_DAY:g}."
                )
            weeks.append(PhaseWeek(week, row[0], float(row[1])))
        presets.append(PhasedReturnPreset(name, tuple(weeks)))
    return AdjustmentCatalogue(tuple(adjustments), tuple(presets))


def parse_service(body: dict, source: str = "service.json") -> ServiceDetails:
    address = body.get("address")
    if not isinstance(address, list) or not all(isinstance(line, str) and line.strip() for line in address):
        raise LetterResourceError(f'{source}: "address" must be a list of address lines.')
    return ServiceDetails(
        programme=_text(source, body.get("programme"), "programme"),
        service_name=_text(source, body.get("service_name"), "service_name"),
        address=tuple(line.strip() for line in address),
        phone=_text(source, body.get("phone"), "phone"),
        email=_text(source, body.get("email"), "email"),
    )


def parse_wording(body: dict, source: str = "wording.json") -> LetterWording:
    entries = {}
    for key, kind in WORDING_KEYS.items():
        value = body.get(key)
        where = f'{source}, "{key}"'
        if kind is list:
            if not isinstance(value, list) or not value:
                raise LetterResourceError(f"{where} must be a list of paragraphs.")
            texts = [_text(where, p, key) for p in value]
        else:
            texts = [_text(source, value, key)]
        allowed = WORDING_PLACEHOLDERS | ({"condition"} if key == "condition_shared" else set())
        for text in texts:
            _check_placeholders(where, text, allowed)
        entries[key] = texts if kind is list else texts[0]
    return LetterWording(entries)


@lru_cache(maxsize=1)
def load_catalogue(path: Path | None = None) -> AdjustmentCatalogue:
    """The adjustment catalogue (cached: the files change only with an update)."""
    path = path or resource_path("letters", "adjustments.json")
    return parse_catalogue(_read(path), path.name)


@lru_cache(maxsize=1)
def load_service(path: Path | None = None) -> ServiceDetails:
    path = path or resource_path("letters", "service.json")
    return parse_service(_read(path), path.name)


@lru_cache(maxsize=1)
def load_wording(path: Path | None = None) -> LetterWording:
    path = path or resource_path("letters", "wording.json")
    return parse_wording(_read(path), path.name)
