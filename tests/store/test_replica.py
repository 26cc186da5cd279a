"""Merging changes between devices: appends, field-by-field merges, conflicts, drops."""

import json

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
    fields = dict(
        given_name="Wren",
        family_name="Ashdown",
        date_of_birth="1975-06-01",
        nhs_number="9434765919",
        postcode="CA2 4HH",
        phone="07700900001",
    )
    fields.update(kw)
    c = store.add(Client(**fields))
    store.add(Referral(client_id=c.id, route="gp", received_on="2026-11-01"))
    return c


def test_new_records_arrive_with_every_field(two_devices):
    a, b = two_devices
    c = new_client(a)
    a.add(
        ContactSession(
            client_id=c.id, held_on="2026-11-20", mode="phone", duration_minutes=30, note="first call"
        )
    )
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
    a.add(
        ConsentEvent(
            client_id=c.id,
            scope="share_employer",
            action="given",
            method="verbal",
            recorded_by="Alex Coach",
            recorded_at="2026-11-20T10:00:00+00:00",
        )
    )
    b.add(
        ConsentEvent(
            client_id=c.id,
            scope="share_employer",
            action="withdrawn",
            method="written",
            recorded_by="Sam Coach",
            recorded_at="2026-11-21T10:00:00+00:00",
        )
    )
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
    replica.apply_remote(
        b,
        [
            {
                "change_id": "drop-1",
                "record_type": "client",
                "record_id": c.id,
                "client_id": c.id,
                "op": "drop",
                "payload": {},
                "hlc": STAMP,
                "actor": "",
            }
        ],
        "y",
    )
    assert [x.client_id for x in b.caseload()] == [keep.id]
    assert b.for_client(ContactSession, c.id) == [] and b.for_client(Referral, c.id) == []


def test_unknown_record_types_are_kept_not_lost(two_devices):
    _, b = two_devices
    future = {
        "change_id": "f1",
        "record_type": "wellbeing_diary",
        "record_id": "r1",
        "client_id": "c",
        "op": "create",
        "payload": {"mood": 3},
        "hlc": STAMP,
        "actor": "x",
    }
    replica.apply_remote(b, [future], "z")
    assert b.rows("SELECT record_type FROM deferred_change") == [{"record_type": "wellbeing_diary"}]


def test_local_edits_after_a_pull_stamp_after_what_was_seen(two_devices, monkeypatch):
    import workwell_desktop.domain.clock as clock

    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    monkeypatch.setattr(clock, "wall_millis", lambda: 1)  # B's clock is far behind
    b.update(Client, c.id, employer="Later on B")
    relay(b, a)
    assert a.get(Client, c.id).employer == "Later on B"


def test_kept_changes_are_applied_once_the_record_type_is_known(two_devices, request, passphrase):
    from dataclasses import dataclass
    from typing import ClassVar

    from workwell_desktop.domain.records import Record
    from workwell_desktop.domain.registry import RECORD_TYPES

    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    future = {
        "change_id": "f2",
        "record_type": "contact_session_v9",
        "record_id": "s9",
        "client_id": c.id,
        "op": "create",
        "payload": {"client_id": c.id},
        "hlc": STAMP,
        "actor": "x",
    }
    replica.apply_remote(b, [future], "z")
    assert len(b.rows("SELECT * FROM deferred_change")) == 1

    request.addfinalizer(lambda: RECORD_TYPES.pop("contact_session_v9", None))

    @dataclass
    class FutureThing(Record):  # what the upgrade brings: defining it registers it
        record_type: ClassVar[str] = "contact_session_v9"
        client_id: str = ""

        def validate(self, today=None):
            return {}

    assert RECORD_TYPES["contact_session_v9"] is FutureThing
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


# --- causality, not clocks (issue 12) ---------------------------------------------------------


def conflict_set(store):
    """What an open conflict is, independent of the laptop: record, field and the two edits."""
    return {
        (c.record_type, c.record_id, c.field, json.dumps(c.kept_value), json.dumps(c.other_value))
        for c in replica.open_conflicts(store)
    }


