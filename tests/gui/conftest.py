"""GUI test set-up: offscreen Qt, the NHS style, and an unlocked window on a temporary database."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported anywhere

import pytest  # noqa: E402

from workwell_desktop.gui.app import prepare_application  # noqa: E402
from workwell_desktop.gui.main_window import MainWindow  # noqa: E402


@pytest.fixture(autouse=True)
def nhs_style(qapp):
    prepare_application(qapp)


@pytest.fixture
def window(qtbot, data_dir, store):
    """The main window, unlocked on ``store``, shown and active (shortcuts need that)."""
    win = MainWindow(data_dir, idle_minutes=10)
    qtbot.addWidget(win)
    win.resize(1280, 820)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)  # shortcuts and focus moves need the active window
    win.open_store(store)
    yield win
    win.idle_lock.stop()
    win.handle.close()
