"""The client record: what a coach writes down, as plain dataclasses.

Every record has a client-generated UUID so it can be made offline and synced.
*Mutable* records (client details, referral and triage) are edited field by field;
the others are facts once made (sessions, fit notes, discharges, consent events):
they are never edited, and a correction is a new record that ``supersedes`` the old.

``validate()`` returns ``{field: message}``; an empty dict means the record may be saved.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, Self, TypeVar

from . import validation as v
from .vocabulary import (
    CONSENT_ACTIONS,
    CONSENT_METHODS,
    CONSENT_SCOPES,
    CONTACT_METHODS,
    DECLINE_REASONS,
    DISCHARGE_REASONS,
    FIT_NOTE_OPTIONS,
    FIT_NOTE_STATUSES,
    HEALTH_BARRIERS,
    REFERRAL_ROUTES,
    SESSION_MODES,
    TRIAGE_OUTCOMES,
    WORK_OUTCOMES,
    WORK_STATUSES,
)

Errors = dict[str, str]
# "A record of the type asked for": store.get(Client, ...) is a Client to the type checker.
AnyRecord = TypeVar("AnyRecord", bound="Record")


def new_id() -> str:
    return uuid.uuid4().hex


def parse_moment(value: str | None) -> datetime | None:
    """An ISO 8601 date-time *with* its UTC offset, as an aware UTC datetime; None for
    anything else ("yesterday", a bare date, a time with no offset: which zone would it be?)."""
    if not isinstance(value, str) or not value.strip() or "T" not in value.upper():
        return None
    text = value.strip()
    if text[-1:] in ("z", "Z"):  # Python 3.11 reads "Z", but not the lower-case form
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    return moment.astimezone(UTC)


def utc_moment_text(moment: datetime) -> str:
    """The one stored form of a moment: UTC, microseconds, '+00:00' (sorts as text too)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


# A clock a little ahead of this laptop's (another laptop's) is tolerated; more is a mistake.
MAX_CLOCK_AHEAD = timedelta(days=1)


def _collect(**checks: str | None) -> Errors:
    return {name: message for name, message in checks.items() if message}


def _correction_problems(record, reason_required: bool = True) -> Errors:
    """A correction (a record that supersedes another) must say why; so must a move.

    Sessions, fit notes and discharges were corrected without a reason before schema 6
    (and may still arrive so from a laptop not yet upgraded): for them the reason is
    required where a correction is made (``workwell_desktop.services.journey.correct``)."""
    moved = getattr(record, "moved", "")
    if moved not in ("", "out", "in"):
        return {"moved": "A record is moved out of one client's record or into another's."}
    if moved == "out" and not record.supersedes:
        return {"supersedes": "Say which record is moved."}
    if (record.supersedes and reason_required or moved) and not record.correction_reason.strip():
        return {"correction_reason": "Say why this is being corrected: it is kept in the history."}
    if record.supersedes == record.id:
        return {"supersedes": "A record cannot correct itself."}
    return {}


# Every record type by its ``record_type`` (also its table name), filled by
# ``Record.__init_subclass__`` as each type is defined. Read it through
# ``domain.registry``, which imports every record module, so no type is missing
# because nobody happened to import its module yet.
RECORD_TYPES: dict[str, type[Record]] = {}


@dataclass
class Record:
    record_type: ClassVar[str]
    mutable: ClassVar[bool] = False
    id: str = field(default_factory=new_id, kw_only=True)

    def __init_subclass__(cls, **kwargs):
        """A subclass that names its own ``record_type`` is a record type: registered here.
        A base without one (``plans.PlanEntry``) is not. Two classes for one record type
        would write to one table with two meanings, so that is refused."""
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("record_type")
        if name is None:
            return
        known = RECORD_TYPES.get(name)
        # The same class defined again (a module reloaded) replaces itself.
        if known is not None and (known.__module__, known.__qualname__) != (cls.__module__, cls.__qualname__):
            raise TypeError(f"record type {name!r} is already {known.__module__}.{known.__qualname__}")
        RECORD_TYPES[name] = cls

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def validate(self, today: date | None = None) -> Errors:
        raise NotImplementedError


