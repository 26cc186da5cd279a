"""The one background runner (workwell_desktop.gui.tasks): on real threads and synchronously."""

import logging
import threading

import pytest
from PySide6.QtWidgets import QPushButton, QWidget

from workwell_desktop.domain.records import Client
from workwell_desktop.gui import tasks


def test_results_arrive_on_the_gui_thread(qtbot, threaded_tasks):
    parent = QWidget()
    qtbot.addWidget(parent)
    got = []
    tasks.run_in_background(
        parent, lambda: threading.get_ident(), lambda worker: got.append((worker, threading.get_ident()))
    )
    qtbot.waitUntil(lambda: bool(got))
    worker, delivered_on = got[0]
    assert worker != threading.get_ident() and delivered_on == threading.get_ident()


def test_any_exception_reaches_on_error_is_logged_and_frees_the_button(qtbot, threaded_tasks, caplog):
    parent = QPushButton("Connect")
    qtbot.addWidget(parent)
    errors = []

    def work():
        raise KeyError("not a SyncError")

    with caplog.at_level(logging.INFO, logger="workwell_desktop.gui.tasks"):
        task = tasks.run_in_background(
            parent, work, lambda _r: pytest.fail("no result"), errors.append, lock=[parent], what="connecting"
        )
        assert not parent.isEnabled() and task.running
        qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], KeyError) and parent.isEnabled() and not task.running
    assert "connecting failed unexpectedly" in caplog.text and "KeyError" in caplog.text


def test_nothing_is_delivered_once_the_parent_is_destroyed(qtbot, threaded_tasks):
    parent = QWidget()
    release, got = threading.Event(), []

    class Opened:  # stands in for an opened Store nobody will now receive
        closed = False

        def close(self):
            self.closed = True

    result = Opened()
    task = tasks.run_in_background(parent, lambda: release.wait(10) and result, got.append, got.append)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not _alive(parent))
    release.set()
    qtbot.waitUntil(lambda: not task.running)
    assert got == [] and result.closed


def test_busy_shows_only_while_slow_work_runs(qtbot, threaded_tasks):
    parent = QWidget()
    qtbot.addWidget(parent)
    release, busy, done = threading.Event(), [], []
    tasks.run_in_background(parent, lambda: release.wait(10), done.append, busy=busy.append)
    qtbot.waitUntil(lambda: busy == [True], timeout=5000)  # after BUSY_AFTER_MS
    release.set()
    qtbot.waitUntil(lambda: bool(done))
    assert busy == [True, False]


def test_quick_work_shows_no_busy_indicator(qtbot):
    busy = []
    tasks.run_in_background(QWidget(), lambda: 1, busy=busy.append)
    assert busy == []


def test_synchronous_mode_delivers_before_returning_and_catches_too(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    got, errors = [], []
    tasks.run_in_background(parent, lambda: threading.get_ident(), got.append)
    assert got == [threading.get_ident()]
    tasks.run_in_background(parent, lambda: 1 / 0, got.append, errors.append)
    assert isinstance(errors[0], ZeroDivisionError) and len(got) == 1


def test_work_on_the_store_gets_its_own_connection_closed_afterwards(qtbot, threaded_tasks, handle):
    parent = QWidget()
    qtbot.addWidget(parent)
    used, got = [], []

    def work(connection):
        used.append(connection)
        return connection.add(
            Client(
                given_name="Ann",
                family_name="Other",
                date_of_birth="1980-01-01",
                nhs_number="9990000018",
                postcode="CA3 8QE",
                phone="07700900123",
            )
        ).id

    tasks.run_in_background(parent, work, got.append, got.append, store=handle)
    qtbot.waitUntil(lambda: bool(got))
    assert used[0] is not handle.store and not used[0].is_open
    assert handle.store.get(Client, got[0]).given_name == "Ann"  # WAL: the write is visible here


def test_a_locked_app_starts_no_work(qtbot, handle):
    from workwell_desktop.gui.database_handle import Locked

    handle.close()
    with pytest.raises(Locked):
        tasks.run_in_background(QWidget(), lambda connection: None, store=handle)


def _alive(widget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


def test_what_the_log_file_keeps_of_a_failure_names_no_one(qtbot, tmp_path):
    """A letter refused for disclosure was logged with its traceback, and the message quoted
    the condition it found; any exception's message may quote a client. The log file keeps
    the frames and the exception's type only."""
    from workwell_desktop import logs
    from workwell_desktop.domain.disclosure import Finding
    from workwell_desktop.services.letters import DisclosureRefused

    root = logging.getLogger("workwell_desktop")
    before = list(root.handlers)
    for handler in before:  # another test's log file: configure adds none while one is there
        root.removeHandler(handler)
    logs.configure(tmp_path)
    added = list(root.handlers)
    parent = QWidget()
    qtbot.addWidget(parent)
    found = Finding("how their health affects work", "sarcoidosis", "a health condition", "condition")
    for problem in (DisclosureRefused([found]), KeyError("Wren Ashdown 9434765919")):

        def work(problem=problem):
            raise problem

        errors = []
        tasks.run_in_background(
            parent, work, lambda _r: pytest.fail("no result"), errors.append, what="issuing"
        )
        qtbot.waitUntil(lambda errors=errors: bool(errors))
    for handler in added:
        handler.close()
        root.removeHandler(handler)
    for handler in before:
        root.addHandler(handler)
    text = (tmp_path / "logs" / "workwell.log").read_text(encoding="utf-8")
    assert "issuing refused: DisclosureRefused" in text
    assert "builtins.KeyError (its message is not logged)" in text and "test_tasks.py" in text
    assert "sarcoidosis" not in text and "Wren" not in text and "9434765919" not in text
