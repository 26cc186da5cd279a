"""The client's journey through the app (issue #19): the discharge card, closed actions and
the caseload row; undo and re-referral; withdrawal; one review date; corrections and moves."""

from datetime import date

import pytest
from PySide6.QtCore import Qt

from workwell_desktop.domain.plans import PlanAction
from workwell_desktop.domain.records import Client, ConsentEvent, ContactSession, FitNote, Referral
from workwell_desktop.gui import caseload_model as cm
from workwell_desktop.gui import dates
from workwell_desktop.gui.client_record import CONSENT, FIT_NOTES, REFERRAL, SESSIONS
from workwell_desktop.gui.dialogs.consent_dialog import ConsentDialog
from workwell_desktop.gui.dialogs.discharge_dialog import DischargeDialog
from workwell_desktop.gui.dialogs.journey_dialogs import FollowUpDialog, MoveRecordDialog, UndoDischargeDialog
from workwell_desktop.gui.dialogs.referral_dialog import ReferralDialog
from workwell_desktop.gui.dialogs.session_dialog import SessionDialog
from workwell_desktop.gui.plan.dialogs import SettingsDialog
from workwell_desktop.services import journey, plans
from workwell_desktop.store import InvalidRecord


def active_client(store, nhs="9990000018", given="Jane", received_on="2026-09-01"):
    person = Client(
        given_name=given,
        family_name="Example",
        date_of_birth="1984-06-02",
        nhs_number=nhs,
        postcode="CA3 8QE",
        phone="07700900123",
    )
    store.add_together(
        [
            person,
            Referral(
                client_id=person.id,
                route="gp",
                received_on=received_on,
                triage_outcome="accepted",
                triaged_on=received_on,
                first_contact_on=received_on,
            ),
        ]
    )
    for scope in ("participation", "share_gp"):
        store.add(
            ConsentEvent(
                client_id=person.id,
                scope=scope,
                action="given",
                method="verbal",
                recorded_by="Alex Coach",
                recorded_at=f"{received_on}T10:00:00+00:00",
            )
        )
    return person


def open_client(window, store, person):
    window.refresh()
    return window.workspace.open_client(person.id)


def caseload_text(window, client_id, column):
    model = window.workspace.caseload.model
    return model.data(model.index(model.row_of(client_id), column))


