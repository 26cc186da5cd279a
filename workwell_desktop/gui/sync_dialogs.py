"""Connecting this laptop to the sync server, and resolving sync conflicts."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ..domain.records import Client
from ..domain.validation import format_nhs_number
from ..store import RecordNotFound, replica
from ..sync import engine
from ..sync.server_address import UnsafeAddress, parse_server_address
from .forms import finish
from .forms.ui_conflicts import Ui_ConflictsDialog
from .forms.ui_connect import Ui_RegisterDialog
from .record_store import RecordStore
from .tasks import busy_button, run_in_background
from .widgets import may_discard


class RegisterDialog(QDialog):
    """Server address (from the organisation's settings where managed), username and
    password. The network call runs off the GUI thread."""

    registered = Signal(object)

    def __init__(
        self,
        handle: RecordStore,
        server_url: str = "",
        url_managed: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.handle = handle
        self.ui = Ui_RegisterDialog()  # ui/connect.ui
        self.ui.setupUi(self)
        finish(self)
        ui = self.ui
        self.url, self.username, self.password = ui.url, ui.username, ui.password
        self.message, self.cancel, self.connect_button = ui.message, ui.cancel, ui.connect_button
        self.url.setText(server_url)
        self.url.setReadOnly(url_managed)
        if url_managed:
            self.url.setToolTip("Managed by your organisation")
        self.cancel.clicked.connect(self.reject)
        self.connect_button.clicked.connect(self.submit)
        self._initial = self.typed()
        # Wide enough for a whole server address and a two-line message, never wider than the
        # screen (at 2x display scale 72 characters are wider than a 1280x720 laptop).
        room = (self.screen() or QApplication.primaryScreen()).availableGeometry().width() - 40
        self.setMinimumWidth(min(self.fontMetrics().averageCharWidth() * 72, room))

    def typed(self) -> tuple[str, str, str]:
        return (self.url.text(), self.username.text(), self.password.text())

    def reject(self) -> None:
        """Escape or Cancel: ask first only when something typed would be lost."""
        if self.result() != QDialog.DialogCode.Accepted and self.typed() != self._initial:
            if not may_discard(self):
                return
        super().reject()

    def submit(self) -> None:
        if not self.connect_button.isEnabled():
            return  # already connecting
        url, user, password = self.url.text().strip(), self.username.text().strip(), self.password.text()
        try:  # the same URL policy the sync engine applies again before sending
            url = parse_server_address(url).url
        except UnsafeAddress as refused:
            self.message.show_message(str(refused))
            self.url.setFocus()
            return
        if not user or not password:
            self.message.show_message("Enter your username and password.")
            return
        self.message.show_message(None)
        run_in_background(
            self,
            lambda store: engine.register(store, url, user, password),
            self._done,
            self._failed,
            store=self.handle,
            lock=[self.connect_button],
            busy=busy_button(self.connect_button, "Connecting\u2026"),
            what="connecting",
        )

    def _failed(self, problem: Exception) -> None:
        self.password.clear()
        if isinstance(problem, engine.SyncError):
            self.message.show_message(str(problem))
        else:  # logged by the runner; the coach can try again
            self.message.show_message(
                f"Could not connect: something went wrong ({type(problem).__name__}). "
                "Try again, or contact service IT."
            )

    def _done(self, outcome) -> None:
        self.password.clear()
        store = self.handle.store  # registering a copied folder renews the clock's device id
        store.device_id = replica.get_setting(store, "device_id", store.device_id)
        self.registered.emit(outcome)
        self.accept()


class ConflictsDialog(QDialog):
    """Each field edited on two laptops without either seeing the other: the current
    value (the later edit) and the other one, for the coach to choose; and clients who
    share an NHS number (possible duplicates), for the coach to merge."""

    resolved = Signal(str)  # client id

    def __init__(self, handle: RecordStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.handle = handle
        self.ui = Ui_ConflictsDialog()  # ui/conflicts.ui
        self.ui.setupUi(self)
        finish(self)
        ui = self.ui
        self.table, self.duplicates = ui.table, ui.duplicates
        self.keep, self.other, self.merge, self.close_button = ui.keep, ui.other, ui.merge, ui.close_button
        # Never taller or wider than the screen (1280x720 at 1.5x text scale clipped the buttons);
        # the two tables give up the room.
        room = (self.screen() or QApplication.primaryScreen()).availableGeometry().size() * 0.9
        self.resize(QSize(820, 560).boundedTo(room))
        for table in (self.table, self.duplicates):
            _size_columns(table)
        self.keep.clicked.connect(lambda: self._resolve(False))
        self.other.clicked.connect(lambda: self._resolve(True))
        self.merge.clicked.connect(self._merge)
        self.close_button.clicked.connect(self.accept)
        self.reload()

    def reload(self) -> None:
        store = self.handle.store
        self.conflicts = replica.open_conflicts(store)
        self.table.setRowCount(len(self.conflicts))
        for row, c in enumerate(self.conflicts):
            try:
                name = store.get(Client, c.client_id).full_name
            except RecordNotFound:
                name = ""
            cells = [
                name,
                c.field.replace("_", " "),
                _shown(c.kept_value),
                _shown(c.other_value),
                f"{c.kept_actor} / {c.other_actor}",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)
        if self.conflicts:
            self.table.selectRow(0)
        for b in (self.keep, self.other):
            b.setEnabled(bool(self.conflicts))
        self.pairs = [(group[0], other) for group in store.possible_duplicates() for other in group[1:]]
        self.duplicates.setRowCount(len(self.pairs))
        for row, (keep, other) in enumerate(self.pairs):
            for col, text in enumerate(
                [
                    format_nhs_number(keep.nhs_number),
                    keep.full_name,
                    other.full_name,
                    f"{keep.coach} / {other.coach}",
                ]
            ):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.duplicates.setItem(row, col, item)
        if self.pairs:
            self.duplicates.selectRow(0)
        self.merge.setEnabled(bool(self.pairs))

    def _merge(self) -> None:
        row = self.duplicates.currentRow()
        if not 0 <= row < len(self.pairs):
            return
        keep, other = self.pairs[row]
        self.handle.store.merge_clients(keep.id, other.id)
        self.handle.announce(keep.id)
        self.resolved.emit(keep.id)
        self.reload()

    def _resolve(self, keep_other: bool) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.conflicts):
            return
        conflict = self.conflicts[row]
        replica.resolve_conflict(self.handle.store, conflict.id, keep_other)
        self.handle.announce(conflict.client_id)
        self.resolved.emit(conflict.client_id)
        self.reload()


def _size_columns(table: QTableWidget) -> None:
    """Each column at least as wide as its heading and its values (a narrow window scrolls
    sideways rather than cutting a name short); the last takes any room left."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)


def _shown(value) -> str:
    if value in ("", None):
        return "(blank)"
    if isinstance(value, bool | int) and value in (0, 1) and not isinstance(value, float):
        return "Yes" if value else "No"
    return str(value)
