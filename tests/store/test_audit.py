"""The audit trail proves the data (issue #14): each kind of tampering a holder of the raw
database key could try, and what verify-audit says about it. On the old trail (an unkeyed
SHA-256 chain of audit rows only, its head in the same file) every one of these passed."""

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from workwell_desktop.domain.records import Client, ConsentEvent
from workwell_desktop.store import Store, audit
from workwell_desktop.store.connection import connect
from workwell_desktop.store.keys import KeyFileKeyStore, unwrap_key

PASSPHRASE = "correct horse battery staple"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def trail(tmp_path, monkeypatch):
    """A database with a client and consent events, and a raw connection opener (the attacker)."""
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    data = tmp_path / "d"
    store = Store.create(data, PASSPHRASE, "Alex Coach")
    client = store.add(
        Client(
            given_name="Ada",
            family_name="Lovelace",
            date_of_birth="1980-01-01",
            nhs_number="9434765919",
            postcode="CA1 1AB",
            phone="07700900001",
        )
    )
    events = [
        store.add(
            ConsentEvent(
                client_id=client.id,
                scope="share_employer",
                action=action,
                method="verbal",
                recorded_by="Alex Coach",
                recorded_at=f"2026-11-0{day}T10:00:00+00:00",
            )
        )
        for day, action in ((1, "given"), (2, "withdrawn"))
    ]
    store.update(Client, client.id, employer="Eden Valley Bakery Ltd")
    store.close()

    class Trail:
        def open(self):
            return Store.open(data, PASSPHRASE)

        def raw(self):
            key = unwrap_key(KeyFileKeyStore(data / "key.json").load(), PASSPHRASE)
            return connect(data / "workwell.db", key), key

    t = Trail()
    t.client, t.events = client, events
    return t


def problems(trail, anchor=None):
    store = trail.open()
    try:
        return store.verify_audit(*([anchor] if anchor else []))
    finally:
        store.close()


def head(trail):
    store = trail.open()
    try:
        return store.audit_head()
    finally:
        store.close()


def test_an_untouched_trail_is_intact(trail):
    assert problems(trail) == []
    assert problems(trail, head(trail)) == []


def test_a_record_edited_directly_is_found(trail):
    conn, _ = trail.raw()
    conn.execute("UPDATE consent_event SET action = 'given' WHERE id = ?", (trail.events[1].id,))
    conn.close()
    found = problems(trail)
    assert found == [
        f"consent event {trail.events[1].id} differs from the version recorded in audit "
        f"entry {_entry_of(trail, trail.events[1].id)}: it was changed outside the app"
    ]


def test_a_mutable_record_edited_directly_is_found(trail):
    conn, _ = trail.raw()
    conn.execute("UPDATE client SET employer = 'Someone Else Ltd' WHERE id = ?", (trail.client.id,))
    conn.close()
    assert any(f"client {trail.client.id} differs" in p for p in problems(trail))


def test_a_record_added_or_deleted_outside_the_app_is_found(trail):
    conn, _ = trail.raw()
    conn.execute(
        "INSERT INTO consent_event (id, client_id, scope, service_name, action, method, recorded_by,"
        " recorded_at, note) VALUES ('forged', ?, 'share_gp', '', 'given', 'verbal', 'X',"
        " '2026-11-03T10:00:00.000000+00:00', '')",
        (trail.client.id,),
    )
    conn.execute("DELETE FROM consent_event WHERE id = ?", (trail.events[1].id,))
    conn.close()
    found = problems(trail)
    assert "consent event forged has no audit entry: it was added outside the app" in found
    assert any(
        f"consent event {trail.events[1].id} (audit entry" in p and "deleted outside the app" in p
        for p in found
    )


def test_an_audit_entry_edited_is_found(trail):
    conn, _ = trail.raw()
    conn.execute("UPDATE audit SET detail = 'nothing to see' WHERE seq = 2")
    conn.close()
    assert problems(trail) == ["entry 2 has been altered since it was written"]


