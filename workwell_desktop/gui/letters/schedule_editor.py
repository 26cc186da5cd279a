"""The suggested phased return: one row per week (days per week, hours per day), with presets."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...documents.catalogue import PhasedReturnPreset
from ...domain.letters import (
    MAX_DAYS_PER_WEEK,
    MAX_HOURS_PER_DAY,
    MAX_WEEKS,
    MIN_HOURS_PER_DAY,
    PhaseWeek,
    hours_text,
)
from ..widgets import button, chain_tab_order, hint_label


@dataclass
class _Row:
    label: QLabel
    days: QSpinBox
    hours: QDoubleSpinBox
    total: QLabel
    remove: QPushButton


class PhasedReturnEditor(QWidget):
    """Weeks are numbered 1, 2, 3 ... in order; removing a week renumbers the rest."""

    changed = Signal()

    def __init__(self, presets: tuple[PhasedReturnPreset, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Suggested phased return")
        self.presets = {p.name: p for p in presets}
        self.rows: list[_Row] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        top = QHBoxLayout()
        self.preset = QComboBox()
        self.preset.setAccessibleName("Phased return preset")
        self.preset.addItem("Choose a preset\u2026", "")
        for name in self.presets:
            self.preset.addItem(name, name)
        self.use_preset = button("&Use preset", "Use the chosen preset")
        self.use_preset.setToolTip("Replace the weeks below with the chosen preset; you can then edit them")
        self.use_preset.clicked.connect(self._apply_preset)
        top.addWidget(self.preset, 1)
        top.addWidget(self.use_preset)
        top.addStretch(1)
        layout.addLayout(top)

        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(4)
        for column, title in enumerate(("Week", "Days per week", "Hours per day", "Total hours")):
            heading = QLabel(f"<b>{title}</b>")
            heading.setTextFormat(Qt.TextFormat.RichText)
            self.grid.addWidget(heading, 0, column)
        self.grid.setColumnStretch(5, 1)
        layout.addLayout(self.grid)
        self.empty = hint_label("No phased return: add weeks if the client is returning after time off.")
        layout.addWidget(self.empty)

        bottom = QHBoxLayout()
        self.add_button = button("Add a wee&k", "Add a week")
        self.add_button.clicked.connect(self.add_week)
        self.clear_button = button("Clear all weeks")
        self.clear_button.clicked.connect(lambda: self.set_weeks([]))
        bottom.addWidget(self.add_button)
        bottom.addWidget(self.clear_button)
        bottom.addStretch(1)
        layout.addLayout(bottom)
        self._refresh()

    # ----- rows -----------------------------------------------------------
    def add_week(self, days: int | None = None, hours: float | None = None) -> None:
        if len(self.rows) >= MAX_WEEKS:
            return
        previous = self.rows[-1] if self.rows else None
        row = _Row(QLabel(), QSpinBox(), QDoubleSpinBox(), QLabel(), button("Remove"))
        row.days.setRange(1, MAX_DAYS_PER_WEEK)
        row.days.setValue(days if days is not None else (previous.days.value() if previous else 3))
        row.hours.setRange(MIN_HOURS_PER_DAY, MAX_HOURS_PER_DAY)
        row.hours.setSingleStep(0.5)
        row.hours.setDecimals(2)
        row.hours.setValue(hours if hours is not None else (previous.hours.value() if previous else 4))
        for spin in (row.days, row.hours):
            spin.setKeyboardTracking(True)
            spin.valueChanged.connect(self._values_changed)
        row.remove.clicked.connect(lambda _checked=False, r=row: self._remove(r))
        self._place(row)
        self._refresh()
        self.changed.emit()

    def _remove(self, row: _Row) -> None:
        self._take_all()
        kept = [r for r in self.rows if r is not row]
        self.rows = []
        for r in kept:
            self._place(r)
        for widget in (row.label, row.days, row.hours, row.total, row.remove):
            widget.deleteLater()
        self._refresh()
        self.changed.emit()

    def _take_all(self) -> None:
        for r in self.rows:
            for widget in (r.label, r.days, r.hours, r.total, r.remove):
                self.grid.removeWidget(widget)

    def _place(self, row: _Row) -> None:
        index = len(self.rows) + 1
        for column, widget in enumerate((row.label, row.days, row.hours, row.total, row.remove)):
            self.grid.addWidget(widget, index, column)
            widget.show()  # at once: a layout shows a new child of a visible parent only later
        self.rows.append(row)

    def _values_changed(self) -> None:
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            row.label.setText(f"Week {number}")
            row.days.setAccessibleName(f"Week {number}: days per week")
            row.hours.setAccessibleName(f"Week {number}: hours per day")
            row.remove.setAccessibleName(f"Remove week {number}")
            row.total.setText(hours_text(row.days.value() * row.hours.value()))
            row.total.setAccessibleName(f"Week {number}: total hours")
        self.empty.setVisible(not self.rows)
        self.add_button.setEnabled(len(self.rows) < MAX_WEEKS)
        self.clear_button.setEnabled(bool(self.rows))
        chain_tab_order(self.input_widgets())  # rows added later still come before Add a week

    def _apply_preset(self) -> None:
        preset = self.presets.get(self.preset.currentData() or "")
        if preset is not None:
            self.set_weeks(list(preset.weeks))

    # ----- values ---------------------------------------------------------
    def weeks(self) -> list[PhaseWeek]:
        return [
            PhaseWeek(n, r.days.value(), round(r.hours.value(), 2)) for n, r in enumerate(self.rows, start=1)
        ]

    def set_weeks(self, weeks: list[PhaseWeek]) -> None:
        self._take_all()
        for r in self.rows:
            for widget in (r.label, r.days, r.hours, r.total, r.remove):
                widget.deleteLater()
        self.rows = []
        blocked = self.blockSignals(True)
        try:
            for week in weeks[:MAX_WEEKS]:
                self.add_week(week.days, week.hours_per_day)
        finally:
            self.blockSignals(blocked)
        self._refresh()
        self.changed.emit()

    def input_widgets(self) -> list[QWidget]:
        """In keyboard order, for the dialog's tab chain."""
        widgets: list[QWidget] = [self.preset, self.use_preset]
        for r in self.rows:
            widgets += [r.days, r.hours, r.remove]
        return widgets + [self.add_button, self.clear_button]
