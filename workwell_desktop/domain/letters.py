"""Employer workplace-adjustment letters: what a letter says, and the record of one issued.

A coach prepares a :class:`LetterDraft` with the client; once issued it becomes an
:class:`EmployerLetter`, a fact once made (like a session): never edited, a correction
is a new letter that ``supersedes`` it. The letter speaks of *functional effects* (how
health affects work, as a fit note does); a health condition appears only when the
client chose to share it, and the wording of an unshared condition is kept out of the
stored content altogether.

Plain Python: no Qt, no SQL, nothing of ours but the record base and validation.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import ClassVar

from . import json_text
from . import validation as v
from .consent import SharingRefused, sharing_problem
from .records import ConsentEvent, Errors, Record

EMPLOYER_SCOPE = "share_employer"
CONTENT_FORMAT = 1
MAX_WEEKS = 26
MAX_DAYS_PER_WEEK = 7
MIN_HOURS_PER_DAY, MAX_HOURS_PER_DAY = 0.5, 12.0
MAX_ADDRESS_LINES = 6
MAX_WORDING = 1500
MAX_FUNCTIONAL_EFFECTS = 3000
MAX_REVIEW_AHEAD = timedelta(days=366)
# A letter travels to other devices inside one sync change, whose payload the server
# caps at 1 MB; base64 grows the PDF by a third, and the content rides alongside.
MAX_PDF_BYTES = 600_000
REFERENCE = re.compile(r"^WW-\d{8}-[2-9A-HJ-NP-Z]{4}$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread on the phone


class ConsentRequired(SharingRefused):
    """Consent to share with the employer (or participation) is not current: no letter."""


class LetterNotReady(ValueError):
    """A draft that cannot be issued yet; ``errors`` maps each part to what is wrong."""

    def __init__(self, errors: Errors):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


def employer_consent_problem(events: Iterable[ConsentEvent]) -> str | None:
    """Why a letter cannot be prepared, issued or sent right now, or None when it can
    (the one sharing gate: current participation and consent to share with the employer)."""
    return sharing_problem(
        events, EMPLOYER_SCOPE, consequence="So a letter cannot be prepared, issued or sent."
    )


def require_employer_consent(events: Iterable[ConsentEvent]) -> None:
    """Raises :class:`ConsentRequired` unless consent to share with the employer is current."""
    problem = employer_consent_problem(events)
    if problem:
        raise ConsentRequired(problem)


@dataclass(frozen=True)
class LetterAdjustment:
    """One recommended adjustment: a catalogue code and title, and the coach's wording."""

    code: str
    title: str
    wording: str


@dataclass(frozen=True)
class PhaseWeek:
    """One week of a phased return."""

    week: int
    days: int
    hours_per_day: float

    @property
    def total_hours(self) -> float:
        return self.days * self.hours_per_day


def hours_text(hours: float) -> str:
    """7.5 -> '7.5', 4.0 -> '4', 7.25 -> '7.25' (how a schedule reads)."""
    return f"{hours:.2f}".rstrip("0").rstrip(".")


