"""Start the desktop app: ``workwell [--data-dir DIR] [--idle-lock-minutes N]``.

The app always starts locked: it never unlocks from an environment variable
(``WORKWELL_PASSPHRASE`` is for the headless ``workwell-admin`` commands only).
``--idle-lock-minutes`` and ``WORKWELL_IDLE_LOCK_MINUTES`` may shorten the idle lock
the organisation's policy sets, never lengthen it or switch it off.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from .. import logs
from ..hardening import harden_process
from ..paths import default_data_dir, resource_path
from ..settings import load_settings
from . import style
from .main_window import MainWindow

log = logging.getLogger(__name__)
IDLE_LOCK_ENV = "WORKWELL_IDLE_LOCK_MINUTES"


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not 0 < value <= 120:  # NaN fails too
        raise argparse.ArgumentTypeError("the idle lock must be more than 0 and at most 120 minutes")
    return value


def _minutes_from_environment() -> float | None:
    text = os.environ.get(IDLE_LOCK_ENV)
    if not text:
        return None
    try:
        return _minutes(text)
    except argparse.ArgumentTypeError as problem:
        print(f"WorkWell: {IDLE_LOCK_ENV}={text!r} was ignored: {problem}.", file=sys.stderr)
        return None


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="workwell", description="WorkWell Desktop for work and health coaches."
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder holding the encrypted database (default: WORKWELL_DATA_DIR or the per-user data folder)",
    )
    parser.add_argument(
        "--idle-lock-minutes",
        type=_minutes,
        default=None,
        help="lock sooner: after this many minutes without input (default: the "
        "organisation's or your setting, 10; or WORKWELL_IDLE_LOCK_MINUTES). "
        "It can shorten the organisation's idle lock, never lengthen it.",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (encrypted database, main window, letter, "
        "scoring) offscreen and exit 0, or non-zero saying what failed",
    )
    args = parser.parse_args(argv)
    if args.idle_lock_minutes is None:
        args.idle_lock_minutes = _minutes_from_environment()
    args.data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    return args


def prepare_application(app: QApplication) -> None:
    """Names (for settings and the window system) and the NHS look."""
    QCoreApplication.setApplicationName("WorkWell Desktop")
    QCoreApplication.setOrganizationName("NHS")
    QApplication.setApplicationDisplayName("WorkWell Desktop")
    app.setWindowIcon(QIcon(str(resource_path("icons", "workwell.png"))))
    style.apply(app)


def build_window(data_dir: Path, idle_minutes: float | None = None, settings=None) -> MainWindow:
    """The main window, locked (or at set-up). ``idle_minutes`` (from the arguments or the
    environment) may only shorten the idle lock the settings allow."""
    settings = settings if settings is not None else load_settings()
    window = MainWindow(data_dir, settings.idle_lock_minutes(idle_minutes), settings=settings)
    for problem in settings.problems:
        log.warning("settings: %s", problem)
    return window


def main(argv: list[str] | None = None) -> int:
    harden_process()
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        from .selftest import run_self_test

        return run_self_test()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    prepare_application(app)
    try:
        logs.configure(args.data_dir)
    except OSError as problem:  # a read-only or missing folder must not stop the app opening
        print(f"WorkWell: cannot write logs in {args.data_dir}: {problem}", file=sys.stderr)
    window = build_window(args.data_dir, args.idle_lock_minutes)
    log.info("starting (idle lock %s minutes)", window.idle_lock.minutes)
    show_main_window(window)
    return app.exec()


def show_main_window(window: MainWindow) -> None:
    """Open the window at a comfortable size that fits the screen it opens on; on a small
    laptop screen (or at a large display scale) it fills the screen instead."""
    size = window.sizeHint()  # 1280x860, or 90% of a smaller screen
    if size.width() < 1024 or size.height() < 700:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    else:
        window.resize(size)
    window.show()