def test_a_chain_recomputed_without_the_key_is_found(trail):
    """The old attack: edit an entry, recompute every SHA-256 after it, move the head."""
    conn, _ = trail.raw()
    conn.execute("UPDATE audit SET actor = 'Someone Else' WHERE seq = 2")
    _reseal(conn, lambda *fields: audit.legacy_entry_hash(*fields[:7], fields[-1]))
    conn.close()
    assert "entry 2 has been altered since it was written" in problems(trail)


def test_a_chain_recomputed_with_the_key_is_found_by_the_server_anchor(trail):
    """With the raw key the chain can be re-sealed; the head anchored at the last sync cannot."""
    anchored = head(trail)
    conn, key = trail.raw()
    conn.execute("UPDATE consent_event SET action = 'given' WHERE id = ?", (trail.events[1].id,))
    # Re-seal everything so the entry matches the forged record, as a careful attacker would.
    row = conn.execute("SELECT * FROM consent_event WHERE id = ?", (trail.events[1].id,))
    names = [d[0] for d in row.description]
    forged = audit.row_hash(dict(zip(names, row.fetchone(), strict=True)))
    conn.execute("UPDATE audit SET record_hash = ? WHERE record_id = ?", (forged, trail.events[1].id))
    chain_key = audit.chain_key(key)
    _reseal(conn, lambda *fields: audit.entry_seal(chain_key, *fields))
    conn.close()
    assert problems(trail) == []  # locally consistent: only the anchor can tell
    found = problems(trail, anchored)
    assert found == [
        f"entry {anchored[0]} is not the one anchored at the server at the last sync: "
        "the trail has been rewritten since"
    ]


def test_a_truncated_tail_is_found_locally_and_by_the_anchor(trail):
    anchored = head(trail)
    conn, _ = trail.raw()
    conn.execute("DELETE FROM audit WHERE seq = ?", (anchored[0],))
    conn.close()
    assert (
        f"the trail ends at entry {anchored[0] - 1} but should end at entry {anchored[0]} "
        "(entries removed from the end)" in problems(trail)
    )
    # ... and with the head moved back as well, the server still knows where it was.
    conn, _ = trail.raw()
    last, seal = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head_seq'", (str(last),))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head_hash'", (seal,))
    conn.close()
    found = problems(trail, anchored)
    assert (
        f"the server's anchor for this laptop is at entry {anchored[0]}, but the trail here ends at "
        f"entry {last} (entries removed from the end since the last sync)" in found
    )


def test_records_dropped_by_sync_are_not_reported_missing(trail):
    from workwell_desktop.store import replica

    store = trail.open()
    try:
        drop = {
            "change_id": "c1",
            "record_type": "client",
            "record_id": trail.client.id,
            "client_id": trail.client.id,
            "op": "drop",
            "payload": {},
            "base": {},
            "hlc": "000000000000001-000000-server",
            "device_id": "server",
            "actor": "server",
            "created_at": "2026-11-05T10:00:00+00:00",
        }
        replica.apply_remote(store, [drop], "1")
        assert store.all(ConsentEvent) == []
        assert store.verify_audit() == []
    finally:
        store.close()


def test_received_records_are_proved_too(trail):
    from workwell_desktop.store import replica

    store = trail.open()
    try:
        replica.apply_remote(
            store,
            [
                {
                    "change_id": "c2",
                    "record_type": "consent_event",
                    "record_id": "remote1",
                    "client_id": trail.client.id,
                    "op": "create",
                    "payload": {
                        "client_id": trail.client.id,
                        "scope": "share_gp",
                        "service_name": "",
                        "action": "given",
                        "method": "verbal",
                        "recorded_by": "Bo",
                        "recorded_at": "2026-11-04T10:00:00+00:00",
                        "note": "",
                    },
                    "base": {},
                    "hlc": "000000000000002-000000-other",
                    "device_id": "other",
                    "actor": "Bo",
                    "created_at": "2026-11-04T10:00:00+00:00",
                }
            ],
            "2",
        )
        assert store.verify_audit() == []
    finally:
        store.close()
    conn, _ = trail.raw()
    conn.execute("UPDATE consent_event SET action = 'withdrawn' WHERE id = 'remote1'")
    conn.close()
    assert any("consent event remote1 differs" in p for p in problems(trail))


