"""Starting the app: arguments, environment, and unlocking from WORKWELL_PASSPHRASE."""

from pathlib import Path

from gui_demo import PASSPHRASE

from workwell_desktop.gui.app import build_window, parse_arguments


def test_arguments_and_defaults(monkeypatch, tmp_path):
    monkeypatch.delenv("WORKWELL_IDLE_LOCK_MINUTES", raising=False)
    monkeypatch.setenv("WORKWELL_DATA_DIR", str(tmp_path / "env"))
    args = parse_arguments([])
    assert args.data_dir == tmp_path / "env" and args.idle_lock_minutes is None  # from settings
    args = parse_arguments(["--data-dir", str(tmp_path / "x"), "--idle-lock-minutes", "2.5"])
    assert args.data_dir == Path(tmp_path / "x") and args.idle_lock_minutes == 2.5
    monkeypatch.setenv("WORKWELL_IDLE_LOCK_MINUTES", "3")
    assert parse_arguments([]).idle_lock_minutes == 3


def test_passphrase_from_the_environment_unlocks_at_start(qtbot, data_dir, store):
    store.close()
    win = build_window(data_dir, 10, PASSPHRASE)
    qtbot.addWidget(win)
    assert win.handle.is_open and win.stack.currentWidget() is win.workspace
    win.handle.close()


def test_a_wrong_passphrase_from_the_environment_leaves_the_unlock_screen(qtbot, data_dir, store):
    store.close()
    win = build_window(data_dir, 10, "not the passphrase")
    qtbot.addWidget(win)
    assert not win.handle.is_open and "not right" in win.unlock_screen.message.text()


def test_no_database_yet_shows_set_up(qtbot, data_dir):
    win = build_window(data_dir, 10, PASSPHRASE)
    qtbot.addWidget(win)
    assert win.setup_screen is not None and win.stack.currentWidget() is win.setup_screen
