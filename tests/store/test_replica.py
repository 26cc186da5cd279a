"""Merging changes between devices: appends, field-by-field merges, conflicts, drops."""

import pytest

from workwell_desktop.domain.records import Client, ConsentEvent, ContactSession, Referral
from workwell_desktop.store import Store, replica


@pytest.fixture
def two_devices(tmp_path, monkeypatch, passphrase):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    a = Store.create(tmp_path / "a", passphrase, "Alex Coach")
    b = Store.create(tmp_path / "b", passphrase, "Sam Coach")
    yield a, b
    a.close()
    b.close()


STAMP = "001700000000000-000000-server"


def relay(src, dst, cursor="x"):
    """What a sync round does, minus the network: src pushes, dst pulls."""
    changes = replica.unsent_changes(src, 1000)
    replica.mark_sent(src, [c["change_id"] for c in changes])
    return replica.apply_remote(dst, changes, cursor)


def new_client(store, **kw):
    fields = dict(given_name="Wren", family_name="Ashdown", date_of_birth="1975-06-01",
                  nhs_number="9434765919", postcode="CA2 4HH", phone="07700900001")
    fields.update(kw)
    c = store.add(Client(**fields))
    store.add(Referral(client_id=c.id, route="gp", received_on="2026-11-01"))
    return c


def test_new_records_arrive_with_every_field(two_devices):
    a, b = two_devices
    c = new_client(a)
    a.add(ContactSession(client_id=c.id, held_on="2026-11-20", mode="phone", duration_minutes=30,
                         note="first call"))
    relay(a, b)
    assert b.get(Client, c.id) == a.get(Client, c.id)
    assert b.for_client(ContactSession, c.id) == a.for_client(ContactSession, c.id)
    assert b.pending_change_count() == 0  # received changes are not sent back
    assert b.verify_audit() == []


def test_a_repeated_page_changes_nothing(two_devices):
    a, b = two_devices
    new_client(a)
    changes = replica.unsent_changes(a, 1000)
    replica.apply_remote(b, changes, "1")
    before = b.rows("SELECT count(*) AS n FROM audit")[0]["n"]
    replica.apply_remote(b, changes, "1")
    assert b.rows("SELECT count(*) AS n FROM audit")[0]["n"] == before
    assert len(b.all(Referral)) == 1


def test_edits_to_different_fields_both_survive(two_devices):
    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    a.update(Client, c.id, employer="Carlisle Bakery")
    b.update(Client, c.id, phone="07700900999")
    relay(a, b)
    relay(b, a)
    for store in (a, b):
        got = store.get(Client, c.id)
        assert (got.employer, got.phone) == ("Carlisle Bakery", "07700900999")
        assert replica.open_conflicts(store) == []


def test_a_later_edit_that_saw_the_earlier_one_just_applies(two_devices):
    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    a.update(Client, c.id, employer="First")
    relay(a, b)
    b.update(Client, c.id, employer="Second")
    relay(b, a)
    assert a.get(Client, c.id).employer == "Second"
    assert replica.open_conflicts(a) == [] and replica.open_conflicts(b) == []


def test_same_field_edited_on_both_is_a_conflict_on_both_and_they_agree(two_devices):
    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    a.update(Client, c.id, employer="Bakery")
    b.update(Client, c.id, employer="Farm")  # later clock: wins for now
    relay(a, b)
    relay(b, a)
    assert a.get(Client, c.id).employer == b.get(Client, c.id).employer == "Farm"
    [on_a] = replica.open_conflicts(a)
    [on_b] = replica.open_conflicts(b)
    for conflict in (on_a, on_b):
        assert (conflict.field, conflict.kept_value, conflict.other_value) == ("employer", "Farm", "Bakery")
        assert (conflict.kept_actor, conflict.other_actor) == ("Sam Coach", "Alex Coach")
    # Alex resolves it by taking the other edit; the decision syncs and settles B too
    replica.resolve_conflict(a, on_a.id, keep_other=True)
    relay(a, b)
    assert a.get(Client, c.id).employer == b.get(Client, c.id).employer == "Bakery"
    assert replica.open_conflicts(a) == [] and replica.open_conflicts(b) == []


def test_the_same_edit_made_twice_is_not_a_conflict(two_devices):
    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    a.update(Client, c.id, employer="Same Ltd")
    b.update(Client, c.id, employer="Same Ltd")
    relay(a, b)
    relay(b, a)
    assert replica.open_conflicts(a) == [] and replica.open_conflicts(b) == []


