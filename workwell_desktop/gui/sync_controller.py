"""Runs sync in the background and keeps the status bar's sync state.

Sync happens on a worker thread with its own database connection (WAL lets it write
while the GUI reads), so nothing on the GUI thread ever waits for the network. It
runs after unlock, shortly after local changes, every few minutes, and on
"Sync now"; while offline it retries every minute, which is how it notices that the
connection has come back.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from ..store import Store, replica
from ..sync import engine
from .database_handle import DatabaseHandle
from .tasks import run_in_background

log = logging.getLogger(__name__)

AFTER_CHANGE_MS = 15_000
EVERY_MS = 5 * 60_000
OFFLINE_RETRY_MS = 60_000


class SyncController(QObject):
    """``state`` is one of: not_registered, offline, syncing, up_to_date, error."""

    changed = Signal()
    revoked = Signal(str)
    finished = Signal(object)

    def __init__(self, handle: DatabaseHandle, parent: QObject | None = None):
        super().__init__(parent)
        self.handle = handle
        self.state, self.message, self.running = "not_registered", "", False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        handle.opened.connect(self._opened)
        handle.closed.connect(self.timer.stop)
        handle.saved.connect(lambda _id: self._schedule(AFTER_CHANGE_MS))

    def _opened(self) -> None:
        self.state = "idle" if engine.is_registered(self.handle.store) else "not_registered"
        self.changed.emit()
        self._schedule(0)

    def _schedule(self, delay_ms: int) -> None:
        if self.handle.is_open and engine.is_registered(self.handle.store):
            if not self.timer.isActive() or self.timer.remainingTime() > delay_ms:
                self.timer.start(delay_ms)

    def sync_now(self) -> bool:
        """Start a sync unless one is running or the app is locked or unregistered."""
        if self.running or not self.handle.is_open or not engine.is_registered(self.handle.store):
            return False
        self.running, self.state = True, "syncing"
        self.changed.emit()
        # One sync at a time (``running``), on a connection of its own.
        run_in_background(
            self,
            lambda store: engine.sync(store, wipe_on_revoke=False),
            self._done,
            self._failed,
            store=self.handle,
            what="sync",
        )
        return True

    def _failed(self, problem: Exception) -> None:
        if not isinstance(problem, engine.SyncError):  # logged by the runner
            problem = engine.SyncError(
                f"Sync failed unexpectedly ({type(problem).__name__}). Your work is saved on this laptop."
            )
        self._done(problem)

    def _done(self, outcome) -> None:
        self.running = False
        if isinstance(outcome, engine.DeviceRevoked):
            self.state, self.message = "revoked", str(outcome)
            self.revoked.emit(str(outcome))
            return
        if isinstance(outcome, engine.Offline):
            self.state, self.message = "offline", str(outcome)
            self._schedule(OFFLINE_RETRY_MS)
        elif isinstance(outcome, engine.SyncError):
            self.state, self.message = "error", str(outcome)
            self._schedule(EVERY_MS)
        else:
            self.state, self.message = "up_to_date", ""
            # changes made while the sync ran go out soon, not in five minutes
            pending = self.handle.is_open and replica.unsent_changes(self.handle.store, 1)
            self._schedule(AFTER_CHANGE_MS if pending else EVERY_MS)
        self.changed.emit()
        self.finished.emit(outcome)

    def describe(self, store: Store) -> str:
        """The status bar's words: state, changes waiting, last successful sync."""
        waiting = store.pending_change_count()
        changes = f"{waiting} change{'' if waiting == 1 else 's'} waiting to sync"
        last = replica.get_setting(store, "last_sync_at")
        when = f" \u00b7 last synced {_local_time(last)}" if last else ""
        refused = len(replica.rejected_changes(store))
        refused_text = (
            f" \u00b7 {refused} change{'' if refused == 1 else 's'} refused by the server: contact IT"
            if refused
            else ""
        )
        held = len(replica.quarantined_changes(store))
        held_text = (
            f" \u00b7 {held} change{'' if held == 1 else 's'} from the server could not be "
            "applied: contact IT"
            if held
            else ""
        )
        conflicts = len(replica.open_conflicts(store))
        to_resolve = (
            f" \u00b7 {conflicts} conflict{'' if conflicts == 1 else 's'} to resolve" if conflicts else ""
        )
        words = {
            "not_registered": "Not connected to a server (WorkWell \u25b8 Connect to server)",
            "idle": "Connected",
            "syncing": "Syncing\u2026",
            "up_to_date": "Up to date",
            "offline": "Offline: work is saved and will sync when back online",
            "error": f"Sync problem: {self.message}",
        }.get(self.state, self.state)
        notice = _forwarded_notice(replica.get_setting(store, "forwarded_notice"))
        twins = len(store.possible_duplicates())
        if twins:
            # Short: the status bar is one line (details in WorkWell > Sync conflicts).
            notice += f" \u00b7 {twins} possible duplicate{'' if twins == 1 else 's'}"
        return f"{words} \u00b7 {changes}{when}{to_resolve}{refused_text}{held_text}{notice}"


def _forwarded_notice(setting: str) -> str:
    """For a day after a sync passed offline work to a moved client's new team, say so."""
    count, _, at = setting.partition("|")
    try:
        recent = datetime.now(UTC) - datetime.fromisoformat(at) < timedelta(days=1)
    except ValueError:
        return ""
    if not recent or not count.isdigit():
        return ""
    n = int(count)
    return (
        f" \u00b7 {n} change{'' if n == 1 else 's'} made offline went to the client's new team "
        f"at {_local_time(at)}: the client was moved; ask that team if you need the record"
    )


def _local_time(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    today = datetime.now(UTC).astimezone().date()
    return moment.strftime("%H:%M" if moment.date() == today else "%d %b %H:%M")