def take(store):
    changes = replica.unsent_changes(store, 1000)
    replica.mark_sent(store, [c["change_id"] for c in changes])
    return changes


def test_an_edit_made_twice_without_seeing_the_other_keeps_the_conflict_open_on_both(two_devices):
    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    a.update(Client, c.id, employer="Bakery")
    from_a = take(a)  # A syncs; B has not pulled yet
    b.update(Client, c.id, employer="Farm")
    b.update(Client, c.id, employer="Farm Shop")  # B, still unaware of A's edit, edits again
    from_b = take(b)
    replica.apply_remote(b, from_a, "1")
    replica.apply_remote(a, from_b, "1")
    assert a.get(Client, c.id).employer == b.get(Client, c.id).employer
    assert conflict_set(a) == conflict_set(b) and len(conflict_set(a)) == 1
    [(_, _, field, kept, other)] = conflict_set(a)
    assert field == "employer" and {json.loads(kept), json.loads(other)} == {"Bakery", "Farm Shop"}
    # Nobody settled it: no row anywhere says it was resolved.
    for store in (a, b):
        assert store.rows("SELECT * FROM conflict WHERE resolved_at IS NOT NULL") == []


def test_a_skewed_clock_cannot_hide_a_concurrent_edit(two_devices, monkeypatch):
    import workwell_desktop.domain.clock as clock

    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    real = clock.wall_millis
    monkeypatch.setattr(clock, "wall_millis", lambda: real() + 86_400_000)  # B is a day ahead
    b.update(Client, c.id, employer="Ahead Ltd")
    monkeypatch.setattr(clock, "wall_millis", real)
    a.update(Client, c.id, employer="Honest Ltd")
    replica.apply_remote(a, take(b), "1")
    replica.apply_remote(b, take(a), "1")
    assert a.get(Client, c.id).employer == b.get(Client, c.id).employer == "Ahead Ltd"  # shown first
    assert conflict_set(a) == conflict_set(b) and len(conflict_set(a)) == 1  # but never hidden


def test_an_edit_that_had_seen_both_values_closes_the_conflict_everywhere(two_devices):
    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    a.update(Client, c.id, employer="Bakery")
    b.update(Client, c.id, employer="Farm")
    relay(a, b)
    relay(b, a)
    assert len(conflict_set(a)) == len(conflict_set(b)) == 1
    b.update(Client, c.id, employer="Farm and Bakery")  # B saw both, and writes what is right
    relay(b, a)
    assert a.get(Client, c.id).employer == "Farm and Bakery"
    assert conflict_set(a) == conflict_set(b) == set()
    [settled] = a.rows("SELECT resolved_by FROM conflict WHERE resolved_at IS NOT NULL")
    assert settled["resolved_by"] == "Sam Coach"


def test_arrival_order_does_not_change_the_outcome(tmp_path, monkeypatch, passphrase):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    a, b, c3 = (Store.create(tmp_path / n, passphrase, f"{n} Coach") for n in ("a", "b", "c"))
    try:
        client = new_client(a)
        start = take(a)
        for store in (b, c3):
            replica.apply_remote(store, start, "0")
        a.update(Client, client.id, employer="A1")
        b.update(Client, client.id, employer="B1")
        from_a, from_b = take(a), take(b)
        replica.apply_remote(c3, from_b + from_a, "1")  # the other order from a's and b's view
        replica.apply_remote(a, from_b, "1")
        replica.apply_remote(b, from_a, "1")
        assert conflict_set(a) == conflict_set(b) == conflict_set(c3) and len(conflict_set(a)) == 1
        assert {s.get(Client, client.id).employer for s in (a, b, c3)} == {b.get(Client, client.id).employer}
    finally:
        for store in (a, b, c3):
            store.close()


