"""What the Sessions, Fit notes and Consent tabs share for facts once made: "Correct…"
and "Move to another client…" for the chosen row, and the history of corrections and moves."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QTableView, QVBoxLayout, QWidget

from ..domain.corrections import HistoryLine, correction_history
from ..domain.journey_records import FOLLOW_UP_CONTACT_RESULTS
from ..domain.vocabulary import (
    CONSENT_ACTIONS,
    CONSENT_METHODS,
    CONSENT_SCOPES,
    DISCHARGE_REASONS,
    FIT_NOTE_OPTIONS,
    FIT_NOTE_STATUSES,
    SESSION_MODES,
    WORK_OUTCOMES,
    WORK_STATUSES,
)
from . import dates
from .record_table import Column, RecordTableModel, fit_height_to_rows, record_table
from .widgets import button, paragraph

FIELD_LABELS = {
    "held_on": "date",
    "mode": "how",
    "venue": "venue",
    "duration_minutes": "minutes",
    "note": "note",
    "issued_on": "issued",
    "valid_from": "runs from",
    "valid_to": "runs to",
    "status": "assessment",
    "options": "options",
    "functional_effects": "effects on work",
    "scope": "consent for",
    "service_name": "service",
    "action": "decision",
    "method": "how",
    "discharged_on": "date",
    "reason": "reason",
    "work_outcome": "work outcome",
    "follow_up_agreed": "follow-up agreed",
    "contacted_on": "date",
    "contact_result": "contact",
    "work_status": "work status",
}
_CODES: dict[str, dict[str, str]] = {
    "mode": SESSION_MODES,
    "method": CONSENT_METHODS,
    "status": FIT_NOTE_STATUSES,
    "scope": CONSENT_SCOPES,
    "action": CONSENT_ACTIONS,
    "reason": DISCHARGE_REASONS,
    "work_outcome": WORK_OUTCOMES,
    "work_status": WORK_STATUSES,
    "contact_result": FOLLOW_UP_CONTACT_RESULTS,
}


def value_text(name: str, value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return "; ".join(FIT_NOTE_OPTIONS.get(v, v) for v in value) or "none"
    if name in _CODES:
        return _CODES[name].get(value, value) or "none"
    text = str(value)
    if name.endswith("_on") or name in ("valid_from", "valid_to"):
        return dates.for_reading(text) or "none"
    return " ".join(text.split()) or "none"


def changes_text(line: HistoryLine) -> str:
    return "; ".join(
        f"{FIELD_LABELS.get(c.field, c.field.replace('_', ' '))}: "
        f"{value_text(c.field, c.before)} \u2192 {value_text(c.field, c.after)}"
        for c in line.changes
    )


HISTORY_COLUMNS = (
    Column("When", lambda h: dates.moment_for_reading(h.at) if h.at else "", width_chars=18),
    Column("What happened", lambda h: h.event, width_chars=30),
    Column("By", lambda h: h.by, width_chars=14),
    Column("Why", lambda h: h.reason, width_chars=30),
    Column("What changed", changes_text),
)


class CorrectionsPanel(QWidget):
    """Buttons for the row chosen in ``table`` and, under them, the history of corrections."""

    correct_requested = Signal(object)
    move_requested = Signal(object)

    def __init__(
        self,
        table: QTableView,
        model: RecordTableModel,
        what: str,
        movable: bool = True,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.table, self.model, self.what = table, model, what
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # The buttons go where the tab puts them (beside its "New ..." button, in sight
        # without scrolling); the history lists under the table.
        self.correct_button = button("C&orrect\u2026", f"Correct the chosen {what}")
        self.correct_button.setToolTip(f"Record a corrected version of the chosen {what}, with the reason")
        self.move_button = button(
            "Move to another cl&ient\u2026", f"Move the chosen {what} to another client"
        )
        self.move_button.setVisible(movable)
        self.history_heading = paragraph("Corrections and moves (newest first)", role="hint")
        layout.addWidget(self.history_heading)
        self.history_model = RecordTableModel(HISTORY_COLUMNS, self)
        self.history_table = record_table(self.history_model, f"Corrections and moves of {what}s")
        layout.addWidget(self.history_table)
        self.correct_button.clicked.connect(lambda: self._emit(self.correct_requested))
        self.move_button.clicked.connect(lambda: self._emit(self.move_requested))
        table.selectionModel().selectionChanged.connect(lambda *_: self._chosen_changed())
        table.activated.connect(lambda _index: self._emit(self.correct_requested))
        self._chosen_changed()

    def place_buttons(self, row: QHBoxLayout) -> None:
        row.addWidget(self.correct_button)
        row.addWidget(self.move_button)

    def chosen(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_object(rows[0].row()) if rows else None

    def _emit(self, signal) -> None:
        if (record := self.chosen()) is not None:
            signal.emit(record)

    def _chosen_changed(self) -> None:
        chosen = self.chosen() is not None
        self.correct_button.setEnabled(chosen)
        self.move_button.setEnabled(chosen)
        hint = "" if chosen else f"Choose a {self.what} in the list first."
        self.correct_button.setToolTip(hint or f"Record a corrected version of the chosen {self.what}")
        self.move_button.setToolTip(hint or f"The {self.what} was entered on the wrong client")

    def show_history(self, every_version: list, include: Callable | None = None) -> None:
        lines = correction_history(every_version)
        self.history_model.set_rows(lines)
        fit_height_to_rows(self.history_table, min(max(len(lines), 1), 4))
        self.history_heading.setVisible(bool(lines))
        self.history_table.setVisible(bool(lines))
        self._chosen_changed()
