"""Schema migrations from an empty database and from a kept database of each released version."""

import shutil
from pathlib import Path

import pytest

from workwell_desktop.domain.records import Client, ConsentEvent
from workwell_desktop.store import Store
from workwell_desktop.store.schema import LATEST_VERSION, MIGRATIONS

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_PASSPHRASE = "fixture passphrase for tests"


def released_fixtures():
    return sorted(p for p in FIXTURES.glob("schema-v*") if p.is_dir())


def test_migrations_are_numbered_without_gaps():
    assert [m[0] for m in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))


def test_new_database_is_at_the_latest_version(store):
    assert store.rows("PRAGMA user_version")[0]["user_version"] == LATEST_VERSION


def test_a_fixture_is_kept_for_every_earlier_version():
    kept = {int(p.name.removeprefix("schema-v")) for p in released_fixtures()}
    assert set(range(1, LATEST_VERSION)) <= kept


@pytest.mark.parametrize("fixture", released_fixtures(), ids=lambda p: p.name)
def test_upgrading_a_released_database_keeps_every_record(fixture, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(fixture, data)
    store = Store.open(data, FIXTURE_PASSPHRASE)
    assert store.rows("PRAGMA user_version")[0]["user_version"] == LATEST_VERSION
    names = sorted(c.given_name for c in store.all(Client))
    assert names == ["Ada", "Bram"]
    assert len([e for e in store.all(ConsentEvent) if e.scope == "participation"]) == 2
    assert store.verify_audit() == []
    # per-field clocks were filled in from the change log for mutable records
    bram = store.client_by_nhs_number("9990000026")
    clocks = store.rows("SELECT field, hlc FROM field_clock WHERE record_id = ?", (bram.id,))
    assert {r["field"] for r in clocks} >= {"employer", "family_name"}
    # and the database is still usable
    store.add(
        Client(
            given_name="Cai",
            family_name="New",
            date_of_birth="1990-01-01",
            nhs_number="9434765919",
            postcode="CA1 1AB",
            phone="07700900001",
        )
    )
    store.close()
    version = int(fixture.name.removeprefix("schema-v"))
    if version < LATEST_VERSION:
        backups = list((data / "backups").iterdir())
        assert len(backups) == 1 and f"-v{version}-" in backups[0].name
        # the backup is the untouched old database, still encrypted
        assert backups[0].read_bytes() == (fixture / "workwell.db").read_bytes()


def test_failed_migration_leaves_the_database_at_its_old_version(tmp_path, monkeypatch):
    import workwell_desktop.store.connection as connection

    fixture = released_fixtures()[0]
    data = tmp_path / "data"
    shutil.copytree(fixture, data)
    broken = [
        *MIGRATIONS[:1],
        (2, "broken", "CREATE TABLE field_clock (x TEXT); SELECT nonsense FROM nowhere;"),
    ]
    monkeypatch.setattr(connection, "MIGRATIONS", broken)
    monkeypatch.setattr(connection, "LATEST_VERSION", 2)
    with pytest.raises(Exception, match="nowhere"):
        Store.open(data, FIXTURE_PASSPHRASE)
    monkeypatch.undo()
    store = Store.open(data, FIXTURE_PASSPHRASE)  # the real migration still applies cleanly
    assert store.rows("PRAGMA user_version")[0]["user_version"] == LATEST_VERSION
    store.close()
