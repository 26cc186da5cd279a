"""Every write is one transaction: record, change-log entry and audit entry together."""

import json

import pytest

from workwell_desktop.domain.records import (
    Client,
    ConsentEvent,
    ContactSession,
    Referral,
)
from workwell_desktop.store import ImmutableRecord, InvalidRecord, Store
from workwell_desktop.store import audit as audit_module


def client(**changes):
    fields = dict(
        given_name="Wren",
        family_name="Ashdown",
        date_of_birth="1975-06-01",
        nhs_number="943 476 5919",
        postcode="ca2 4hh",
        phone="07700 900001",
    )
    fields.update(changes)
    return Client(**fields)


def counts(store):
    return {
        t: store.rows(f"SELECT count(*) AS n FROM {t}")[0]["n"]
        for t in ("client", "referral", "change_log", "audit")
    }


def test_add_stores_normalised_record_with_change_and_audit(store):
    before = counts(store)
    saved = store.add(client())
    assert saved.nhs_number == "9434765919" and saved.postcode == "CA2 4HH"
    assert saved.coach == "Alex Coach"
    after = counts(store)
    assert after["client"] == before["client"] + 1
    assert after["change_log"] == before["change_log"] + 1
    assert after["audit"] == before["audit"] + 1
    change = store.changes()[-1]
    assert (change["record_type"], change["record_id"], change["op"]) == ("client", saved.id, "create")
    assert json.loads(change["payload"])["family_name"] == "Ashdown"
    assert change["sent_at"] is None
    entry = store.audit_trail()[-1]
    assert (entry["actor"], entry["action"], entry["record_id"]) == ("Alex Coach", "create", saved.id)
    # the audit trail names fields, never their values
    assert "Ashdown" not in json.dumps(store.audit_trail())


def test_invalid_record_saves_nothing(store):
    before = counts(store)
    with pytest.raises(InvalidRecord) as caught:
        store.add(client(nhs_number="9434765918", postcode="nowhere"))
    assert set(caught.value.errors) == {"nhs_number", "postcode"}
    assert counts(store) == before


def test_duplicate_nhs_number_is_refused_at_the_field(store):
    store.add(client())
    with pytest.raises(InvalidRecord) as caught:
        store.add(client(given_name="Other"))
    assert "already has this NHS number" in caught.value.errors["nhs_number"]


def test_failed_write_leaves_no_record_change_or_audit(store, monkeypatch):
    before = counts(store)

    def broken_append(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(audit_module, "append", broken_append)
    with pytest.raises(OSError):
        store.add(client())
    monkeypatch.undo()
    assert counts(store) == before
    assert store.verify_audit() == []


def test_client_and_referral_saved_together_or_not_at_all(store):
    c = client()
    bad_referral = Referral(client_id=c.id, route="carrier pigeon", received_on="2026-11-01")
    before = counts(store)
    with pytest.raises(InvalidRecord) as caught:
        store.add_together([c, bad_referral])
    assert "route" in caught.value.errors
    assert counts(store) == before
    store.add_together([c, Referral(client_id=c.id, route="gp", received_on="2026-11-01")])
    assert counts(store)["referral"] == before["referral"] + 1


def test_update_logs_only_changed_fields(store):
    saved = store.add(client())
    store.update(Client, saved.id, employer="Carlisle Bakery", phone="07700 900001")
    change = store.changes()[-1]
    assert change["op"] == "update"
    assert json.loads(change["payload"]) == {"employer": "Carlisle Bakery"}
    # an update that changes nothing writes nothing
    n = len(store.changes())
    store.update(Client, saved.id, employer="Carlisle Bakery")
    assert len(store.changes()) == n


def test_invalid_update_changes_nothing(store):
    saved = store.add(client())
    with pytest.raises(InvalidRecord):
        store.update(Client, saved.id, date_of_birth="2030-01-01")
    assert store.get(Client, saved.id).date_of_birth == "1975-06-01"


def test_facts_once_made_cannot_be_edited(store):
    c = store.add(client())
    session = store.add(
        ContactSession(
            client_id=c.id, held_on="2026-11-20", mode="phone", duration_minutes=30, note="first call"
        )
    )
    with pytest.raises(ImmutableRecord, match="correction"):
        store.update(ContactSession, session.id, note="rewritten")
    with pytest.raises(ImmutableRecord):
        store.update(ConsentEvent, "anything", action="given")


def test_records_must_belong_to_a_client_on_the_caseload(store):
    with pytest.raises(InvalidRecord) as caught:
        store.add(ContactSession(client_id="nobody", held_on="2026-11-20", mode="phone", duration_minutes=30))
    assert "client_id" in caught.value.errors


def test_change_stamps_increase_even_if_the_clock_goes_back(store, monkeypatch):
    import workwell_desktop.domain.clock as clock

    c = store.add(client())
    store.update(Client, c.id, employer="A")
    monkeypatch.setattr(clock, "wall_millis", lambda: 1_000_000)  # 1970: clock reset
    store.update(Client, c.id, employer="B")
    stamps = [ch["hlc"] for ch in store.changes()]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_each_field_of_a_mutable_record_has_its_latest_edit_as_its_head(store):
    c = store.add(client())
    store.update(Client, c.id, employer="A")
    heads = {
        r["field"]: r["hlc"]
        for r in store.rows("SELECT field, hlc FROM field_head WHERE record_id = ?", (c.id,))
    }
    assert heads["employer"] == store.changes()[-1]["hlc"]
    assert heads["family_name"] == store.changes()[-2]["hlc"]
    # the heads say it all: no second copy of each field's stamp (field_clock, #15)
    assert store.rows("SELECT count(*) AS n FROM field_clock")[0]["n"] == 0


def test_audit_chain_detects_edits_and_deletions(store):
    c = store.add(client())
    for employer in ("A", "B", "C"):
        store.update(Client, c.id, employer=employer)
    assert store.verify_audit() == []
    conn = store.connection
    conn.execute("UPDATE audit SET actor = 'Someone Else' WHERE seq = 2")
    assert any("entry 2 has been altered" in p for p in store.verify_audit())
    conn.execute("UPDATE audit SET actor = 'Alex Coach' WHERE seq = 2")
    assert store.verify_audit() == []
    conn.execute("DELETE FROM audit WHERE seq = 3")
    assert any("missing" in p for p in store.verify_audit())


def test_audit_chain_detects_a_removed_tail(store, data_dir, passphrase):
    c = store.add(client())
    store.update(Client, c.id, employer="A")
    last = store.audit_trail()[-1]["seq"]
    store.connection.execute("DELETE FROM audit WHERE seq = ?", (last,))
    assert any("removed from the end" in p for p in store.verify_audit())
    store.close()
    assert any("removed" in p for p in Store.open(data_dir, passphrase).verify_audit())
