"""The caseload as CSV, for a spreadsheet."""

from __future__ import annotations

import csv
from typing import TextIO

CASELOAD_COLUMNS = (
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "status",
    "next_review_on",
    "last_contact_on",
    "coach",
)
# A cell starting with one of these is run as a formula by spreadsheet programs;
# a leading apostrophe makes it plain text (OWASP's advice on CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def write_caseload_csv(entries, out: TextIO) -> int:
    """Write a header and one row per caseload entry; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CASELOAD_COLUMNS)
    for entry in entries:
        writer.writerow([_cell(getattr(entry, column)) for column in CASELOAD_COLUMNS])
    return len(entries)
