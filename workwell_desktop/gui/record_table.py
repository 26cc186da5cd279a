"""Read-only lists of a client's records (referrals, fit notes, sessions, consent)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    colour: Callable[[Any], str | None] | None = None  # a text colour for this cell, if any
    width_chars: int = 0  # 0: stretch to fill
    # A preview of longer free text (a note, a goal in the client's words) shown on one line:
    # it may be cut short (the whole text is in the tooltip and the row's dialog). Every other
    # column is sized to its contents, so a date, a status or a name is never cut (issue #18).
    preview: bool | None = None  # None: the stretching column is the preview

    @property
    def is_preview(self) -> bool:
        return self.preview if self.preview is not None else not self.width_chars


class RecordTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_object(self, row: int) -> Any:
        return self.rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column, row = self.columns[index.column()], self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = column.text(row)
            return text if column.is_preview and text else None
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            colour = column.colour(row)
            return QColor(colour) if colour else None
        return None


def fit_height_to_rows(view: QTableView, rows: int) -> None:
    """Tall enough to show ``rows`` rows without scrolling (a short list like current consent)."""
    height = (
        view.horizontalHeader().sizeHint().height()
        + view.frameWidth() * 2
        + 4
        + view.verticalHeader().defaultSectionSize() * rows
    )
    view.setMinimumHeight(height)
    view.setMaximumHeight(height)


class RecordTable(QTableView):
    """A table that says so when it is empty, instead of showing blank rows (NHS service manual:
    tell people there is nothing yet, and what to do; issue #18)."""

    def __init__(self, empty_text: str):
        super().__init__()
        self.empty_text = empty_text

    def setModel(self, model) -> None:  # noqa: N802
        super().setModel(model)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._describe)
        self._describe()

    def is_empty(self) -> bool:
        return self.model() is None or self.model().rowCount() == 0

    def _describe(self, *_args) -> None:
        self.setAccessibleDescription(self.empty_text if self.is_empty() else "")
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.is_empty() and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(
                self.viewport().rect().adjusted(12, 8, -12, -8),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            painter.end()


def record_table(model: RecordTableModel, accessible_name: str, empty_text: str = "") -> QTableView:
    """``empty_text`` is shown in the table while it has no rows (default: 'No ... yet.')."""
    view = RecordTable(empty_text or f"No {accessible_name[:1].lower()}{accessible_name[1:]} yet.")
    view.setAccessibleName(accessible_name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    char = view.fontMetrics().averageCharWidth()
    previews = []
    for i, column in enumerate(model.columns):
        if column.is_preview:
            previews.append(i)
            if column.width_chars:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(i, char * column.width_chars + 24)
        else:  # these tables hold one client's records: a few dozen rows to measure
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setMinimumSectionSize(char * 8)
    # tests/realwindow/checks.py lets only these columns cut their text short.
    view.setProperty("preview_columns", previews)
    return view
