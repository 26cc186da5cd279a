"""The unlocked workspace: the caseload tab and a closable tab per open client record.

A client record's screens (letters, assessments, plan: most of the app's code) are imported
when the first record opens, like the team summary when it is first shown, so the app
reaches its unlock screen without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTabBar, QTabWidget, QWidget

from ..store import RecordNotFound
from .caseload_panel import CaseloadPanel
from .dialogs.new_client_dialog import NewClientDialog
from .record_store import RecordStore
from .widgets import may_discard, size_to_current_page

if TYPE_CHECKING:
    from .client_record import ClientRecord
    from .reports import SummaryView


class Workspace(QTabWidget):
    def __init__(self, handle: RecordStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Open records")
        self.tabBar().setAccessibleName("Open records")  # its Tab stop
        self.handle = handle
        self.setDocumentMode(True)
        self.setTabsClosable(True)
        self.setMovable(False)
        size_to_current_page(self)
        self.caseload = CaseloadPanel()
        self.summary: SummaryView | None = None  # the team lead's, while shown
        self.addTab(self.caseload, "Caseload")
        self.tabBar().setTabButton(0, QTabBar.ButtonPosition.RightSide, None)
        self.tabBar().setTabButton(0, QTabBar.ButtonPosition.LeftSide, None)
        self.tabCloseRequested.connect(self.close_record)
        self.caseload.open_client.connect(self.open_client)
        self.caseload.new_client_requested.connect(self.new_client)
        handle.saved.connect(self._saved)

    # ----- the caseload ----------------------------------------------------
    def reload_caseload(self) -> None:
        self.caseload.load(self.handle.store.caseload())

    def _saved(self, _client_id: str) -> None:
        if self.handle.is_open:
            self.reload_caseload()

    def forget_client_data(self) -> None:
        """On lock: drop the caseload list and any team summary from memory (records
        reload on unlock)."""
        self.caseload.model.clear()
        self.show_team_summary(False)

    def show_team_summary(self, shown: bool) -> None:
        """The team lead's weekly summary, as a second fixed tab."""
        from .reports import SummaryView

        current = self.summary
        if shown and current is None:
            self.summary = SummaryView(self.handle)
            self.insertTab(1, self.summary, "Team summary")
            for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
                self.tabBar().setTabButton(1, side, None)
        elif not shown and current is not None:
            # A job still running closes its own connection when it ends, and its result
            # is dropped with the view (gui/tasks.py): the lock need not wait for it.
            self.removeTab(self.indexOf(current))
            current.deleteLater()
            self.summary = None

    def focus_current(self) -> None:
        """Focus where work carries on: the caseload search, or the open record's tabs."""
        record = self.current_record()
        if record is None:
            self.caseload.focus_search()
        else:
            record.tabs.setFocus(Qt.FocusReason.OtherFocusReason)

    def find(self) -> None:
        self.setCurrentWidget(self.caseload)
        self.caseload.focus_search()

    # ----- client records ----------------------------------------------------
    def _is_record(self, widget: QWidget | None) -> bool:
        """Every tab but the two fixed ones is a client record."""
        return widget is not None and widget is not self.caseload and widget is not self.summary

    def records(self) -> list[ClientRecord]:
        return [w for i in range(self.count()) if self._is_record(w := self.widget(i))]

    def current_record(self) -> ClientRecord | None:
        widget = self.currentWidget()
        return widget if self._is_record(widget) else None

    def open_client(self, client_id: str) -> ClientRecord | None:
        for record in self.records():
            if record.client_id == client_id:
                self.setCurrentWidget(record)
                return record
        from .client_record import ClientRecord

        try:
            record = ClientRecord(self.handle, client_id)
        except RecordNotFound as missing:
            QMessageBox.warning(self, "Record not found", str(missing))
            return None
        index = self.addTab(record, record.client.full_name)
        self.setTabToolTip(index, f"{record.client.full_name} (Ctrl+W closes)")
        record.name_changed.connect(lambda name, r=record: self.setTabText(self.indexOf(r), name))
        self.setCurrentIndex(index)
        record.tabs.setFocus(Qt.FocusReason.OtherFocusReason)
        return record

    def close_record(self, index: int) -> None:
        record = self.widget(index)
        if not self._is_record(record):
            return
        if record.has_unsaved_changes():
            if not may_discard(
                self,
                "Close without saving?",
                f"Changes to {record.client.full_name}'s record are not saved. Close it and lose them?",
            ):
                return
        self.removeTab(index)
        self.handle.saved.disconnect(record._saved)
        record.deleteLater()
        if self.currentWidget() is self.caseload:
            self.caseload.table.setFocus()

    def close_current_record(self) -> None:
        if self.current_record() is not None:
            self.close_record(self.currentIndex())

    def reload_records(self) -> None:
        for record in self.records():
            try:
                record.reload()
            except RecordNotFound:
                self.removeTab(self.indexOf(record))
                record.deleteLater()

    # ----- new client --------------------------------------------------------
    def new_client(self) -> NewClientDialog:
        dialog = NewClientDialog(self.handle, self.window())
        dialog.client_added.connect(self._client_added)
        dialog.open()
        return dialog

    def _client_added(self, client_id: str) -> None:
        self.caseload.search.clear()
        self.caseload._select(client_id)
        self.open_client(client_id)