def test_consent_events_append_from_both_devices(two_devices):
    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    a.add(ConsentEvent(client_id=c.id, scope="share_employer", action="given", method="verbal",
                       recorded_by="Alex Coach", recorded_at="2026-11-20T10:00:00+00:00"))
    b.add(ConsentEvent(client_id=c.id, scope="share_employer", action="withdrawn", method="written",
                       recorded_by="Sam Coach", recorded_at="2026-11-21T10:00:00+00:00"))
    relay(a, b)
    relay(b, a)
    assert {e.action for e in a.for_client(ConsentEvent, c.id)} == {"given", "withdrawn"}
    assert len(b.for_client(ConsentEvent, c.id)) == 2


def test_drop_removes_a_reassigned_client_and_everything_of_theirs(two_devices):
    a, b = two_devices
    c = new_client(a)
    keep = new_client(a, nhs_number="9990000018", given_name="Stays")
    a.add(ContactSession(client_id=c.id, held_on="2026-11-20", mode="phone", duration_minutes=30))
    relay(a, b)
    replica.apply_remote(b, [{"change_id": "drop-1", "record_type": "client", "record_id": c.id,
                              "client_id": c.id, "op": "drop", "payload": {}, "hlc": STAMP,
                              "actor": ""}], "y")
    assert [x.client_id for x in b.caseload()] == [keep.id]
    assert b.for_client(ContactSession, c.id) == [] and b.for_client(Referral, c.id) == []


def test_unknown_record_types_are_kept_not_lost(two_devices):
    _, b = two_devices
    future = {"change_id": "f1", "record_type": "wellbeing_diary", "record_id": "r1", "client_id": "c",
              "op": "create", "payload": {"mood": 3}, "hlc": STAMP, "actor": "x"}
    replica.apply_remote(b, [future], "z")
    assert b.rows("SELECT record_type FROM deferred_change") == [{"record_type": "wellbeing_diary"}]


def test_local_edits_after_a_pull_stamp_after_what_was_seen(two_devices, monkeypatch):
    import workwell_desktop.store.clock as clock

    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    monkeypatch.setattr(clock, "wall_millis", lambda: 1)  # B's clock is far behind
    b.update(Client, c.id, employer="Later on B")
    relay(b, a)
    assert a.get(Client, c.id).employer == "Later on B"


def test_kept_changes_are_applied_once_the_record_type_is_known(two_devices, monkeypatch, passphrase):
    from dataclasses import dataclass
    from typing import ClassVar

    from workwell_desktop.domain import records
    from workwell_desktop.domain.records import RECORD_TYPES, Record

    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    future = {"change_id": "f2", "record_type": "contact_session_v9", "record_id": "s9",
              "client_id": c.id, "op": "create", "payload": {"client_id": c.id}, "hlc": STAMP, "actor": "x"}
    replica.apply_remote(b, [future], "z")
    assert len(b.rows("SELECT * FROM deferred_change")) == 1

    @dataclass
    class FutureThing(Record):  # what the upgrade brings
        record_type: ClassVar[str] = "contact_session_v9"
        client_id: str = ""

        def validate(self, today=None):
            return {}

    monkeypatch.setitem(RECORD_TYPES, "contact_session_v9", FutureThing)
    assert records.RECORD_TYPES["contact_session_v9"] is FutureThing
    b.connection.execute("CREATE TABLE contact_session_v9 (id TEXT PRIMARY KEY, client_id TEXT)")
    assert replica.replay_deferred(b) == 1
    assert b.rows("SELECT * FROM contact_session_v9") == [{"id": "s9", "client_id": c.id}]
    assert b.rows("SELECT * FROM deferred_change") == []


def test_a_refused_change_is_kept_with_its_reason_and_not_resent(two_devices):
    a, _ = two_devices
    new_client(a)
    [first, second] = replica.unsent_changes(a, 10)
    replica.mark_rejected(a, [(first["change_id"], "client belongs to another team")])
    assert a.pending_change_count() == 1
    assert [c["change_id"] for c in replica.unsent_changes(a, 10)] == [second["change_id"]]
    assert replica.rejected_changes(a)[0]["rejected_reason"] == "client belongs to another team"
