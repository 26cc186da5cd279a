"""The plan: create, change, history kept with values, overdue actions and reviews on the caseload."""

from dataclasses import replace
from datetime import date

import pytest

from workwell_desktop.domain.plans import (
    SUPPORT_AREAS,
    PlanAction,
    PlanGoal,
    PlanNote,
    PlanReferral,
    PlanSettings,
    ServiceDirectory,
    versioned_items,
)
from workwell_desktop.domain.records import Client, Discharge, Referral
from workwell_desktop.domain.registry import RECORD_TYPES
from workwell_desktop.services import plans
from workwell_desktop.store import ImmutableRecord, InvalidRecord

TODAY = date(2026, 11, 23)


def test_plan_records_are_registered_and_append_only():
    for name in ("plan", "plan_goal", "plan_action", "plan_referral", "plan_note"):
        assert name in RECORD_TYPES and not RECORD_TYPES[name].mutable


def test_create_change_and_keep_every_version(store, client):
    goal = plans.add_entry(store, PlanGoal(client_id=client.id, text="Be back at work full time by March"))
    action = plans.add_entry(
        store,
        PlanAction(
            client_id=client.id,
            text="Ask HR about a phased return",
            goal_id=goal.item_id,
            owner="client",
            due_on="2026-11-30",
        ),
    )
    moved = plans.change_entry(store, action, due_on="2026-12-07")
    done = plans.change_entry(store, moved, status="done")
    assert done.item_id == moved.item_id == action.id and done.supersedes == moved.id
    with pytest.raises(ImmutableRecord):
        store.update(PlanAction, action.id, status="dropped")
    with pytest.raises(InvalidRecord) as refused:  # building on a replaced version is refused
        plans.change_entry(store, moved, status="dropped")
    assert "changed since you opened it" in refused.value.errors["supersedes"]
    with pytest.raises(InvalidRecord):
        plans.change_entry(store, done, status="done")  # nothing changed

    view = plans.load_plan(store, client.id, TODAY)
    [item] = view.actions
    assert item.current == done and [v.id for v in item.versions] == [action.id, moved.id, done.id]
    assert view.goal_text(item.current.goal_id) == "Be back at work full time by March"
    changes = [(h.kind, h.event, [(c.label, c.before, c.after) for c in h.changes]) for h in view.history]
    assert changes[0] == ("plan_action", "Changed", [("Status", "Open", "Done")])
    assert changes[1] == ("plan_action", "Changed", [("Due", "2026-11-30", "2026-12-07")])
    assert changes[2][:2] == ("plan_action", "Added")
    assert ("For goal", "", "Be back at work full time by March") in changes[2][2]
    assert changes[3][:2] == ("plan_goal", "Added")
    assert all(h.recorded_by == "Alex Coach" for h in view.history)
    ops = [(c["record_type"], c["op"]) for c in store.changes() if c["record_type"].startswith("plan")]
    assert ops == [("plan_goal", "create")] + [("plan_action", "create")] * 3  # each version syncs as a fact


def test_validation_messages_for_plan_entries(store, client):
    with pytest.raises(InvalidRecord) as refused:
        plans.add_entry(store, PlanAction(client_id=client.id, text=" ", owner="other", due_on="soon"))
    assert set(refused.value.errors) == {"text", "owner_name", "due_on"}
    with pytest.raises(InvalidRecord) as refused:
        plans.add_entry(store, PlanReferral(client_id=client.id, support_area="astrology", status="made"))
    assert set(refused.value.errors) == {"support_area", "service_name", "made_on"}
    with pytest.raises(InvalidRecord) as refused:
        plans.add_entry(store, PlanGoal(client_id=client.id, text=""))
    assert "own words" in refused.value.errors["text"]