def test_a_concurrent_plan_change_is_not_hidden_by_a_wrong_clock(two_devices, monkeypatch):
    from workwell_desktop.domain.plans import PlanAction, versioned_items
    from workwell_desktop.services import plans

    a, b = two_devices
    c = new_client(a)
    action = plans.add_entry(a, PlanAction(client_id=c.id, text="Book physio", due_on="2026-12-01"))
    relay(a, b)
    plans.change_entry(a, action, status="done")
    # B's clock is wrong by years: its version looks older than the one it replaced.
    monkeypatch.setattr(plans, "now_iso", lambda: "2000-01-01T00:00:00+00:00")
    plans.change_entry(b, b.get(PlanAction, action.id), due_on="2026-12-15")
    monkeypatch.undo()
    relay(a, b)
    relay(b, a)
    for store in (a, b):
        [item] = versioned_items(store.for_client(PlanAction, c.id))
        assert len(item.unseen) == 1  # the other laptop's change is shown, on both
    shown = {versioned_items(s.for_client(PlanAction, c.id))[0].current.id for s in (a, b)}
    assert len(shown) == 1  # both show the same version
    # A changes it again, having been shown both: settled on both laptops.
    [item] = versioned_items(a.for_client(PlanAction, c.id))
    plans.change_entry(a, item.current, text="Book physio (both agreed)")
    relay(a, b)
    for store in (a, b):
        [item] = versioned_items(store.for_client(PlanAction, c.id))
        assert item.unseen == () and item.current.text == "Book physio (both agreed)"


def test_an_incoming_update_is_judged_on_its_own_fields_not_on_this_laptops_unsent_edits(two_devices):
    a, b = two_devices
    c = new_client(a, preferred_contact="letter")
    relay(a, b)
    b.update(Client, c.id, phone="")  # fine while the preferred contact is a letter; not sent yet
    a.update(Client, c.id, preferred_contact="phone")  # fine on A, which has the phone number
    relay(a, b)
    assert replica.quarantined_changes(b) == []
    assert b.get(Client, c.id).preferred_contact == "phone"
    # An update that is itself invalid is still held back.
    bad = {
        **replica.unsent_changes(b, 1)[0],
        "change_id": "bad-1",
        "hlc": "009999999999999-000000-x",
        "payload": {"preferred_contact": "carrier pigeon"},
        "base": {},
    }
    replica.apply_remote(a, [bad], "2")
    assert [q["change_id"] for q in replica.quarantined_changes(a)] == ["bad-1"]


def test_an_upgraded_laptop_merges_by_what_each_edit_saw(tmp_path, monkeypatch):
    """A v5 laptop (clock merge) upgraded: its stamps become the fields' heads, so an edit that
    built on them applies cleanly and one that did not is an open conflict; nothing is lost."""
    import shutil
    from pathlib import Path

    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    fixture = Path(__file__).parent / "fixtures" / "schema-v5"
    shutil.copytree(fixture, tmp_path / "old")
    old = Store.open(tmp_path / "old", "fixture passphrase for tests")
    try:
        bram = old.client_by_nhs_number("9990000026")
        [clock] = old.rows(
            "SELECT hlc FROM field_clock WHERE record_id = ? AND field = 'employer'", (bram.id,)
        )
        seen = {
            "change_id": "seen-1",
            "record_type": "client",
            "record_id": bram.id,
            "client_id": bram.id,
            "op": "update",
            "payload": {"employer": "Built on it"},
            "base": {"employer": clock["hlc"]},
            "hlc": "009000000000000-000000-other",
            "device_id": "x",
            "actor": "Other Coach",
        }
        replica.apply_remote(old, [seen], "1")
        assert old.get(Client, bram.id).employer == "Built on it" and replica.open_conflicts(old) == []
        blind = {
            **seen,
            "change_id": "blind-1",
            "payload": {"family_name": "Blind"},
            "base": {},
            "hlc": "009000000000001-000000-other",
        }
        before = old.get(Client, bram.id).family_name
        replica.apply_remote(old, [blind], "2")
        [conflict] = replica.open_conflicts(old)
        assert {conflict.kept_value, conflict.other_value} == {before, "Blind"}
        # The coach's own next edit of the field has seen both, and settles it.
        old.update(Client, bram.id, family_name="Settled")
        assert replica.open_conflicts(old) == []
    finally:
        old.close()


