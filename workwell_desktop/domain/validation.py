"""Field checks with messages a coach can act on.

Each check returns None when the value is acceptable, or a plain-English message
that says what is wrong and what to do. Normalisers return the stored form.
"""

from __future__ import annotations

import re
from datetime import date

import nhs_number as _nhs

OLDEST_AGE = 110
YOUNGEST_AGE = 16  # WorkWell is for adults aged 16 and over

# The UK postcode shapes (outward code + inward code), including BFPO-free special
# cases such as GIR 0AA. The inward part is always digit + two letters that skip
# C, I, K, M, O and V.
_POSTCODE = re.compile(
    r"^(GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_DIGITS = re.compile(r"^(?:\+44|0)\d{9,10}$")


def normalise_nhs_number(value: str) -> str:
    """Digits only: '943 476 5919' -> '9434765919'."""
    return re.sub(r"[\s-]", "", value or "")


def format_nhs_number(value: str) -> str:
    """The 3-3-4 form NHS staff read aloud: '943 476 5919'."""
    digits = normalise_nhs_number(value)
    if len(digits) != 10:
        return digits
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def check_nhs_number(value: str) -> str | None:
    digits = normalise_nhs_number(value)
    if not digits:
        return "Enter the NHS number (10 digits, for example 943 476 5919)."
    if not digits.isdigit():
        return "An NHS number has digits only."
    if len(digits) != 10:
        return f"An NHS number has 10 digits; this has {len(digits)}."
    if not _nhs.is_valid(digits):
        return "This is not a valid NHS number (the check digit does not match). Check for a typing error."
    return None


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the inward code: 'ca11ab' -> 'CA1 1AB'."""
    compact = re.sub(r"\s", "", (value or "").upper())
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def check_postcode(value: str) -> str | None:
    if not (value or "").strip():
        return "Enter the postcode."
    if not _POSTCODE.match(normalise_postcode(value)):
        return "This is not a UK postcode. Use the form CA1 1AB."
    return None


def parse_date(value: str | date | None) -> date | None:
    """An ISO date (YYYY-MM-DD) or a date; None for empty or malformed input."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_date_of_birth(value: str | date | None, today: date | None = None) -> str | None:
    today = today or date.today()
    if value is None or value == "":
        return "Enter the date of birth."
    born = parse_date(value)
    if born is None:
        return "Enter the date of birth as a real date, for example 1985-03-21."
    if born > today:
        return "The date of birth is in the future."
    age = age_on(born, today)
    if age > OLDEST_AGE:
        return f"This makes the client {age}: check the year of birth."
    if age < YOUNGEST_AGE:
        return f"This makes the client {age}: WorkWell is for people aged 16 and over."
    return None


def check_required(value: str | None, what: str) -> str | None:
    if value is None or not str(value).strip():
        return f"Enter the {what}."
    return None


def check_email(value: str | None) -> str | None:
    if value and not _EMAIL.match(value.strip()):
        return "This is not an email address (it needs a name, @ and a domain)."
    return None


def normalise_phone(value: str | None) -> str:
    return re.sub(r"[\s()-]", "", value or "")


def check_phone(value: str | None) -> str | None:
    if value and not _PHONE_DIGITS.match(normalise_phone(value)):
        return "This is not a UK phone number: use 11 digits starting 0, or +44."
    return None


def check_choice(value: str | None, choices: dict[str, str], what: str) -> str | None:
    if value is None or value == "":
        return f"Choose the {what}."
    if value not in choices:
        return f"'{value}' is not a known {what}. Choose one of: {', '.join(choices.values())}."
    return None


def check_not_future(value: str | date | None, what: str, today: date | None = None) -> str | None:
    """A date that records something that has happened (received, held, given)."""
    if value is None or value == "":
        return f"Enter the {what}."
    when = parse_date(value)
    if when is None:
        return f"Enter the {what} as a real date, for example 2026-11-23."
    if when > (today or date.today()):
        return f"The {what} is in the future."
    return None
