"""The caseload screen: find a client as you type, open their record with Enter."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.caseload import CLIENT_STATUSES
from . import caseload_model as cm
from .caseload_model import CaseloadModel
from .widgets import chain_tab_order, line_edit, paragraph, primary_button


class CaseloadPanel(QWidget):
    open_client = Signal(str)
    new_client_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Caseload")
        self.model = CaseloadModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(8)

        top = QHBoxLayout()
        label = QLabel("&Find a client")
        self.search = line_edit("Find a client", 60, "Name, NHS number or postcode")
        self.search.setAccessibleDescription(
            "Type part of a name, NHS number or postcode. Press Down to move to the list, Enter to open."
        )
        self.search.setClearButtonEnabled(True)
        for clear in self.search.findChildren(QToolButton):  # Qt's clear button inside the box
            clear.setAccessibleName("Clear the search")
        self.search.setMinimumWidth(self.search.fontMetrics().averageCharWidth() * 24)
        label.setBuddy(self.search)
        self.search.textChanged.connect(self._search)
        self.search.installEventFilter(self)
        self.count = QLabel()
        self.count.setAccessibleName("Number of clients shown")
        self.new_button = primary_button("&New client", "New client")
        self.new_button.setToolTip("Add a client from a referral (Ctrl+N)")
        self.new_button.clicked.connect(self.new_client_requested)
        top.addWidget(label)
        top.addWidget(self.search, 2)
        top.addStretch(1)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        # The filter and the count on a line of their own: on one line with the search the
        # row made the window 785 pixels wide at 2x display scale (issue #18).
        self.safety_filter = QCheckBox("Only clients with open safety &tasks")
        self.safety_filter.setAccessibleName("Show only clients with open safety tasks")
        self.safety_filter.setToolTip("A risk answer was given and what was done is not recorded yet")
        self.safety_filter.toggled.connect(self._filter_safety)
        filters = QHBoxLayout()
        filters.addWidget(self.safety_filter)
        filters.addSpacing(12)
        filters.addWidget(self.count, 1)
        layout.addLayout(filters)

        self.empty = paragraph(
            "There are no clients on this computer yet. Add the first from a referral with "
            "New client (Ctrl+N).",
            role="inset",
        )
        self.empty.hide()
        layout.addWidget(self.empty)

        self.table = QTableView()
        self.table.setAccessibleName("Caseload list")
        self.table.setAccessibleDescription("Press Enter or double-click to open a client's record.")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(cm.NAME, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list, arrows move in it
        self._size_columns()
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        chain_tab_order([self.search, self.safety_filter, self.new_button, self.table])
        self.model.modelReset.connect(self._update_count)

    def _size_columns(self) -> None:
        # Widths from the font, not by measuring every row (slow at 5,000 clients), and never
        # narrower than the heading with its sort arrow (Qt's own measure of the heading).
        metrics = self.table.fontMetrics()
        pad = 28
        widths = {
            cm.NAME: metrics.horizontalAdvance("Ashworth-Pennington, Christopher") + pad,
            cm.NHS_NUMBER: metrics.horizontalAdvance("999 999 9999") + pad,
            cm.BORN: metrics.horizontalAdvance("30 Sep 2026") + pad,
            cm.POSTCODE: metrics.horizontalAdvance("CA10 1QA") + pad,
            cm.STATUS: max(metrics.horizontalAdvance(s) for s in CLIENT_STATUSES.values()) + pad,
            cm.NEXT_REVIEW: metrics.horizontalAdvance("30 Sep 2026 (overdue)") + pad,
            cm.OVERDUE_ACTIONS: metrics.horizontalAdvance("99") + pad,
            cm.LAST_CONTACT: metrics.horizontalAdvance("30 Sep 2026") + pad,
        }
        header = self.table.horizontalHeader()
        for column, width in widths.items():
            header.resizeSection(column, max(width, header.sectionSizeFromContents(column).width()))
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    # ----- behaviour -----------------------------------------------------
    def load(self, entries) -> None:
        current = self.current_client_id()
        self.model.load(entries)
        self._select(current)

    def _search(self, text: str) -> None:
        self.model.set_query(text)
        if self.model.rowCount():
            self.table.selectRow(0)

    def _filter_safety(self, on: bool) -> None:
        self.model.set_open_safety_tasks_only(on)
        if self.model.rowCount():
            self.table.selectRow(0)

    def _update_count(self) -> None:
        total, shown = self.model.total, self.model.rowCount()
        self.empty.setVisible(total == 0)
        self.table.setVisible(total > 0)
        noun = "client" if total == 1 else "clients"
        if self.model.open_safety_tasks_only:
            self.count.setText(
                f"{shown} of {total} {noun} with open safety tasks"
                + (f" matching \u201c{self.model.query}\u201d" if self.model.query else "")
            )
        elif not self.model.query:
            self.count.setText(f"{total} {noun}")
        elif shown == 0:
            self.count.setText(f"No client matches \u201c{self.model.query}\u201d")
        else:
            self.count.setText(f"{shown} of {total} {noun} match")

    def _select(self, client_id: str | None) -> None:
        row = self.model.row_of(client_id) if client_id else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectRow(row)

    def current_client_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.entry(index.row()).client_id

    def _activated(self, index) -> None:
        if index.isValid():
            self.open_client.emit(self.model.entry(index.row()).client_id)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # From the search box: Down moves into the list, Enter opens the highlighted client.
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus()
                if not self.table.currentIndex().isValid():
                    self.table.selectRow(0)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.model.rowCount():
                client_id = self.current_client_id() or self.model.entry(0).client_id
                self.open_client.emit(client_id)
                return True
        return False
