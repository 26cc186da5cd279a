"""Clients, referrals and sessions for the team-summary tests: the synthetic team
(tests/reports/summary_team.py) and the four laptops synced through the server
(tests/server/test_team_summary_scenario.py) are made of the same pieces."""

from __future__ import annotations

import itertools

from workwell_desktop.domain.records import Client, ContactSession, Referral

PASSPHRASE = "correct horse battery staple"
_serial = itertools.count(1)


def nhs_number() -> str:
    """A valid number from the 999 synthetic range (Modulus 11 check digit), new each call."""
    while True:
        body = f"999{next(_serial):06d}"
        check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return body + str(check)


def client(
    store,
    route: str,
    received: str,
    *,
    coach: str = "",
    dob: str = "1980-01-01",
    work: str = "in_work",
    barrier: str = "",
    outcome: str = "pending",
    triaged: str = "",
    first: str = "",
    reason: str = "",
    review: str = "",
) -> str:
    """A client with one referral, saved together; returns the client's id."""
    person = Client(
        given_name="Test",
        family_name=f"Person {next(_serial)}",
        date_of_birth=dob,
        nhs_number=nhs_number(),
        postcode="CA1 1AB",
        phone="07700900001",
        coach=coach,
        work_status=work,
        main_health_barrier=barrier,
        next_review_on=review,
    )
    referral = Referral(
        client_id=person.id,
        route=route,
        received_on=received,
        triage_outcome=outcome,
        triaged_on=triaged,
        first_contact_on=first,
        decline_reason=reason,
    )
    store.add_together([person, referral])
    return person.id


def session(
    store, cid: str, day: str, mode: str = "in_person", *, supersedes: str = "", recorded_by: str = ""
) -> ContactSession:
    return store.add(
        ContactSession(
            client_id=cid,
            held_on=day,
            mode=mode,
            duration_minutes=45,
            venue="Carlisle hub" if mode == "in_person" else "",
            recorded_by=recorded_by,
            supersedes=supersedes,
        )
    )
