"""Dates as coaches type and read them (21/03/1985, 21 Mar 1985); stored as ISO."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

TYPING_HINT = "Day/month/year, for example 21/03/1985"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\- ]+(\d{1,2})[/.\- ]+(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_typed(text: str) -> date | None:
    """A date typed day first (21/3/1985, 21-03-1985, 21 3 1985) or as ISO; else None."""
    text = (text or "").strip()
    if match := _DAY_FIRST.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _parse_iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def for_typing(iso: str) -> str:
    """'1985-03-21' -> '21/03/1985' (what a date field shows)."""
    when = _parse_iso(iso)
    return when.strftime("%d/%m/%Y") if when else (iso or "")


def for_reading(iso: str) -> str:
    """'1985-03-21' -> '21 Mar 1985' (unambiguous in lists); '' stays ''."""
    when = _parse_iso(iso)
    if when is None:
        return iso or ""
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


def moment_for_reading(iso_datetime: str) -> str:
    """A UTC timestamp shown in local time: '23 Nov 2026, 11:26'."""
    try:
        moment = datetime.fromisoformat(iso_datetime)
    except (TypeError, ValueError):
        return iso_datetime or ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone()
    return f"{for_reading(local.date().isoformat())}, {local:%H:%M}"


def age_in_years(iso_birth: str, today: date | None = None) -> int | None:
    born = _parse_iso(iso_birth)
    if born is None:
        return None
    today = today or date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def today_iso() -> str:
    return date.today().isoformat()


def utc_now_iso() -> str:
    """Recorded-at stamps: UTC with microseconds, so two quick events keep their order."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
