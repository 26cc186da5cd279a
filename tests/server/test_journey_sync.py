"""The client's journey synced between two laptops through the real server (PostgreSQL
and SQLite): discharge with its closed actions, undo, withdrawal with suspended sharing,
re-referral, follow-up outcomes, corrections and moves arrive and read the same."""

from __future__ import annotations

from datetime import date

from support.live_server import add_client

from workwell_desktop.domain.caseload import current
from workwell_desktop.domain.consent import consent_state
from workwell_desktop.domain.corrections import correction_history
from workwell_desktop.domain.plans import PlanAction, versioned_items
from workwell_desktop.domain.records import ConsentEvent, ContactSession, FitNote, Referral
from workwell_desktop.services import journey, plans
from workwell_desktop.store.caseload import caseload
from workwell_desktop.sync import engine

TODAY = date(2026, 12, 1)
TABLES = (
    "referral",
    "discharge",
    "discharge_undo",
    "follow_up_outcome",
    "consent_event",
    "contact_session",
    "fit_note",
    "plan",
    "plan_action",
)


def everything(store) -> dict:
    return {name: sorted(store.rows(f"SELECT * FROM {name}"), key=lambda r: r["id"]) for name in TABLES}


def both(ann, bob) -> None:
    for store in (ann, bob, ann):
        engine.sync(store)


def seen(store, client_id) -> tuple:
    now = journey.load_journey(store, client_id, TODAY)
    entry = next(e for e in caseload(store, today=TODAY) if e.client_id == client_id)
    return now.status, entry.next_review_on, entry.overdue_actions, tuple(f.status for f in now.follow_ups)


def start(store, client) -> None:
    store.update(
        Referral,
        store.for_client(Referral, client.id)[0].id,
        triage_outcome="accepted",
        triaged_on="2026-11-02",
        first_contact_on="2026-11-03",
    )
    for scope in ("participation", "share_gp"):
        store.add(
            ConsentEvent(
                client_id=client.id,
                scope=scope,
                action="given",
                method="verbal",
                recorded_by="Ann Coach",
                recorded_at="2026-11-03T10:00:00+00:00",
            )
        )
    plans.save_settings(store, client.id, support_tier="targeted", next_review_on="2026-11-25")
    plans.add_entry(store, PlanAction(client_id=client.id, text="Call the line manager", due_on="2026-11-20"))


def test_discharge_undo_withdrawal_and_re_referral_read_the_same_on_both_laptops(laptop):  # noqa: F811
    ann, bob = laptop("ann"), laptop("bob")
    client = add_client(ann)
    start(ann, client)
    both(ann, bob)
    assert seen(bob, client.id)[:3] == ("active", "2026-11-25", 1)

    journey.discharge(
        ann,
        client.id,
        discharged_on="2026-11-30",
        reason="completed",
        work_outcome="returned_to_work",
        today=TODAY,
    )
    both(ann, bob)
    assert seen(bob, client.id) == seen(ann, client.id) == ("discharged", "", 0, ("upcoming", "upcoming"))
    [action] = versioned_items(bob.for_client(PlanAction, client.id))
    assert action.current.status == "closed_at_discharge"

    journey.undo_discharge(bob, client.id, "Discharged the wrong client", TODAY)
    both(ann, bob)
    assert seen(ann, client.id) == seen(bob, client.id) == ("active", "", 1, ())

    journey.withdraw(
        ann,
        ConsentEvent(
            client_id=client.id,
            scope="participation",
            action="withdrawn",
            method="written",
            recorded_by="Ann Coach",
            recorded_at="2026-11-30T16:00:00+00:00",
        ),
        follow_up_agreed=False,
        today=TODAY,
    )
    both(ann, bob)
    assert seen(bob, client.id) == seen(ann, client.id) == ("withdrew", "", 0, ("cancelled", "cancelled"))
    assert consent_state(bob.for_client(ConsentEvent, client.id))[("share_gp", "")].state == "suspended"

    bob.add(Referral(client_id=client.id, route="self", received_on="2026-12-01"))
    both(ann, bob)
    on_ann = journey.load_journey(ann, client.id, TODAY)
    assert [e.stage for e in on_ann.episodes] == ["withdrew", "awaiting_triage"]
    assert everything(ann) == everything(bob)


def test_follow_up_outcomes_corrections_and_moves_sync(laptop):  # noqa: F811
    ann, bob = laptop("ann"), laptop("bob")
    wrong = add_client(ann)
    right = add_client(ann, "9990000018", given_name="Ffion")
    ann.update(
        Referral,
        ann.for_client(Referral, wrong.id)[0].id,
        triage_outcome="accepted",
        triaged_on="2026-11-02",
        first_contact_on="2026-11-03",
    )
    session = ann.add(
        ContactSession(
            client_id=wrong.id,
            held_on="2026-11-20",
            mode="phone",
            duration_minutes=30,
            note="call",
            recorded_by="Ann Coach",
        )
    )
    note = ann.add(
        FitNote(client_id=wrong.id, issued_on="2026-11-02", valid_from="2026-11-02", valid_to="2026-11-30")
    )
    made = journey.discharge(
        ann,
        wrong.id,
        discharged_on="2026-11-04",
        reason="completed",
        work_outcome="stayed_in_work",
        today=TODAY,
    )
    both(ann, bob)

    journey.correct(bob, session, "It was 45 minutes", duration_minutes=45)
    journey.move(bob, note, right.id, "Ffion's fit note")
    journey.correct(bob, made, "They went back to work", work_outcome="returned_to_work")
    outcome = journey.record_follow_up(
        ann,
        wrong.id,
        timepoint="follow_up_3m",
        contacted_on="2026-12-01",
        contact_result="reached",
        work_status="in_work",
        work_outcome="stayed_in_work",
        today=TODAY,
    )
    both(ann, bob)
    for store in (ann, bob):
        assert [s.duration_minutes for s in current(store.for_client(ContactSession, wrong.id))] == [45]
        assert current(store.for_client(FitNote, wrong.id)) == []
        assert [n.issued_on for n in current(store.for_client(FitNote, right.id))] == ["2026-11-02"]
        assert [h.event for h in correction_history(store.for_client(FitNote, right.id))] == [
            "Moved here from another client's record"
        ]
        now = journey.load_journey(store, wrong.id, TODAY)
        assert now.discharge.work_outcome == "returned_to_work"
        # the follow-up was recorded against the version ann saw: it still belongs to the episode
        assert now.outcome_for("follow_up_3m").id == outcome.id
    assert everything(ann) == everything(bob)
