"""``workwell --self-test``, the GUI half: the main window built and drawn offscreen, after
the Qt-free checks of ``workwell_desktop.selftest``. Also the cold-start hook that
``bench/bench_bundle.py`` times (``WORKWELL_EXIT_AFTER_SHOWN=1``)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from .. import selftest


def _application():
    # Offscreen: the self-test runs on build machines and over SSH with no display.
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        qInstallMessageHandler(_quiet_offscreen_notes)
        app = QApplication([sys.argv[0] if sys.argv else "workwell"])
    return app


def _quiet_offscreen_notes(mode, context, message: str) -> None:
    # The offscreen platform's note that it cannot size windows is noise in a report IT reads.
    if "propagateSizeHints" in message:
        return
    if sys.stderr is not None:
        print(message, file=sys.stderr)


def build_main_window(data_dir: Path):
    """The app's own main window over ``data_dir``, as ``workwell`` starts it."""
    from .app import build_window, prepare_application

    prepare_application(_application())
    return build_window(data_dir)


def check_main_window(ctx: dict) -> str:
    app = _application()
    window = build_main_window(Path(ctx["tmp"], "data"))  # the throwaway database: the unlock screen
    ctx["cleanup"].append(window.close)
    window.resize(1100, 720)
    window.show()
    app.processEvents()
    image = window.grab()
    if image.isNull() or image.width() < 100:
        raise AssertionError("the main window drew nothing")
    return (
        f"'{window.windowTitle()}' drawn at {image.width()}x{image.height()} (platform {app.platformName()})"
    )


def run_self_test() -> int:
    """Every check of ``workwell_desktop.selftest``, then the main window."""
    return selftest.run_self_test([*selftest.CHECKS, ("main window", check_main_window)])


def show_main_window_and_exit(started: float) -> int:
    """Show the main window, print the seconds since ``started`` once it has painted, exit 0.

    The window opens on an empty throwaway data folder (the set-up screen) so the figure
    does not depend on a coach's data.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "workwell"])

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and not self.property("seen"):
                self.setProperty("seen", True)
                # After this paint has been handled: the window is on screen.
                QTimer.singleShot(0, shown)
            return False

    def shown() -> None:
        selftest.out(f"main window shown after {time.perf_counter() - started:.3f} s")
        app.quit()

    with tempfile.TemporaryDirectory(prefix="workwell-coldstart-") as tmp:
        window = build_main_window(Path(tmp, "data"))
        watcher = FirstPaint(window)
        window.installEventFilter(watcher)
        window.resize(1100, 720)
        window.show()
        QTimer.singleShot(30_000, app.quit)  # never hang a benchmark
        app.exec()
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(run_self_test())
