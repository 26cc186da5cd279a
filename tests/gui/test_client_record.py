"""The client record: consent, sessions (Ctrl+Shift+S), fit notes, triage, details, discharge."""

from gui_demo import add_demo_caseload
from PySide6.QtCore import Qt

from workwell_desktop.domain.records import Client, ConsentEvent, ContactSession, Discharge, FitNote, Referral
from workwell_desktop.gui.client_record import CONSENT, SESSIONS
from workwell_desktop.gui.dialogs.consent_dialog import ConsentDialog
from workwell_desktop.gui.dialogs.session_dialog import SessionDialog


def open_record(window, store, n=0):
    clients = add_demo_caseload(store, 5)
    window.refresh()
    return window.workspace.open_client(clients[n].id)


def record_consent(qtbot, record, scope, action, method="verbal", service=""):
    qtbot.mouseClick(record.consent_button, Qt.MouseButton.LeftButton)
    dialog = record.window().findChildren(ConsentDialog)[-1]
    dialog.scope.setFocus()
    if scope == "participation":
        qtbot.keyClicks(dialog.scope, "Taking")  # type-to-select (a space would open the list)
    else:
        dialog.scope.set_code(scope)
    assert dialog.scope.code() == scope
    assert dialog.service_name.isVisibleTo(dialog) == (scope == "share_service")
    if service:
        qtbot.keyClicks(dialog.service_name, service)
    dialog.action.buttons[action].click()
    dialog.method.buttons[method].click()
    qtbot.keyClicks(dialog.note, "Talked it through at the first meeting.")
    assert dialog.save_button.isEnabled(), dialog.summary.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_record_consent_given_then_withdrawn(qtbot, window, store):
    record = open_record(window, store, n=0)  # awaiting triage: no consent yet
    record.tabs.setCurrentIndex(CONSENT)
    assert record.consent.state_of("participation") == "not_asked"
    assert record.consent_warning.isVisibleTo(record)

    record_consent(qtbot, record, "participation", "given")
    assert record.consent.state_of("participation") == "given"
    assert not record.consent_warning.isVisibleTo(record)

    record_consent(qtbot, record, "participation", "withdrawn", method="written")
    assert record.consent.state_of("participation") == "withdrawn"
    log = record.consent.log_model.rows
    assert [e.action for e in log] == ["withdrawn", "given"]  # newest first
    assert all(e.recorded_by == "Alex Coach" for e in log)
    assert len(store.for_client(ConsentEvent, record.client_id)) == 2  # appended, never edited


def test_consent_for_a_named_service_needs_its_name(qtbot, window, store):
    record = open_record(window, store)
    record_consent(qtbot, record, "share_service", "given", service="Talking Therapies Cumbria")
    assert record.consent.state_of("share_service", "talking therapies cumbria") == "given"


def test_new_session_with_ctrl_shift_s(qtbot, window, store):
    record = open_record(window, store, n=2)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_S, ctrl_shift)
    [dialog] = window.findChildren(SessionDialog)
    assert dialog.isVisible() and dialog.held_on.text()  # today by default
    assert "venue" in dialog.current_errors()  # in person needs a venue
    qtbot.keyClicks(dialog.venue, "Brampton GP practice")
    dialog.duration.setValue(40)
    qtbot.keyClicks(dialog.note, "Agreed a phased return to talk through with the employer.")
    before = store.pending_change_count()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [session] = store.for_client(ContactSession, record.client_id)
    assert (session.venue, session.duration_minutes, session.recorded_by) == (
        "Brampton GP practice",
        40,
        "Alex Coach",
    )
    record.tabs.setCurrentIndex(SESSIONS)
    assert record.sessions.model.rowCount() == 1
    assert str(store.pending_change_count()) in window.status_area.sync.text()
    assert store.pending_change_count() == before + 1


def test_phone_session_needs_no_venue(qtbot, window, store):
    record = open_record(window, store)
    dialog = record.new_session()
    dialog.mode.buttons["phone"].click()
    assert dialog.current_errors() == {}
    dialog.save()
    assert store.for_client(ContactSession, record.client_id)[0].mode == "phone"


def test_fit_note_options_only_when_may_be_fit(qtbot, window, store):
    record = open_record(window, store)
    dialog = record.add_fit_note()
    assert not dialog.options.isVisibleTo(dialog)
    dialog.status.buttons["may_be_fit"].click()
    assert dialog.options.isVisibleTo(dialog)
    dialog.options.boxes["phased_return"].click()
    qtbot.keyClicks(dialog.valid_to.edit, "31/12/2026")
    dialog.save()
    [note] = store.for_client(FitNote, record.client_id)
    assert note.options == ("phased_return",) and note.valid_to == "2026-12-31"
    assert record.fit_notes.model.rowCount() == 1


def test_triage_decline_with_a_reason(qtbot, window, store):
    record = open_record(window, store, n=0)
    tab = record.referral
    tab.outcome.buttons["declined"].click()
    assert tab.decline_reason.isVisibleTo(tab) and "decline_reason" in tab.refresh()
    tab.decline_reason.set_code("other")
    assert "triage_note" in tab.refresh()  # "other" needs a note for the referrer
    qtbot.keyClicks(tab.triage_note, "Already supported by the community mental health team.")
    assert tab.refresh() == {}
    tab.save()
    [referral] = store.for_client(Referral, record.client_id)
    assert (referral.triage_outcome, referral.decline_reason) == ("declined", "other")
    assert referral.triaged_on
    assert record.status == "declined"
    assert (
        window.workspace.caseload.model.entry(window.workspace.caseload.model.row_of(record.client_id)).status
        == "declined"
    )


def test_accept_and_first_contact(qtbot, window, store):
    record = open_record(window, store, n=0)
    tab = record.referral
    tab.outcome.buttons["accepted"].click()
    qtbot.keyClicks(tab.first_contact_on.edit, "01/01/2000")  # before the referral arrived
    tab.save()  # refused: the message by the field and in the error summary
    assert "before the referral" in tab.fields.fields["first_contact_on"].message.text()
    assert tab.fields.summary.isVisibleTo(tab) and record.status != "active"
    tab.first_contact_on.set_iso(tab.current.received_on)
    tab.save()
    assert record.status == "active"


def test_details_edit_saves_and_an_invalid_value_blocks_saving(qtbot, window, store):
    record = open_record(window, store)
    details = record.details
    details.form.nhs_number.setText(details.form.nhs_number.text().replace(" ", ""))
    assert not details.is_dirty()  # the same number, only spaced differently
    details.form.postcode.setText("nonsense")
    qtbot.mouseClick(details.save_button, Qt.MouseButton.LeftButton)  # refused, summary shown
    assert "not a UK postcode" in details.form.fields.fields["postcode"].message.text()
    assert details.form.fields.summary.isVisibleTo(details)
    assert store.get(Client, record.client_id).postcode != "nonsense"
    details.form.postcode.setText("ca11 7dz")
    details.form.employer.setText("Penrith Building Society")
    qtbot.mouseClick(details.save_button, Qt.MouseButton.LeftButton)
    saved = store.get(Client, record.client_id)
    assert (saved.postcode, saved.employer) == ("CA11 7DZ", "Penrith Building Society")
    assert details.status.text() == "Saved."


def test_discharge(qtbot, window, store):
    record = open_record(window, store, n=3)
    dialog = record.discharge()
    dialog.reason.set_code("completed")
    dialog.work_outcome.set_code("returned_to_work")
    dialog.save()
    assert store.for_client(Discharge, record.client_id)[0].work_outcome == "returned_to_work"
    assert record.status == "discharged" and not record.discharge_button.isEnabled()