def test_tier_reviews_and_notes(store, client):
    first = plans.save_settings(store, client.id, support_tier="targeted", next_review_on="2026-11-16")
    same = plans.save_settings(store, client.id, support_tier="targeted", next_review_on="2026-11-16")
    assert same == first  # nothing changed: no new version
    settings, note = plans.record_review(
        store,
        client.id,
        "2026-11-23",
        "2026-12-21",
        "Walking daily; moved to holistic for the employer meeting.",
        support_tier="holistic",
    )
    assert settings.supersedes == first.id and note.kind == "review"
    progress = plans.add_note(store, client.id, "Phoned: HR meeting booked.", "2026-11-20")
    corrected = plans.correct_note(store, progress, "Phoned: HR meeting booked for 1 Dec.", "Added the date")
    with pytest.raises(ImmutableRecord):
        store.update(PlanNote, progress.id, text="edited")
    view = plans.load_plan(store, client.id, TODAY)
    assert view.settings.support_tier == "holistic" and view.next_review_on == "2026-12-21"
    assert not view.review_overdue
    assert [n.id for n in view.notes] == [note.id, corrected.id]  # newest first, the corrected one replaced
    history = [(h.kind, h.event) for h in view.history]
    assert ("plan_note", "Corrected") in history and ("plan", "Changed") in history
    tier_change = next(h for h in view.history if h.kind == "plan" and h.event == "Changed")
    assert [(c.label, c.before, c.after) for c in tier_change.changes] == [
        ("Support tier", "Targeted (more support, social prescribing)", "Holistic (most intensive)"),
        ("Next review", "2026-11-16", "2026-12-21"),
        ("Last review", "", "2026-11-23"),
    ]


def test_a_review_needs_a_note(store, client):
    with pytest.raises(InvalidRecord) as refused:
        plans.record_review(store, client.id, "2026-11-23", "2026-12-21", " ", support_tier="targeted")
    assert "text" in refused.value.errors
    assert store.for_client(PlanSettings, client.id) == []  # nothing half-saved


def test_two_laptops_changing_one_action_keeps_both():
    first = PlanAction(
        client_id="c",
        text="Book physio",
        due_on="2026-12-01",
        recorded_by="A",
        recorded_at="2026-11-01T09:00:00",
    )
    here = replace(
        first,
        id="b" * 32,
        supersedes=first.id,
        status="done",
        recorded_by="A",
        recorded_at="2026-11-02T09:00:00",
    )
    there = replace(
        first,
        id="c" * 32,
        supersedes=first.id,
        due_on="2026-12-15",
        recorded_by="B",
        recorded_at="2026-11-02T10:00:00",
    )
    [item] = versioned_items([first, here, there])
    assert item.current is there and item.unseen == (here,)
    # A change made without being shown ``here`` leaves it unseen, whatever the clocks say.
    blind = replace(there, id="e" * 32, supersedes=there.id, status="open", recorded_at="2026-11-03T09:00")
    [item] = versioned_items([first, here, there, blind])
    assert item.current is blind and item.unseen == (here,)
    later = replace(
        there,
        id="d" * 32,
        supersedes=there.id,
        also_supersedes=(here.id,),
        status="done",
        recorded_at="2026-11-03T09:00",
    )
    [item] = versioned_items([first, here, there, later])
    assert item.current is later and item.unseen == ()  # changed again after both were seen


def test_overdue_actions_and_reviews_on_the_caseload(store, client):
    other = Client(
        given_name="Sam",
        family_name="Other",
        date_of_birth="1970-01-01",
        nhs_number="9990000026",
        postcode="CA1 1AB",
        phone="07700900456",
        next_review_on="2026-11-01",
    )
    store.add_together(
        [
            other,
            Referral(
                client_id=other.id,
                route="self",
                received_on="2026-09-01",
                triage_outcome="accepted",
                triaged_on="2026-09-02",
                first_contact_on="2026-09-03",
            ),
        ]
    )
    late = plans.add_entry(store, PlanAction(client_id=client.id, text="Call HR", due_on="2026-11-20"))
    plans.add_entry(store, PlanAction(client_id=client.id, text="Walk", due_on="2026-11-01"))
    plans.add_entry(store, PlanAction(client_id=client.id, text="Physio form", due_on="2026-12-01"))
    done = plans.add_entry(store, PlanAction(client_id=client.id, text="Read leaflet", due_on="2026-11-02"))
    plans.change_entry(store, done, status="done")
    plans.change_entry(store, late, text="Call HR about the phased return")  # still open and late
    plans.save_settings(store, client.id, support_tier="targeted", next_review_on="2026-11-30")

    entries = {e.client_id: e for e in plans_caseload(store)}
    assert entries[client.id].overdue_actions == 2
    assert entries[client.id].next_review_on == "2026-11-30" and not entries[client.id].review_overdue
    assert entries[other.id].overdue_actions == 0
    assert entries[other.id].next_review_on == "2026-11-01" and entries[other.id].review_overdue

    plans.save_settings(store, client.id, support_tier="targeted", next_review_on="2026-11-16")
    assert {e.client_id: e for e in plans_caseload(store)}[client.id].review_overdue
    assert plans.load_plan(store, client.id, TODAY).review_overdue
    assert len(plans.load_plan(store, client.id, TODAY).overdue_actions) == 2

    store.add(
        Discharge(
            client_id=other.id, discharged_on="2026-11-20", reason="completed", work_outcome="stayed_in_work"
        )
    )
    assert not {e.client_id: e for e in plans_caseload(store)}[other.id].review_overdue


