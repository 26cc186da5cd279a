"""Withdrawing from WorkWell, and the 3- and 6-month follow-up outcomes (issue #19)."""

from datetime import date

import pytest
from journey_support import consent, new_client

from workwell_desktop.domain.consent import consent_state, has_consent
from workwell_desktop.domain.episodes import contact_warning, participation_banner
from workwell_desktop.domain.journey_records import FollowUpOutcome
from workwell_desktop.domain.letters import employer_consent_problem
from workwell_desktop.domain.plans import PlanAction, versioned_items
from workwell_desktop.domain.records import ConsentEvent, Discharge
from workwell_desktop.services import journey
from workwell_desktop.store import InvalidRecord
from workwell_desktop.store.caseload import caseload

TODAY = date(2026, 12, 1)


def withdrawal(client_id, at="2026-11-30T15:00:00+00:00"):
    return ConsentEvent(
        client_id=client_id,
        scope="participation",
        action="withdrawn",
        method="verbal",
        recorded_by="Alex Coach",
        recorded_at=at,
        note="Called to say they want to stop.",
    )


def withdraw(store, client, agreed=False):
    return journey.withdraw(store, withdrawal(client.id), follow_up_agreed=agreed, today=TODAY)


def test_withdrawing_ends_the_episode_as_withdrew(store, client):
    saved = withdraw(store, client)
    assert [type(r).__name__ for r in saved][:2] == ["ConsentEvent", "Discharge"]
    now = journey.load_journey(store, client.id, TODAY)
    assert now.status == "withdrew"
    assert now.discharge.reason == "client_withdrew" and now.discharge.discharged_on == "2026-11-30"
    assert now.withdrawn_at.startswith("2026-11-30")
    entry = next(e for e in caseload(store, today=TODAY) if e.client_id == client.id)
    assert (entry.status, entry.next_review_on, entry.overdue_actions) == ("withdrew", "", 0)
    assert {i.current.status for i in versioned_items(store.for_client(PlanAction, client.id))} == {
        "closed_at_discharge",
        "done",
    }


def test_withdrawing_suspends_every_sharing_consent_but_not_contact(store, client):
    events = store.for_client(ConsentEvent, client.id)
    assert has_consent(events, "share_gp") and has_consent(events, "share_employer")
    withdraw(store, client)
    events = store.for_client(ConsentEvent, client.id)
    state = consent_state(events)
    assert state[("share_gp", "")].state == "suspended"
    assert state[("share_employer", "")].state == "suspended"
    assert not has_consent(events, "share_gp") and not has_consent(events, "share_employer")
    assert has_consent(events, "contact_email")  # contact is not sharing
    assert "withdrew consent to take part in WorkWell" in employer_consent_problem(events)


def test_a_named_service_is_suspended_too(store, client):
    consent(store, client.id, "share_service", "given", "2026-10-01T10:00:00+00:00", service="Physio North")
    withdraw(store, client)
    assert not has_consent(store.for_client(ConsentEvent, client.id), "share_service", "physio north")


def test_taking_part_again_lifts_the_suspension(store, client):
    withdraw(store, client)
    consent(store, client.id, "participation", "given", "2026-12-01T09:00:00+00:00")
    assert has_consent(store.for_client(ConsentEvent, client.id), "share_gp")


def test_withdrawal_known_only_from_the_consent_log_still_reads_as_withdrew(store, client):
    # The consent event synced in without its discharge (yet): the stage still says so.
    store.add(withdrawal(client.id))
    assert journey.load_journey(store, client.id, TODAY).status == "withdrew"


def test_the_banner_and_warning_fit_what_happened(store, client):
    now = journey.load_journey(store, client.id, TODAY)
    assert participation_banner(now, True) == "" and contact_warning(now) == ""
    withdraw(store, client)
    now = journey.load_journey(store, client.id, TODAY)
    banner = participation_banner(now, False, "30 Nov 2026")
    assert banner.startswith("The client withdrew from WorkWell on 30 Nov 2026.")
    assert "has not been recorded" not in banner
    assert "withdrew from WorkWell on 30 Nov 2026" in contact_warning(now, "30 Nov 2026")


def test_follow_ups_are_cancelled_for_a_client_who_withdrew(store, client):
    withdraw(store, client)
    now = journey.load_journey(store, client.id, TODAY)
    assert [f.status for f in now.follow_ups] == ["cancelled", "cancelled"]
    with pytest.raises(InvalidRecord) as refused:
        journey.record_follow_up(
            store,
            client.id,
            timepoint="follow_up_3m",
            contacted_on="2026-12-01",
            contact_result="reached",
            work_status="in_work",
            work_outcome="stayed_in_work",
            today=TODAY,
        )
    assert "did not agree" in refused.value.errors["timepoint"]


