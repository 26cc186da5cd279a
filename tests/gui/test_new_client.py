"""New client (referral intake): typed in, validated as typed, saved with its referral."""

from gui_demo import demo_client
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from workwell_desktop.domain.records import Client, Referral
from workwell_desktop.gui.client_record import ClientRecord
from workwell_desktop.gui.dialogs.new_client_dialog import NewClientDialog


def open_new_client(qtbot, window) -> NewClientDialog:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialogs = window.findChildren(NewClientDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    return dialogs[0]


def type_valid_client(qtbot, dialog, nhs="943 476 5919"):
    form, referral = dialog.client_form, dialog.referral_fields
    qtbot.keyClicks(form.given_name, "Wren")
    qtbot.keyClicks(form.family_name, "Ashdown")
    qtbot.keyClicks(form.date_of_birth.edit, "01/06/1975")
    qtbot.keyClicks(form.nhs_number, nhs)
    qtbot.keyClicks(form.postcode, "ca2 4hh")
    qtbot.keyClicks(form.phone, "07700 900001")
    qtbot.keyClicks(form.employer, "Eden Care")
    referral.route.setFocus()
    qtbot.keyClicks(referral.route, "Self")  # type-to-select in the list, as a keyboard user does
    qtbot.keyClicks(referral.referrer, "Self, by phone")


def test_new_client_typed_in_is_saved_and_appears_in_the_caseload(qtbot, window, store):
    dialog = open_new_client(qtbot, window)
    assert dialog.save_button.isEnabled()  # never disabled: pressing it says what is missing
    type_valid_client(qtbot, dialog)
    assert dialog.referral_fields.route.code() == "self"
    assert dialog.current_errors() == {}
    before = store.pending_change_count()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    entries = store.caseload()
    assert [(e.given_name, e.nhs_number, e.postcode, e.status) for e in entries] == [
        ("Wren", "9434765919", "CA2 4HH", "awaiting_triage")
    ]
    [referral] = store.for_client(Referral, entries[0].client_id)
    assert referral.route == "self" and referral.referrer == "Self, by phone"
    model = window.workspace.caseload.model
    assert model.rowCount() == 1 and model.entry(0).family_name == "Ashdown"
    # The record opens, and the sync status counts the new changes.
    record = window.workspace.current_record()
    assert isinstance(record, ClientRecord) and record.client.full_name == "Wren Ashdown"
    assert store.pending_change_count() > before
    assert f"{store.pending_change_count()} changes waiting" in window.status_area.sync.text()


def test_the_main_health_barrier_is_asked_and_saved(qtbot, window, store):
    dialog = open_new_client(qtbot, window)
    type_valid_client(qtbot, dialog)
    barrier = dialog.client_form.main_health_barrier
    assert barrier.code() == "" and barrier.accessibleName() == "Main health barrier"
    barrier.set_code("mental_health")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [client] = store.all(Client)
    assert client.main_health_barrier == "mental_health" and client.coach == store.coach_identity


def message(dialog, name):
    return dialog.fields.fields[name].message


def leave(qtbot, edit, text):
    """Type into a field, then Tab out of it, as a coach does."""
    edit.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def test_validation_messages_show_by_each_field_and_nothing_is_saved(qtbot, window, store):
    dialog = open_new_client(qtbot, window)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # focus moves (leaving a field) need the active window
    form = dialog.client_form
    for _ in range(12):  # Tab through without typing: nothing is wrong yet
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert not any(f.message.isVisible() for f in dialog.fields.fields.values())
    assert not message(dialog, "phone").isVisible()  # "enter a phone number" waits for Save
    form.nhs_number.setFocus()
    qtbot.keyClicks(form.nhs_number, "9434765918")
    assert not message(dialog, "nhs_number").isVisible()  # not judged while typing
    qtbot.keyClick(form.nhs_number, Qt.Key.Key_Tab)
    form.given_name.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(form.given_name, "W")
    qtbot.keyClick(form.given_name, Qt.Key.Key_Backspace)  # emptied a required field
    qtbot.keyClick(form.given_name, Qt.Key.Key_Tab)
    leave(qtbot, form.date_of_birth.edit, "01/01/2090")
    leave(qtbot, form.postcode, "CA1 XYZ")

    assert message(dialog, "given_name").text() == "Enter the given name."
    assert "not a valid NHS number" in message(dialog, "nhs_number").text()
    assert "in the future" in message(dialog, "date_of_birth").text()
    assert "not a UK postcode" in message(dialog, "postcode").text()
    for name in ("given_name", "nhs_number", "date_of_birth", "postcode"):
        assert message(dialog, name).isVisible()
    assert form.nhs_number.accessibleDescription().startswith("Error: This is not a valid NHS number")
    # Untouched fields stay quiet until the person has been there, and no summary yet.
    assert not message(dialog, "family_name").isVisible()
    assert not dialog.error_summary.isVisible()

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # refused, every message shown
    assert message(dialog, "family_name").isVisible()
    assert dialog.isVisible() and store.caseload() == []
    summary = dialog.error_summary
    assert summary.isVisible() and summary.hasFocus()
    listed = [e.accessibleName() for e in summary.entries]
    assert listed[0] == "Enter the given name." and message(dialog, "family_name").text() in listed
    qtbot.keyClick(summary, Qt.Key.Key_Tab)  # Tab from the summary goes through its entries
    assert QApplication.focusWidget() is summary.entries[0]
    qtbot.keyClick(summary.entries[1], Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.family_name
    qtbot.keyClicks(form.family_name, "Ashdown")  # fixed: its entry leaves the summary
    assert message(dialog, "family_name").text() not in [e.accessibleName() for e in summary.entries]

    form.date_of_birth.edit.clear()
    qtbot.keyClicks(form.date_of_birth.edit, "31/02/1980")  # not a real date
    assert "real date" in message(dialog, "date_of_birth").text()


def test_a_duplicate_nhs_number_refused_by_the_store_keeps_what_was_typed(qtbot, window, store):
    store.add(demo_client(0, nhs_number="9434765919", given_name="Ada", family_name="Fell"))
    window.refresh()
    dialog = open_new_client(qtbot, window)
    type_valid_client(qtbot, dialog)
    dialog.save()
    assert dialog.isVisible()
    assert "Ada Fell already has this NHS number" in message(dialog, "nhs_number").text()
    assert "Ada Fell already has this NHS number" in dialog.error_summary.accessibleDescription()
    assert dialog.client_form.given_name.text() == "Wren"  # nothing lost
    assert len(store.all(Client)) == 1


def test_cancel_with_typing_asks_first(qtbot, window, message_boxes):
    dialog = open_new_client(qtbot, window)
    qtbot.keyClicks(dialog.client_form.given_name, "Wren")
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    dialog.reject()
    assert dialog.isVisible() and message_boxes.asked
    message_boxes.answer = QMessageBox.StandardButton.Discard
    dialog.reject()
    assert not dialog.isVisible()
