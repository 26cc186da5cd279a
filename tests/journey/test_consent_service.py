"""Recording a consent decision (services.consent): stamped after every earlier entry, and a
withdrawal from WorkWell ends support in the same save."""

from datetime import UTC, datetime

from journey_support import consent

from workwell_desktop.domain.consent import has_consent
from workwell_desktop.domain.records import ConsentEvent
from workwell_desktop.services import journey
from workwell_desktop.services.consent import record_decision


def decision(client_id, scope, action):
    return ConsentEvent(
        client_id=client_id,
        scope=scope,
        action=action,
        method="verbal",
        recorded_by="Alex Coach",
        recorded_at="",
    )


def test_a_decision_comes_after_an_entry_synced_in_from_a_clock_ahead(store, client):
    # Another laptop, its clock an hour ahead, recorded consent to share with the GP.
    consent(store, client.id, "share_gp", "given", "2026-12-01T10:00:00+00:00")
    saved = record_decision(
        store, decision(client.id, "share_gp", "withdrawn"), now=datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    )
    assert [type(r) for r in saved] == [ConsentEvent]
    assert saved[0].recorded_at == "2026-12-01T10:00:00.000001+00:00"
    assert not has_consent(store.for_client(ConsentEvent, client.id), "share_gp")


def test_a_decision_is_stamped_now_when_nothing_is_later(store, client):
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    saved = record_decision(store, decision(client.id, "contact_email", "withdrawn"), now=now)
    assert saved[0].recorded_at == "2026-12-01T09:00:00.000000+00:00"


def test_withdrawing_from_workwell_ends_support_with_it(store, client):
    saved = record_decision(
        store,
        decision(client.id, "participation", "withdrawn"),
        follow_up_agreed=False,
        work_outcome="unknown",
        now=datetime(2026, 11, 30, 15, 0, tzinfo=UTC),
    )
    assert [type(r).__name__ for r in saved][:2] == ["ConsentEvent", "Discharge"]
    assert journey.load_journey(store, client.id).status == "withdrew"
