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


def client_status(referrals: Iterable[Referral], discharges: Iterable[Discharge]) -> str:
    """The status code for the caseload list (a key of CLIENT_STATUSES).

    The latest referral decides, unless a discharge has been recorded on or after it
    was received (a re-referral after discharge opens a new episode).
    """
    referral = max(referrals, key=lambda r: (r.received_on, r.id), default=None)
    discharge = max(current(discharges), key=lambda d: d.discharged_on, default=None)
    if referral is None:
        return "discharged" if discharge else "no_referral"
    if discharge and discharge.discharged_on >= referral.received_on:
        return "discharged"
    if referral.triage_outcome == "pending":
        return "awaiting_triage"
    if referral.triage_outcome == "declined":
        return "declined"
    return "active" if referral.first_contact_on else "awaiting_first_contact"
