"""Connecting this laptop to the sync server, and resolving sync conflicts."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.records import Client
from ..store import RecordNotFound, replica
from ..sync import engine
from ..sync.server_address import UnsafeAddress, parse_server_address
from .widgets import FieldMessage, button, hint_label, line_edit, primary_button, title_label


class _Done(QObject):
    done = Signal(object)


class _RegisterJob(QRunnable):
    def __init__(self, store, url, username, password, signals):
        super().__init__()
        self.args, self.signals = (store, url, username, password), signals

    def run(self) -> None:
        store = self.args[0]
        try:
            outcome = engine.register(*self.args)
        except engine.SyncError as problem:
            outcome = problem
        finally:
            store.close()
        self.signals.done.emit(outcome)


class RegisterDialog(QDialog):
    """Server address (from the organisation's settings where managed), username and
    password. The network call runs off the GUI thread."""

    registered = Signal(object)

    def __init__(self, handle, server_url: str = "", url_managed: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.handle = handle
        self.setWindowTitle("Connect to the WorkWell server \u2013 WorkWell")
        self.setAccessibleName("Connect to the WorkWell server")
        layout = QVBoxLayout(self)
        layout.addWidget(title_label("Connect to the WorkWell server", 1.3))
        layout.addWidget(hint_label(
            "Sign in once with your WorkWell account. This laptop then syncs your work "
            "whenever it is online. Your password is not stored."))
        form = QFormLayout()
        self.url = line_edit("Server address", 300, "https://workwell.example.nhs.uk")
        self.url.setText(server_url)
        self.url.setReadOnly(url_managed)
        if url_managed:
            self.url.setToolTip("Managed by your organisation")
        self.username = line_edit("Username", 100)
        self.password = line_edit("Password", 500)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Server &address", self.url)
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            label.setBuddy(form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget())
        layout.addLayout(form)
        self.message = FieldMessage()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel = button("Cancel")
        self.connect_button = primary_button("&Connect", "Connect")
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.connect_button)
        layout.addLayout(buttons)
        self.cancel.clicked.connect(self.reject)
        self.connect_button.clicked.connect(self.submit)
        self.pool = QThreadPool(self)
        self.signals = _Done()
        self.signals.done.connect(self._done)
        # Wide enough for a whole server address and a two-line message.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 72)

    def submit(self) -> None:
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
        self.connect_button.setEnabled(False)
        self.connect_button.setText("Connecting\u2026")
        self.pool.start(_RegisterJob(self.handle.store.sibling(), url, user, password, self.signals))

    def _done(self, outcome) -> None:
        self.connect_button.setEnabled(True)
        self.connect_button.setText("&Connect")
        self.password.clear()
        if isinstance(outcome, engine.SyncError):
            self.message.show_message(str(outcome))
            return
        self.registered.emit(outcome)
        self.accept()


class ConflictsDialog(QDialog):
    """Each field edited on two laptops without either seeing the other: the current
    value (the later edit) and the other one, for the coach to choose."""

    resolved = Signal(str)  # client id

    def __init__(self, handle, parent: QWidget | None = None):
        super().__init__(parent)
        self.handle = handle
        self.setWindowTitle("Sync conflicts \u2013 WorkWell")
        self.setAccessibleName("Sync conflicts")
        self.resize(820, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label("Changes made on two laptops", 1.3))
        layout.addWidget(hint_label(
            "The same detail was changed differently on two laptops before they synced. "
            "WorkWell shows the later change for now; choose which one is right."))
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName("Conflicts to resolve")
        self.table.setHorizontalHeaderLabels(["Client", "Detail", "Showing now", "Other change", "By"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.keep = button("&Keep what is showing", "Keep what is showing")
        self.other = button("&Use the other change", "Use the other change")
        self.close_button = primary_button("&Done", "Done")
        buttons.addWidget(self.keep)
        buttons.addWidget(self.other)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.keep.clicked.connect(lambda: self._resolve(False))
        self.other.clicked.connect(lambda: self._resolve(True))
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
            cells = [name, c.field.replace("_", " "), _shown(c.kept_value), _shown(c.other_value),
                     f"{c.kept_actor} / {c.other_actor}"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)
        if self.conflicts:
            self.table.selectRow(0)
        for b in (self.keep, self.other):
            b.setEnabled(bool(self.conflicts))

    def _resolve(self, keep_other: bool) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.conflicts):
            return
        conflict = self.conflicts[row]
        replica.resolve_conflict(self.handle.store, conflict.id, keep_other)
        self.handle.saved.emit(conflict.client_id)
        self.resolved.emit(conflict.client_id)
        self.reload()


def _shown(value) -> str:
    if value in ("", None):
        return "(blank)"
    if isinstance(value, bool | int) and value in (0, 1) and not isinstance(value, float):
        return "Yes" if value else "No"
    return str(value)
