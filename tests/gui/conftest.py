"""GUI test set-up: offscreen Qt, the NHS style, and an unlocked window on a temporary database."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported anywhere

import pytest  # noqa: E402
from gui_demo import COACH, PASSPHRASE  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from workwell_desktop.gui.app import prepare_application  # noqa: E402
from workwell_desktop.gui.main_window import MainWindow  # noqa: E402
from workwell_desktop.store import Store  # noqa: E402


@pytest.fixture(autouse=True)
def nhs_style(qapp):
    prepare_application(qapp)


class MessageBoxes:
    """Stands in for QMessageBox in tests: records each question and gives ``answer``."""

    def __init__(self):
        self.asked: list[str] = []
        self.answer = QMessageBox.StandardButton.Discard

    def question(self, _parent, title, text, *_args, **_kwargs):
        self.asked.append(f"{title}: {text}")
        return self.answer

    def notice(self, _parent, title, text, *_args, **_kwargs):
        self.asked.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Ok


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch):
    """No test may block on a modal message box (closing a window with unsaved work asks)."""
    boxes = MessageBoxes()
    monkeypatch.setattr(QMessageBox, "question", boxes.question)
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, boxes.notice)
    return boxes


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    # Never touch the real keyring of the machine running the tests.
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    return tmp_path / "data"


@pytest.fixture
def store(data_dir):
    s = Store.create(data_dir, PASSPHRASE, COACH)
    yield s
    s.close()


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
