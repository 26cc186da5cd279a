"""Discharge, undo, re-referral and the one next-review date, through the domain and the
journey service (issue #19)."""

from datetime import date

import pytest
from journey_support import add_action, new_client

from workwell_desktop.domain.episodes import journey as derive
from workwell_desktop.domain.plans import PlanAction, PlanSettings, versioned_items
from workwell_desktop.domain.records import Client, Discharge, Referral
from workwell_desktop.reports.figures import build_summary
from workwell_desktop.services import journey, plans
from workwell_desktop.store import InvalidRecord
from workwell_desktop.store.caseload import caseload

TODAY = date(2026, 12, 1)


def row(store, client_id, today=TODAY):
    return next(e for e in caseload(store, today=today) if e.client_id == client_id)


def discharge(store, client, on="2026-11-30", reason="completed", outcome="returned_to_work", **kw):
    return journey.discharge(
        store,
        client.id,
        discharged_on=on,
        reason=reason,
        work_outcome=outcome,
        note="Back at work full time.",
        today=TODAY,
        **kw,
    )


def test_discharge_closes_open_actions_clears_the_review_and_nothing_stays_overdue(store, client):
    before = row(store, client.id)
    assert (before.status, before.next_review_on, before.overdue_actions) == ("active", "2027-01-05", 1)

    made = discharge(store, client)
    assert made.referral_id == store.for_client(Referral, client.id)[0].id
    assert made.recorded_by == "Alex Coach" and made.recorded_at
    after = row(store, client.id)
    assert (after.status, after.next_review_on, after.overdue_actions, after.review_overdue) == (
        "discharged",
        "",
        0,
        False,
    )
    actions = {i.current.text: i for i in versioned_items(store.for_client(PlanAction, client.id))}
    assert actions["Call the line manager"].current.status == "closed_at_discharge"
    assert actions["Book physio"].current.status == "closed_at_discharge"
    assert actions["Read the leaflet"].current.status == "done"  # only open actions close
    assert [v.status for v in actions["Call the line manager"].versions] == ["open", "closed_at_discharge"]
    view = plans.load_plan(store, client.id, TODAY)
    assert view.next_review_on == "" and not view.review_overdue and view.overdue_actions == []
    history = [h for h in view.history if h.kind == "plan_action" and h.event == "Changed"]
    assert {c.after for h in history for c in h.changes} >= {"Closed at discharge"}


def test_overdue_figures_exclude_a_discharged_client_even_with_open_actions(store, client):
    # A discharge saved as an older version did (no actions closed), e.g. synced from
    # a laptop not yet upgraded: the client must still not count as overdue.
    store.add(
        Discharge(
            client_id=client.id, discharged_on="2026-11-25", reason="completed", work_outcome="stayed_in_work"
        )
    )
    add_action(store, client.id, "Overdue but discharged", "2026-11-01")
    entry = row(store, client.id)
    assert entry.status == "discharged" and entry.overdue_actions == 0 and not entry.review_overdue
    summary = build_summary(store, "2026-W49", today=TODAY)
    week = summary.periods[0].name
    assert summary.value(week, "service", "overdue_actions") == 0
    assert summary.value(week, "service", "overdue_reviews") == 0


def test_overdue_figures_still_count_a_client_who_is_supported(store, client):
    summary = build_summary(store, "2026-W49", today=TODAY)
    assert summary.value(summary.periods[0].name, "service", "overdue_actions") == 1


def test_a_second_discharge_of_an_ended_episode_is_refused(store, client):
    discharge(store, client)
    with pytest.raises(InvalidRecord) as refused:
        discharge(store, client, on="2026-12-01")
    assert "already ended" in refused.value.errors["discharged_on"]
    with pytest.raises(InvalidRecord):
        discharge(store, client, on="2026-08-01")  # (still refused: ended)


def test_a_discharge_before_the_referral_is_refused(store):
    person = new_client(store, received_on="2026-10-01", triaged_on="2026-10-02", first_contact_on="")
    with pytest.raises(InvalidRecord) as refused:
        discharge(store, person, on="2026-09-30")
    assert "before the referral" in refused.value.errors["discharged_on"]


