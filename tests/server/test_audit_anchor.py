"""The laptop's audit chain head anchored at the server at each sync (issue #14), over real HTTP
on PostgreSQL and SQLite: a chain rewritten or cut short after a sync is caught by verify-audit."""

from __future__ import annotations

import pytest
from server_helpers import PASSWORD
from support.live_server import PASSPHRASE, add_client

from workwell_desktop.domain.records import ConsentEvent
from workwell_desktop.store import Store, audit
from workwell_desktop.store.connection import connect
from workwell_desktop.sync import engine, wire


def _consent(store, client, action, day):
    return store.add(
        ConsentEvent(
            client_id=client.id,
            scope="share_employer",
            action=action,
            method="verbal",
            recorded_by="Ann",
            recorded_at=f"2026-11-0{day}T10:00:00+00:00",
        )
    )


def _reopen(store) -> Store:
    data = store.data_dir
    store.close()
    return Store.open(data, PASSPHRASE)


def _server_anchor(store):
    anchors, source = engine.fetch_audit_anchors(store)
    assert source == "server"
    return anchors[-1]


def test_each_sync_anchors_the_head_and_verify_compares_with_it(laptop):
    ann = laptop("ann")
    client = add_client(ann)
    _consent(ann, client, "given", 1)
    sent = ann.audit_head()
    engine.sync(ann)
    anchor = _server_anchor(ann)
    assert (anchor.seq, anchor.hash) == sent
    assert ann.verify_audit((anchor.seq, anchor.hash)) == []
    _consent(ann, client, "withdrawn", 2)
    engine.sync(ann)
    assert _server_anchor(ann).seq > anchor.seq  # it moves forward with the chain


def _withdrawal_forged_and_chain_resealed(ann, withdrawn) -> Store:
    """With the raw key: forge the record, fix its entry, re-seal the whole chain."""
    key = bytearray(ann._key)  # a copy: close() zeroes the store's own
    ann = _reopen(ann)
    data = ann.data_dir
    ann.close()
    conn = connect(data / "workwell.db", key)
    conn.execute("UPDATE consent_event SET action = 'given' WHERE id = ?", (withdrawn.id,))
    result = conn.execute("SELECT * FROM consent_event WHERE id = ?", (withdrawn.id,))
    names = [d[0] for d in result.description]
    forged = audit.row_hash(dict(zip(names, result.fetchone(), strict=True)))
    conn.execute("UPDATE audit SET record_hash = ? WHERE record_id = ?", (forged, withdrawn.id))
    chain_key, prev = audit.chain_key(key), audit.GENESIS
    for row in conn.execute(
        "SELECT seq, at, actor, action, record_type, record_id, detail, client_id,"
        " record_hash FROM audit ORDER BY seq"
    ).fetchall():
        seal = audit.entry_seal(chain_key, *row, prev)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, seal, row[0]))
        prev = seal
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head_hash'", (prev,))
    conn.close()
    return Store.open(data, PASSPHRASE)


def test_a_rewritten_chain_cannot_move_the_anchor_and_is_reported(laptop):
    ann = laptop("ann")
    client = add_client(ann)
    withdrawn = _consent(ann, client, "withdrawn", 1)
    engine.sync(ann)
    anchored = _server_anchor(ann)
    ann = _withdrawal_forged_and_chain_resealed(ann, withdrawn)
    try:
        assert ann.verify_audit() == []  # consistent on its own
        engine.sync(ann)  # the rewritten chain does not match the anchored entry: the anchor stays
        now = _server_anchor(ann)
        assert (now.seq, now.hash) == (anchored.seq, anchored.hash)
        assert ann.verify_audit((now.seq, now.hash)) == [
            f"entry {anchored.seq} is not the one anchored at the server at the last sync: the trail has "
            "been rewritten since"
        ]
    finally:
        ann.close()


def test_a_truncated_tail_cannot_lower_the_anchor(laptop):
    ann = laptop("ann")
    client = add_client(ann)
    _consent(ann, client, "given", 1)
    engine.sync(ann)
    anchored = _server_anchor(ann)
    key, data = bytearray(ann._key), ann.data_dir  # a copy: close() zeroes the store's own
    ann.close()
    conn = connect(data / "workwell.db", key)
    conn.execute("DELETE FROM audit WHERE seq > ?", (anchored.seq - 3,))
    last, seal = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head_seq'", (str(last),))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head_hash'", (seal,))
    conn.close()
    ann = Store.open(data, PASSPHRASE)
    try:
        engine.sync(ann)
        now = _server_anchor(ann)
        assert now.seq == anchored.seq
        problems = ann.verify_audit((now.seq, now.hash))
        assert any(f"the server's anchor for this laptop is at entry {anchored.seq}" in p for p in problems)
    finally:
        ann.close()


