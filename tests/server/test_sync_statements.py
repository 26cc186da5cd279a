"""What one sync costs the database, counted (not timed): the statements it runs and its one
transaction. A change that adds a query to every sync, or splits the request in two
transactions again, fails here (#15: each statement is CPU on the server and a round trip)."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from sqlalchemy import event


@contextlib.contextmanager
def counted(engine):
    seen: dict = {"statements": 0, "commits": 0, "texts": []}

    def on_execute(_conn, _cursor, statement, *_rest):
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE (server.db)
            seen["statements"] += 1
            seen["texts"].append(statement)

    def on_commit(*_args):
        seen["commits"] += 1

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)


def test_an_empty_sync_is_three_statements_and_one_commit(two_teams):
    ann = two_teams.device("ann")
    ann.sync()
    with counted(two_teams.engine) as seen:
        ann.sync()
    # the device with its standing (scope, audit anchor), the page with the team's head, coverage
    assert (seen["statements"], seen["commits"]) == (3, 1)


def test_a_push_and_pull_is_one_transaction_of_a_dozen_statements(two_teams):
    ann = two_teams.device("ann")
    client = uuid.uuid4().hex
    ann.sync([ann.change(client)])
    sessions = [ann.change(client, "contact_session") for _ in range(3)]
    with counted(two_teams.engine) as seen:
        reply = ann.sync(sessions)
    assert sorted(reply["accepted"]) == sorted(c["change_id"] for c in sessions)
    # Each table's rows go in one INSERT (server.driver), reading nothing back.
    assert not [s for s in seen["texts"] if "RETURNING" in s.upper()], seen["texts"]
    # device with its standing, team locks, what the server holds under the lock (known ids,
    # clients, records: one statement, sync_service._HELD), the writes (records, changes, feed:
    # one statement on PostgreSQL, one a table on SQLite, server.driver), the page, coverage
    assert seen["commits"] == 1
    writes = 1 if two_teams.engine.dialect.name == "postgresql" else 3
    assert seen["statements"] == 5 + writes, seen["texts"]


def test_an_anchor_moved_by_a_concurrent_sync_is_judged_again_not_overwritten(two_teams):
    """Two syncs of one laptop at once: the later writer must not put back an older head."""
    from sqlalchemy.orm import Session

    from workwell_desktop.server import auth, sync_service
    from workwell_desktop.sync import wire

    ann = two_teams.device("ann")

    def head(seq: int) -> wire.AuditAnchor:
        return wire.AuditAnchor(seq=seq, hash=f"{seq:064x}")

    def held_now(s: Session) -> wire.AuditAnchor | None:
        return sync_service.caller(s, ann.token)[1].anchor

    with Session(two_teams.engine) as s:
        device = auth.identify(s, ann.token)
        sync_service.anchor_audit(s, device, head(5), None, None)
        s.commit()
        held = held_now(s)  # what a slower sync read first
        s.commit()
        sync_service.anchor_audit(s, device, head(9), head(5), held)  # a faster one moves it
        s.commit()
        with pytest.raises(sync_service._Overtaken):
            sync_service.anchor_audit(s, device, head(7), head(5), held)
        s.rollback()
        assert held_now(s).seq == 9
        # Judged again from what is held now, the slower sync's head is behind: kept at 9.
        again = sync_service.retrying(
            s,
            lambda: sync_service.anchor_audit(s, device, head(7), head(5), held_now(s)),
        )
        assert again.seq == 9


def test_a_key_broken_in_a_driver_statement_is_an_integrity_error_the_push_can_retry(two_teams):
    """The hot statements run on the driver's cursor (server.driver): a broken key must still
    be SQLAlchemy's IntegrityError, the one sync_service.retrying runs a push again on (a
    concurrent push stored the same change), and none of the statement's rows is kept."""
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session

    from workwell_desktop.server import driver
    from workwell_desktop.server.models import Team, utcnow

    with Session(two_teams.engine) as s:
        core = s.connection()
        with pytest.raises(IntegrityError):
            rows = [{"name": name, "created_at": utcnow()} for name in ("C", "A", "E")]  # A exists
            driver.write(core, driver.Rows(Team, rows))
        s.rollback()
        assert two_teams.count("team") == 2