def test_undo_reopens_the_episode_and_the_actions_it_closed(store, client):
    discharge(store, client)
    with pytest.raises(InvalidRecord):
        journey.undo_discharge(store, client.id, "  ", TODAY)
    journey.undo_discharge(store, client.id, "Discharged the wrong Jane", TODAY)
    now = journey.load_journey(store, client.id, TODAY)
    assert now.status == "active" and now.discharge is None
    [episode] = now.episodes
    [kept] = episode.discharges
    assert episode.undo_of(kept).reason == "Discharged the wrong Jane"  # the discharge stays readable
    actions = [i.current for i in versioned_items(store.for_client(PlanAction, client.id))]
    assert sorted(a.status for a in actions) == ["done", "open", "open"]
    assert row(store, client.id).overdue_actions == 1
    with pytest.raises(InvalidRecord):
        journey.undo_discharge(store, client.id, "again", TODAY)
    discharge(store, client, on="2026-12-01")  # and it can be discharged again
    assert journey.load_journey(store, client.id, TODAY).status == "discharged"


def test_re_referral_opens_a_new_episode_and_keeps_the_earlier_one(store, client):
    discharge(store, client)
    store.add(Referral(client_id=client.id, route="self", received_on="2026-11-30"))  # the same day
    now = journey.load_journey(store, client.id, TODAY)
    assert now.status == "awaiting_triage"
    first, second = now.episodes
    assert first.stage == "discharged" and first.end.reason == "completed"
    assert second.referral.route == "self" and second.end is None
    assert row(store, client.id).status == "awaiting_triage"
    assert journey.load_journey(store, client.id, TODAY).discharge is None
    with pytest.raises(InvalidRecord):  # the earlier episode's discharge is not undone from the new one
        journey.undo_discharge(store, client.id, "oops", TODAY)


def test_a_legacy_discharge_ends_the_latest_referral_received_by_its_date(store):
    person = new_client(store)
    old = [*store.for_client(Referral, person.id)]
    gone = Discharge(
        client_id=person.id, discharged_on="2026-10-01", reason="completed", work_outcome="unknown"
    )
    later = Referral(client_id=person.id, route="gp", received_on="2026-11-01")
    result = derive(old + [later], [gone])
    assert [e.stage for e in result.episodes] == ["discharged", "awaiting_triage"]
    assert derive(old, [gone]).status == "discharged"
    assert derive([], [gone]).status == "discharged" and derive([], []).status == "no_referral"


def test_one_next_review_date_whichever_way_it_was_set(store, client):
    # 1. the plan's settings dialog
    plans.save_settings(store, client.id, support_tier="targeted", next_review_on="2027-01-12")
    assert row(store, client.id).next_review_on == "2027-01-12"
    assert plans.load_plan(store, client.id, TODAY).next_review_on == "2027-01-12"
    # 2. a plan review
    plans.record_review(store, client.id, "2026-12-01", "2027-01-19", "Reviewed together.")
    assert row(store, client.id).next_review_on == "2027-01-19"
    assert plans.load_plan(store, client.id, TODAY).next_review_on == "2027-01-19"
    assert journey.load_journey(store, client.id, TODAY).status == "active"


def test_a_date_left_on_the_details_shows_until_the_plan_owns_it(store):
    person = new_client(store)
    store.update(Client, person.id, next_review_on="2026-12-22")  # as the Details tab used to
    assert row(store, person.id).next_review_on == "2026-12-22"
    assert plans.load_plan(store, person.id, TODAY).next_review_on == "2026-12-22"
    plans.save_settings(store, person.id, support_tier="universal", next_review_on="2027-01-05")
    assert store.get(Client, person.id).next_review_on == ""  # the plan owns it now
    assert row(store, person.id).next_review_on == "2027-01-05"
    plans.save_settings(store, person.id, support_tier="universal", next_review_on="")
    assert row(store, person.id).next_review_on == ""  # the old date never comes back


def test_discharge_clears_a_date_left_on_the_details_so_undo_cannot_bring_it_back(store):
    person = new_client(store)
    store.update(Client, person.id, next_review_on="2026-12-22")
    discharge(store, person)
    assert store.get(Client, person.id).next_review_on == ""
    journey.undo_discharge(store, person.id, "Recorded in error", TODAY)
    assert row(store, person.id).next_review_on == ""
    assert not store.for_client(PlanSettings, person.id)


def test_the_assessments_tab_follows_the_same_journey(store, client):
    from workwell_desktop.services.assessments import assessment_overview

    discharge(store, client)
    assert [f.timepoint for f in assessment_overview(store, client.id, TODAY).follow_ups] == [
        "follow_up_3m",
        "follow_up_6m",
    ]
    journey.undo_discharge(store, client.id, "Recorded in error", TODAY)
    assert assessment_overview(store, client.id, TODAY).follow_ups == ()  # no discharge, no follow-ups