def test_anchors_are_per_device(laptop):
    ann, bob = laptop("ann"), laptop("bob")
    add_client(ann)
    engine.sync(ann)
    engine.sync(bob)
    assert _server_anchor(ann).hash != _server_anchor(bob).hash
    assert ann.verify_audit((_server_anchor(ann).seq, _server_anchor(ann).hash)) == []
    assert bob.verify_audit((_server_anchor(bob).seq, _server_anchor(bob).hash)) == []


def test_verify_audit_command_asks_the_server(laptop, monkeypatch, capsys):
    from workwell_desktop.cli import main

    ann = laptop("ann")
    add_client(ann)
    engine.sync(ann)
    data = ann.data_dir
    ann.close()
    monkeypatch.setenv("WORKWELL_PASSPHRASE", PASSPHRASE)
    assert main(["--data-dir", str(data), "verify-audit"]) == 0
    out = capsys.readouterr().out
    assert "anchor held by the server" in out and "Audit trail intact" in out


@pytest.mark.parametrize(
    "head",
    [{"seq": -1, "hash": "0" * 64}, {"seq": 1, "hash": "not hex"}, {"seq": 1, "hash": "0" * 64, "extra": 1}],
)
def test_a_malformed_head_is_refused(live, head):
    import httpx

    with httpx.Client(base_url=live.base_url) as http:
        reply = http.post(
            "/api/v1/devices", json={"username": "ann", "password": PASSWORD, "device_name": "x"}
        )
        token = reply.json()["token"]
        r = http.post(
            "/api/v1/sync",
            json={"cursor": "", "changes": [], "audit_head": head},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 422


def test_consent_reads_the_same_on_two_laptops_after_sync(laptop):
    """Issue #14: two decisions in the same instant, written in different zones on two laptops,
    arrive in opposite orders; both laptops derive the same state (the withdrawal wins)."""
    from workwell_desktop.domain.consent import consent_state

    ann, bob = laptop("ann"), laptop("bob")
    client = add_client(ann)
    engine.sync(ann)
    engine.sync(bob)
    ann.add(
        ConsentEvent(
            client_id=client.id,
            scope="share_employer",
            action="withdrawn",
            method="verbal",
            recorded_by="Ann",
            recorded_at="2026-07-01T10:00:00+00:00",
        )
    )
    bob.add(
        ConsentEvent(
            client_id=client.id,
            scope="share_employer",
            action="given",
            method="verbal",
            recorded_by="Bob",
            recorded_at="2026-07-01T11:00:00+01:00",
        )
    )  # the same instant
    for store in (ann, bob, ann):
        engine.sync(store)
    states = [
        consent_state(s.for_client(ConsentEvent, client.id))[("share_employer", "")] for s in (ann, bob)
    ]
    assert states[0] == states[1] and states[0].state == "withdrawn"
    assert [e.recorded_at for e in bob.for_client(ConsentEvent, client.id)][-1].endswith("+00:00")


def test_a_server_without_audit_anchors_still_syncs(laptop, monkeypatch):
    """A laptop updated before its server: the server refuses the unknown fields (422); the
    laptop syncs without them rather than not at all."""
    import httpx

    ann = laptop("ann")
    add_client(ann)
    real_post = httpx.Client.post

    def old_server(self, url, *args, **kwargs):
        import gzip
        import json

        if url.endswith("/sync") and "audit_head" in json.loads(gzip.decompress(kwargs["content"])):
            return httpx.Response(
                422,
                json={"detail": [{"loc": ["audit_head"], "msg": "extra"}]},
                request=httpx.Request("POST", url),
            )
        return real_post(self, url, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "post", old_server)
    report = engine.sync(ann)
    assert report.pushed > 0 and ann.pending_change_count() == 0


def test_a_rewritten_chain_that_claims_the_anchor_still_shows_at_verify(laptop, monkeypatch):
    """The anchor moved when the laptop said its chain still held the anchored entry, and
    every reply tells the laptop what that entry is: a rewritten chain could echo it and move
    the anchor past the rewrite, losing the only evidence. Every anchor is kept now."""
    ann = laptop("ann")
    client = add_client(ann)
    withdrawn = _consent(ann, client, "withdrawn", 1)
    engine.sync(ann)
    anchored = _server_anchor(ann)
    ann = _withdrawal_forged_and_chain_resealed(ann, withdrawn)
    try:
        _consent(ann, client, "given", 2)  # a new head to anchor
        # The forger's laptop echoes the held anchor as what its chain "continues" from.
        monkeypatch.setattr(
            engine, "_entry_at_anchor", lambda store: wire.AuditAnchor(seq=anchored.seq, hash=anchored.hash)
        )
        engine.sync(ann)
        monkeypatch.undo()
        anchors, _ = engine.fetch_audit_anchors(ann)
        assert anchors[-1].seq > anchored.seq  # the false claim moved it
        assert (anchored.seq, anchored.hash) in [(a.seq, a.hash) for a in anchors]
        problems = ann.verify_audit(*((a.seq, a.hash) for a in anchors))
        assert (
            f"entry {anchored.seq} is not the one anchored at the server at an earlier sync: the trail "
            "has been rewritten since"
        ) in problems
    finally:
        ann.close()
