"""Forms as the NHS digital service manual asks, and one place to set the server (issue #18)."""

from gui_demo import add_demo_caseload
from PySide6.QtCore import Qt

from workwell_desktop.domain.records import Client
from workwell_desktop.gui.client_record import FIT_NOTES
from workwell_desktop.gui.settings_dialog import SettingsDialog
from workwell_desktop.gui.sync_dialogs import RegisterDialog


def test_an_existing_record_opens_without_messages_and_save_checks_it(qtbot, window, store):
    [client] = add_demo_caseload(store, 1)
    window.refresh()
    details = window.workspace.open_client(client.id).details
    fields = details.form.fields
    assert not any(f.message.isVisibleTo(details) for f in fields.fields.values())
    qtbot.mouseClick(details.save_button, Qt.MouseButton.LeftButton)  # nothing changed
    assert "Nothing to save" in details.status.text()
    details.form.phone.clear()
    details.form.preferred_contact.set_code("phone")
    assert not fields.fields["phone"].message.isVisibleTo(details)  # not left or submitted yet
    qtbot.mouseClick(details.save_button, Qt.MouseButton.LeftButton)
    assert "phone number" in fields.fields["phone"].message.text()
    assert fields.summary.isVisibleTo(details) and fields.summary.hasFocus()
    assert store.get(Client, client.id).phone  # not saved


def test_an_empty_table_says_so(qtbot, window, store):
    [client] = add_demo_caseload(store, 1)
    window.refresh()
    record = window.workspace.open_client(client.id)
    record.tabs.setCurrentIndex(FIT_NOTES)
    table = record.fit_notes.table
    assert table.is_empty() and table.accessibleDescription().startswith("No fit notes recorded yet")
    qtbot.wait(1)
    image = table.viewport().grab().toImage()
    background = image.pixel(1, 1)
    assert any(image.pixel(x, image.height() // 2) != background for x in range(0, image.width(), 3))


def test_f5_with_no_server_says_what_to_do_and_can_connect(qtbot, window, message_boxes):
    message_boxes.answer = message_boxes.answer.Yes
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert message_boxes.asked and message_boxes.asked[0].startswith("Not connected to a server")
    assert "Connect to the server now?" in message_boxes.asked[0]
    [dialog] = [d for d in window.findChildren(RegisterDialog) if d.isVisible()]
    dialog.done(0)


def test_settings_show_the_server_and_send_the_coach_to_connect(qtbot, window, monkeypatch):
    dialog = SettingsDialog(window.settings, window, can_connect=True)
    qtbot.addWidget(dialog)
    assert dialog.editors["server_url"].isReadOnly() and not dialog.editable("server_url")
    opened = []
    monkeypatch.setattr(SettingsDialog, "exec", lambda self: (self.connect_button.click(), self.result())[1])
    monkeypatch.setattr(type(window), "connect_to_server", lambda self: opened.append(True))
    window.show_settings()
    assert opened == [True]


def test_settings_say_1_minute_not_1_minutes(qtbot, window):
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    spin = dialog.editors["idle_lock_minutes"]
    spin.setValue(1)
    assert spin.text() == "1 minute"
    spin.setValue(5)
    assert spin.text() == "5 minutes"


def test_connecting_keeps_the_address_for_settings(qtbot, window, monkeypatch):
    dialog = window.connect_to_server()
    dialog.url.setText("https://workwell.example.nhs.uk")
    window._remember_server(dialog.url.text())
    assert window.settings.get("server_url") == "https://workwell.example.nhs.uk"
    dialog.done(0)


def test_a_policy_server_address_is_not_changed_by_connecting(qtbot, window, monkeypatch):
    monkeypatch.setattr(window.settings, "is_managed", lambda key: key == "server_url")
    before = window.settings.get("server_url")
    dialog = window.connect_to_server()
    assert dialog.url.isReadOnly()
    window._remember_server("https://elsewhere.example.org")
    assert window.settings.get("server_url") == before
    dialog.done(0)
