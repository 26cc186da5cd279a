"""Corrections of sessions, fit notes, discharges, consent events and follow-up outcomes,
and moving a record entered on the wrong client (issue #19)."""

from datetime import date

import pytest
from journey_support import consent, new_client

from workwell_desktop.domain.caseload import current
from workwell_desktop.domain.consent import consent_state, has_consent
from workwell_desktop.domain.corrections import correction_history
from workwell_desktop.domain.records import ConsentEvent, ContactSession, Discharge, FitNote
from workwell_desktop.services import journey
from workwell_desktop.store import InvalidRecord

TODAY = date(2026, 12, 1)


def session(store, client_id, **kw):
    values = dict(
        held_on="2026-11-20",
        mode="in_person",
        venue="Brampton GP practice",
        duration_minutes=45,
        note="Talked about a phased return.",
        recorded_by="Alex Coach",
        recorded_at="2026-11-20T10:00:00+00:00",
    )
    values.update(kw)
    return store.add(ContactSession(client_id=client_id, **values))


def fit_note(store, client_id):
    return store.add(
        FitNote(
            client_id=client_id,
            issued_on="2026-11-02",
            valid_from="2026-11-02",
            valid_to="2026-11-30",
            status="not_fit",
            recorded_by="Alex Coach",
            recorded_at="2026-11-02T10:00:00+00:00",
        )
    )


def test_correcting_a_session_supersedes_it_and_keeps_the_original(store, client):
    original = session(store, client.id)
    fixed = journey.correct(store, original, "Typed the wrong date", held_on="2026-11-19")
    every = store.for_client(ContactSession, client.id)
    assert [s.id for s in every] == [original.id, fixed.id]  # both kept
    assert [s.held_on for s in current(every)] == ["2026-11-19"]
    [line] = correction_history(every)
    assert (line.event, line.reason, line.by) == ("Corrected", "Typed the wrong date", "Alex Coach")
    assert [(c.field, c.before, c.after) for c in line.changes] == [("held_on", "2026-11-20", "2026-11-19")]


def test_correcting_a_fit_note_date(store, client):
    original = fit_note(store, client.id)
    journey.correct(
        store, original, "The GP's date was 3 Nov", issued_on="2026-11-03", valid_from="2026-11-03"
    )
    [shown] = current(store.for_client(FitNote, client.id))
    assert (shown.issued_on, shown.valid_from, shown.correction_reason) == (
        "2026-11-03",
        "2026-11-03",
        "The GP's date was 3 Nov",
    )


def test_a_correction_needs_a_reason_a_change_and_a_current_original(store, client):
    original = session(store, client.id)
    with pytest.raises(InvalidRecord) as refused:
        journey.correct(store, original, " ", held_on="2026-11-19")
    assert "correction_reason" in refused.value.errors
    with pytest.raises(InvalidRecord) as refused:
        journey.correct(store, original, "No change", held_on="2026-11-20")
    assert "Nothing has changed" in refused.value.errors["changes"]
    with pytest.raises(InvalidRecord) as refused:
        journey.correct(store, original, "Someone else's", client_id="elsewhere")
    assert "client_id" in refused.value.errors
    journey.correct(store, original, "Wrong length", duration_minutes=30)
    with pytest.raises(InvalidRecord) as refused:  # corrected already (e.g. on another laptop)
        journey.correct(store, original, "Wrong length again", duration_minutes=20)
    assert "corrected since you opened it" in refused.value.errors["supersedes"]
    with pytest.raises(InvalidRecord):  # the domain's own checks still apply
        journey.correct(
            store, current(store.for_client(ContactSession, client.id))[0], "x", duration_minutes=0
        )


def test_correcting_a_discharge(store, client):
    made = journey.discharge(
        store, client.id, discharged_on="2026-11-30", reason="completed", work_outcome="unknown", today=TODAY
    )
    journey.correct(store, made, "They told us at the last session", work_outcome="returned_to_work")
    now = journey.load_journey(store, client.id, TODAY)
    assert now.status == "discharged" and now.discharge.work_outcome == "returned_to_work"
    assert now.discharge.referral_id == made.referral_id  # still ends the same episode
    assert len(now.current.discharges) == 2
    with pytest.raises(InvalidRecord):  # a withdrawal is recorded as one, never by correction
        journey.correct(store, now.discharge, "x", reason="client_withdrew")
    journey.undo_discharge(store, client.id, "Recorded in error", TODAY)  # undoing the corrected one
    assert journey.load_journey(store, client.id, TODAY).status == "active"


