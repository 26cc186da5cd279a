"""Start the desktop app: ``workwell [--data-dir DIR] [--idle-lock-minutes N]``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from .. import logs
from ..paths import default_data_dir, resource_path
from ..settings import load_settings
from ..store import Store, StoreError, is_initialised
from . import style
from .main_window import MainWindow

log = logging.getLogger(__name__)



def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the idle time cannot be negative")
    return value


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="workwell",
                                     description="WorkWell Desktop for work and health coaches.")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder holding the encrypted database (default: WORKWELL_DATA_DIR or the "
                             "per-user data folder)")
    env_minutes = os.environ.get("WORKWELL_IDLE_LOCK_MINUTES")
    parser.add_argument("--idle-lock-minutes", type=_minutes,
                        default=_minutes(env_minutes) if env_minutes else None,
                        help="lock after this many minutes without input (default: the "
                             "organisation's or your setting, 10; WORKWELL_IDLE_LOCK_MINUTES; "
                             "0 turns it off)")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (encrypted database, main window, letter, "
                             "scoring) offscreen and exit 0, or non-zero saying what failed")
    args = parser.parse_args(argv)
    args.data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    return args


def prepare_application(app: QApplication) -> None:
    """Names (for settings and the window system) and the NHS look."""
    QCoreApplication.setApplicationName("WorkWell Desktop")
    QCoreApplication.setOrganizationName("NHS")
    QApplication.setApplicationDisplayName("WorkWell Desktop")
    app.setWindowIcon(QIcon(str(resource_path("icons", "workwell.png"))))
    style.apply(app)


def build_window(data_dir: Path, idle_minutes: float | None = None, passphrase: str | None = None,
                 settings=None) -> MainWindow:
    """The main window, unlocked at once when a passphrase is supplied (headless runs)."""
    settings = settings if settings is not None else load_settings()
    if idle_minutes is None:
        idle_minutes = float(settings.get("idle_lock_minutes"))
    window = MainWindow(data_dir, idle_minutes, settings=settings)
    for problem in settings.problems:
        log.warning("settings: %s", problem)
    if passphrase and is_initialised(data_dir):
        try:
            window.open_store(Store.open(data_dir, passphrase))
        except StoreError as refused:
            window.unlock_screen.show_problem(str(refused))
    return window


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        from ..selftest import run_self_test

        return run_self_test()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    prepare_application(app)
    try:
        logs.configure(args.data_dir)
    except OSError as problem:  # a read-only or missing folder must not stop the app opening
        print(f"WorkWell: cannot write logs in {args.data_dir}: {problem}", file=sys.stderr)
    log.info("starting (idle lock %s minutes)", args.idle_lock_minutes)
    window = build_window(args.data_dir, args.idle_lock_minutes, os.environ.get("WORKWELL_PASSPHRASE"))
    screen = window.screen().availableGeometry()
    window.resize(min(1280, int(screen.width() * 0.9)), min(860, int(screen.height() * 0.9)))
    window.show()
    return app.exec()
