"""The one open store the screens share, and the single place writes go through: the
app's RecordStore (gui/record_store.py says what screens may ask of it).

Screens never keep the Store itself: it is closed on lock and a new one opened on
unlock, and every write announces which client changed so lists and the sync
status refresh.
"""

from __future__ import annotations

import logging
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from ..domain.records import Record
from ..store import Store, StoreError

log = logging.getLogger(__name__)

R = TypeVar("R", bound=Record)


class Locked(StoreError):
    """Raised if anything reads the database while the app is locked."""


class DatabaseHandle(QObject):
    opened = Signal()
    closed = Signal()
    saved = Signal(str)  # the client id whose record changed

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._store: Store | None = None
        self.coach_name = ""
        self.coach_role = ""
        self.key_store_description = ""

    @property
    def store(self) -> Store:
        if self._store is None:
            raise Locked("WorkWell is locked: unlock it to carry on.")
        return self._store

    @property
    def is_open(self) -> bool:
        return self._store is not None

    def open(self, store: Store) -> None:
        self._store = store
        self.coach_name = store.coach_name
        self.coach_role = store.coach_role
        self.key_store_description = store.key_store.description
        self.opened.emit()

    def close(self) -> None:
        """Close the database, dropping the key from memory."""
        if self._store is not None:
            self._store.close()
            self._store = None
            log.info("database locked")
            self.closed.emit()

    # ----- reads: from the store open now ------------------------------------
    def get(self, record_cls: type[R], record_id: str) -> R:
        return self.store.get(record_cls, record_id)

    def for_client(self, record_cls: type[R], client_id: str) -> list[R]:
        return self.store.for_client(record_cls, client_id)

    # ----- writes: each announces the client it changed -------------------
    def add(self, record: R) -> R:
        saved = self.store.add(record)
        self.saved.emit(_client_of(saved))
        return saved

    def add_together(self, records: list[Record]) -> list[Record]:
        saved = self.store.add_together(records)
        self.saved.emit(_client_of(saved[0]))
        return saved

    def update(self, record_cls: type[R], record_id: str, **changes) -> R:
        saved = self.store.update(record_cls, record_id, **changes)
        self.saved.emit(_client_of(saved))
        return saved

    def announce(self, client_id: str) -> None:
        """A write made outside these methods (a background connection, a services call
        given the Store) changed ``client_id``'s record."""
        self.saved.emit(client_id)


def _client_of(record: Record) -> str:
    return getattr(record, "client_id", "") or record.id