def plans_caseload(store):
    from workwell_desktop.store.caseload import caseload

    return caseload(store, today=TODAY)


def test_the_caseload_query_count_does_not_grow_with_the_caseload(store, client):
    plans.add_entry(store, PlanAction(client_id=client.id, text="Walk", due_on="2026-11-01"))
    statements = []
    store.connection.set_trace_callback(statements.append)
    try:
        plans_caseload(store)
        few = len(statements)
        for n in range(20):
            person = store.add(
                Client(
                    given_name=f"P{n}",
                    family_name="Many",
                    date_of_birth="1980-01-01",
                    nhs_number=_nhs(n),
                    postcode="CA1 1AB",
                    phone="07700900000",
                )
            )
            plans.add_entry(store, PlanAction(client_id=person.id, text="Walk", due_on="2026-11-01"))
        statements.clear()
        entries = plans_caseload(store)
    finally:
        store.connection.set_trace_callback(None)
    assert len(statements) == few
    assert sum(e.overdue_actions for e in entries) == 21


def _nhs(n: int) -> str:
    from nhs_number import is_valid

    candidate = 999_000_100 + n * 10
    while True:
        for check in range(10):
            number = f"{candidate}{check}"
            if is_valid(number):
                return number
        candidate += 1


def test_the_local_directory_is_example_data_covering_every_area(tmp_path):
    directory = plans.load_directory()
    assert directory.example_data and "EXAMPLE" in directory.notice
    assert len(directory.services) >= 15
    assert {s.support_area for s in directory.services} == set(SUPPORT_AREAS)
    assert all("(example)" in s.name and "01632 960" in s.contact for s in directory.services)
    physio = directory.in_area("physiotherapy")
    assert physio and all(s.support_area == "physiotherapy" for s in physio)
    broken = tmp_path / "directory.json"
    broken.write_text(
        '{"services": [{"name": "X", "support_area": "tarot", "contact": "1", "area_covered": "here"}]}'
    )
    with pytest.raises(ValueError, match="unknown support area"):
        plans.load_directory(broken)
    assert ServiceDirectory.from_dict({"services": []}).in_area("") == []


def test_caseload_counts_an_action_changed_on_two_laptops_once_by_its_latest_version(store, client):
    first = store.add(
        PlanAction(
            client_id=client.id,
            text="Book physio",
            due_on="2026-11-01",
            recorded_by="A",
            recorded_at="2026-11-01T09:00:00",
        )
    )
    store.add(
        replace(
            first,
            id="b" * 32,
            supersedes=first.id,
            due_on="2026-11-10",
            recorded_by="A",
            recorded_at="2026-11-02T09:00:00",
        )
    )
    store.add(
        replace(
            first,
            id="c" * 32,
            supersedes=first.id,
            due_on="2026-11-12",
            recorded_by="B",
            recorded_at="2026-11-02T10:00:00",
        )
    )
    assert plans_caseload(store)[0].overdue_actions == 1  # two open heads, one action
    store.add(
        replace(
            first,
            id="d" * 32,
            supersedes="c" * 32,
            status="done",
            recorded_by="B",
            recorded_at="2026-11-03T10:00:00",
        )
    )
    assert plans_caseload(store)[0].overdue_actions == 0  # the latest version is done
    assert plans.load_plan(store, client.id, TODAY).overdue_actions == []