def test_acknowledged_changes_leave_the_change_log_known_by_id_and_compact_shrinks(two_devices):
    a, b = two_devices
    for n in range(40):
        c = new_client(a, nhs_number=_nhs(n), given_name=f"Wren{n}")
        a.update(Client, c.id, employer="Eden Valley Bakery Ltd " * 20)
    sent = a.changes()
    before = a.file_size()
    relay(a, b)
    assert a.changes() == [] and a.pending_change_count() == 0
    assert a.compact() and a.file_size() < before
    # Its own changes coming back are still known by id, and change nothing.
    own = [{**c, "payload": {}, "base": json.loads(c["base"])} for c in sent]
    assert replica.apply_remote(a, own, "y") == 0
    assert replica.quarantined_changes(a) == []
    assert len(a.all(Client)) == 40 and a.verify_audit() == []
    assert b.all(Client) and all(c.employer.startswith("Eden") for c in b.all(Client))


def _nhs(n: int) -> str:
    import nhs_number

    i = n * 13
    while True:
        first9 = f"999{i:06d}"
        check = nhs_number.calculate_checksum(first9)
        if check is not None and check != 10:
            return f"{first9}{check}"
        i += 1


@pytest.mark.parametrize("field", ["supersedes", "answers", "responses"])
def test_a_relayed_field_nested_too_deeply_is_quarantined_and_the_page_goes_on(two_devices, field):
    """JSON text nested 30,000 deep raised RecursionError out of apply_remote: the page was
    never applied and the cursor never moved, so every sync stopped at the same change."""
    from workwell_desktop.domain.assessments import Assessment

    a, b = two_devices
    c = new_client(a)
    relay(a, b)
    from workwell_desktop.instruments.derived import derive_assessment

    record = Assessment(
        client_id=c.id,
        instrument_id="phq9",
        instrument_version="1.0",
        timepoint="baseline",
        completed_on="2026-11-20",
        completed_by="Alex Coach",
        answers=(0,) * 9,
    )
    a.add(derive_assessment(record).record)
    [change] = replica.unsent_changes(a, 10)
    bad = {
        **change,
        "payload": {**change["payload"], field: "[" * 30_000 if field != "responses" else '{"a":' * 30_000},
    }
    good = {**change, "change_id": "good-1", "record_id": "rec-good", "payload": dict(change["payload"])}
    good["payload"].pop("id", None)
    replica.apply_remote(b, [bad, good], "7")
    assert [q["change_id"] for q in replica.quarantined_changes(b)] == [change["change_id"]]
    assert b.connection.execute("SELECT value FROM meta WHERE key = 'sync_cursor'").fetchone()[0] == "7"


def test_a_relayed_create_of_a_record_held_here_meets_the_record_rules(two_devices):
    """A create of a record the laptop already holds was only shape-checked, then merged field
    by field: it could move a referral to another client, or bring NHS number "123", a birth
    date in 2999 or a client merged into themselves."""
    a, b = two_devices
    c = new_client(a)
    other = new_client(a, nhs_number="9990000026")
    changes = replica.unsent_changes(a, 100)
    relay(a, b)
    [client_create] = [x for x in changes if x["record_type"] == "client" and x["record_id"] == c.id]
    [referral_create] = [x for x in changes if x["record_type"] == "referral" and x["client_id"] == c.id]
    hostile = [
        {**referral_create, "payload": {**referral_create["payload"], "client_id": other.id}},
        {**client_create, "payload": {**client_create["payload"], "nhs_number": "123"}},
        {**client_create, "payload": {**client_create["payload"], "date_of_birth": "2999-01-01"}},
        {**client_create, "payload": {**client_create["payload"], "merged_into": c.id}},
    ]
    hostile = [
        {**x, "change_id": f"hostile-{n}", "hlc": f"00999999999999{n}-000000-x"}
        for n, x in enumerate(hostile)
    ]
    replica.apply_remote(b, hostile, "9")
    assert sorted(q["change_id"] for q in replica.quarantined_changes(b)) == [x["change_id"] for x in hostile]
    assert [r.id for r in b.for_client(Referral, c.id)] == [referral_create["record_id"]]
    held = b.get(Client, c.id)
    assert (held.nhs_number, held.date_of_birth, held.merged_into) == (c.nhs_number, c.date_of_birth, "")
