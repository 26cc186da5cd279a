"""The team lead's weekly caseload summary on screen, with its two kinds of export.

``SummaryView(handle)`` takes the app's RecordStore (the open store is looked up each
time, as it changes on every unlock). The figures for a week and each export are worked
out by ``run_in_background`` on a connection of their own, with a busy progress bar after
half a second, so the window never stalls; changing the scope only redraws. The screen
is the team view: every number, per coach, with how current each coach's data is ("data
as of") and a warning for each coach whose work may be missing. Exports: the team file
(the same, marked not for publication) and the commissioners' publication (service level,
one week, disclosure controlled). Exports are audited. Figure definitions:
``workwell_desktop/reports/definitions.py`` (shown as each row's tooltip).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...reports.definitions import AUDIENCES, measure_definition
from ...reports.export import export_publication, export_summary
from ...reports.figures import SERVICE, Summary, build_summary, week_name
from ...reports.labels import is_breakdown, measure_label, value_text
from ...store import Store
from ..forms.ui_summary_toolbar import Ui_SummaryToolbar
from ..record_store import RecordStore
from ..style import relative_font
from ..tasks import run_in_background
from ..widgets import hint_label, scroll_area

log = logging.getLogger(__name__)

WEEKS_OFFERED = 26
_FILTERS = {"pdf": "PDF document (*.pdf)", "csv": "CSV file (*.csv)", "xlsx": "Excel workbook (*.xlsx)"}
_AUDIENCE_TEXT = {"team": "team file", "publication": "publication for commissioners"}


def _export(store: Store, week: str, fmt: str, out: Path, audience: str, today: date | None) -> str:
    """Work out, render and write one export (on the background connection); the message."""
    if audience == "publication":
        export_publication(store, week, fmt, out, today=today)
        mark = "publication: service level, small numbers protected"
    else:
        export_summary(store, week, fmt, out, today=today)
        mark = "team file: every number, staff named; not for publication"
    return f"Saved {out.name} ({mark}). The file is not encrypted: keep it only as long as you need it."


class SummaryView(QWidget):
    """Week picker, scope picker, coverage, a table of figures (week, 4 and 13 weeks), exports."""

    exported = Signal(str, str)  # path ("" on failure), message
    refreshed = Signal()  # the figures on show are up to date

    def __init__(self, handle: RecordStore, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.handle = handle
        self._today = today
        self._summary: Summary | None = None

        title = QLabel("Weekly caseload summary")
        title.setFont(relative_font(title, 1.4, bold=True))
        title.setAccessibleName("Weekly caseload summary")
        self.toolbar = QWidget()
        self.ui = Ui_SummaryToolbar()  # ui/summary_toolbar.ui: week, whose figures, the exports
        self.ui.setupUi(self.toolbar)
        self.week_box, self.scope_box = self.ui.week_box, self.ui.scope_box
        monday = (today or date.today()) - timedelta(days=(today or date.today()).weekday())
        for back in range(WEEKS_OFFERED):
            start = monday - timedelta(weeks=back)
            end = start + timedelta(days=6)
            self.week_box.addItem(
                f"{week_name(start)}: {start:%d %b} to {end:%d %b %Y}"
                + (" (this week, so far)" if back == 0 else ""),
                week_name(start),
            )
        self.week_box.setCurrentIndex(1)  # the last complete week
        self.team_note = hint_label(
            "The team view: every number, per coach. Keep it and the team file "
            "inside the team; give commissioners the publication."
        )
        self.coverage = QLabel("")
        self.coverage.setWordWrap(True)
        self.coverage.setTextFormat(Qt.TextFormat.PlainText)
        self.coverage.setAccessibleName("How current the data is")
        self.coverage.setObjectName("coverage")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Figure", "Week", "Last 4 weeks", "Last 13 weeks"])
        self.table.setAccessibleName("Summary figures")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        # A figure's name wraps rather than being cut short in a narrow window; the rows
        # grow to fit it.
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.buttons = {
            (audience, fmt): getattr(self.ui, f"{audience}_{fmt}")
            for audience in AUDIENCES
            for fmt in ("pdf", "csv", "xlsx")
        }
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the work has no meaningful steps
        self.progress.setAccessibleName("Working")
        self.progress.hide()
        self.status = hint_label("")
        self.status.setAccessibleName("Export status")

        # The whole view scrolls on a small screen (2x display scale on 1280x720 is 640x360
        # logical pixels), so the export buttons are always reachable (issue #18).
        content = QWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll_area(content))
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 6)
        layout = QVBoxLayout(content)
        layout.addWidget(title)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.team_note)
        layout.addWidget(self.coverage)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)

        self.week_box.currentIndexChanged.connect(self.refresh)
        self.scope_box.currentIndexChanged.connect(self._fill_table)
        for (audience, fmt), widget in self.buttons.items():
            widget.clicked.connect(
                lambda _checked=False, a=audience, f=fmt: self.choose_file_and_export(f, a)
            )

    # ----- data ---------------------------------------------------------------------------
    @property
    def week(self) -> str:
        return self.week_box.currentData()

    @property
    def summary(self) -> Summary | None:
        return self._summary

    def refresh(self) -> None:
        """Work the figures out again in the background (the database may have changed);
        ``refreshed`` is emitted when they are on show."""
        week, today = self.week, self._today
        run_in_background(
            self,
            lambda store: build_summary(store, week, today=today),
            lambda summary: self._computed(summary, week),
            self._not_computed,
            store=self.handle,
            busy=self._busy,
            what="summary",
        )

    def _busy(self, on: bool) -> None:
        self.progress.setVisible(on)
        if on:
            self.status.setText("Working out the figures\u2026")
        elif self.status.text() == "Working out the figures\u2026":
            self.status.setText("")

    def _not_computed(self, problem: Exception) -> None:
        self.status.setText(f"The figures could not be worked out ({type(problem).__name__}).")

    def _computed(self, summary: Summary, week: str) -> None:
        if week != self.week:
            return  # the coach picked another week meanwhile: its figures are on the way
        self.status.setText("")
        self._summary = summary
        self._show_summary()
        self.refreshed.emit()

    def _show_summary(self) -> None:
        summary = self._summary
        if summary is None:
            return
        warnings = summary.warnings()
        lines = [f"\u26a0 {w}" for w in warnings] or [
            "Every coach's work had reached this laptop after the week ended."
        ]
        self.coverage.setText("\n".join(lines))
        self.coverage.setProperty("warning", bool(warnings))
        self.coverage.setFont(relative_font(self.coverage, bold=bool(warnings)))
        current = self.scope_box.currentData() or SERVICE
        self.scope_box.blockSignals(True)
        self.scope_box.clear()
        for scope in [SERVICE, *(s for s in summary.scopes if s != SERVICE)]:
            self.scope_box.addItem(summary.scope_name(scope), scope)
        self.scope_box.setCurrentIndex(max(0, self.scope_box.findData(current)))
        self.scope_box.blockSignals(False)
        self._fill_table()

    def _fill_table(self) -> None:
        summary, scope = self._summary, self.scope_box.currentData()
        if summary is None or scope is None:
            return
        periods = summary.periods
        self.table.setHorizontalHeaderLabels(["Figure", *(p.label for p in periods)])
        measures = list(summary.figures[(periods[0].name, scope)])
        self.table.setRowCount(len(measures))
        for row, measure in enumerate(measures):
            label = measure_label(measure)
            item = QTableWidgetItem(("    " if is_breakdown(measure) else "") + label)
            item.setToolTip(measure_definition(measure))
            if not is_breakdown(measure):
                item.setFont(relative_font(self.table, bold=True))
            self.table.setItem(row, 0, item)
            for column, period in enumerate(periods, 1):
                text = value_text(summary.value(period.name, scope, measure))
                cell = QTableWidgetItem(text)
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cell.setData(Qt.ItemDataRole.AccessibleTextRole, f"{label}, {period.label}: {text or 'none'}")
                self.table.setItem(row, column, cell)

    # ----- exports ------------------------------------------------------------------------
    def choose_file_and_export(self, fmt: str, audience: str = "team") -> None:
        kind = "publication" if audience == "publication" else "team"
        suggested = str(Path.home() / f"workwell-{kind}-{self.week}.{fmt}")
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export the {_AUDIENCE_TEXT[audience]} as {fmt.upper()}", suggested, _FILTERS[fmt]
        )
        if path:
            self.export_to(fmt, Path(path), audience)

    def export_to(self, fmt: str, out: Path, audience: str = "team") -> None:
        """Start an export in the background; ``exported`` is emitted when it is done."""
        from ...services.team_exports import TeamExportRefused, require_team_lead

        try:
            require_team_lead(self.handle.store, "summary")
        except TeamExportRefused as refused:
            self._export_done("", str(refused))
            return
        week, today, out = self.week, self._today, Path(out)
        self.status.setText(f"Exporting {out.name}\u2026")
        run_in_background(
            self,
            lambda store: _export(store, week, fmt, out, audience, today),
            lambda message: self._export_done(str(out), message),
            lambda problem: self._export_failed(out, problem),
            store=self.handle,
            busy=self.progress.setVisible,
            lock=self.buttons.values(),
            what="summary export",
        )

    def _export_failed(self, out: Path, problem: Exception) -> None:
        if isinstance(problem, OSError):
            self._export_done("", f"Could not save {out.name}: {problem.strerror or problem}.")
        else:  # logged by the runner
            self._export_done(
                "", f"The export failed unexpectedly ({type(problem).__name__}). Nothing was saved."
            )

    def _export_done(self, path: str, message: str) -> None:
        self.status.setText(message)
        self.exported.emit(path, message)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        if self._summary is None:
            self.refresh()
