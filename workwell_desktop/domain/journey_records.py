"""Records of the client's journey that are not in ``records``: undoing a discharge and
the follow-up outcome at 3 and 6 months; and the vocabulary of corrections and moves.

Both are facts once made (append-only, synced like sessions). How they combine
into the episode of support is in ``domain.episodes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from . import validation as v
from .records import Record, _collect, _correction_problems
from .vocabulary import WORK_OUTCOMES, WORK_STATUSES

Errors = dict[str, str]

# How the follow-up contact went. Only a client reached gives a work status and outcome.
FOLLOW_UP_CONTACT_RESULTS = {
    "reached": "Spoke with the client",
    "not_reached": "Could not reach the client",
    "declined": "Client did not want to take part",
}

FOLLOW_UP_TIMEPOINTS = {
    "follow_up_3m": "3 months after discharge",
    "follow_up_6m": "6 months after discharge",
}

# The kinds of record a coach can move from a wrong client to the right one.
MOVABLE_RECORD_TYPES = {
    "contact_session": "session",
    "fit_note": "fit note",
    "consent_event": "consent decision",
}

# A moved record: "out" marks the copy left on the wrong client (it supersedes the
# original and takes it out of that record, but both stay in its history); "in" marks
# the copy on the right client. Neither names the other client.
MOVE_DIRECTIONS = {"out": "Moved to another client's record", "in": "Moved here from another client's record"}


def _stamped(record) -> Errors:
    return _collect(
        recorded_by=v.check_required(record.recorded_by, "name of who recorded it"),
        recorded_at=v.check_required(record.recorded_at, "time it was recorded"),
    )


@dataclass
class DischargeUndo(Record):
    """A discharge recorded in error (or support resumed at once): the episode is open again.

    The discharge itself is kept, and shown in the history as undone with the reason.
    """

    record_type: ClassVar[str] = "discharge_undo"

    client_id: str = ""
    discharge_id: str = ""
    reason: str = ""
    recorded_by: str = ""
    recorded_at: str = ""

    def validate(self, today: date | None = None) -> Errors:
        errors = _stamped(self)
        if not self.discharge_id:
            errors["discharge_id"] = "Say which discharge is being undone."
        if not self.reason.strip():
            errors["reason"] = "Say why the discharge is being undone: it is kept in the history."
        return errors


@dataclass
class FollowUpOutcome(Record):
    """The outcome found at a follow-up after discharge (3 or 6 months).

    Fields, for reporting (issue #16 reports them):

    ``discharge_id``
        The discharge (any version of it) whose follow-up this is: the episode it belongs to.
    ``timepoint``
        ``follow_up_3m`` or ``follow_up_6m`` (FOLLOW_UP_TIMEPOINTS).
    ``contacted_on``
        The date of the follow-up contact (or of the last attempt), ISO.
    ``contact_result``
        ``reached`` / ``not_reached`` / ``declined`` (FOLLOW_UP_CONTACT_RESULTS).
    ``work_status``
        When reached: a WORK_STATUSES code (in work, in work off sick, out of work, self-employed).
    ``work_outcome``
        When reached: a WORK_OUTCOMES code since discharge: ``stayed_in_work``,
        ``returned_to_work``, ``new_work``, ``not_in_work`` or ``unknown``.
    ``note``, ``recorded_by``, ``recorded_at`` (UTC), ``supersedes`` and
    ``correction_reason``
        As for other facts: a correction is a new outcome that supersedes the old.
    """

    record_type: ClassVar[str] = "follow_up_outcome"

    client_id: str = ""
    discharge_id: str = ""
    timepoint: str = ""
    contacted_on: str = ""
    contact_result: str = "reached"
    work_status: str = ""
    work_outcome: str = ""
    note: str = ""
    recorded_by: str = ""
    recorded_at: str = ""
    supersedes: str = ""
    correction_reason: str = ""

    def validate(self, today: date | None = None) -> Errors:
        errors = _stamped(self) | _correction_problems(self)
        errors |= _collect(
            timepoint=v.check_choice(self.timepoint, FOLLOW_UP_TIMEPOINTS, "follow-up"),
            contacted_on=v.check_not_future(self.contacted_on, "date of the follow-up contact", today),
            contact_result=v.check_choice(
                self.contact_result, FOLLOW_UP_CONTACT_RESULTS, "how the follow-up contact went"
            ),
        )
        if not self.discharge_id:
            errors["discharge_id"] = "A follow-up belongs to a discharge."
        if self.contact_result == "reached":
            if problem := v.check_choice(self.work_status, WORK_STATUSES, "work status now"):
                errors["work_status"] = problem
            if problem := v.check_choice(self.work_outcome, WORK_OUTCOMES, "work outcome"):
                errors["work_outcome"] = problem
        elif self.work_status or self.work_outcome:
            errors["work_outcome"] = "Record a work status and outcome only when you spoke with the client."
        return errors