def test_the_chain_is_keyed_and_the_key_is_not_the_database_key(trail):
    _, key = trail.raw()
    assert audit.chain_key(key) != key and len(audit.chain_key(key)) == 32
    conn, _ = trail.raw()
    seq, at, actor, action, rtype, rid, detail, client_id, version, prev, seal = conn.execute(
        "SELECT seq, at, actor, action, record_type, record_id, detail, client_id, record_hash, prev_hash,"
        " hash FROM audit WHERE seq = 2"
    ).fetchone()
    conn.close()
    fields = [seq, at, actor, action, rtype, rid, detail, client_id, version, prev]
    unkeyed = hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()
    assert seal != unkeyed
    assert seal == audit.entry_seal(
        audit.chain_key(key), seq, at, actor, action, rtype, rid, detail, client_id, version, prev
    )


def test_an_existing_chain_is_upgraded_and_says_whether_it_was_intact(tmp_path):
    data = tmp_path / "v5"
    shutil.copytree(FIXTURES / "schema-v5", data)
    store = Store.open(data, "fixture passphrase for tests")
    try:
        assert store.verify_audit() == []
        upgraded = [e for e in store.audit_trail() if e["action"] == "audit-chain-upgraded"]
        assert [e["detail"] for e in upgraded] == ["earlier chain intact"]
        consent = store.all(ConsentEvent)[0]
    finally:
        store.close()
    store = Store.open(data, "fixture passphrase for tests")  # once only
    try:
        assert len([e for e in store.audit_trail() if e["action"] == "audit-chain-upgraded"]) == 1
        key = bytearray(store._key)  # a copy: close() zeroes the store's own
    finally:
        store.close()
    conn = connect(data / "workwell.db", key)
    conn.execute("UPDATE consent_event SET action = 'refused' WHERE id = ?", (consent.id,))
    conn.close()
    store = Store.open(data, "fixture passphrase for tests")
    try:
        assert any(f"consent event {consent.id} differs" in p for p in store.verify_audit())
    finally:
        store.close()


def test_a_broken_old_chain_is_not_laundered_by_the_upgrade(tmp_path):
    data = tmp_path / "v5"
    shutil.copytree(FIXTURES / "schema-v5", data)
    key = unwrap_key(KeyFileKeyStore(data / "key.json").load(), "fixture passphrase for tests")
    conn = connect(data / "workwell.db", key)
    conn.execute("UPDATE audit SET actor = 'Someone Else' WHERE seq = 2")
    conn.close()
    store = Store.open(data, "fixture passphrase for tests")
    try:
        [entry] = [e for e in store.audit_trail() if e["action"] == "audit-chain-upgraded"]
        assert entry["detail"] == "earlier chain had problems: entry 2 had been altered"
    finally:
        store.close()


def _entry_of(trail, record_id) -> int:
    store = trail.open()
    try:
        return max(e["seq"] for e in store.audit_trail() if e["record_id"] == record_id)
    finally:
        store.close()


def _reseal(conn, seal_of) -> None:
    """Recompute every seal in order and move the head, as an attacker would."""
    prev = audit.GENESIS
    rows = conn.execute(
        "SELECT seq, at, actor, action, record_type, record_id, detail, client_id,"
        " record_hash FROM audit ORDER BY seq"
    ).fetchall()
    for seq, at, actor, action, rtype, rid, detail, client_id, version in rows:
        seal = seal_of(seq, at, actor, action, rtype, rid, detail, client_id, version, prev)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, seal, seq))
        prev = seal
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head_hash'", (prev,))
