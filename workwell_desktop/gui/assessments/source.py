"""The Assessments and Plan tabs work on a Store (tests, benchmarks) or on the app's
DatabaseHandle, which closes the store on lock and announces each save so the rest
of the window refreshes. This wrapper lets both look the same to those widgets."""

from __future__ import annotations

from ...domain.records import Record
from ...store import Store


class RecordSource:
    def __init__(self, source):
        self._source = source.source if isinstance(source, RecordSource) else source

    @property
    def store(self) -> Store:
        """The open store (raises the handle's Locked error while the app is locked)."""
        return self._source if isinstance(self._source, Store) else self._source.store

    @property
    def announces_saves(self) -> bool:
        """True for the app's handle: the client record reloads every tab after a save."""
        return not isinstance(self._source, Store)

    @property
    def source(self):
        return self._source

    @property
    def coach_name(self) -> str:
        return self._source.coach_name

    # Writes go through the source, so the handle can announce them.
    def add(self, record: Record) -> Record:
        return self._source.add(record)

    def add_together(self, records: list[Record]) -> list[Record]:
        return self._source.add_together(records)

    def update(self, record_cls, record_id: str, **changes) -> Record:
        return self._source.update(record_cls, record_id, **changes)

    # Reads go to the store.
    def get(self, record_cls, record_id: str):
        return self.store.get(record_cls, record_id)

    def for_client(self, record_cls, client_id: str) -> list:
        return self.store.for_client(record_cls, client_id)