def test_discharge_shows_a_card_closes_actions_and_leaves_nothing_overdue(qtbot, window, store):
    person = active_client(store)
    plans.save_settings(store, person.id, support_tier="targeted", next_review_on="2026-11-25")
    plans.add_entry(store, PlanAction(client_id=person.id, text="Call the line manager", due_on="2026-11-20"))
    record = open_client(window, store, person)
    assert caseload_text(window, person.id, cm.OVERDUE_ACTIONS) == "1"
    assert not record.discharge_card.isVisibleTo(record)

    qtbot.mouseClick(record.discharge_button, Qt.MouseButton.LeftButton)
    [dialog] = window.findChildren(DischargeDialog)
    dialog.reason.set_code("completed")
    dialog.work_outcome.set_code("returned_to_work")
    qtbot.keyClicks(dialog.note, "Back at work full time.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    card = record.discharge_card
    assert card.isVisibleTo(record)
    assert card.heading.text() == f"Discharged {dates.for_reading(date.today().isoformat())}"
    summary = card.summary.text()
    assert "Reason: Support completed" in summary and "Work outcome: Returned to work" in summary
    assert "Recorded by Alex Coach" in summary and "Back at work full time." in summary
    assert card.follow_ups.text().startswith("Follow-ups: 3 months: due")
    assert not record.discharge_button.isEnabled()
    assert "Next review" not in record.facts.text()
    assert caseload_text(window, person.id, cm.STATUS) == "Discharged"
    assert caseload_text(window, person.id, cm.NEXT_REVIEW) == ""
    assert caseload_text(window, person.id, cm.OVERDUE_ACTIONS) == ""
    assert [i.current.status for i in record.plan.view.actions] == ["closed_at_discharge"]


def test_undo_and_re_referral_from_the_card(qtbot, window, store):
    person = active_client(store)
    journey.discharge(
        store, person.id, discharged_on="2026-11-30", reason="completed", work_outcome="stayed_in_work"
    )
    record = open_client(window, store, person)
    qtbot.mouseClick(record.discharge_card.undo_button, Qt.MouseButton.LeftButton)
    [undo] = window.findChildren(UndoDischargeDialog)
    assert "reason" in undo.current_errors()  # the reason is required
    qtbot.keyClicks(undo.reason, "Discharged the wrong Jane")
    qtbot.mouseClick(undo.save_button, Qt.MouseButton.LeftButton)
    assert record.status == "active" and record.discharge_button.isEnabled()
    assert not record.discharge_card.isVisibleTo(record)
    record.tabs.setCurrentIndex(REFERRAL)
    assert "a discharge was undone" in record.referral.model.data(record.referral.model.index(0, 5))

    journey.discharge(
        store, person.id, discharged_on="2026-12-01", reason="moved_away", work_outcome="unknown"
    )
    record.reload()
    qtbot.mouseClick(record.discharge_card.re_refer_button, Qt.MouseButton.LeftButton)
    [again] = window.findChildren(ReferralDialog)
    assert again.windowTitle().startswith("Re-referral")
    again.referral_fields.route.set_code("self")
    again.save()
    assert record.status == "awaiting_triage"
    model = record.referral.model
    assert model.rowCount() == 2
    assert model.data(model.index(1, 5)).startswith("Discharged 1 Dec 2026: Moved out of area")
    assert model.data(model.index(0, 5)) == "Awaiting triage"


def test_withdrawing_on_the_consent_tab(qtbot, window, store, message_boxes):
    person = active_client(store)
    record = open_client(window, store, person)
    record.tabs.setCurrentIndex(CONSENT)
    dialog = record.record_consent("participation")
    dialog.action.buttons["withdrawn"].click()
    assert dialog.follow_up.isVisibleTo(dialog) and not dialog.follow_up.isChecked()
    assert dialog.save_button.text() == "&Record withdrawal"
    dialog.method.buttons["verbal"].click()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert record.status == "withdrew"
    assert caseload_text(window, person.id, cm.STATUS) == "Withdrew"
    banner = record.consent_warning.text()
    assert "withdrew from WorkWell on" in banner and "has not been recorded" not in banner
    assert record.consent.state_of("share_gp") == "suspended"
    assert record.discharge_card.heading.text().startswith("Withdrew from WorkWell")
    assert "cancelled" in record.discharge_card.follow_ups.text()
    assert not record.discharge_card.follow_up_button.isEnabled()

    message_boxes.answer = message_boxes.answer.Cancel
    assert record.new_session() is None  # warned first, and the coach said no
    assert "withdrew from WorkWell on" in message_boxes.asked[-1]
    record.start_assessment()
    assert "An assessment for a client who withdrew?" in message_boxes.asked[-1]
    message_boxes.answer = message_boxes.answer.Yes
    assert isinstance(record.new_session(), SessionDialog)


def test_withdrawing_from_the_discharge_dialog_records_the_consent_too(qtbot, window, store):
    person = active_client(store)
    record = open_client(window, store, person)
    dialog = record.discharge()
    dialog.reason.set_code("client_withdrew")
    assert dialog.method.isVisibleTo(dialog) and not dialog.follow_up.isChecked()
    assert dialog.current_errors()  # how they told you
    dialog.method.buttons["written"].click()
    dialog.work_outcome.set_code("unknown")
    dialog.follow_up.setChecked(True)  # they agreed to be followed up
    dialog.save()
    assert record.status == "withdrew"
    assert record.consent.state_of("participation") == "withdrawn"
    assert record.consent.state_of("share_gp") == "suspended"
    assert "due" in record.discharge_card.follow_ups.text()


def test_one_next_review_date_everywhere(qtbot, window, store):
    person = active_client(store)
    store.update(Client, person.id, next_review_on="2026-12-22")  # set on Details before this change
    record = open_client(window, store, person)
    assert "Next review 22 Dec 2026" in record.facts.text()
    assert "next_review_on" not in record.details.form.fields.fields  # Details keeps no date of its own
    dialog = record.plan.change_settings()
    assert isinstance(dialog, SettingsDialog) and dialog.next_review.iso() == "2026-12-22"  # never empty
    dialog.tier.set_code("targeted")
    dialog.next_review.set_iso("2027-01-05")
    dialog.save()
    assert "Next review 5 Jan 2027" in record.facts.text()
    assert "5 Jan 2027" in record.plan.review_label.text()
    assert caseload_text(window, person.id, cm.NEXT_REVIEW) == "5 Jan 2027"


def test_correcting_a_session_and_a_fit_note_from_their_tabs(qtbot, window, store):
    person = active_client(store)
    store.add(
        ContactSession(
            client_id=person.id,
            held_on="2026-11-20",
            mode="phone",
            duration_minutes=30,
            recorded_by="Alex Coach",
        )
    )
    store.add(
        FitNote(client_id=person.id, issued_on="2026-11-02", valid_from="2026-11-02", valid_to="2026-11-30")
    )
    record = open_client(window, store, person)
    record.tabs.setCurrentIndex(SESSIONS)
    panel = record.sessions.corrections
    assert not panel.correct_button.isEnabled() and not panel.history_table.isVisibleTo(record)
    record.sessions.table.selectRow(0)
    qtbot.mouseClick(panel.correct_button, Qt.MouseButton.LeftButton)
    [dialog] = window.findChildren(SessionDialog)
    assert dialog.windowTitle().startswith("Correct a session") and dialog.duration.value() == 30
    dialog.duration.setValue(45)
    assert "correction_reason" in dialog.refresh()  # the reason first
    qtbot.keyClicks(dialog.reason_edit, "It was 45 minutes")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [s.duration_minutes for s in record.sessions.model.rows] == [45]
    assert panel.history_table.isVisibleTo(record)
    text = [panel.history_model.data(panel.history_model.index(0, c)) for c in range(5)]
    assert text[1:4] == ["Corrected", "Alex Coach", "It was 45 minutes"]
    assert text[4] == "minutes: 30 \u2192 45"

    record.tabs.setCurrentIndex(FIT_NOTES)
    record.fit_notes.table.selectRow(0)
    dialog = record.correct_fit_note(record.fit_notes.corrections.chosen())
    dialog.issued_on.set_iso("2026-11-03")
    qtbot.keyClicks(dialog.reason_edit, "The GP's date was 3 Nov")
    dialog.save()
    assert [n.issued_on for n in record.fit_notes.model.rows] == ["2026-11-03"]
    assert len(store.for_client(FitNote, person.id)) == 2


def test_correcting_a_consent_entry_and_the_discharge(qtbot, window, store):
    person = active_client(store)
    journey.discharge(
        store, person.id, discharged_on="2026-11-30", reason="completed", work_outcome="unknown"
    )
    record = open_client(window, store, person)
    record.tabs.setCurrentIndex(CONSENT)
    rows = record.consent.log_model.rows
    gp = next(i for i, e in enumerate(rows) if e.scope == "share_gp")
    record.consent.log_table.selectRow(gp)
    dialog = record.correct_consent(record.consent.corrections.chosen())
    assert isinstance(dialog, ConsentDialog) and dialog.action.code() == "given"
    dialog.action.buttons["refused"].click()
    qtbot.keyClicks(dialog.reason_edit, "They said no to the GP, yes to the rest")
    dialog.save()
    assert record.consent.state_of("share_gp") == "refused"

    card = record.discharge_card
    qtbot.mouseClick(card.correct_button, Qt.MouseButton.LeftButton)
    [fix] = window.findChildren(DischargeDialog)
    assert "client_withdrew" not in [fix.reason.itemData(i) for i in range(fix.reason.count())]
    fix.work_outcome.set_code("returned_to_work")
    qtbot.keyClicks(fix.reason_edit, "They told us at the last session")
    fix.save()
    assert "Work outcome: Returned to work" in card.summary.text()
    assert "Corrected: They told us at the last session" in card.summary.text()


def test_moving_a_session_to_the_right_client(qtbot, window, store):
    wrong = active_client(store)
    right = active_client(store, nhs="9434765919", given="Joan")
    store.add(
        ContactSession(
            client_id=wrong.id,
            held_on="2026-11-20",
            mode="phone",
            duration_minutes=30,
            recorded_by="Alex Coach",
        )
    )
    record = open_client(window, store, wrong)
    record.tabs.setCurrentIndex(SESSIONS)
    record.sessions.table.selectRow(0)
    qtbot.mouseClick(record.sessions.corrections.move_button, Qt.MouseButton.LeftButton)
    [dialog] = window.findChildren(MoveRecordDialog)
    qtbot.keyClicks(dialog.search, "joan")
    assert dialog.choices.count() == 1 and dialog.chosen() == right.id  # never the wrong client itself
    qtbot.keyClicks(dialog.reason, "Joan's call, logged on Jane")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert record.sessions.model.rowCount() == 0
    assert record.sessions.corrections.history_model.rows[0].event == "Moved to another client's record"
    other = window.workspace.open_client(right.id)
    other.tabs.setCurrentIndex(SESSIONS)
    assert other.sessions.model.rowCount() == 1
    assert other.sessions.corrections.history_model.rows[0].event == "Moved here from another client's record"


def test_recording_the_follow_ups_from_the_card(qtbot, window, store):
    person = active_client(store, received_on="2026-03-01")
    journey.discharge(
        store, person.id, discharged_on="2026-05-20", reason="completed", work_outcome="returned_to_work"
    )
    record = open_client(window, store, person)
    card = record.discharge_card
    actions = card.follow_up_menu.actions()
    assert [a.text() for a in actions] == ["3 months after discharge", "6 months after discharge"]
    actions[0].trigger()
    [dialog] = window.findChildren(FollowUpDialog)
    dialog.contacted_on.set_iso("2026-08-25")
    dialog.work_status.set_code("in_work")
    dialog.work_outcome.set_code("stayed_in_work")
    dialog.save()
    assert "3 months: done 25 Aug 2026 (in work, stayed in work)" in card.follow_ups.text()
    card.follow_up_menu.actions()[0].trigger()
    dialog = window.findChildren(FollowUpDialog)[-1]
    dialog.contact_result.buttons["not_reached"].click()
    assert not dialog.work_status.isVisibleTo(dialog)
    dialog.save()
    assert record.status == "followed_up"
    assert card.heading.text().startswith("Followed up")
    assert caseload_text(window, person.id, cm.STATUS) == "Followed up"
    card.correct_follow_up_menu.actions()[0].trigger()
    fix = window.findChildren(FollowUpDialog)[-1]
    fix.work_outcome.set_code("returned_to_work")
    qtbot.keyClicks(fix.reason_edit, "Misheard")
    fix.save()
    assert "returned to work" in card.follow_ups.text()


def test_withdrawing_after_discharge_on_the_consent_tab_stops_the_follow_ups(qtbot, window, store):
    person = active_client(store)
    journey.discharge(
        store, person.id, discharged_on="2026-11-30", reason="completed", work_outcome="returned_to_work"
    )
    record = open_client(window, store, person)
    assert "due" in record.discharge_card.follow_ups.text()
    dialog = record.record_consent("participation")
    dialog.action.buttons["withdrawn"].click()
    dialog.method.buttons["verbal"].click()
    assert dialog.follow_up.isVisibleTo(dialog) and not dialog.work_outcome.isVisibleTo(dialog)
    dialog.save()
    assert record.status == "discharged"  # support had already ended: the discharge stands
    assert "cancelled" in record.discharge_card.follow_ups.text()
    assert record.consent.state_of("share_gp") == "suspended"


def test_a_corrected_discharge_cannot_move_before_its_referral(store):
    person = active_client(store)
    made = journey.discharge(
        store, person.id, discharged_on="2026-11-30", reason="completed", work_outcome="unknown"
    )
    with pytest.raises(InvalidRecord) as refused:
        journey.correct(store, made, "typo", discharged_on="2026-08-01")
    assert "before the referral" in refused.value.errors["discharged_on"]
