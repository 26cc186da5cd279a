"""``RecordStore``: what a screen may ask of the database (implemented by DatabaseHandle).

Screens never keep a Store: it is closed on lock and a new one opened on unlock. They
take a RecordStore, read and write records through it (every write announces the client
it changed, through ``saved``, so every list and the sync status refresh), and reach
``store`` (the Store open now) only to hand it to a domain or services function. Work
done elsewhere (a background connection, a services call writing through the Store)
is announced with ``announce``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from ..domain.records import Record
    from ..store import Store

R = TypeVar("R", bound="Record")


@runtime_checkable  # so a test can check the handle still provides every member
class RecordStore(Protocol):
    @property
    def saved(self) -> SignalInstance:
        """Emitted with the client id after each write to that client's record."""
        ...

    @property
    def store(self) -> Store:
        """The open Store (raises Locked while the app is locked)."""
        ...

    @property
    def is_open(self) -> bool: ...

    @property
    def coach_name(self) -> str: ...

    def add(self, record: R) -> R: ...

    def add_together(self, records: list[Record]) -> list[Record]: ...

    def update(self, record_cls: type[R], record_id: str, **changes) -> R: ...

    def get(self, record_cls: type[R], record_id: str) -> R: ...

    def for_client(self, record_cls: type[R], client_id: str) -> list[R]: ...

    def announce(self, client_id: str) -> None:
        """Say that ``client_id``'s record changed by a write made outside these methods."""
        ...
