"""The Fit notes tab: the client's fit notes, newest first."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ..domain.caseload import current
from ..domain.records import FitNote
from ..domain.vocabulary import FIT_NOTE_OPTIONS, FIT_NOTE_STATUSES
from . import dates
from .corrections_panel import CorrectionsPanel
from .record_store import RecordStore
from .record_table import Column, RecordTableModel, record_table
from .widgets import button, paragraph

COLUMNS = (
    Column("Issued", lambda n: dates.for_reading(n.issued_on), width_chars=12),
    Column("Runs from", lambda n: dates.for_reading(n.valid_from), width_chars=12),
    Column("Runs to", lambda n: dates.for_reading(n.valid_to), width_chars=12),
    Column("Assessment", lambda n: FIT_NOTE_STATUSES.get(n.status, n.status), width_chars=20),
    Column("Options", lambda n: "; ".join(FIT_NOTE_OPTIONS.get(o, o) for o in n.options), width_chars=30),
    Column("Effects on work", lambda n: n.functional_effects),
)


class FitNotesTab(QWidget):
    add_requested = Signal()

    def __init__(self, handle: RecordStore, client_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Fit notes")
        self.handle, self.client_id = handle, client_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        top = QHBoxLayout()
        top.addWidget(paragraph("Fit notes (statements of fitness for work), newest first.", role="hint"), 1)
        self.add_button = button("&Add a fit note\u2026", "Add a fit note")
        self.add_button.clicked.connect(self.add_requested)
        top.addWidget(self.add_button)
        layout.addLayout(top)
        self.model = RecordTableModel(COLUMNS, self)
        self.table = record_table(
            self.model, "Fit notes", "No fit notes recorded yet. Use Add a fit note to add one."
        )
        layout.addWidget(self.table, 1)
        self.corrections = CorrectionsPanel(self.table, self.model, "fit note")
        self.corrections.place_buttons(top)
        layout.addWidget(self.corrections)

    def reload(self) -> None:
        every = self.handle.store.for_client(FitNote, self.client_id)
        self.corrections.show_history(every)
        notes = current(every)
        self.model.set_rows(sorted(notes, key=lambda n: n.issued_on, reverse=True))
