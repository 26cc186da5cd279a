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
    # every edited field of a mutable record keeps a stamp for the merge: its heads (from
    # schema 6), or the per-field clock filled in from the change log (before; migration 2)
    bram = store.client_by_nhs_number("9990000026")
    stamps = store.rows(
        "SELECT field FROM field_head WHERE record_id = ? UNION SELECT field FROM field_clock"
        " WHERE record_id = ?",
        (bram.id, bram.id),
    )
    assert {r["field"] for r in stamps} >= {"employer", "family_name"}
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


# The PDF of the letter issued in the schema-v7 fixture (make_fixture.py printed it).
V7_LETTER_SHA256 = "ddc5d20e89693547d8c25928a6f3fb4b0bfab7f38f9f7aac63d526d7b5e763bd"


def test_upgrading_v7_keeps_the_issued_letter_pdf_apart_and_exports_it_byte_for_byte(tmp_path, monkeypatch):
    import hashlib

    import workwell_desktop.documents.letter as letter_pdfs
    from workwell_desktop.domain.letters import EmployerLetter
    from workwell_desktop.services.letters import export_letter

    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "schema-v7", data)
    # This version renders letters differently (a reportlab or font upgrade): the kept
    # bytes, not a new rendering, are what is exported.
    monkeypatch.setattr(letter_pdfs, "render_letter", lambda *a, **k: b"%PDF-1.4 rendered by a newer version")
    store = Store.open(data, FIXTURE_PASSPHRASE)
    try:
        (letter,) = store.all(EmployerLetter)
        assert letter.pdf == "" and letter.pdf_sha256 == V7_LETTER_SHA256
        (kept,) = store.rows("SELECT sha256 FROM issued_pdf")
        assert kept["sha256"] == V7_LETTER_SHA256
        out = export_letter(store, letter.id, tmp_path / "letter.pdf")
        assert hashlib.sha256(out.read_bytes()).hexdigest() == V7_LETTER_SHA256
        # The move is audited: the record still matches its latest entry.
        assert store.verify_audit() == []
        assert [a["action"] for a in store.audit_trail() if a["record_id"] == letter.id][
            -1
        ] == "keep-pdf-apart"
    finally:
        store.close()
    # Done once: a later unlock finds nothing to move and the letter still exports.
    again = Store.open(data, FIXTURE_PASSPHRASE)
    try:
        actions = [a["action"] for a in again.audit_trail()]
        assert actions.count("keep-pdf-apart") == 1
        out = export_letter(again, letter.id, tmp_path / "again.pdf")
        assert hashlib.sha256(out.read_bytes()).hexdigest() == V7_LETTER_SHA256
    finally:
        again.close()


def test_upgrading_v7_keeps_acknowledged_changes_as_ids_only(tmp_path, monkeypatch):
    import json

    import workwell_desktop.store.connection as connection
    from workwell_desktop.store import issued_pdfs, replica

    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "schema-v7", data)
    with monkeypatch.context() as at_v7:  # the v7 laptop syncs: half its changes acknowledged
        at_v7.setattr(connection, "MIGRATIONS", MIGRATIONS[:7])
        at_v7.setattr(connection, "LATEST_VERSION", 7)
        at_v7.setattr(issued_pdfs, "keep_legacy_apart", lambda store: 0)  # not in v7 yet
        old = Store.open(data, FIXTURE_PASSPHRASE)
        changes = old.changes()
        sent = changes[: len(changes) // 2]
        with old.connection:
            old.connection.executemany(
                "UPDATE change_log SET sent_at = '2026-11-06T09:00:00', payload = '{}' WHERE change_id = ?",
                [(c["change_id"],) for c in sent],
            )
        old.close()
    store = Store.open(data, FIXTURE_PASSPHRASE)
    try:
        assert [c["change_id"] for c in store.changes()] == [c["change_id"] for c in changes[len(sent) :]]
        assert store.pending_change_count() == len(changes) - len(sent)
        # Sent back by the server, the acknowledged ones are known by id and change nothing.
        echoed = [{**c, "payload": {}, "base": json.loads(c["base"])} for c in sent]
        assert replica.apply_remote(store, echoed, "1") == 0
        assert replica.quarantined_changes(store) == [] and store.verify_audit() == []
    finally:
        store.close()
