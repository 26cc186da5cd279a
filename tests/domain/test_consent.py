from workwell_desktop.domain.consent import consent_state, has_consent
from workwell_desktop.domain.records import ConsentEvent


def event(action, at, scope="share_employer", service=""):
    return ConsentEvent(client_id="c", scope=scope, service_name=service, action=action,
                        method="verbal", recorded_by="Alex", recorded_at=at)


def test_never_asked_shares_nothing():
    state = consent_state([])
    assert state[("share_employer", "")].state == "not_asked"
    assert not has_consent([], "share_employer")


def test_given_then_withdrawn_then_given_again():
    given = event("given", "2026-11-01T09:00:00+00:00")
    withdrawn = event("withdrawn", "2026-11-05T09:00:00+00:00")
    again = event("given", "2026-11-09T09:00:00+00:00")
    assert has_consent([given], "share_employer")
    assert not has_consent([given, withdrawn], "share_employer")
    assert consent_state([given, withdrawn])[("share_employer", "")].state == "withdrawn"
    assert has_consent([given, withdrawn, again], "share_employer")


def test_order_is_by_when_recorded_not_arrival():
    # a withdrawal recorded later but synced first still wins
    withdrawn = event("withdrawn", "2026-11-05T09:00:00+00:00")
    given = event("given", "2026-11-01T09:00:00+00:00")
    assert not has_consent([withdrawn, given], "share_employer")


def test_named_services_are_separate_and_case_insensitive():
    physio = event("given", "2026-11-01T09:00:00+00:00", "share_service", "Cumbria Physio")
    assert has_consent([physio], "share_service", "cumbria physio")
    assert not has_consent([physio], "share_service", "Talking Therapies")
    assert not has_consent([physio], "share_employer")


def test_refusal_is_not_consent():
    assert not has_consent([event("refused", "2026-11-01T09:00:00+00:00")], "share_employer")


def test_decisions_in_the_same_instant_keep_their_log_order():
    at = "2026-11-01T09:00:00+00:00"
    given, withdrawn = event("given", at), event("withdrawn", at)
    assert not has_consent([given, withdrawn], "share_employer")
    assert has_consent([withdrawn, given], "share_employer")
