"""Where a client is in the service: the caseload's view of ``domain.episodes``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .episodes import STAGES, is_supported, journey, next_review, overdue
from .records import Discharge, Referral

# Kept under this name for the screens and exports that list statuses.
CLIENT_STATUSES = STAGES

__all__ = ["CLIENT_STATUSES", "client_status", "current", "is_supported", "next_review", "overdue"]


def current(records: Iterable) -> list:
    """Drop records that a later correction supersedes, and records moved to another client."""
    records = list(records)
    replaced = {r.supersedes for r in records if getattr(r, "supersedes", "")}
    return [r for r in records if r.id not in replaced and getattr(r, "moved", "") != "out"]


def client_status(
    referrals: Iterable[Referral],
    discharges: Iterable[Discharge],
    undos: Iterable = (),
    consents: Iterable = (),
    outcomes: Iterable = (),
    as_of: str | None = None,
) -> str:
    """The status code for the caseload list (a key of CLIENT_STATUSES): the stage of the
    client's current episode of support (see domain.episodes).

    ``as_of`` ('YYYY-MM-DD', inclusive) gives the status at the end of that day from what
    was dated by then: referrals received, triage decisions and first contacts made,
    discharges, undos, consent decisions and follow-ups dated on or before it. The
    caseload list uses today; the team summary uses the end of each period
    (``reports.figures``): one definition for both.
    """
    if as_of is not None:
        referrals, discharges, undos, consents, outcomes = _dated_by(
            as_of, referrals, discharges, undos, consents, outcomes
        )
    return journey(referrals, discharges, undos, consents, outcomes).status


def _dated_by(as_of: str, referrals, discharges, undos, consents, outcomes) -> tuple[list, ...]:
    """The records as they stood at the end of ``as_of``. A referral keeps only its latest
    triage decision, so one decided later reads as awaiting triage then (a decision
    without a date, from older records, counts from the start)."""

    def by_then(day: str) -> bool:
        return bool(day) and day[:10] <= as_of

    then = []
    for r in referrals:
        if not by_then(r.received_on):
            continue
        if r.triage_outcome != "pending" and r.triaged_on and not by_then(r.triaged_on):
            r = replace(r, triage_outcome="pending", first_contact_on="")
        elif r.first_contact_on and not by_then(r.first_contact_on):
            r = replace(r, first_contact_on="")
        then.append(r)
    return (
        then,
        [d for d in discharges if by_then(d.discharged_on)],
        [u for u in undos if by_then(u.recorded_at)],
        [c for c in consents if by_then(c.recorded_at)],
        [o for o in outcomes if by_then(o.contacted_on)],
    )
