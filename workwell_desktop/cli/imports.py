"""Importing referrals from a CSV file: one client and one referral (awaiting triage) per row.

Reading the file and checking its rows needs no database, so a file that cannot be
used is reported before the coach is asked for a passphrase. Each good row is saved
in its own transaction; a bad row is reported and skipped, and never half saved.
Messages name the row and the column, never the values in them, so the report can
be pasted into a support ticket without sharing anyone's details.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..domain.records import Client, Referral
from ..domain.validation import check_nhs_number, normalise_nhs_number
from ..domain.vocabulary import CONTACT_METHODS, REFERRAL_ROUTES, WORK_STATUSES
from ..store import InvalidRecord

REQUIRED_COLUMNS = (
    "given_name",
    "family_name",
    "nhs_number",
    "date_of_birth",
    "postcode",
    "referral_route",
    "referral_date",
)
OPTIONAL_COLUMNS = (
    "phone",
    "email",
    "preferred_contact",
    "preferred_language",
    "interpreter_needed",
    "gp_practice",
    "employer",
    "work_status",
    "referrer",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# Record fields whose CSV column has another name.
_COLUMN_FOR_FIELD = {"route": "referral_route", "received_on": "referral_date"}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class UnusableFile(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass
class CsvRow:
    number: int  # line in the file where the row starts; the header is row 1
    values: dict[str, str]
    problem: str = ""  # a fault in the row's shape (too many values)


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, reason)

    @property
    def rejected_rows(self) -> int:
        return len({row for row, _, _ in self.rejected})


def _column_name(header: str) -> str:
    return re.sub(r"[\s-]+", "_", header.strip().lower())


def read_referral_csv(path: Path) -> tuple[list[CsvRow], list[str]]:
    """The data rows of ``path`` and any warnings; raises UnusableFile."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise UnusableFile(f"There is no file at {path}.") from None
    except IsADirectoryError:
        raise UnusableFile(f"{path} is a folder, not a CSV file.") from None
    except OSError as exc:
        raise UnusableFile(f"{path} could not be read ({exc.strerror}).") from None
    if b"\x00" in raw:
        raise UnusableFile(f"{path} is not a CSV text file (it holds binary data).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableFile(
            f"{path} is not UTF-8 text. Save it from the spreadsheet as 'CSV UTF-8 (comma delimited)'."
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise UnusableFile(f"{path} is empty: the first row must name the columns.")
        names = [_column_name(h) for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            raise UnusableFile(f"{path} is missing the required column(s): {', '.join(missing)}.")
        repeated = sorted({n for n in names if n and names.count(n) > 1})
        if repeated:
            raise UnusableFile(f"{path} names these columns more than once: {', '.join(repeated)}.")
        warnings = (
            [f"ignoring unknown column(s): {', '.join(n for n in names if n not in COLUMNS)}"]
            if any(n not in COLUMNS for n in names)
            else []
        )
        rows, next_line = [], reader.line_num + 1
        for values in reader:
            start, next_line = next_line, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue  # blank lines and the empty rows spreadsheets leave at the end
            row = CsvRow(start, {n: v.strip() for n, v in zip(names, values, strict=False) if n in COLUMNS})
            if len(values) > len(names):
                row.problem = f"this row has {len(values)} values but the header names {len(names)} columns."
            rows.append(row)
    except csv.Error as exc:
        raise UnusableFile(f"{path} is not a well-formed CSV file (line {reader.line_num}: {exc}).") from None
    return rows, warnings


def _choice(value: str, choices: dict[str, str], what: str) -> tuple[str, str | None]:
    """A code given as itself or as its label, in any case; else an error message."""
    wanted = value.strip().casefold()
    for code, label in choices.items():
        if wanted in (code.casefold(), label.casefold()):
            return code, None
    return "", f"'{value}' is not a known {what}: use one of {', '.join(choices)} (or its name)."


def _date(value: str) -> str:
    """ISO dates as they are; UK day/month/year (as spreadsheets write them) turned into ISO."""
    match = _UK_DATE.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            pass
    return value


def records_for_row(row: CsvRow) -> tuple[Client, Referral, dict[str, str]]:
    """The client and referral a row describes, and every problem with it by column."""
    get, errors = row.values.get, {}
    if row.problem:
        errors["columns"] = row.problem
    contact = get("preferred_contact", "")
    if contact:
        contact, errors["preferred_contact"] = _choice(contact, CONTACT_METHODS, "preferred contact method")
    else:  # the most direct way the row gives us; a letter needs only the postcode
        contact = "phone" if get("phone") else "email" if get("email") else "letter"
    work_status = get("work_status", "")
    if work_status:
        work_status, errors["work_status"] = _choice(work_status, WORK_STATUSES, "work status")
    interpreter = get("interpreter_needed", "").lower()
    if interpreter not in _YES | _NO:
        errors["interpreter_needed"] = "Use yes or no."
    route = get("referral_route", "")
    if route:
        route, errors["referral_route"] = _choice(route, REFERRAL_ROUTES, "referral route")
    client = Client(
        given_name=get("given_name", ""),
        family_name=get("family_name", ""),
        date_of_birth=_date(get("date_of_birth", "")),
        nhs_number=get("nhs_number", ""),
        postcode=get("postcode", ""),
        phone=get("phone", ""),
        email=get("email", ""),
        preferred_contact=contact or "letter",
        preferred_language=get("preferred_language") or "English",
        interpreter_needed=interpreter in _YES,
        gp_practice=get("gp_practice", ""),
        employer=get("employer", ""),
        work_status=work_status or "in_work",
    ).normalised()
    referral = Referral(
        client_id=client.id,
        route=route,
        received_on=_date(get("referral_date", "")),
        referrer=get("referrer", ""),
    )
    found = {**client.validate(), **referral.validate()}
    found = {_COLUMN_FOR_FIELD.get(name, name): message for name, message in found.items()}
    errors = {name: message for name, message in errors.items() if message}
    return client, referral, {**found, **errors}  # a column's own parsing message wins


def _in_column_order(errors: dict[str, str]) -> list[tuple[str, str]]:
    order = {name: i for i, name in enumerate(("columns", *COLUMNS))}
    return sorted(errors.items(), key=lambda item: order.get(item[0], len(order)))


def import_referrals(store, rows: list[CsvRow], on_rejected: Callable[[int, str, str], None]) -> ImportResult:
    """Save each good row as a client and a pending referral; report each bad row's problems."""
    result = ImportResult(rows=len(rows))
    on_caseload = {r["nhs_number"] for r in store.rows("SELECT nhs_number FROM client")}
    seen: dict[str, int] = {}  # NHS number -> first row in this file that had it
    for row in rows:
        client, referral, errors = records_for_row(row)
        number = normalise_nhs_number(client.nhs_number)
        if "nhs_number" not in errors and check_nhs_number(number) is None:
            if number in seen:
                errors["nhs_number"] = f"the same NHS number is already on row {seen[number]} of this file."
            elif number in on_caseload:
                errors["nhs_number"] = "a client with this NHS number is already on the caseload."
            seen.setdefault(number, row.number)
        if not errors:
            try:
                store.add_together([client, referral])
            except InvalidRecord as exc:
                errors = {_COLUMN_FOR_FIELD.get(k, k): m for k, m in exc.errors.items()}
                if "nhs_number" in errors:  # saved meanwhile; the store's message names the client
                    errors["nhs_number"] = "a client with this NHS number is already on the caseload."
        if errors:
            for column, message in _in_column_order(errors):
                result.rejected.append((row.number, column, message))
                on_rejected(row.number, column, message)
        else:
            result.imported += 1
            on_caseload.add(number)
    return result