@dataclass
class LetterDraft:
    """Everything a letter says, as the coach and client agree it.

    ``condition`` is what the coach typed about the health condition; it is part of
    the letter only when ``share_condition`` is true (the client's choice).
    """

    client_name: str = ""
    client_first_name: str = ""
    employer_name: str = ""
    employer_address: str = ""  # one line per address line
    recipient_name: str = ""
    recipient_role: str = ""
    functional_effects: str = ""
    adjustments: list[LetterAdjustment] = field(default_factory=list)
    phased_return: list[PhaseWeek] = field(default_factory=list)
    review_on: str = ""  # ISO date
    share_condition: bool = False
    condition: str = ""
    coach_name: str = ""
    coach_role: str = ""
    client_agreed: bool = False
    agreed_recorded_by: str = ""
    agreed_at: str = ""  # ISO date-time, UTC
    # SHA-256 of the exact words the client was shown and agreed (documents.disclosure.
    # agreed_text_hash): any change to the letter afterwards no longer matches it.
    agreed_text_hash: str = ""

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.employer_address.splitlines() if line.strip()]

    @property
    def disclosed_condition(self) -> str:
        """The condition wording the letter may show: '' unless the client chose to share it."""
        return self.condition.strip() if self.share_condition else ""

    def validate(self, today: date | None = None) -> Errors:
        """Per-part messages; empty when the letter may be issued."""
        today = today or date.today()
        errors: Errors = {}

        def need(name: str, value: str, message: str, longest: int = 200) -> None:
            if not value.strip():
                errors[name] = message
            elif len(value.strip()) > longest:
                errors[name] = f"Keep this to {longest} characters or fewer."

        need("client_name", self.client_name, "The letter needs the client's name.")
        need("employer_name", self.employer_name, "Enter the employer's name.")
        need(
            "recipient_name",
            self.recipient_name,
            "Enter who the letter is to, for example the line manager's name.",
        )
        if len(self.recipient_role.strip()) > 200:
            errors["recipient_role"] = "Keep this to 200 characters or fewer."
        if len(self.address_lines) > MAX_ADDRESS_LINES:
            errors["employer_address"] = f"Use {MAX_ADDRESS_LINES} address lines or fewer."
        need(
            "functional_effects",
            self.functional_effects,
            "Say how the client's health affects their work (what they can and cannot do at the moment).",
            MAX_FUNCTIONAL_EFFECTS,
        )
        errors.update(self._adjustment_errors())
        errors.update(self._schedule_errors())
        errors.update(self._review_errors(today))
        errors.update(self._disclosure_errors())
        need("coach_name", self.coach_name, "Enter your name for the sign-off.")
        need("coach_role", self.coach_role, "Enter your role for the sign-off.")
        if not self.client_agreed:
            errors["client_agreed"] = (
                "The client must see and agree the content of the letter before it is issued."
            )
        elif not self.agreed_recorded_by.strip() or not self.agreed_at.strip():
            errors["client_agreed"] = "Record who confirmed the client's agreement, and when."
        return errors

    def _adjustment_errors(self) -> Errors:
        errors: Errors = {}
        if not self.adjustments:
            errors["adjustments"] = "Choose at least one adjustment to recommend."
        codes = [a.code for a in self.adjustments]
        if len(set(codes)) != len(codes):
            errors["adjustments"] = "Each adjustment can be recommended only once."
        for item in self.adjustments:
            if not item.wording.strip():
                errors[f"adjustment:{item.code}"] = f"Say what \u201c{item.title}\u201d means for the client."
            elif len(item.wording) > MAX_WORDING:
                errors[f"adjustment:{item.code}"] = f"Keep the wording to {MAX_WORDING} characters or fewer."
        if "phased_return" in codes and not self.phased_return:
            errors["phased_return"] = "Add the weeks of the phased return, or remove that adjustment."
        return errors

    def _schedule_errors(self) -> Errors:
        if len(self.phased_return) > MAX_WEEKS:
            return {"phased_return": f"A phased return here covers up to {MAX_WEEKS} weeks."}
        for index, week in enumerate(self.phased_return, start=1):
            if week.week != index:
                return {"phased_return": "Number the weeks 1, 2, 3 ... in order."}
            if not isinstance(week.days, int) or not 1 <= week.days <= MAX_DAYS_PER_WEEK:
                return {"phased_return": f"Week {index}: days per week must be 1 to {MAX_DAYS_PER_WEEK}."}
            if not MIN_HOURS_PER_DAY <= week.hours_per_day <= MAX_HOURS_PER_DAY:
                lowest, highest = hours_text(MIN_HOURS_PER_DAY), hours_text(MAX_HOURS_PER_DAY)
                return {"phased_return": f"Week {index}: hours per day must be {lowest} to {highest}."}
        return {}

    def _review_errors(self, today: date) -> Errors:
        when = v.parse_date(self.review_on)
        if not self.review_on.strip():
            return {"review_on": "Enter a date to review the adjustments with the employer."}
        if when is None:
            return {"review_on": "Enter the review date as a real date, for example 21/03/2027."}
        if when < today:
            return {"review_on": "The review date cannot be in the past."}
        if when > today + MAX_REVIEW_AHEAD:
            return {"review_on": "Review the adjustments within a year."}
        return {}

    def _disclosure_errors(self) -> Errors:
        condition = self.condition.strip()
        if self.share_condition:
            if not condition:
                return {
                    "condition": "Enter the health condition the client chose to share, "
                    "or untick that they have chosen to share it."
                }
            if len(condition) > 300:
                return {"condition": "Keep the condition to 300 characters or fewer."}
            return {}
        # Whether the printed letter names a condition or identifies the client is checked
        # on the printed text itself, with the condition lexicon (documents.disclosure).
        return {}

    # ----- stored form -----------------------------------------------------
    def content(self) -> dict:
        """The JSON-friendly content kept with an issued letter (no undisclosed condition)."""
        body = asdict(self)
        body["format"] = CONTENT_FORMAT
        body["condition"] = self.disclosed_condition
        body["adjustments"] = [asdict(a) for a in self.adjustments]
        body["phased_return"] = [asdict(w) for w in self.phased_return]
        return body

    @classmethod
    def from_content(cls, body: dict) -> LetterDraft:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in body.items() if k in known}
        values["adjustments"] = [LetterAdjustment(**a) for a in body.get("adjustments", [])]
        values["phased_return"] = [
            PhaseWeek(int(w["week"]), int(w["days"]), float(w["hours_per_day"]))
            for w in body.get("phased_return", [])
        ]
        return cls(**values)


