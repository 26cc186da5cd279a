"""The Consent tab: the current decision per scope, derived from the append-only log."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ..domain.consent import ConsentStatus, consent_state, current_events, ordered_events
from ..domain.records import ConsentEvent
from ..domain.vocabulary import CONSENT_ACTIONS, CONSENT_METHODS, CONSENT_SCOPES
from . import dates
from .corrections_panel import CorrectionsPanel
from .record_store import RecordStore
from .record_table import Column, RecordTableModel, fit_height_to_rows, record_table
from .style import ERROR_RED, SECONDARY_TEXT, SUCCESS_GREEN
from .widgets import button, chain_tab_order, paragraph, section_card

STATE_LABELS = {**CONSENT_ACTIONS, "not_asked": "Not asked yet", "suspended": "Suspended"}
_STATE_COLOUR = {
    "given": SUCCESS_GREEN,
    "refused": ERROR_RED,
    "withdrawn": ERROR_RED,
    "not_asked": SECONDARY_TEXT,
    "suspended": ERROR_RED,
}

STATE_COLUMNS = (
    Column("Consent for", lambda s: CONSENT_SCOPES.get(s.scope, s.scope), width_chars=42),
    Column("Service", lambda s: s.service_name, width_chars=20),
    Column(
        "Current decision",
        lambda s: STATE_LABELS.get(s.state, s.state),
        colour=lambda s: _STATE_COLOUR.get(s.state),
        width_chars=22,
    ),
    Column("Since", lambda s: dates.moment_for_reading(s.since), width_chars=18),
    Column("How", lambda s: CONSENT_METHODS.get(s.method, s.method), width_chars=9),
    Column("Recorded by", lambda s: s.recorded_by),
)

LOG_COLUMNS = (
    Column("Recorded", lambda e: dates.moment_for_reading(e.recorded_at), width_chars=18),
    Column("Consent for", lambda e: CONSENT_SCOPES.get(e.scope, e.scope), width_chars=42),
    Column("Service", lambda e: e.service_name, width_chars=16),
    Column(
        "Decision",
        lambda e: CONSENT_ACTIONS.get(e.action, e.action),
        colour=lambda e: _STATE_COLOUR.get(e.action),
        width_chars=10,
    ),
    Column("How", lambda e: CONSENT_METHODS.get(e.method, e.method), width_chars=9),
    Column("Recorded by", lambda e: e.recorded_by, width_chars=16),
    Column("Note", lambda e: e.note),
)


def ordered_states(events: list[ConsentEvent]) -> list[ConsentStatus]:
    """General scopes in the vocabulary's order, then each named service A to Z."""
    state = consent_state(events)
    order = list(CONSENT_SCOPES)
    return sorted(
        state.values(),
        key=lambda s: (order.index(s.scope) if s.scope in order else 99, s.service_name.casefold()),
    )


class ConsentTab(QWidget):
    record_requested = Signal(str)  # a scope to start with, or ""

    def __init__(self, handle: RecordStore, client_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Consent")
        self.handle, self.client_id = handle, client_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)

        current, current_layout = section_card("Current consent")
        top = QHBoxLayout()
        top.addWidget(
            paragraph(
                "Worked out from the log below: the latest decision for each "
                "counts. Features that share information check this first.",
                role="hint",
            ),
            1,
        )
        self.record_button = button("Record consent\u2026", "Record consent")
        self.record_button.clicked.connect(lambda: self.record_requested.emit(""))
        top.addWidget(self.record_button)
        current_layout.addLayout(top)
        self.state_model = RecordTableModel(STATE_COLUMNS, self)
        self.state_table = record_table(self.state_model, "Current consent")
        self.state_table.setAccessibleDescription("Press Enter to record a new decision for the chosen row.")
        self.state_table.activated.connect(
            lambda index: self.record_requested.emit(self.state_model.row_object(index.row()).scope)
        )
        current_layout.addWidget(self.state_table)
        layout.addWidget(current)

        log, log_layout = section_card("Consent log (newest first)")
        log_top = QHBoxLayout()
        log_top.addWidget(
            paragraph(
                "Entries are never changed or removed: a new decision is added "
                "instead, and a mistaken entry is corrected (the original is kept "
                "below).",
                role="hint",
            ),
            1,
        )
        log_layout.addLayout(log_top)
        self.log_model = RecordTableModel(LOG_COLUMNS, self)
        self.log_table = record_table(
            self.log_model, "Consent log", "No consent recorded yet. Use Record consent to record it."
        )
        log_layout.addWidget(self.log_table)
        self.corrections = CorrectionsPanel(self.log_table, self.log_model, "consent entry")
        self.corrections.place_buttons(log_top)
        log_layout.addWidget(self.corrections)
        layout.addWidget(log, 1)
        chain_tab_order(
            [
                self.record_button,
                self.state_table,
                self.log_table,
                self.corrections.correct_button,
                self.corrections.move_button,
            ]
        )

    def reload(self) -> None:
        every = self.handle.store.for_client(ConsentEvent, self.client_id)
        self.state_model.set_rows(ordered_states(every))
        fit_height_to_rows(self.state_table, self.state_model.rowCount())
        self.corrections.show_history(every)
        # The log as it counts (corrected and moved entries are in the history below),
        # newest first, in the order that decides consent (domain.consent.ordered_events).
        newest_first = list(reversed(ordered_events(current_events(every))))
        self.log_model.set_rows(newest_first)

    def state_of(self, scope: str, service_name: str = "") -> str:
        for status in self.state_model.rows:
            if status.scope == scope and status.service_name.casefold() == service_name.casefold():
                return status.state
        return "not_asked"
