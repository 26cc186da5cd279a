"""Synthetic clients for GUI tests and renders: invented names, NHS numbers from the 999 range."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import nhs_number

from workwell_desktop.domain.records import Client, ConsentEvent, ContactSession, Discharge, Referral

PASSPHRASE = "correct horse battery staple"
COACH = "Alex Coach"

GIVEN = [
    "Ada",
    "Bram",
    "Cerys",
    "Dafydd",
    "Elin",
    "Fraser",
    "Gwen",
    "Harris",
    "Isla",
    "Jory",
    "Kerensa",
    "Lachlan",
    "Morwenna",
    "Niall",
    "Orla",
    "Piran",
    "Rhona",
    "Struan",
    "Tegan",
    "Wren",
]
FAMILY = [
    "Ashdown",
    "Birkett",
    "Carrick",
    "Dalston",
    "Eskdale",
    "Fell",
    "Gilsland",
    "Hesket",
    "Ireby",
    "Jackson",
    "Keswick",
    "Lanercost",
    "Millom",
    "Nenthead",
    "Orton",
    "Penrith",
    "Rockcliffe",
    "Skelton",
    "Threlkeld",
    "Ulpha",
]
POSTCODES = [
    "CA1 1AB",
    "CA2 4HH",
    "CA3 8QE",
    "CA4 9PR",
    "CA5 7JB",
    "CA6 5TU",
    "CA7 0LD",
    "CA8 1HN",
    "CA10 1QA",
    "CA11 7DZ",
    "CA12 4NX",
    "CA13 0RS",
    "LA9 4PU",
    "LA22 0BU",
]


@cache
def synthetic_nhs_numbers(count: int) -> tuple[str, ...]:
    """The first ``count`` valid NHS numbers in the synthetic 999 range."""
    found, serial = [], 0
    while len(found) < count:
        stem = f"999{serial:06d}"
        check = nhs_number.calculate_checksum(stem)
        if check is not None and nhs_number.is_valid(f"{stem}{check}"):
            found.append(f"{stem}{check}")
        serial += 1
    return tuple(found)


def synthetic_nhs_number(n: int) -> str:
    return synthetic_nhs_numbers(max(n + 1, 64))[n]


def demo_client(n: int, **overrides) -> Client:
    values = dict(
        given_name=GIVEN[n % len(GIVEN)],
        family_name=FAMILY[(n * 7) % len(FAMILY)],
        date_of_birth=date(1960 + n % 40, 1 + n % 12, 1 + n % 28).isoformat(),
        nhs_number=synthetic_nhs_number(n + 1),
        postcode=POSTCODES[n % len(POSTCODES)],
        phone=f"07700 900{n % 1000:03d}",
        employer=["Carlisle Foods Ltd", "Eden Care", ""][n % 3],
        work_status=["in_work", "in_work_off_sick", "out_of_work"][n % 3],
    )
    values.update(overrides)
    return Client(**values)


def add_demo_caseload(store, count: int = 20, today: date | None = None) -> list[Client]:
    """A caseload in every status: awaiting triage, declined, awaiting contact, active, discharged."""
    today = today or date.today()
    clients = []
    for n in range(count):
        received = today - timedelta(days=3 + n * 2)
        review = (today + timedelta(days=(n % 9) - 3)).isoformat() if n % 4 else ""
        client = demo_client(n, next_review_on=review)
        stage = n % 5
        referral = Referral(
            client_id=client.id,
            route=["gp", "self", "employer", "jobcentre"][n % 4],
            received_on=received.isoformat(),
            referrer="Dr A Example, Brampton GP",
        )
        if stage >= 1:
            referral.triage_outcome = "declined" if stage == 1 else "accepted"
            referral.triaged_on = (received + timedelta(days=1)).isoformat()
            if stage == 1:
                referral.decline_reason = "out_of_area"
        if stage >= 3:
            referral.first_contact_on = (received + timedelta(days=2)).isoformat()
        store.add_together([client, referral])
        if stage >= 3:
            store.add(
                ConsentEvent(
                    client_id=client.id,
                    scope="participation",
                    action="given",
                    method="verbal",
                    recorded_by=store.coach_name,
                    recorded_at=f"{referral.first_contact_on}T10:00:00+00:00",
                )
            )
            store.add(
                ContactSession(
                    client_id=client.id,
                    held_on=referral.first_contact_on,
                    mode="in_person",
                    venue="Brampton GP practice",
                    duration_minutes=50,
                    note="First meeting: agreed to look at sleep and a phased return.",
                    recorded_by=store.coach_name,
                )
            )
        if stage == 4 and n % 2:
            store.add(
                Discharge(
                    client_id=client.id,
                    discharged_on=today.isoformat(),
                    reason="completed",
                    work_outcome="stayed_in_work",
                )
            )
        clients.append(client)
    return clients
