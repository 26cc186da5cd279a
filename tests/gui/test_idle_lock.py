"""Locking: after idle time or Ctrl+L the store closes and client information is hidden;
unlocking carries on where the coach was, with nothing typed lost."""

from gui_demo import PASSPHRASE, add_demo_caseload
from memory_scan import needles_from, needs_proc_mem, scan_own_memory
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from workwell_desktop.gui.idle_lock import IdleLock
from workwell_desktop.gui.main_window import MainWindow


def unlocked_window(qtbot, data_dir, store, minutes):
    win = MainWindow(data_dir, idle_minutes=minutes)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    win.open_store(store)
    return win


def test_idle_time_locks_closes_the_store_and_unlock_returns_to_the_same_place(qtbot, data_dir, store):
    clients = add_demo_caseload(store, 3)
    win = unlocked_window(qtbot, data_dir, store, minutes=0.005)  # 0.3 seconds
    record = win.workspace.open_client(clients[1].id)
    dialog = record.new_session()
    qtbot.keyClicks(dialog.venue, "Carlisle community hub")

    qtbot.waitUntil(lambda: win.is_locked, timeout=5000)
    assert store.connection is None  # the store is closed: its key is gone from memory
    assert win.stack.currentWidget() is win.unlock_screen
    assert not win.workspace.isVisible() and not dialog.isVisible()
    assert win.workspace.caseload.model.rowCount() == 0
    assert "locked itself" in win.unlock_screen.explanation.text()
    assert not win.new_client_action.isEnabled() and not win.header.lock_button.isVisible()
    assert win.status_area.sync.text() == "Locked"

    qtbot.keyClicks(win.unlock_screen.passphrase, PASSPHRASE)
    qtbot.keyClick(win.unlock_screen.passphrase, Qt.Key.Key_Return)
    assert not win.is_locked and win.stack.currentWidget() is win.workspace
    assert win.workspace.current_record() is record
    assert dialog.isVisible() and dialog.venue.text() == "Carlisle community hub"
    assert win.workspace.caseload.model.rowCount() == 3
    win.idle_lock.stop()
    win.handle.close()


def test_ctrl_l_locks_now(qtbot, window, store):
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked and store.connection is None
    assert "locked itself" not in window.unlock_screen.explanation.text()
    assert window.unlock_screen.passphrase.hasFocus()


def test_a_wrong_passphrase_on_the_lock_screen_keeps_it_locked(qtbot, window):
    window.lock()
    qtbot.keyClicks(window.unlock_screen.passphrase, "wrong passphrase here")
    window.unlock_screen.unlock()
    assert window.is_locked and "not right" in window.unlock_screen.message.text()


def test_any_key_or_mouse_input_restarts_the_idle_time(qtbot):
    idle = IdleLock(10)
    idle.start()
    idle._timer.stop()
    target = QLineEdit()
    key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, key)
    assert idle._timer.isActive()
    idle.stop()
    assert not idle.running and not idle._timer.isActive()


def test_the_idle_lock_cannot_be_switched_off(qtbot):
    import pytest

    for minutes in (0, -1, float("nan")):
        with pytest.raises(ValueError):
            IdleLock(minutes)
    idle = IdleLock(10)
    with pytest.raises(ValueError):
        idle.set_minutes(0)


@needs_proc_mem
def test_after_lock_in_the_app_no_copy_of_the_key_is_left_in_memory(qtbot, data_dir, store):
    """Lock from the app (Ctrl+L) after real use: the key, its hex and HEX are nowhere in
    the process's memory (HAZ-062)."""
    import gc

    clients = add_demo_caseload(store, 3)
    win = unlocked_window(qtbot, data_dir, store, minutes=10)
    win.workspace.open_client(clients[0].id)
    needles = needles_from(store._key)
    assert scan_own_memory(needles)[0] >= 1
    win.lock(idle=False)
    gc.collect()
    assert scan_own_memory(needles) == [0, 0, 0]
    assert win.unlock_screen.passphrase.text() == ""
