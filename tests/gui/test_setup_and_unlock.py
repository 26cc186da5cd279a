"""First run and unlocking: the passphrase screens, and that a wrong passphrase changes nothing."""

import hashlib

from gui_demo import COACH, PASSPHRASE, demo_client
from PySide6.QtCore import Qt

from workwell_desktop.gui.main_window import MainWindow
from workwell_desktop.store import Store, is_initialised


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def shown_window(qtbot, data_dir, **kwargs):
    win = MainWindow(data_dir, **kwargs)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)  # focus moves (and shortcuts) need the active window
    return win


def test_first_run_set_up_creates_the_database_and_opens_the_caseload(qtbot, data_dir):
    win = shown_window(qtbot, data_dir)
    setup = win.setup_screen
    assert win.stack.currentWidget() is setup and not is_initialised(data_dir)
    qtbot.keyClicks(setup.name, COACH)
    setup.role.buttons["team_lead"].click()
    qtbot.keyClicks(setup.passphrase, PASSPHRASE)
    qtbot.keyClicks(setup.confirm, PASSPHRASE)
    assert setup.errors() == {}
    qtbot.mouseClick(setup.create_button, Qt.MouseButton.LeftButton)

    assert is_initialised(data_dir)
    # Says where the key is kept (the key file here: tests never use the real keyring).
    assert "key file protected by your passphrase" in setup.key_place.text()
    assert setup.store.coach_role == "team_lead"
    qtbot.mouseClick(setup.continue_button, Qt.MouseButton.LeftButton)
    assert win.stack.currentWidget() is win.workspace
    assert win.handle.is_open and win.handle.coach_name == COACH
    assert "waiting to sync" in win.status_area.sync.text()
    assert "key file" in win.status_area.key_store.text()
    assert win.setup_screen is None
    win.handle.close()


def test_set_up_checks_the_passphrase_as_you_type(qtbot, data_dir):
    win = shown_window(qtbot, data_dir)
    setup = win.setup_screen
    qtbot.keyClicks(setup.name, COACH)
    setup.passphrase.setFocus()
    qtbot.keyClicks(setup.passphrase, "short")
    assert not setup.fields.fields["passphrase"].message.isVisible()  # not judged mid-word
    assert setup.create_button.isEnabled()  # a submit button is never disabled
    setup.confirm.setFocus(Qt.FocusReason.TabFocusReason)  # leaving the field judges it
    qtbot.waitUntil(lambda: setup.fields.fields["passphrase"].message.isVisible())
    assert "at least 10 characters" in setup.fields.fields["passphrase"].message.text()
    qtbot.keyClicks(setup.confirm, "shorter")
    assert not setup.fields.fields["confirm"].message.isVisible()  # still typing it
    assert setup.passphrase.accessibleDescription().startswith("Error:")
    qtbot.keyClick(setup.confirm, Qt.Key.Key_Return)  # Enter submits: refused, nothing written
    assert not is_initialised(data_dir)
    assert "not the same" in setup.fields.fields["confirm"].message.text()
    summary = setup.fields.summary
    assert summary.isVisible() and summary.hasFocus()  # the error summary, for a screen reader
    assert [e.accessibleName() for e in summary.entries][-1] == "The two passphrases are not the same."
    qtbot.keyClick(summary.entries[-1], Qt.Key.Key_Return)  # an entry goes to its field
    assert setup.confirm.hasFocus()
    setup.passphrase.setText(PASSPHRASE)
    setup.confirm.setText(PASSPHRASE)
    assert setup.errors() == {} and not summary.isVisible()
    assert not setup.fields.fields["confirm"].message.isVisible()


def test_wrong_passphrase_says_so_and_changes_nothing_then_the_right_one_opens(qtbot, data_dir, store):
    store.add(demo_client(0))
    store.close()
    before = digests(data_dir)
    win = shown_window(qtbot, data_dir)
    unlock = win.unlock_screen
    assert win.stack.currentWidget() is unlock
    qtbot.keyClicks(unlock.passphrase, "battery staple horse correct")
    qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    assert unlock.message.isVisible() and "not right" in unlock.message.text()
    assert win.stack.currentWidget() is unlock and not win.handle.is_open
    assert digests(data_dir) == before

    unlock.passphrase.clear()
    qtbot.keyClicks(unlock.passphrase, PASSPHRASE)
    qtbot.mouseClick(unlock.unlock_button, Qt.MouseButton.LeftButton)
    assert win.stack.currentWidget() is win.workspace
    assert win.workspace.caseload.model.rowCount() == 1
    assert not unlock.message.isVisible() and unlock.passphrase.text() == ""
    win.handle.close()


def test_a_missing_key_shows_its_message(qtbot, data_dir, store):
    store.close()
    (data_dir / "key.json").unlink()
    win = shown_window(qtbot, data_dir)
    qtbot.keyClicks(win.unlock_screen.passphrase, PASSPHRASE)
    win.unlock_screen.unlock()
    assert "missing" in win.unlock_screen.message.text()
    assert not win.handle.is_open


def test_store_opened_by_the_fixture_is_a_normal_store(store):
    # Guards the fixture the other GUI tests rely on.
    assert isinstance(store, Store) and store.coach_name == COACH
