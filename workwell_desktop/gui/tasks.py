"""The one way the GUI runs work off its thread: ``run_in_background``.

Every job (sync, connecting to the server, the team summary and its exports, issuing and
exporting letters, opening and setting up the database, changing the passphrase) goes
through here, on one app-wide thread pool, so each gets the same guarantees:

- work that needs the database gets a connection of its own (``store=``: a sibling of the
  open store, made on the GUI thread, used only by the worker and closed by it), because a
  SQLCipher connection is used by one thread at a time;
- every exception is caught and logged; ``on_error`` gets it (and the widgets in ``lock``
  are enabled again whatever happens, so no button stays disabled for ever);
- ``on_done``/``on_error`` run on the GUI thread (a queued signal), and not at all once
  ``parent`` has been destroyed (the dialog closed while the work ran);
- with ``busy=``, work still running after ``BUSY_AFTER_MS`` shows the wait cursor and
  calls ``busy(True)`` (quick work shows nothing), then ``busy(False)`` when it ends.

Tests call ``set_synchronous(True)`` (tests/support/tasks.py does it for every test): the
work then runs at once on the calling thread, and the callbacks before
``run_in_background`` returns. The pattern is Anki's ``QueryOp`` and Picard's
``run_task``/``FakeThreadPool``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ..store import Store
    from .record_store import RecordStore

log = logging.getLogger(__name__)

BUSY_AFTER_MS = 500  # quicker work shows no progress at all (no flicker)

_synchronous = False
_pool: QThreadPool | None = None
_running: set[Task] = set()  # kept alive until delivered (the worker emits on their relay)


def set_synchronous(on: bool) -> None:
    """Run work at once on the calling thread (tests): results are delivered before
    ``run_in_background`` returns."""
    global _synchronous
    _synchronous = on


def pool() -> QThreadPool:
    """The app-wide pool; waited for when the application quits (no worker outlives the
    store it writes to)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(wait_for_background_work)
    return _pool


def wait_for_background_work(timeout_ms: int = -1) -> bool:
    """Block until every job has finished (quitting; test teardown). Results still queued
    for the GUI thread are delivered by the next event loop pass."""
    return True if _pool is None else _pool.waitForDone(timeout_ms)


class _Relay(QObject):
    """Carries the outcome from the worker to the GUI thread (created there, so the
    queued connection runs ``deliver`` in the GUI thread)."""

    finished = Signal(object, object)  # result, exception (None when the work succeeded)

    def __init__(self, task: Task):
        super().__init__()
        self.task = task
        self.finished.connect(self.deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object)
    def deliver(self, result: Any, problem: BaseException | None) -> None:
        self.task._deliver(result, problem)


class Task:
    """One piece of background work; ``running`` until its outcome has been delivered."""

    def __init__(self, parent: QObject, on_done, on_error, busy, lock: list[QWidget], what: str):
        self.parent, self.on_done, self.on_error, self.busy = parent, on_done, on_error, busy
        self.lock, self.what = lock, what
        self.running = True
        self._busy_shown = False
        self._relay = _Relay(self)
        self._timer: QTimer | None = None
        self._enabled = [widget.isEnabled() for widget in lock]  # put back as they were
        for widget in lock:
            widget.setEnabled(False)
        if busy is not None and not _synchronous:
            self._timer = QTimer()
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._show_busy)
            self._timer.start(BUSY_AFTER_MS)

    def _show_busy(self) -> None:
        if self.running and _alive(self.parent):
            self._busy_shown = True
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            self.busy(True)

    def _deliver(self, result: Any, problem: BaseException | None) -> None:
        self.running = False
        _running.discard(self)
        if self._timer is not None:
            self._timer.stop()
        if self._busy_shown:
            QGuiApplication.restoreOverrideCursor()
        for widget, enabled in zip(self.lock, self._enabled, strict=True):
            if _alive(widget):
                widget.setEnabled(enabled)
        if not _alive(self.parent):
            log.info("%s finished after its window closed: result dropped", self.what)
            if callable(getattr(result, "close", None)):
                result.close()  # nobody will receive it: an opened Store holds the key
            return
        try:
            if self._busy_shown:
                self.busy(False)
            if problem is None:
                if self.on_done is not None:
                    self.on_done(result)
            elif self.on_error is not None:
                self.on_error(problem)
        except Exception:  # a failing callback must not take the event loop's slot down with it
            log.exception("%s: handling its outcome failed", self.what)


class _Job(QRunnable):
    def __init__(self, task: Task, work: Callable[[], Any]):
        super().__init__()
        self.task, self.work = task, work

    def run(self) -> None:
        result, problem = _outcome(self.task.what, self.work)
        self.task._relay.finished.emit(result, problem)


def run_in_background(
    parent: QObject,
    work: Callable[..., Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    *,
    store: RecordStore | Store | None = None,
    busy: Callable[[bool], None] | None = None,
    lock: Iterable[QWidget] = (),
    what: str = "",
) -> Task:
    """Run ``work()`` (``work(connection)`` with ``store=``) off the GUI thread.

    ``parent``: the widget or object the result is for (nothing is delivered once it is
    destroyed). ``lock``: widgets disabled until the work ends (no double submit).
    ``busy``: called with True after ``BUSY_AFTER_MS`` if the work is still running, and
    with False when it ends. ``what``: the job's name in the log.
    """
    what = what or getattr(work, "__qualname__", "background work")
    if store is not None:
        # Made here, on the GUI thread, from the open store (the handle raises Locked when
        # there is none); from now on only the worker uses it, and the worker closes it.
        opened: Store = _open_store(store).sibling()
        inner = work

        def work() -> Any:
            try:
                return inner(opened)
            finally:
                opened.close()

    task = Task(parent, on_done, on_error, busy, list(lock), what)
    if _synchronous:
        task._deliver(*_outcome(what, work))
    else:
        _running.add(task)
        pool().start(_Job(task, work))
    return task


def _outcome(what: str, work: Callable[[], Any]) -> tuple[Any, BaseException | None]:
    try:
        return work(), None
    except Exception as problem:  # never let a worker die silently
        # Refusals the app explains to the coach (a wrong passphrase, offline) are logged by
        # name only (their words may carry client details); anything else with its traceback.
        if _expected(problem):
            log.info("%s refused: %s", what, type(problem).__name__)
        else:
            log.exception("%s failed unexpectedly", what)
        return None, problem


def _expected(problem: BaseException) -> bool:
    """The app's own errors (they explain themselves to the coach) need no traceback: a
    refusal's words quote what it found (a condition in a letter), so only its name is logged."""
    from ..documents.catalogue import LetterResourceError
    from ..documents.letter import LetterNotVerified
    from ..domain.consent import SharingRefused
    from ..domain.letters import LetterNotReady
    from ..store import StoreError
    from ..sync.engine import SyncError

    refusals = (SharingRefused, LetterNotReady, LetterNotVerified, LetterResourceError)
    return isinstance(problem, (StoreError, SyncError, OSError, *refusals))


def _open_store(store: Any) -> Store:
    return store.store if hasattr(store, "store") else store


def _alive(thing: QObject) -> bool:
    return shiboken6.isValid(thing)


def busy_button(button, text: str) -> Callable[[bool], None]:
    """A ``busy`` for ``run_in_background``: the button says what is happening
    ("Unlocking\u2026") while the work runs (the runner adds the wait cursor)."""
    original = button.text()

    def show(on: bool) -> None:
        button.setText(text if on else original)

    return show