def test_follow_ups_stay_when_the_client_agreed_to_be_contacted(store, client):
    withdraw(store, client, agreed=True)
    now = journey.load_journey(store, client.id, TODAY)
    assert [(f.timepoint, f.due_on) for f in now.follow_ups] == [
        ("follow_up_3m", "2027-02-28"),
        ("follow_up_6m", "2027-05-30"),
    ]
    assert all(f.status == "upcoming" for f in now.follow_ups)


def test_withdrawing_after_discharge_updates_the_follow_up_agreement(store, client):
    journey.discharge(
        store,
        client.id,
        discharged_on="2026-11-20",
        reason="completed",
        work_outcome="stayed_in_work",
        today=TODAY,
    )
    withdraw(store, client, agreed=False)
    now = journey.load_journey(store, client.id, TODAY)
    assert now.status == "discharged"  # support had ended already: the discharge stands
    assert now.discharge.reason == "completed" and not now.discharge.follow_up_agreed
    assert [f.status for f in now.follow_ups] == ["cancelled", "cancelled"]
    assert len(store.for_client(Discharge, client.id)) == 2  # corrected, not replaced


def test_a_plain_discharge_cannot_record_a_withdrawal(store, client):
    with pytest.raises(InvalidRecord) as refused:
        journey.discharge(
            store,
            client.id,
            discharged_on="2026-11-20",
            reason="client_withdrew",
            work_outcome="unknown",
            today=TODAY,
        )
    assert "withdrawing consent" in refused.value.errors["reason"]


def record_follow_up(store, client, timepoint, on, **kw):
    values = dict(contact_result="reached", work_status="in_work", work_outcome="returned_to_work")
    values.update(kw)
    return journey.record_follow_up(
        store, client.id, timepoint=timepoint, contacted_on=on, today=on_day(on), **values
    )


def on_day(iso):
    return date.fromisoformat(iso)


def test_follow_up_outcomes_at_3_and_6_months_end_in_followed_up(store):
    client = new_client(
        store,
        nhs="9434765919",
        received_on="2026-03-01",
        triaged_on="2026-03-02",
        first_contact_on="2026-03-05",
    )
    journey.discharge(
        store,
        client.id,
        discharged_on="2026-05-20",
        reason="completed",
        work_outcome="returned_to_work",
        today=TODAY,
    )
    three = record_follow_up(store, client, "follow_up_3m", "2026-08-25")
    assert (three.work_status, three.work_outcome) == ("in_work", "returned_to_work")
    now = journey.load_journey(store, client.id, TODAY)
    assert [f.status for f in now.follow_ups] == ["done", "due"]
    assert now.status == "discharged"
    with pytest.raises(InvalidRecord):  # once per follow-up: a mistake is corrected
        record_follow_up(store, client, "follow_up_3m", "2026-08-26")
    record_follow_up(
        store,
        client,
        "follow_up_6m",
        "2026-11-25",
        contact_result="not_reached",
        work_status="",
        work_outcome="",
    )
    now = journey.load_journey(store, client.id, TODAY)
    assert now.status == "followed_up"
    assert now.outcome_for("follow_up_6m").contact_result == "not_reached"
    entry = next(e for e in caseload(store, today=TODAY) if e.client_id == client.id)
    assert entry.status == "followed_up"


def test_a_follow_up_outcome_is_checked(store, client):
    journey.discharge(
        store,
        client.id,
        discharged_on="2026-09-10",
        reason="completed",
        work_outcome="returned_to_work",
        today=TODAY,
    )
    with pytest.raises(InvalidRecord) as refused:
        record_follow_up(store, client, "follow_up_3m", "2026-11-02", work_status="", work_outcome="")
    assert set(refused.value.errors) == {"work_status", "work_outcome"}
    with pytest.raises(InvalidRecord) as refused:
        record_follow_up(store, client, "follow_up_3m", "2026-09-02")
    assert "before the discharge" in refused.value.errors["contacted_on"]
    with pytest.raises(InvalidRecord):
        record_follow_up(store, client, "follow_up_9m", "2026-11-02")
    assert FollowUpOutcome(contact_result="declined", work_outcome="new_work").validate()["work_outcome"]


def test_no_follow_up_without_a_discharge(store, client):
    with pytest.raises(InvalidRecord) as refused:
        record_follow_up(store, client, "follow_up_3m", "2026-09-02")
    assert "no discharge" in refused.value.errors["timepoint"]
