"""Three laptops of one team edit offline and sync in random order, through the real
server (PostgreSQL and SQLite), with requests lost and laptops killed mid-page. After
every round: identical records, identical open conflicts, nothing missing, nothing
doubled, and the other team sees nothing. Seeded and bounded: the same run every time.
"""

from __future__ import annotations

import json
import random

import httpx
from support.live_server import add_client

from workwell_desktop.domain.plans import PlanAction, versioned_items
from workwell_desktop.domain.records import Client, ContactSession, Referral
from workwell_desktop.services import plans
from workwell_desktop.store import replica
from workwell_desktop.sync import engine

ROUNDS = 15
NHS_NUMBERS = iter(n for n in (f"999{i:07d}" for i in range(1, 4000)) if __import__("nhs_number").is_valid(n))
EMPLOYERS = ("Carlisle Bakery", "Eden Farm", "Penrith Garage", "")
LANGUAGES = ("English", "Polish", "Welsh")
REVIEWS = ("", "2026-12-01", "2027-01-15")


class Killed(BaseException):
    """A laptop switched off in the middle of applying a page (not an Exception: nothing catches it)."""


class Lossy(httpx.HTTPTransport):
    """Loses some sync requests before they are sent and some replies after the server acted."""

    def __init__(self, rng: random.Random):
        super().__init__()
        self.rng, self.on, self.lost = rng, True, 0

    def handle_request(self, request):
        roll = self.rng.random() if self.on and request.url.path.endswith("/sync") else 1.0
        if roll < 0.12:
            self.lost += 1
            raise httpx.ConnectError("network down")
        response = super().handle_request(request)
        if roll < 0.24:
            self.lost += 1
            response.read()
            raise httpx.ReadError("reply lost: the server stored the push, the laptop never heard")
        return response


def state(store) -> dict:
    tables = ("client", "referral", "contact_session", "plan_action")
    return {t: sorted(store.rows(f"SELECT * FROM {t}"), key=lambda r: r["id"]) for t in tables}


def open_conflicts(store) -> set:
    return {
        (c.record_type, c.record_id, c.field, json.dumps(c.kept_value), json.dumps(c.other_value))
        for c in replica.open_conflicts(store)
    }


def plan_heads(store) -> set:
    return {
        (i.current.id, tuple(sorted(u.id for u in i.unseen))) for i in versioned_items(store.all(PlanAction))
    }


def edit(rng: random.Random, store, made: dict) -> None:
    clients = store.all(Client)
    roll = rng.random()
    if not clients or (roll < 0.06 and len(clients) < 3):
        client = add_client(store, next(NHS_NUMBERS), given_name=rng.choice(("Ada", "Bryn", "Cai")))
        made["client"].add(client.id)
        return
    client = rng.choice(clients)
    if roll < 0.45:
        field, values = rng.choice(
            (
                ("employer", EMPLOYERS),
                ("employer", EMPLOYERS),
                ("preferred_language", LANGUAGES),
                ("next_review_on", REVIEWS),
            )
        )
        store.update(Client, client.id, **{field: rng.choice(values)})
    elif roll < 0.55:
        [referral] = store.for_client(Referral, client.id)
        store.update(Referral, referral.id, referrer=rng.choice(("Dr Khan", "Dr Ross", "")))
    elif roll < 0.7:
        made["contact_session"].add(
            store.add(
                ContactSession(
                    client_id=client.id,
                    held_on="2026-11-20",
                    mode="phone",
                    duration_minutes=rng.randint(5, 60),
                )
            ).id
        )
    elif roll < 0.85:
        items = versioned_items(store.for_client(PlanAction, client.id))
        if items and rng.random() < 0.7:
            shown = rng.choice(items).current
            plans.change_entry(
                store,
                shown,
                status="done" if shown.status == "open" else "open",
                due_on=rng.choice(("2026-12-01", "2026-12-15")),
            )
        else:
            plans.add_entry(store, PlanAction(client_id=client.id, text="Book physio", due_on="2026-12-01"))
    else:
        conflicts = replica.open_conflicts(store)
        if conflicts:
            replica.resolve_conflict(store, rng.choice(conflicts).id, keep_other=rng.random() < 0.5)


KILLS = []


def try_sync(store, http, rng, faults: bool, monkeypatch) -> None:
    real = replica._apply_one

    def sometimes_killed(cur, s, change):
        if faults and rng.random() < 0.15:
            KILLS.append(1)
            raise Killed()
        return real(cur, s, change)

    monkeypatch.setattr(replica, "_apply_one", sometimes_killed)
    try:
        engine.sync(store, http=http)
    except (engine.Offline, Killed):
        pass  # the next sync repeats the step; nothing is lost
    finally:
        monkeypatch.setattr(replica, "_apply_one", real)


def test_three_laptops_converge_after_every_round(laptop, monkeypatch):  # noqa: F811
    rng = random.Random(20261201)
    KILLS.clear()
    team = [laptop("ann"), laptop("bob"), laptop("lee")]
    cat = laptop("cat")
    transport = Lossy(rng)
    http = httpx.Client(transport=transport, timeout=30)
    made: dict[str, set] = {"client": set(), "contact_session": set()}
    try:
        for _ in range(ROUNDS):
            for _ in range(rng.randint(6, 16)):  # offline work and syncs, interleaved at random
                store = rng.choice(team)
                if rng.random() < 0.8:
                    edit(rng, store, made)
                else:
                    try_sync(store, http, rng, True, monkeypatch)
            transport.on = False
            for _ in range(2):  # everyone comes back online
                for store in team:
                    try_sync(store, http, rng, False, monkeypatch)
            transport.on = True
            first = state(team[0])
            assert all(state(s) == first for s in team[1:])
            assert all(open_conflicts(s) == open_conflicts(team[0]) for s in team[1:])
            assert all(plan_heads(s) == plan_heads(team[0]) for s in team[1:])
            for table, ids in made.items():  # nothing missing, nothing doubled
                assert sorted(r["id"] for r in first[table]) == sorted(ids)
            assert all(
                s.pending_change_count() == 0
                and not replica.rejected_changes(s)
                and not replica.quarantined_changes(s)
                for s in team
            )
            engine.sync(cat)
            assert cat.all(Client) == []
    finally:
        http.close()
    # The run did exercise what it is for: conflicts, lost requests and killed laptops.
    every = team[0].rows("SELECT count(*) AS n FROM conflict")[0]["n"]
    print(
        f"conflicts {every}, clients {len(made['client'])}, lost requests {transport.lost}, "
        f"kills {len(KILLS)}, changes {len(team[0].changes())}"
    )
    assert every >= 2 and transport.lost >= 2 and KILLS