def pdf_sha256(pdf: bytes) -> str:
    """What names an issued PDF everywhere: the SHA-256 of its exact bytes, as hex."""
    return hashlib.sha256(pdf).hexdigest()


def new_reference(on: date, taken: Iterable[str] = ()) -> str:
    """A reference to quote on the phone: WW-YYYYMMDD-XXXX, not one already used."""
    used = set(taken)
    while True:
        tail = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(4))
        reference = f"WW-{on:%Y%m%d}-{tail}"
        if reference not in used:
            return reference


@dataclass
class EmployerLetter(Record):
    """An issued employer letter: the agreed content and the exact PDF that was sent."""

    record_type: ClassVar[str] = "employer_letter"
    mutable: ClassVar[bool] = False

    client_id: str = ""
    reference: str = ""
    issued_on: str = ""
    issued_by: str = ""
    employer: str = ""
    recipient: str = ""
    content: str = ""  # LetterDraft.content() as JSON
    # The PDF as base64 text, as a letter is issued (or received from a version that still
    # sent PDFs). Never in the change log, nor in the stored row: the store keeps it apart,
    # compressed (store.issued_pdfs), and the row only its ``pdf_sha256``. Another laptop
    # renders it again from ``content`` (documents.letter.issued_pdf, deterministic output)
    # and trusts it only if it matches ``pdf_sha256``, the SHA-256 of the exact PDF issued.
    pdf: str = ""
    supersedes: str = ""
    pdf_sha256: str = ""

    # Fields kept on this laptop only: the change log (and so the sync wire) leaves them out.
    local_fields: ClassVar[tuple[str, ...]] = ("pdf",)

    def draft(self) -> LetterDraft:
        return LetterDraft.from_content(json_text.loads(self.content))

    def pdf_bytes(self) -> bytes:
        """The PDF this record carries (b"" once stored: see services.letters.letter_pdf)."""
        return base64.b64decode(self.pdf.encode("ascii"), validate=True)

    def validate(self, today: date | None = None) -> Errors:
        errors: Errors = {}
        if not self.client_id:
            errors["client_id"] = "The letter must belong to a client."
        if not REFERENCE.match(self.reference):
            errors["reference"] = "The reference must look like WW-20260321-AB7K."
        problem = v.check_not_future(self.issued_on, "date the letter was issued", today)
        if problem:
            errors["issued_on"] = problem
        for name, label in (
            ("issued_by", "who issued the letter"),
            ("employer", "the employer's name"),
            ("recipient", "who the letter is to"),
        ):
            if not getattr(self, name).strip():
                errors[name] = f"Enter {label}."
        errors.update(self._content_errors())
        errors.update(self._pdf_errors())
        return errors

    def _content_errors(self) -> Errors:
        try:
            body = json_text.loads(self.content)
            draft = LetterDraft.from_content(body)
        except (TypeError, ValueError, KeyError, AttributeError):
            return {"content": "The letter's content is missing or damaged."}
        issued = v.parse_date(self.issued_on)
        problems = draft.validate(today=issued) if issued else {}
        if not draft.share_condition and body.get("condition"):
            problems["condition"] = (
                "A condition the client did not choose to share cannot be kept in the letter."
            )
        if problems:
            return {"content": "The letter is not complete: " + " ".join(problems.values())}
        return {}

    def _pdf_errors(self) -> Errors:
        if self.pdf_sha256 and not SHA256_HEX.match(self.pdf_sha256):
            return {"pdf_sha256": "The letter's PDF hash is damaged."}
        if not self.pdf:  # synced without its PDF: rendered again and checked against the hash
            return {} if self.pdf_sha256 else {"pdf": "The letter's PDF is missing or damaged."}
        try:
            data = self.pdf_bytes()
        except (binascii.Error, ValueError, UnicodeEncodeError):
            return {"pdf": "The letter's PDF is missing or damaged."}
        if not data.startswith(b"%PDF-"):
            return {"pdf": "The letter's PDF is missing or damaged."}
        if len(data) > MAX_PDF_BYTES:
            return {"pdf": "The letter's PDF is too large to keep and sync: shorten the wording."}
        if self.pdf_sha256 and pdf_sha256(data) != self.pdf_sha256:
            return {"pdf": "The letter's PDF does not match the PDF that was issued."}
        return {}
