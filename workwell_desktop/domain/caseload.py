"""Where a client is in the service: the caseload's view of ``domain.episodes``."""

from __future__ import annotations

from collections.abc import Iterable

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


def client_status(referrals: Iterable[Referral], discharges: Iterable[Discharge],
                  undos: Iterable = (), consents: Iterable = (), outcomes: Iterable = ()) -> str:
    """The status code for the caseload list (a key of CLIENT_STATUSES): the stage of the
    client's current episode of support (see domain.episodes)."""
    return journey(referrals, discharges, undos, consents, outcomes).status
