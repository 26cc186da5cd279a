"""The sync's hot statements on the driver's cursor (server.driver), on both databases: they
read and write what SQLAlchemy would, values converted by their column types, lists of any
length in one SQL text, many rows in one statement."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from workwell_desktop.server import driver
from workwell_desktop.server.models import Client, Record, Team

CLIENTS = driver.Statement(
    select(Client.id, Client.team_id, Client.created_at)
    .where(driver.listed(Client.id, bindparam("ids")))
    .order_by(Client.id)
)


@contextlib.contextmanager
def texts(engine):
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement, *_rest):
        if not statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def clients(n: int, team: int, when: datetime) -> list[dict]:
    return [
        {"id": f"{i:04d}-{uuid.uuid4().hex[:8]}", "team_id": team, "coach_user_id": None, "created_at": when}
        for i in range(n)
    ]


def test_rows_written_by_the_driver_read_back_the_same_through_sqlalchemy(two_teams):
    when = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
    rows = clients(3, 1, when)
    with Session(two_teams.engine) as s:
        driver.write(s.connection(), driver.Rows(Client, rows))
        s.commit()
        stored = s.get(Client, rows[0]["id"])
        assert stored is not None and stored.team_id == 1
        # SQLite hands back naive UTC: the same moment either way
        assert stored.created_at.replace(tzinfo=UTC) == when
        read = CLIENTS.rows(s.connection(), {"ids": [r["id"] for r in rows]})
    assert [r[0] for r in read] == sorted(r["id"] for r in rows)
    assert all(isinstance(r[2], datetime) and r[2].replace(tzinfo=UTC) == when for r in read)


def test_a_list_of_any_length_is_one_sql_text(two_teams):
    rows = clients(600, 2, datetime.now(UTC))
    with Session(two_teams.engine) as s:
        core = s.connection()
        driver.write(core, driver.Rows(Client, rows))
        ids = [r["id"] for r in rows]
        with texts(two_teams.engine) as seen:
            assert CLIENTS.rows(core, {"ids": []}) == []
            assert [r[0] for r in CLIENTS.rows(core, {"ids": ids[:1]})] == ids[:1]
            assert [r[0] for r in CLIENTS.rows(core, {"ids": ids + ["no such client"]})] == sorted(ids)
        assert len(seen) == 3 and len(set(seen)) == 1, seen  # so PostgreSQL prepares it once


def test_many_rows_go_in_few_statements_and_all_arrive(two_teams, monkeypatch):
    monkeypatch.setattr(driver, "MAX_VALUES", 40)  # SQLite: 10 rows of 4 columns a statement
    rows = clients(25, 1, datetime.now(UTC))
    with Session(two_teams.engine) as s, texts(two_teams.engine) as seen:
        driver.write(s.connection(), driver.Rows(Client, rows))
        s.commit()
    # PostgreSQL: one array a column, so one statement whatever the number of rows.
    assert len(seen) == (1 if two_teams.engine.dialect.name == "postgresql" else 3)
    assert two_teams.count("client") == 25


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite's VALUES lists grow with the rows
def test_a_write_of_any_number_of_rows_is_one_sql_text(two_teams):
    """So psycopg parses it once and PostgreSQL plans it once, and a large write is not a
    large prepared statement in every pooled backend."""
    now = datetime.now(UTC)
    with Session(two_teams.engine) as s, texts(two_teams.engine) as seen:
        for count, team in ((1, 1), (5, 2), (600, 1)):
            driver.write(s.connection(), driver.Rows(Client, clients(count, team, now)))
            s.commit()
    assert len(seen) == 3 and len(set(seen)) == 1, seen
    assert two_teams.count("client") == 606


def test_update_rows_sets_only_the_rows_named(two_teams):
    rows = clients(3, 1, datetime.now(UTC))
    records = [
        {"id": f"r{i}", "record_type": "contact_session", "client_id": c["id"], "state": "{}", "stamps": "{}"}
        for i, c in enumerate(rows)
    ]
    with Session(two_teams.engine) as s, texts(two_teams.engine) as seen:
        core = s.connection()
        driver.write(core, driver.Rows(Client, rows))
        driver.write(core, driver.Rows(Record, records))
        changed = [
            {"id": "r0", "state": '{"note":"it\'s 100% done"}', "stamps": '{"note":"a"}'},
            {"id": "r2", "state": '{"note":"two"}', "stamps": '{"note":"b"}'},
        ]
        driver.write(core, driver.Rows(Record, changed, key="id"))
        s.commit()
    with Session(two_teams.engine) as s:
        states = dict(s.execute(select(Record.id, Record.state)).all())
    assert states == {"r0": '{"note":"it\'s 100% done"}', "r1": "{}", "r2": '{"note":"two"}'}
    assert len(seen) == 3  # one statement each, the two updates together


def test_a_statement_returns_the_rows_changed(two_teams):
    rename = driver.Statement(
        Team.__table__.update().where(Team.id == bindparam("team")).values(name=bindparam("name"))
    )
    with Session(two_teams.engine) as s:
        assert rename.run(s.connection(), {"team": 1, "name": "North"}) == 1
        assert rename.run(s.connection(), {"team": 99, "name": "Nowhere"}) == 0
        s.commit()
        assert s.get(Team, 1).name == "North"


def test_a_key_that_is_not_a_column_never_reaches_the_sql(two_teams):
    """Column names come from the rows' keys: one that is not a column of the table is
    refused before any SQL is written (no identifier is ever taken from a request)."""

    row = {"id": "x", "team_id": 1, "coach_user_id": None, "created_at": datetime.now(UTC)}
    with Session(two_teams.engine) as s, texts(two_teams.engine) as seen:
        with pytest.raises(KeyError):
            driver.write(
                s.connection(), driver.Rows(Client, [{**row, 'id") VALUES (1); DROP TABLE team; --': 1}])
            )
        with pytest.raises(KeyError):
            driver.write(s.connection(), driver.Rows(Client, [{"id": "x", "nope": 1}], key="id"))
    assert seen == []


def test_a_push_s_tables_are_written_together_and_their_keys_still_checked(two_teams, monkeypatch):
    """Clients, records, updates and the rows that reference them: on PostgreSQL one statement
    (the foreign keys checked when it ends), on SQLite one a table; the same rows either way,
    and a record naming no client is still refused."""
    from sqlalchemy.exc import IntegrityError

    def batches(tag: str, client_of_record: str | None = None) -> list[driver.Rows]:
        client = {"id": f"c{tag}", "team_id": 1, "coach_user_id": None, "created_at": datetime.now(UTC)}
        record = {
            "id": f"r{tag}",
            "record_type": "contact_session",
            "client_id": client_of_record or client["id"],
            "state": "{}",
            "stamps": "{}",
        }
        return [
            driver.Rows(Client, [client]),
            driver.Rows(Record, [record]),
            driver.Rows(Record, [{"id": "r-old", "state": f'{{"v":"{tag}"}}'}], key="id"),
        ]

    with Session(two_teams.engine) as s:
        driver.write(s.connection(), driver.Rows(Client, clients(1, 1, datetime.now(UTC))))
        first = s.execute(select(Client.id)).scalar_one()
        old = {"id": "r-old", "record_type": "note", "client_id": first, "state": "{}", "stamps": "{}"}
        driver.write(s.connection(), driver.Rows(Record, [old]))
        s.commit()
    one_statement = two_teams.engine.dialect.name == "postgresql"
    for tag, limit in (("a", driver.MAX_VALUES), ("b", 4)):  # b: SQLite, past one statement's values
        monkeypatch.setattr(driver, "MAX_VALUES", limit)
        with Session(two_teams.engine) as s, texts(two_teams.engine) as seen:
            driver.write(s.connection(), *batches(tag))
            s.commit()
        assert len(seen) == (1 if one_statement else 3), seen
    with Session(two_teams.engine) as s:
        assert s.get(Record, "rb").client_id == "cb"
        assert s.get(Record, "r-old").state == '{"v":"b"}'
    monkeypatch.setattr(driver, "MAX_VALUES", 30_000)
    with Session(two_teams.engine) as s:
        with pytest.raises(IntegrityError):
            driver.write(s.connection(), *batches("c", client_of_record="no such client"))
        s.rollback()
    assert two_teams.count("record") == 3


@pytest.mark.parametrize("backend", ["sqlite"])  # the plan checked is SQLite's
def test_sqlite_looks_a_list_up_by_the_index_not_a_scan(two_teams):
    """``listed`` must compile to a plain condition: SQLite given ``... IN (...) = 1`` scans
    the whole table (the change table grows for ever), under the write lock."""
    from workwell_desktop.server import sync_service

    with two_teams.engine.connect() as c:
        for statement in (sync_service._HELD, sync_service._MOVED_SINCE_PULL):
            sql = statement.statement.compile(dialect=c.dialect).string
            plan = c.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, ('["x"]',) * sql.count("?")).all()
            steps = " | ".join(row[-1] for row in plan)
            assert "SEARCH" in steps, steps
            assert not [
                t for t in ("SCAN change", "SCAN record", "SCAN client", "SCAN feed") if t in steps
            ], steps


def test_an_update_may_set_a_column_to_null_on_both_databases(two_teams):
    rows = clients(1, 1, datetime.now(UTC))
    rows[0]["coach_user_id"] = 1
    with Session(two_teams.engine) as s:
        driver.write(s.connection(), driver.Rows(Client, rows))
        # every value of the column NULL: PostgreSQL would type the VALUES list as text
        driver.write(
            s.connection(), driver.Rows(Client, [{"id": rows[0]["id"], "coach_user_id": None}], key="id")
        )
        s.commit()
        assert s.get(Client, rows[0]["id"]).coach_user_id is None


def test_rows_that_differ_in_their_keys_are_refused(two_teams):

    rows = clients(2, 1, datetime.now(UTC))
    rows[1]["extra"] = "x"
    with Session(two_teams.engine) as s, pytest.raises(ValueError, match="differ in their keys"):
        driver.write(s.connection(), driver.Rows(Client, rows))


def test_rows_with_a_key_swapped_for_another_are_refused(two_teams):
    rows = clients(2, 1, datetime.now(UTC))
    rows[1]["idx"] = rows[1].pop("id")  # as many keys, one of them not a column
    with Session(two_teams.engine) as s, pytest.raises((ValueError, KeyError)):
        driver.write(s.connection(), driver.Rows(Client, rows))
    assert two_teams.count("client") == 0


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite's text holds both
@pytest.mark.parametrize("bad", ["nul \x00 in it", "lone \ud800 surrogate"])
def test_text_postgresql_cannot_hold_is_its_error_not_a_crash(two_teams, bad):
    """The rows travel as JSON: such text must fail as PostgreSQL's own error on the value
    (an SQLAlchemy error the request's handling knows), never in the encoder."""
    from sqlalchemy.exc import DBAPIError

    rows = clients(1, 1, datetime.now(UTC))
    rows[0]["id"] = bad
    with Session(two_teams.engine) as s, pytest.raises(DBAPIError):
        driver.write(s.connection(), driver.Rows(Client, rows))
    assert two_teams.count("client") == 0
