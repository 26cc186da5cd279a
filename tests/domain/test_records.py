from datetime import date

from workwell_desktop.domain.caseload import client_status
from workwell_desktop.domain.records import (
    Client,
    ConsentEvent,
    ContactSession,
    Discharge,
    FitNote,
    Referral,
)

TODAY = date(2026, 11, 23)


def good_client(**changes):
    fields = dict(
        given_name="Ada",
        family_name="Lovelace",
        date_of_birth="1980-12-10",
        nhs_number="9434765919",
        postcode="CA1 1AB",
        phone="07700900123",
    )
    fields.update(changes)
    return Client(**fields)


def test_a_complete_client_is_valid():
    assert good_client().validate(TODAY) == {}


def test_empty_required_fields_each_get_a_message():
    errors = Client().validate(TODAY)
    assert set(errors) >= {"given_name", "family_name", "date_of_birth", "nhs_number", "postcode"}
    assert errors["given_name"] == "Enter the given name."


def test_preferred_contact_needs_the_matching_detail():
    assert "email" in good_client(preferred_contact="email").validate(TODAY)
    assert "phone" in good_client(phone="", preferred_contact="sms").validate(TODAY)
    assert good_client(phone="", preferred_contact="letter").validate(TODAY) == {}


def test_declined_referral_needs_a_reason_and_other_needs_a_note():
    r = Referral(
        client_id="c",
        route="gp",
        received_on="2026-11-01",
        triage_outcome="declined",
        triaged_on="2026-11-02",
    )
    assert "decline_reason" in r.validate(TODAY)
    r.decline_reason = "other"
    assert "triage_note" in r.validate(TODAY)
    r.triage_note = "Already supported by the community mental health team"
    assert r.validate(TODAY) == {}


def test_first_contact_cannot_precede_referral():
    r = Referral(
        client_id="c",
        route="self",
        received_on="2026-11-10",
        triage_outcome="accepted",
        triaged_on="2026-11-10",
        first_contact_on="2026-11-09",
    )
    assert "before the referral" in r.validate(TODAY)["first_contact_on"]


def test_fit_note_options_only_when_may_be_fit():
    note = FitNote(
        client_id="c",
        issued_on="2026-11-01",
        valid_from="2026-11-01",
        valid_to="2026-11-29",
        status="not_fit",
        options=("phased_return",),
    )
    assert "options" in note.validate(TODAY)
    note.status = "may_be_fit"
    assert note.validate(TODAY) == {}
    note.valid_to = "2026-10-01"
    assert "valid_to" in note.validate(TODAY)


def test_in_person_session_needs_venue_and_duration():
    s = ContactSession(client_id="c", held_on="2026-11-20", mode="in_person", duration_minutes=0)
    assert set(s.validate(TODAY)) == {"venue", "duration_minutes"}
    s.mode = "phone"
    s.duration_minutes = 45
    assert s.validate(TODAY) == {}


def test_named_service_consent_needs_the_service():
    e = ConsentEvent(
        client_id="c",
        scope="share_service",
        action="given",
        method="verbal",
        recorded_by="Alex",
        recorded_at="2026-11-20T10:00:00+00:00",
    )
    assert "service_name" in e.validate(TODAY)
    e.service_name = "Cumbria Physio"
    assert e.validate(TODAY) == {}


def referral(**kw):
    base = dict(client_id="c", route="gp", received_on="2026-10-01")
    base.update(kw)
    return Referral(**base)


def test_client_status_follows_the_pathway():
    assert client_status([], []) == "no_referral"
    assert client_status([referral()], []) == "awaiting_triage"
    assert client_status([referral(triage_outcome="declined")], []) == "declined"
    accepted = referral(triage_outcome="accepted")
    assert client_status([accepted], []) == "awaiting_first_contact"
    active = referral(triage_outcome="accepted", first_contact_on="2026-10-05")
    assert client_status([active], []) == "active"
    discharged = Discharge(
        client_id="c", discharged_on="2026-11-01", reason="completed", work_outcome="stayed_in_work"
    )
    assert client_status([active], [discharged]) == "discharged"
    # a re-referral after discharge opens a new episode
    assert client_status([active, referral(received_on="2026-11-15")], [discharged]) == "awaiting_triage"


def test_superseded_discharge_is_ignored():
    active = referral(triage_outcome="accepted", first_contact_on="2026-10-05")
    wrong = Discharge(client_id="c", discharged_on="2026-11-01", reason="completed", work_outcome="unknown")
    correction = Discharge(
        client_id="c",
        discharged_on="2026-09-01",
        reason="completed",
        work_outcome="unknown",
        supersedes=wrong.id,
    )
    # the correction moved the discharge before this referral: the client is active again
    assert client_status([active], [wrong, correction]) == "active"
