"""Where a client is in the service, derived from their referral and discharge records."""

from __future__ import annotations

from collections.abc import Iterable

from .records import Discharge, Referral

CLIENT_STATUSES = {
    "no_referral": "No referral recorded",
    "awaiting_triage": "Awaiting triage",
    "declined": "Declined",
    "awaiting_first_contact": "Awaiting first contact",
    "active": "Active",
    "discharged": "Discharged",
}


def current(records: Iterable) -> list:
    """Drop records that a later correction supersedes."""
    records = list(records)
    replaced = {r.supersedes for r in records if getattr(r, "supersedes", "")}
    return [r for r in records if r.id not in replaced]


def client_status(referrals: Iterable[Referral], discharges: Iterable[Discharge],
                  as_of: str | None = None) -> str:
    """The status code for the caseload list (a key of CLIENT_STATUSES).

    The latest referral decides, unless a discharge has been recorded on or after it
    was received (a re-referral after discharge opens a new episode). A referral
    declined at triage is declined even if a first contact had been made: the
    service is not working with that person.

    ``as_of`` ('YYYY-MM-DD', inclusive) gives the status at the end of that day from
    what was dated by then: referrals received, triage decisions and first contacts
    made, discharges dated on or before it. The caseload list uses today; the team
    summary uses the end of each period (``reports.figures``): one definition for both.
    """
    def by_then(day: str) -> bool:
        return as_of is None or bool(day) and day <= as_of

    referral = max((r for r in referrals if as_of is None or by_then(r.received_on)),
                   key=lambda r: (r.received_on, r.id), default=None)
    discharge = max((d for d in current(discharges) if by_then(d.discharged_on)),
                    key=lambda d: d.discharged_on, default=None)
    if referral is None:
        return "discharged" if discharge else "no_referral"
    if discharge and discharge.discharged_on >= referral.received_on:
        return "discharged"
    # A triage decision without a date (older records) counts from the start.
    triaged = referral.triage_outcome != "pending" and (
        not referral.triaged_on or by_then(referral.triaged_on))
    if not triaged:
        return "awaiting_triage"
    if referral.triage_outcome == "declined":
        return "declined"
    contacted = bool(referral.first_contact_on) and by_then(referral.first_contact_on)
    return "active" if contacted else "awaiting_first_contact"