@dataclass
class Client(Record):
    record_type: ClassVar[str] = "client"
    mutable: ClassVar[bool] = True

    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""
    nhs_number: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    preferred_contact: str = "phone"
    preferred_language: str = "English"
    interpreter_needed: bool = False
    gp_practice: str = ""
    employer: str = ""
    work_status: str = "in_work"
    next_review_on: str = ""
    coach: str = ""  # the coach's server account (username) once the laptop is registered
    # Set when a coach merged this client into another (the same person entered on two
    # laptops): the record and its history stay, shown under the client merged into.
    merged_into: str = ""
    main_health_barrier: str = ""  # a HEALTH_BARRIERS code, "" until asked

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def normalised(self) -> Self:
        """The stored form: NHS number digits only, postcode spaced, names trimmed."""
        from dataclasses import replace

        return replace(
            self,
            given_name=self.given_name.strip(),
            family_name=self.family_name.strip(),
            nhs_number=v.normalise_nhs_number(self.nhs_number),
            postcode=v.normalise_postcode(self.postcode),
            phone=v.normalise_phone(self.phone),
            email=self.email.strip(),
        )

    def validate(self, today: date | None = None) -> Errors:
        errors = _collect(
            given_name=v.check_required(self.given_name, "given name"),
            family_name=v.check_required(self.family_name, "family name"),
            date_of_birth=v.check_date_of_birth(self.date_of_birth, today),
            nhs_number=v.check_nhs_number(self.nhs_number),
            postcode=v.check_postcode(self.postcode),
            phone=v.check_phone(self.phone),
            email=v.check_email(self.email),
            preferred_contact=v.check_choice(
                self.preferred_contact, CONTACT_METHODS, "preferred contact method"
            ),
            work_status=v.check_choice(self.work_status, WORK_STATUSES, "work status"),
            main_health_barrier=v.check_choice(
                self.main_health_barrier, HEALTH_BARRIERS, "main health barrier"
            )
            if self.main_health_barrier
            else None,
            preferred_language=v.check_required(self.preferred_language, "preferred language"),
        )
        if self.preferred_contact == "phone" and not self.phone and "phone" not in errors:
            errors["phone"] = "Phone is the preferred contact method: enter a phone number."
        if self.preferred_contact == "sms" and not self.phone and "phone" not in errors:
            errors["phone"] = "Text message is the preferred contact method: enter a mobile number."
        if self.preferred_contact == "email" and not self.email and "email" not in errors:
            errors["email"] = "Email is the preferred contact method: enter an email address."
        if self.next_review_on and v.parse_date(self.next_review_on) is None:
            errors["next_review_on"] = "Enter the next review as a real date, e.g. 2026-12-01."
        if self.merged_into and self.merged_into == self.id:
            errors["merged_into"] = "A client cannot be merged into themselves."
        return errors


@dataclass
class Referral(Record):
    record_type: ClassVar[str] = "referral"
    mutable: ClassVar[bool] = True

    client_id: str = ""
    route: str = ""
    received_on: str = ""
    referrer: str = ""
    triage_outcome: str = "pending"
    decline_reason: str = ""
    triage_note: str = ""
    triaged_on: str = ""
    first_contact_on: str = ""

    def validate(self, today: date | None = None) -> Errors:
        errors = _collect(
            route=v.check_choice(self.route, REFERRAL_ROUTES, "referral route"),
            received_on=v.check_not_future(self.received_on, "date the referral was received", today),
            triage_outcome=v.check_choice(self.triage_outcome, TRIAGE_OUTCOMES, "triage outcome"),
        )
        if self.triage_outcome == "declined":
            reason = v.check_choice(self.decline_reason, DECLINE_REASONS, "reason for declining")
            if reason:
                errors["decline_reason"] = reason
            elif self.decline_reason == "other" and not self.triage_note.strip():
                errors["triage_note"] = "Say why the referral was declined: it is fed back to the referrer."
        elif self.decline_reason:
            errors["decline_reason"] = "Only a declined referral has a reason for declining."
        if self.triage_outcome != "pending":
            problem = v.check_not_future(self.triaged_on, "triage date", today)
            if problem:
                errors["triaged_on"] = problem
        if self.first_contact_on:
            problem = v.check_not_future(self.first_contact_on, "date of first contact", today)
            received = v.parse_date(self.received_on)
            first = v.parse_date(self.first_contact_on)
            if problem:
                errors["first_contact_on"] = problem
            elif received and first and first < received:
                errors["first_contact_on"] = "First contact cannot be before the referral was received."
        return errors


