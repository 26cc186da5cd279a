"""The same person merged: whatever links sync delivers, nothing of the person is hidden.

A into B on one laptop and B into A on another, offline, used to hide both clients (their
risk markers with them) on every laptop; a chain (A into B into C) hid A's history. The
server refuses such merges now (tests/server/test_duplicates.py), and the laptop does not
rely on it (store.merges)."""

import pytest

from workwell_desktop.domain.records import Client, ConsentEvent, ContactSession
from workwell_desktop.store import Store, replica


@pytest.fixture
def laptops(tmp_path, monkeypatch, passphrase):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    stores = [Store.create(tmp_path / name, passphrase, f"{name} Coach") for name in ("Ann", "Bob", "Cat")]
    yield stores
    for store in stores:
        store.close()


def everywhere(stores):
    """Every laptop's unsent changes to every other laptop, as a sync round would."""
    for src in stores:
        changes = replica.unsent_changes(src, 1000)
        replica.mark_sent(src, [c["change_id"] for c in changes])
        for dst in stores:
            if dst is not src:
                assert replica.apply_remote(dst, changes, "x") is not None


def the_same_person_on_each(stores):
    ids = []
    for store in stores:
        client = store.add(
            Client(
                given_name="Wren",
                family_name="Ashdown",
                date_of_birth="1975-06-01",
                nhs_number="9434765919",
                postcode="CA2 4HH",
                phone="07700900001",
            )
        )
        store.add(
            ContactSession(
                client_id=client.id,
                held_on="2026-11-20",
                mode="phone",
                duration_minutes=30,
                note=store.coach_name,
            )
        )
        ids.append(client.id)
    everywhere(stores)
    return ids


def test_opposite_merges_made_offline_hide_neither_client(laptops):
    ann, bob, cat = laptops
    x, y, _ = the_same_person_on_each(laptops)
    ann.add(
        ConsentEvent(
            client_id=y,
            scope="participation",
            action="withdrawn",
            method="verbal",
            recorded_by="Ann Coach",
            recorded_at="2026-11-21T10:00:00+00:00",
        )
    )
    everywhere(laptops)
    ann.merge_clients(x, y)  # y into x
    bob.merge_clients(y, x)  # x into y: bob has not seen ann's merge
    everywhere(laptops)
    for store in laptops:
        shown = [e.client_id for e in store.caseload() if e.client_id in (x, y)]
        assert shown == [min(x, y)]  # one of them, the same on every laptop
        for either in (x, y):
            notes = {s.note for s in store.for_client(ContactSession, either)}
            assert notes == {"Ann Coach", "Bob Coach"}
            assert [e.action for e in store.for_client(ConsentEvent, either)] == ["withdrawn"]


def test_a_chain_of_merges_shows_every_record_under_the_last(laptops):
    ann, bob, cat = laptops
    x, y, z = the_same_person_on_each(laptops)
    ann.merge_clients(x, y)  # y into x
    everywhere(laptops)
    cat.merge_clients(z, x)  # x (with y) into z
    everywhere(laptops)
    for store in laptops:
        assert [e.client_id for e in store.caseload()] == [z]
        assert {s.note for s in store.for_client(ContactSession, z)} == {
            "Ann Coach",
            "Bob Coach",
            "Cat Coach",
        }
        assert store.client_by_nhs_number("9434765919").id == z
        with pytest.raises(Exception, match="merged already"):
            store.merge_clients(y, x)  # into a client shown under another


def test_a_risk_answer_under_a_merged_duplicate_marks_the_person(laptops):
    """The risk marker was grouped by each event's own client: a PHQ-9 item 9 answer given
    under the duplicate vanished from the caseload list and the record header of the person."""
    from workwell_desktop.instruments import get_instrument
    from workwell_desktop.services import safety

    ann, bob, cat = laptops
    x, y, _ = the_same_person_on_each(laptops)
    safety.record_risk_answer(bob, y, get_instrument("phq9"), "q9", 3, "run-1")
    ann.merge_clients(x, y)
    everywhere(laptops)
    for store in laptops:
        [entry] = [e for e in store.caseload() if e.client_id == x]
        assert entry.risk_marked and entry.open_safety_tasks == 1
        for either in (x, y):
            status = safety.client_risk_status(store, either)
            assert status.open_tasks == 1 and status.last_risk_on


def test_a_task_raised_under_a_merged_duplicate_is_closed_from_the_persons_record(laptops):
    """The person's record showed the duplicate's task, but the action was recorded under the
    kept client: the task never closed, and other laptops quarantined the action."""
    from workwell_desktop.domain.assessments import SafetyAction
    from workwell_desktop.instruments import get_instrument
    from workwell_desktop.services import safety

    ann, bob, cat = laptops
    x, y, _ = the_same_person_on_each(laptops)
    safety.record_risk_answer(bob, y, get_instrument("phq9"), "q9", 3, "run-1")
    ann.merge_clients(x, y)
    everywhere(laptops)
    [task] = safety.client_safety_tasks(ann, x)  # shown on the person's (x's) record
    action = SafetyAction(
        actions=("crisis_line",),
        note="Called back; safe plan agreed",
        recorded_by="Ann Coach",
        recorded_at="2026-11-21T10:00:00Z",
    )
    safety.record_safety_action(ann, x, task.answer_event_ids, action, task.assessment_id)
    everywhere(laptops)
    for store in laptops:
        assert safety.client_safety_tasks(store, x) == []
        assert replica.quarantined_changes(store) == []
