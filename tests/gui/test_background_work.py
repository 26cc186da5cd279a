"""Slow work (opening the database, issuing and exporting letters, changing the passphrase)
runs off the GUI thread, and a second press meanwhile does nothing (issue #18)."""

import threading

from gui_demo import PASSPHRASE
from PySide6.QtCore import Qt

from workwell_desktop.gui import change_passphrase_dialog, unlock_screen
from workwell_desktop.gui.main_window import MainWindow
from workwell_desktop.store import Store


class Spy:
    """Calls the real function, noting the thread it ran on; the first call can be held."""

    def __init__(self, real, hold=False):
        self.real, self.threads = real, []
        self.release = threading.Event()
        if not hold:
            self.release.set()

    def __call__(self, *args, **kwargs):
        self.threads.append(threading.get_ident())
        self.release.wait(10)
        return self.real(*args, **kwargs)


def test_unlocking_opens_the_store_off_the_gui_thread_once(
    qtbot, data_dir, store, threaded_tasks, monkeypatch
):
    store.close()
    spy = Spy(Store.open, hold=True)
    monkeypatch.setattr(unlock_screen.Store, "open", spy)
    win = MainWindow(data_dir, idle_minutes=10)
    qtbot.addWidget(win)
    win.show()
    screen = win.unlock_screen
    qtbot.keyClicks(screen.passphrase, PASSPHRASE)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(spy.threads) == 1)
    assert not screen.unlock_button.isEnabled()  # no second unlock meanwhile
    label = screen.unlock_button.text()
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    screen.unlock()
    # Still opening after half a second: the button says so (and the wait cursor shows).
    qtbot.waitUntil(lambda: screen.unlock_button.text() == "Unlocking\u2026")
    spy.release.set()
    qtbot.waitUntil(lambda: win.handle.is_open)
    assert spy.threads[0] != threading.get_ident() and len(spy.threads) == 1
    assert win.stack.currentWidget() is win.workspace and screen.unlock_button.isEnabled()
    assert screen.unlock_button.text() == label
    win.idle_lock.stop()
    win.handle.close()


def test_a_wrong_passphrase_off_the_thread_says_so_and_frees_the_button(
    qtbot, data_dir, store, threaded_tasks
):
    store.close()
    win = MainWindow(data_dir, idle_minutes=10)
    qtbot.addWidget(win)
    win.show()
    screen = win.unlock_screen
    qtbot.keyClicks(screen.passphrase, "not the passphrase at all")
    screen.unlock()
    qtbot.waitUntil(lambda: screen.message.isVisible())
    assert "passphrase" in screen.message.text().lower() and not win.handle.is_open
    assert screen.unlock_button.isEnabled()


def test_changing_the_passphrase_runs_off_the_gui_thread(qtbot, window, threaded_tasks, monkeypatch):
    threads = []
    real = Store.change_passphrase

    def spy(self, current, new):
        threads.append(threading.get_ident())
        return real(self, current, new)

    monkeypatch.setattr(Store, "change_passphrase", spy)
    dialog = change_passphrase_dialog.ChangePassphraseDialog(window.handle, window)
    qtbot.addWidget(dialog)
    dialog.current.setText(PASSPHRASE)
    dialog.new.setText("a much longer new passphrase 42")
    dialog.confirm.setText("a much longer new passphrase 42")
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.submit()
        dialog.submit()  # pressed twice: changed once
    assert len(threads) == 1 and threads[0] != threading.get_ident()
    assert any(a["action"] == "change-passphrase" for a in window.handle.store.audit_trail())


def test_connecting_frees_the_button_whatever_goes_wrong(qtbot, window, monkeypatch):
    """It caught only SyncError, so anything else left Connect disabled for ever."""
    from workwell_desktop.gui import sync_dialogs

    def broken(*_args, **_kwargs):
        raise KeyError("a fault that is not a SyncError")

    monkeypatch.setattr(sync_dialogs.engine, "register", broken)
    dialog = sync_dialogs.RegisterDialog(window.handle, parent=window)
    qtbot.addWidget(dialog)
    dialog.url.setText("https://workwell.example.nhs.uk")
    dialog.username.setText("alex.coach")
    dialog.password.setText("a password")
    dialog.submit()
    assert dialog.connect_button.isEnabled() and dialog.result() != dialog.DialogCode.Accepted
    assert "went wrong (KeyError)" in dialog.message.text() and dialog.password.text() == ""