@dataclass
class FitNote(Record):
    record_type: ClassVar[str] = "fit_note"

    client_id: str = ""
    issued_on: str = ""
    valid_from: str = ""
    valid_to: str = ""
    status: str = "not_fit"
    options: tuple[str, ...] = ()
    functional_effects: str = ""
    supersedes: str = ""
    # The condition as written on the fit note. Never printed in a letter; letters are
    # checked against it so it is not disclosed by accident.
    condition: str = ""
    recorded_by: str = ""
    recorded_at: str = ""  # ISO date-time, UTC (blank on notes saved before schema 6)
    correction_reason: str = ""
    moved: str = ""  # "out" / "in" when moved between clients (journey_records.MOVE_DIRECTIONS)

    def validate(self, today: date | None = None) -> Errors:
        errors = _correction_problems(self, reason_required=False)
        errors |= _collect(
            issued_on=v.check_not_future(self.issued_on, "date the fit note was issued", today),
            status=v.check_choice(self.status, FIT_NOTE_STATUSES, "fit note status"),
        )
        start, end = v.parse_date(self.valid_from), v.parse_date(self.valid_to)
        if start is None:
            errors["valid_from"] = "Enter the date the fit note runs from."
        if end is None:
            errors["valid_to"] = "Enter the date the fit note runs to."
        if start and end and end < start:
            errors["valid_to"] = "The fit note cannot end before it starts."
        unknown = [o for o in self.options if o not in FIT_NOTE_OPTIONS]
        if unknown:
            errors["options"] = f"Unknown fit note option: {', '.join(unknown)}."
        elif self.options and self.status != "may_be_fit":
            errors["options"] = "Options apply only when the client may be fit for work."
        if len(self.condition) > 300:
            errors["condition"] = "Keep the condition to 300 characters or fewer."
        return errors


@dataclass
class ContactSession(Record):
    record_type: ClassVar[str] = "contact_session"

    client_id: str = ""
    held_on: str = ""
    mode: str = "in_person"
    venue: str = ""
    duration_minutes: int = 0
    note: str = ""
    recorded_by: str = ""
    supersedes: str = ""
    recorded_at: str = ""  # ISO date-time, UTC (blank on sessions saved before schema 6)
    correction_reason: str = ""
    moved: str = ""  # "out" / "in" when moved between clients (journey_records.MOVE_DIRECTIONS)

    def validate(self, today: date | None = None) -> Errors:
        errors = _correction_problems(self, reason_required=False)
        errors |= _collect(
            held_on=v.check_not_future(self.held_on, "session date", today),
            mode=v.check_choice(self.mode, SESSION_MODES, "session mode"),
        )
        if self.mode == "in_person" and not self.venue.strip():
            errors["venue"] = "Enter where the session was held (for example the GP practice)."
        if not isinstance(self.duration_minutes, int) or not 1 <= self.duration_minutes <= 480:
            errors["duration_minutes"] = "Enter how long the session lasted, 1 to 480 minutes."
        return errors