def test_correcting_a_consent_event_changes_the_decision_in_its_place(store, client):
    [*_, email] = store.for_client(ConsentEvent, client.id)  # contact_email given on 7 Sep
    consent(store, client.id, "contact_email", "withdrawn", "2026-11-01T10:00:00+00:00")
    fixed = journey.correct(store, email, "They agreed to texts, not email", scope="contact_sms")
    assert fixed.recorded_at == email.recorded_at and fixed.corrected_at  # the decision keeps its moment
    events = store.for_client(ConsentEvent, client.id)
    state = consent_state(events)
    assert state[("contact_sms", "")].state == "given"
    assert state[("contact_email", "")].state == "withdrawn"  # the later decision still decides
    [line] = correction_history(events)
    assert line.at == fixed.corrected_at and line.changes[0].field == "scope"


def test_correcting_a_later_consent_event_cannot_jump_the_queue(store, client):
    first = consent(store, client.id, "share_gp", "refused", "2026-10-01T10:00:00+00:00")
    consent(store, client.id, "share_gp", "given", "2026-11-01T10:00:00+00:00")
    journey.correct(store, first, "It was verbal", method="written")
    assert has_consent(store.for_client(ConsentEvent, client.id), "share_gp")


def test_correcting_a_follow_up_outcome(store):
    person = new_client(
        store,
        nhs="9434765919",
        received_on="2026-03-01",
        triaged_on="2026-03-02",
        first_contact_on="2026-03-05",
    )
    journey.discharge(
        store,
        person.id,
        discharged_on="2026-05-20",
        reason="completed",
        work_outcome="returned_to_work",
        today=TODAY,
    )
    outcome = journey.record_follow_up(
        store,
        person.id,
        timepoint="follow_up_3m",
        contacted_on="2026-08-25",
        contact_result="reached",
        work_status="in_work",
        work_outcome="stayed_in_work",
        today=TODAY,
    )
    journey.correct(store, outcome, "Misheard: they went back in July", work_outcome="returned_to_work")
    now = journey.load_journey(store, person.id, TODAY)
    assert now.outcome_for("follow_up_3m").work_outcome == "returned_to_work"
    assert [f.status for f in now.follow_ups] == ["done", "due"]


@pytest.mark.parametrize("kind", ["session", "fit_note", "consent"])
def test_moving_a_record_to_the_right_client(store, client, kind):
    right = new_client(store, nhs="9434765919", given="Joan")
    if kind == "session":
        original, cls = session(store, client.id), ContactSession
    elif kind == "fit_note":
        original, cls = fit_note(store, client.id), FitNote
    else:
        original, cls = (
            consent(
                store,
                client.id,
                "share_service",
                "given",
                "2026-11-05T10:00:00+00:00",
                service="Physio North",
            ),
            ConsentEvent,
        )
    left, arrived = journey.move(store, original, right.id, "Entered on the wrong Jane")
    wrong_every, right_every = store.for_client(cls, client.id), store.for_client(cls, right.id)
    assert original.id in {r.id for r in wrong_every}  # kept in the wrong client's history
    assert original.id not in {r.id for r in current(wrong_every)} and left.id not in {
        r.id for r in current(wrong_every)
    }
    assert [r.id for r in current(right_every)] == [arrived.id]
    [out_line], [in_line] = correction_history(wrong_every), correction_history(right_every)
    assert out_line.event == "Moved to another client's record"
    assert in_line.event == "Moved here from another client's record"
    assert out_line.reason == in_line.reason == "Entered on the wrong Jane"
    if kind == "consent":
        assert not has_consent(wrong_every, "share_service", "physio north")
        assert has_consent(right_every, "share_service", "physio north")
    with pytest.raises(InvalidRecord):  # gone from here: nothing more to do with it on this client
        journey.correct(store, left, "x", note="y")


def test_a_move_needs_another_client_and_a_reason(store, client):
    original = session(store, client.id)
    with pytest.raises(InvalidRecord):
        journey.move(store, original, client.id, "same client")
    right = new_client(store, nhs="9434765919", given="Joan")
    with pytest.raises(InvalidRecord):
        journey.move(store, original, right.id, "  ")
    with pytest.raises(InvalidRecord):
        journey.move(store, store.for_client(Discharge, client.id) or original.__class__(), right.id, "x")
