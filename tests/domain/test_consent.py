from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workwell_desktop.domain.consent import (
    LAWFUL_REASONS,
    SharingRefused,
    check_sharing,
    consent_state,
    has_consent,
    sharing_problem,
)
from workwell_desktop.domain.records import ConsentEvent


def event(action, at, scope="share_employer", service=""):
    return ConsentEvent(
        client_id="c",
        scope=scope,
        service_name=service,
        action=action,
        method="verbal",
        recorded_by="Alex",
        recorded_at=at,
    )


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


def test_decisions_in_the_same_instant_the_more_restrictive_wins_in_any_order():
    # Old rule: local log order decided, so two laptops could read the same log differently.
    at = "2026-11-01T09:00:00+00:00"
    given, withdrawn = event("given", at), event("withdrawn", at)
    assert not has_consent([given, withdrawn], "share_employer")
    assert not has_consent([withdrawn, given], "share_employer")
    refused = event("refused", at)
    assert consent_state([withdrawn, refused, given])[("share_employer", "")].state == "withdrawn"
    assert consent_state([given, refused])[("share_employer", "")].state == "refused"


def test_times_are_compared_as_instants_not_text():
    # 10:30 in British Summer Time is 09:30 UTC: before a 10:00Z withdrawal, though it sorts after as text.
    withdrawn = event("withdrawn", "2026-07-01T10:00:00Z")
    given = event("given", "2026-07-01T10:30:00+01:00")
    assert not has_consent([given, withdrawn], "share_employer")
    assert not has_consent([withdrawn, given], "share_employer")
    later = event("given", "2026-07-01T11:30:00+01:00")  # 10:30 UTC: after the withdrawal
    assert has_consent([withdrawn, later], "share_employer")


@pytest.mark.parametrize(
    "stamp",
    ["yesterday", "2026-11-01", "2026-11-01T09:00:00", "", "01/11/2026 09:00", "2026-13-01T09:00:00+00:00"],
)
def test_recorded_at_must_be_a_real_time_with_its_zone(stamp):
    assert "recorded_at" in event("given", stamp).validate()


def test_recorded_at_far_in_the_future_is_refused():
    assert "recorded_at" in event("given", "2030-01-01T09:00:00+00:00").validate(today=date(2026, 11, 1))


def test_recorded_at_is_stored_in_utc():
    normalised = event("given", "2026-07-01T10:30:00+01:00").normalised()
    assert normalised.recorded_at == "2026-07-01T09:30:00.000000+00:00"
    assert event("given", "2026-07-01T09:30:00z").normalised().recorded_at == normalised.recorded_at


def test_the_store_saves_recorded_at_in_utc(tmp_path, monkeypatch):
    from workwell_desktop.domain.records import Client
    from workwell_desktop.store import InvalidRecord, Store

    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    store = Store.create(tmp_path / "d", "correct horse battery staple", "Alex")
    try:
        client = store.add(
            Client(
                given_name="A",
                family_name="B",
                date_of_birth="1980-01-01",
                nhs_number="9434765919",
                postcode="CA1 1AB",
                phone="07700900001",
            )
        )
        saved = store.add(
            ConsentEvent(
                client_id=client.id,
                scope="participation",
                action="given",
                method="verbal",
                recorded_by="Alex",
                recorded_at="2026-07-01T10:30:00+01:00",
            )
        )
        assert store.get(ConsentEvent, saved.id).recorded_at == "2026-07-01T09:30:00.000000+00:00"
        with pytest.raises(InvalidRecord):
            store.add(
                ConsentEvent(
                    client_id=client.id,
                    scope="participation",
                    action="given",
                    method="verbal",
                    recorded_by="Alex",
                    recorded_at="yesterday",
                )
            )
    finally:
        store.close()


def test_an_unreadable_time_never_grants_but_still_withdraws():
    given = event("given", "2026-11-01T09:00:00+00:00")
    assert has_consent([given, event("given", "garbage")], "share_employer")
    assert not has_consent([event("given", "garbage")], "share_employer")
    assert not has_consent([given, event("withdrawn", "garbage")], "share_employer")