@dataclass
class Discharge(Record):
    record_type: ClassVar[str] = "discharge"

    client_id: str = ""
    discharged_on: str = ""
    reason: str = ""
    work_outcome: str = ""
    note: str = ""
    supersedes: str = ""
    # The episode of support this discharge ends: the id of its referral ("" on
    # discharges saved before schema 6: they end the latest referral received by then).
    referral_id: str = ""
    # Whether the client may be contacted for the 3- and 6-month follow-ups. A client
    # who withdrew is not followed up unless they agreed to be.
    follow_up_agreed: bool = True
    recorded_by: str = ""
    recorded_at: str = ""  # ISO date-time, UTC
    correction_reason: str = ""

    def validate(self, today: date | None = None) -> Errors:
        return _correction_problems(self, reason_required=False) | _collect(
            discharged_on=v.check_not_future(self.discharged_on, "discharge date", today),
            reason=v.check_choice(self.reason, DISCHARGE_REASONS, "discharge reason"),
            work_outcome=v.check_choice(self.work_outcome, WORK_OUTCOMES, "work outcome"),
        )


@dataclass
class ConsentEvent(Record):
    """One entry in the append-only consent log."""

    record_type: ClassVar[str] = "consent_event"

    client_id: str = ""
    scope: str = ""
    service_name: str = ""
    action: str = ""
    method: str = ""
    recorded_by: str = ""
    recorded_at: str = ""  # ISO date-time with offset; stored in UTC (see normalised)
    note: str = ""
    # A correction of a mistaken entry keeps the original's recorded_at (the moment of
    # the decision, which orders the log) and says when it was corrected and why.
    supersedes: str = ""
    correction_reason: str = ""
    corrected_at: str = ""
    moved: str = ""  # "out" / "in" when moved between clients (journey_records.MOVE_DIRECTIONS)

    def normalised(self) -> Self:
        """The event with ``recorded_at`` in its one stored form (UTC), when readable."""
        moment = parse_moment(self.recorded_at)
        return replace(self, recorded_at=utc_moment_text(moment)) if moment else self

    def validate(self, today: date | None = None) -> Errors:
        errors = _correction_problems(self)
        errors |= _collect(
            scope=v.check_choice(self.scope, CONSENT_SCOPES, "consent scope"),
            action=v.check_choice(self.action, CONSENT_ACTIONS, "consent decision"),
            method=v.check_choice(self.method, CONSENT_METHODS, "way consent was obtained"),
            recorded_by=v.check_required(self.recorded_by, "name of who recorded it"),
            recorded_at=v.check_required(self.recorded_at, "time it was recorded"),
        )
        if "recorded_at" not in errors:
            moment = parse_moment(self.recorded_at)
            if moment is None:
                errors["recorded_at"] = (
                    "Record the time as a date and time with its time zone, "
                    "for example 2026-11-23T10:30:00+00:00."
                )
            elif moment.date() > (today or date.today()) + MAX_CLOCK_AHEAD:
                errors["recorded_at"] = "The time it was recorded is in the future."
        if self.scope == "share_service" and not self.service_name.strip():
            errors["service_name"] = "Name the service this consent is about."
        if self.scope != "share_service" and self.service_name.strip():
            errors["service_name"] = "Only sharing with a named service names a service."
        return errors


def client_id_of(record: Record) -> str:
    """The client a record belongs to: a client is its own; every other type names one.
    Sync shares and scopes records per client."""
    if isinstance(record, Client):
        return record.id
    client_id = getattr(record, "client_id", None)  # every other record type names its client
    if not isinstance(client_id, str):
        raise TypeError(f"a {record.record_type} record names no client")
    return client_id


def new_version(record: AnyRecord, **changes: Any) -> AnyRecord:
    """A copy of ``record`` with ``changes``: a new version, a correction, a move. Which
    fields a correction may carry depends on the record's type, so the names are checked
    when it runs (``dataclasses.replace`` refuses a field the type does not have)."""
    return replace(record, **changes)
