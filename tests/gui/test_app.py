"""Starting the app: arguments and environment; it always starts locked."""

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


def test_the_app_never_unlocks_from_the_environment(qtbot, monkeypatch, data_dir, store):
    """WORKWELL_PASSPHRASE is for the headless commands; the app always starts locked."""
    from PySide6.QtWidgets import QApplication

    from workwell_desktop.gui import app as app_module

    store.close()
    monkeypatch.setenv("WORKWELL_PASSPHRASE", PASSPHRASE)
    shown = []
    monkeypatch.setattr(app_module.MainWindow, "show", lambda self: shown.append(self))
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(app_module, "harden_process", lambda: None)  # keep the test process as it is
    assert app_module.main(["--data-dir", str(data_dir)]) == 0
    (win,) = shown
    qtbot.addWidget(win)
    assert not win.handle.is_open and win.stack.currentWidget() is win.unlock_screen


def test_no_database_yet_shows_set_up(qtbot, data_dir):
    win = build_window(data_dir, 10)
    qtbot.addWidget(win)
    assert win.setup_screen is not None and win.stack.currentWidget() is win.setup_screen