# ----- the one sharing gate ------------------------------------------------------------------


def test_sharing_needs_current_participation_as_well():
    employer = event("given", "2026-11-01T09:00:00+00:00")
    joined = event("given", "2026-10-01T09:00:00+00:00", scope="participation")
    assert sharing_problem([joined, employer], "share_employer") is None
    left = event("withdrawn", "2026-11-02T09:00:00+00:00", scope="participation")
    problem = sharing_problem([joined, employer, left], "share_employer")
    assert "withdrew consent to take part" in problem
    # The scope's own decision is kept, but reads as suspended while they are not taking part.
    assert not has_consent([joined, employer, left], "share_employer")
    assert consent_state([joined, employer, left])[("share_employer", "")].state == "suspended"
    assert "not been asked" in sharing_problem([employer], "share_employer")


def test_named_service_sharing_names_the_service():
    joined = event("given", "2026-10-01T09:00:00+00:00", scope="participation")
    physio = event("given", "2026-11-01T09:00:00+00:00", "share_service", "Cumbria Physio")
    assert sharing_problem([joined, physio], "share_service", "CUMBRIA PHYSIO") is None
    assert "Talking Therapies" in sharing_problem([joined, physio], "share_service", "Talking Therapies")


def test_a_lawful_reason_is_a_recorded_basis_not_a_bypass():
    joined = event("given", "2026-10-01T09:00:00+00:00", scope="participation")
    withdrawn = event("withdrawn", "2026-11-01T09:00:00+00:00")
    with pytest.raises(SharingRefused):
        check_sharing([joined, withdrawn], "share_employer")
    assert (
        check_sharing([joined, withdrawn], "share_employer", lawful_reason="subject_access")
        == "reason:subject_access"
    )
    with pytest.raises(SharingRefused, match="not a recorded lawful reason"):
        check_sharing([joined, withdrawn], "share_employer", lawful_reason="because")
    assert set(LAWFUL_REASONS) >= {"subject_access"}


# ----- the same state on every laptop ----------------------------------------------------------

_ZONES = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=1)),
        timezone(timedelta(hours=-5)),
        timezone(timedelta(hours=5, minutes=30)),
        timezone(timedelta(hours=14)),
    ]
)
_EVENTS = st.lists(
    st.tuples(
        st.sampled_from(["given", "refused", "withdrawn"]),
        st.sampled_from(["participation", "share_employer", "share_gp"]),
        st.integers(min_value=0, max_value=6),  # few distinct instants: many ties
        _ZONES,
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(_EVENTS, st.randoms(use_true_random=False), _ZONES)
def test_every_order_and_time_zone_gives_the_same_state(specs, rng, shown_in):
    base = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night the clocks go forward
    events = []
    for action, scope, minutes, zone in specs:
        moment = (base + timedelta(minutes=30 * minutes)).astimezone(zone)
        events.append(event(action, moment.isoformat(), scope=scope))
    expected = consent_state(events)
    shuffled = list(events)
    rng.shuffle(shuffled)
    # The same instants written in another zone (another laptop's clock setting) read alike.
    rewritten = [
        replace(e, recorded_at=datetime.fromisoformat(e.recorded_at).astimezone(shown_in).isoformat())
        for e in shuffled
    ]
    assert consent_state(shuffled) == expected
    assert consent_state(rewritten) == expected
    assert consent_state([e.normalised() for e in reversed(events)]) == expected
    # And the rule: per scope, the latest instant decides, the more restrictive on a tie.
    # A sharing consent given reads as suspended while participation is withdrawn.
    rank = {"given": 0, "refused": 1, "withdrawn": 2}
    decided = {}
    for scope in ("participation", "share_employer", "share_gp"):
        mine = [e for e in events if e.scope == scope]
        if mine:
            decided[scope] = max(
                mine, key=lambda e: (datetime.fromisoformat(e.recorded_at), rank[e.action])
            ).action
    left = decided.get("participation") == "withdrawn"
    for scope, action in decided.items():
        suspended = left and scope != "participation" and action == "given"
        assert expected[(scope, "")].state == ("suspended" if suspended else action)
