"""Scope: a coach's laptop holds their own caseload and clients shared with them; a team
lead's the whole team; a server setting, caseload by default (data minimisation)."""

from __future__ import annotations

import io

from sqlalchemy.orm import Session
from support.live_server import add_client

from workwell_desktop.domain.records import Client, ContactSession
from workwell_desktop.server import admin, db, scope
from workwell_desktop.server.cli import main
from workwell_desktop.sync import engine


def caseload_ids(store) -> set[str]:
    return {e.client_id for e in store.caseload()}


def cli(monkeypatch, url, *argv) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    return main(["admin", *argv, "--database-url", url])


def test_a_new_server_sends_each_coach_their_own_caseload(database_url):
    engine_ = db.make_engine(database_url)
    try:
        with Session(engine_) as s:
            assert scope.current(s) == "caseload"
    finally:
        engine_.dispose()


def test_caseload_scope_shares_and_handovers(laptop, live, monkeypatch, capsys):  # noqa: F811
    assert cli(monkeypatch, live.url, "set-scope", "caseload") == 0
    ann, bob, lee = laptop("ann"), laptop("bob"), laptop("lee")
    anns = add_client(ann, given_name="Ada")
    bobs = add_client(bob, "9990000018", given_name="Bryn")
    ann.add(ContactSession(client_id=anns.id, held_on="2026-11-20", mode="phone", duration_minutes=30))
    for store in (ann, bob, lee):
        engine.sync(store)
    assert caseload_ids(ann) == {anns.id} and caseload_ids(bob) == {bobs.id}
    assert caseload_ids(lee) == {anns.id, bobs.id}  # the team lead holds the whole team

    # Cover during leave: ann's client shared with bob, history and all; then unshared.
    assert cli(monkeypatch, live.url, "share-client", anns.id, "--with", "bob") == 0
    engine.sync(bob)
    assert caseload_ids(bob) == {anns.id, bobs.id}
    assert len(bob.for_client(ContactSession, anns.id)) == 1
    bob.update(Client, anns.id, employer="Covered by Bob")
    engine.sync(bob)
    engine.sync(ann)
    assert ann.get(Client, anns.id).employer == "Covered by Bob"
    assert cli(monkeypatch, live.url, "unshare-client", anns.id, "--with", "bob") == 0
    engine.sync(bob)
    assert caseload_ids(bob) == {bobs.id}

    # The team lead hands ann's client to bob: it leaves ann's laptop, arrives whole on bob's,
    # and what ann typed offline before she heard is not lost.
    engine.sync(lee)
    lee_copy = lee.get(Client, anns.id)
    assert lee_copy.employer == "Covered by Bob"
    lee.update(Client, anns.id, coach="Bob")
    engine.sync(lee)
    offline = ann.add(
        ContactSession(
            client_id=anns.id,
            held_on="2026-11-21",
            mode="phone",
            duration_minutes=20,
            note="before the handover reached me",
        )
    )
    engine.sync(ann)
    assert caseload_ids(ann) == set()
    engine.sync(bob)
    assert caseload_ids(bob) == {anns.id, bobs.id}
    assert bob.get(ContactSession, offline.id).note == "before the handover reached me"
    assert bob.get(Client, anns.id).coach == "Bob"

    # The setting widened to the team: every laptop gets the team's clients.
    assert cli(monkeypatch, live.url, "set-scope", "team") == 0
    for store in (ann, bob):
        engine.sync(store)
    assert caseload_ids(ann) == caseload_ids(bob) == {anns.id, bobs.id}
    assert cli(monkeypatch, live.url, "set-scope", "caseload") == 0
    engine.sync(ann)
    assert caseload_ids(ann) == set()
    assert "scope is now 'caseload'" in capsys.readouterr().out.lower()


def test_sharing_stays_within_the_team(two_teams, monkeypatch):
    import uuid

    client_id = uuid.uuid4().hex
    ann = two_teams.device("ann")
    ann.sync([ann.change(client_id)])
    with Session(two_teams.engine) as s:
        try:
            admin.share_client(s, client_id, "cat")
        except admin.AdminError as e:
            assert "not in the client's team" in str(e)
        else:
            raise AssertionError("shared across teams")
