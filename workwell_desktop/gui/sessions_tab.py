"""The Sessions tab: every contact with the client, newest first."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ..domain.caseload import current
from ..domain.records import ContactSession
from ..domain.vocabulary import SESSION_MODES
from . import dates
from .corrections_panel import CorrectionsPanel
from .record_store import RecordStore
from .record_table import Column, RecordTableModel, record_table
from .widgets import button, paragraph

COLUMNS = (
    Column("Date", lambda s: dates.for_reading(s.held_on), width_chars=12),
    Column("How", lambda s: SESSION_MODES.get(s.mode, s.mode), width_chars=10),
    Column("Venue", lambda s: s.venue, width_chars=24),
    Column("Minutes", lambda s: str(s.duration_minutes), width_chars=8),
    Column("Recorded by", lambda s: s.recorded_by, width_chars=16),
    Column("Note", lambda s: " ".join(s.note.split())),
)


class SessionsTab(QWidget):
    add_requested = Signal()

    def __init__(self, handle: RecordStore, client_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Sessions")
        self.handle, self.client_id = handle, client_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        top = QHBoxLayout()
        self.summary = paragraph("", role="hint")
        top.addWidget(self.summary, 1)
        self.add_button = button("&New session\u2026", "New session")
        self.add_button.setToolTip("Record a session with this client (Ctrl+Shift+S)")
        self.add_button.clicked.connect(self.add_requested)
        top.addWidget(self.add_button)
        layout.addLayout(top)
        self.model = RecordTableModel(COLUMNS, self)
        self.table = record_table(
            self.model, "Sessions", "No sessions recorded yet. Use New session to record one."
        )
        layout.addWidget(self.table, 1)
        self.corrections = CorrectionsPanel(self.table, self.model, "session")
        self.corrections.place_buttons(top)
        layout.addWidget(self.corrections)

    def reload(self) -> None:
        every = self.handle.store.for_client(ContactSession, self.client_id)
        self.corrections.show_history(every)
        sessions = current(every)
        self.model.set_rows(sorted(sessions, key=lambda s: s.held_on, reverse=True))
        minutes = sum(s.duration_minutes for s in sessions)
        noun = "session" if len(sessions) == 1 else "sessions"
        self.summary.setText(f"{len(sessions)} {noun}, {minutes} minutes in all. Newest first.")
