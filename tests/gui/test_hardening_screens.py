"""The screens of issue 20: the connect dialog applies the one URL policy, the coach can
change the passphrase from the app, and set-up refuses guessable passphrases. Renders go to
renders/ for a person to look at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gui_demo import PASSPHRASE
from PySide6.QtCore import Qt

from workwell_desktop.settings import load_settings
from workwell_desktop.store import Store

RENDERS = Path(__file__).resolve().parents[2] / "renders"
NEW_PASSPHRASE = "lantern orchard velvet tide"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1@evil.example",
        "http://localhost:80@198.51.100.7",
        "http://localhost.evil.example",
        "http://192.0.2.10:8443",
        "https://user:secret@workwell.example.nhs.uk",
    ],
)
def test_the_connect_dialog_refuses_unsafe_addresses_before_sending(qtbot, window, url, monkeypatch):
    from workwell_desktop.sync import engine

    sent = []
    monkeypatch.setattr(engine, "register", lambda *a, **k: sent.append(a))
    dialog = window.connect_to_server()
    dialog.url.setText(url)
    qtbot.keyClicks(dialog.username, "ann")
    qtbot.keyClicks(dialog.password, "a long enough password")
    dialog.connect_button.click()
    assert sent == [] and dialog.message.isVisible()
    assert "https://" in dialog.message.text() or "user name or password" in dialog.message.text()
    assert dialog.focusWidget() is dialog.url
    dialog.reject()


def test_a_managed_server_address_cannot_be_edited_in_the_connect_dialog(qtbot, window, tmp_path):
    policy = Path(__import__("os").environ["WORKWELL_POLICY_FILE"])
    policy.write_text(json.dumps({"server_url": "https://sync.workwell.example.nhs.uk"}))
    window.settings = load_settings()
    dialog = window.connect_to_server()
    assert dialog.url.isReadOnly() and dialog.url.text() == "https://sync.workwell.example.nhs.uk"
    dialog.reject()


def test_change_passphrase_from_the_menu_then_unlock_with_the_new_one(qtbot, window, data_dir):
    assert window.change_passphrase_action.isEnabled()
    dialog = window.change_passphrase()
    qtbot.keyClicks(dialog.current, "not my passphrase")
    qtbot.keyClicks(dialog.new, "Password1!")
    qtbot.keyClicks(dialog.confirm, "Password1!")
    dialog.change_button.click()
    assert dialog.isVisible() and "most common passwords" in dialog.new_message.text()
    dialog.new.clear()
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.new, NEW_PASSPHRASE)
    qtbot.keyClicks(dialog.confirm, NEW_PASSPHRASE)
    dialog.change_button.click()
    assert dialog.isVisible() and "not right" in dialog.current_message.text()
    assert dialog.current.text() == ""  # a wrong passphrase is not kept in the field
    RENDERS.mkdir(exist_ok=True)
    dialog.adjustSize()
    assert dialog.grab().save(str(RENDERS / "change-passphrase.png"))
    qtbot.keyClicks(dialog.current, PASSPHRASE)
    dialog.change_button.click()
    assert not dialog.isVisible()
    assert dialog.current.text() == dialog.new.text() == dialog.confirm.text() == ""
    assert "passphrase has been changed" in window.statusBar().currentMessage()
    window.lock()
    qtbot.keyClicks(window.unlock_screen.passphrase, PASSPHRASE)
    qtbot.keyClick(window.unlock_screen.passphrase, Qt.Key.Key_Return)
    assert window.is_locked  # the old one no longer opens it
    window.unlock_screen.passphrase.clear()
    qtbot.keyClicks(window.unlock_screen.passphrase, NEW_PASSPHRASE)
    qtbot.keyClick(window.unlock_screen.passphrase, Qt.Key.Key_Return)
    assert not window.is_locked
    window.handle.close()
    Store.open(data_dir, NEW_PASSPHRASE).close()


def test_set_up_explains_why_a_passphrase_is_too_easy(qtbot, tmp_path, monkeypatch):
    from workwell_desktop.gui.main_window import MainWindow

    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    win = MainWindow(tmp_path / "fresh")
    qtbot.addWidget(win)
    screen = win.setup_screen
    qtbot.keyClicks(screen.name, "Alex Coach")
    for weak, reason in (
        ("qwertyuiop", "most common"),
        ("Alex Coach 2026", "your name"),
        ("aaaaaaaaaaaa", "repeats"),
    ):
        screen.passphrase.clear()
        screen.confirm.clear()
        qtbot.keyClicks(screen.passphrase, weak)
        qtbot.keyClicks(screen.confirm, weak)
        errors = screen.errors()
        assert reason in errors["passphrase"]
    screen.passphrase.clear()
    screen.confirm.clear()
    qtbot.keyClicks(screen.passphrase, NEW_PASSPHRASE)
    qtbot.keyClicks(screen.confirm, NEW_PASSPHRASE)
    assert "passphrase" not in screen.errors()


def test_settings_show_the_policy_idle_lock_as_a_limit_the_coach_may_shorten(qtbot, tmp_path):
    import os

    from workwell_desktop.gui.settings_dialog import SettingsDialog

    Path(os.environ["WORKWELL_POLICY_FILE"]).write_text(
        json.dumps({"idle_lock_minutes": 10, "proxy_url": "http://proxy.example.nhs.uk:8080"})
    )
    dialog = SettingsDialog(load_settings())
    qtbot.addWidget(dialog)
    spin = dialog.editors["idle_lock_minutes"]
    assert spin.isEnabled() and spin.maximum() == 10
    assert "at most 10" in dialog.managed_labels["idle_lock_minutes"].text().lower()
    assert not dialog.editors["proxy_url"].isEnabled()  # shown because IT set it, read-only
    assert "server_ca_file" not in dialog.editors  # IT-only and not set: not shown
    spin.setValue(5)
    dialog.save()
    assert load_settings().get("idle_lock_minutes") == 5
    RENDERS.mkdir(exist_ok=True)
    dialog.adjustSize()
    assert dialog.grab().save(str(RENDERS / "settings-managed-idle-lock.png"))
