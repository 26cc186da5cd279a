"""The caseload list: one row per client with what a coach scans for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..domain.caseload import client_status
from ..domain.records import Discharge, Referral
from .rows import from_row


@dataclass(frozen=True)
class CaseloadEntry:
    client_id: str
    given_name: str
    family_name: str
    nhs_number: str
    postcode: str
    date_of_birth: str
    status: str          # a key of domain.caseload.CLIENT_STATUSES
    next_review_on: str  # "" when none is set
    last_contact_on: str  # latest session, or first contact; "" when none yet
    coach: str

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


def caseload(store) -> list[CaseloadEntry]:
    """Every client on this device, sorted by family then given name.

    Three queries in all, whatever the caseload size: clients with their latest
    session date, then all referrals and discharges grouped in memory.
    """
    conn = store.connection
    referrals: dict[str, list[Referral]] = defaultdict(list)
    discharges: dict[str, list[Discharge]] = defaultdict(list)
    for rows, cls, into in (
        (store.rows("SELECT * FROM referral"), Referral, referrals),
        (store.rows("SELECT * FROM discharge"), Discharge, discharges),
    ):
        for row in rows:
            into[row["client_id"]].append(from_row(cls, row))
    cur = conn.execute(
        "SELECT c.id, c.given_name, c.family_name, c.nhs_number, c.postcode, c.date_of_birth,"
        " c.next_review_on, c.coach, (SELECT max(held_on) FROM contact_session s"
        " WHERE s.client_id = c.id) FROM client c ORDER BY c.family_name COLLATE NOCASE,"
        " c.given_name COLLATE NOCASE"
    )
    entries = []
    for cid, given, family, nhs, postcode, dob, review, coach, last_session in cur.fetchall():
        client_referrals = referrals.get(cid, [])
        first_contacts = [r.first_contact_on for r in client_referrals if r.first_contact_on]
        last_contact = max([d for d in (last_session, *first_contacts) if d], default="")
        entries.append(CaseloadEntry(
            cid, given, family, nhs, postcode, dob,
            client_status(client_referrals, discharges.get(cid, [])),
            review, last_contact, coach,
        ))
    return entries
