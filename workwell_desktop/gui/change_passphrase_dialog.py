"""WorkWell ▸ Change passphrase: the current passphrase, then a new one (checked for
strength as at set-up) typed twice. Only the key's wrapping changes; the database and
everything in it stay as they are."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from ..store import StoreError, WrongPassphrase
from ..store.keys import check_passphrase_strength
from .record_store import RecordStore
from .setup_screen import PASSPHRASE_WARNING
from .tasks import Task, busy_button, run_in_background
from .widgets import FieldMessage, button, hint_label, line_edit, primary_button, title_label

log = logging.getLogger(__name__)


class ChangePassphraseDialog(QDialog):
    def __init__(self, handle: RecordStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.handle = handle
        self._changing: Task | None = None
        self.setWindowTitle("Change passphrase \u2013 WorkWell")
        self.setAccessibleName("Change passphrase")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label("Change your passphrase", 1.3))
        layout.addWidget(hint_label(PASSPHRASE_WARNING))
        form = QFormLayout()
        self.current = self._secret("Current passphrase")
        self.new = self._secret("New passphrase")
        self.confirm = self._secret("Confirm new passphrase")
        self.current_message, self.new_message, self.confirm_message = (FieldMessage() for _ in range(3))
        for text, edit, message in (
            ("&Current passphrase", self.current, self.current_message),
            ("&New passphrase", self.new, self.new_message),
            ("C&onfirm new passphrase", self.confirm, self.confirm_message),
        ):
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(edit)
            column.addWidget(message)
            form.addRow(text, cell)
            form.labelForField(cell).setBuddy(edit)
        self.show_secret = QCheckBox("S&how passphrases")
        self.show_secret.setAccessibleName("Show passphrases")
        self.show_secret.toggled.connect(self._reveal)
        form.addRow("", self.show_secret)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel = button("Cancel")
        self.change_button = primary_button("Change &passphrase", "Change passphrase")
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.change_button)
        layout.addLayout(buttons)
        self.cancel.clicked.connect(self.reject)
        self.change_button.clicked.connect(self.submit)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self.finished.connect(lambda _result: self.clear())

    def _secret(self, name: str) -> QLineEdit:
        edit = line_edit(name, 200)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.returnPressed.connect(self.submit)
        return edit

    def _reveal(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for edit in (self.current, self.new, self.confirm):
            edit.setEchoMode(mode)

    def clear(self) -> None:
        """No passphrase stays in a field once the dialog is done with."""
        for edit in (self.current, self.new, self.confirm):
            edit.clear()

    def errors(self) -> dict[str, str]:
        errors = {}
        if not self.current.text():
            errors["current"] = "Enter your current passphrase."
        if problem := check_passphrase_strength(self.new.text(), (self.handle.coach_name,)):
            errors["new"] = problem
        elif self.new.text() == self.current.text():
            errors["new"] = "The new passphrase is the same as the current one: choose a new one."
        if self.confirm.text() != self.new.text():
            errors["confirm"] = "The two new passphrases are not the same."
        return errors

    def _show(self, errors: dict[str, str]) -> None:
        for key, message in (
            ("current", self.current_message),
            ("new", self.new_message),
            ("confirm", self.confirm_message),
        ):
            message.show_message(errors.get(key))
        edits = {"current": self.current, "new": self.new, "confirm": self.confirm}
        for key, edit in edits.items():
            edit.setAccessibleDescription(f"Error: {errors[key]}" if key in errors else "")
        first = next((edits[k] for k in edits if k in errors), None)
        if first is not None:
            first.setFocus()

    def submit(self) -> None:
        errors = self.errors()
        self._show(errors)
        if errors:
            return
        if self._changing is not None and self._changing.running:
            return  # already changing it
        # Unwrapping and rewrapping the key is deliberately slow: off the GUI thread, on a
        # connection of its own (the change is audited there).
        current, new = self.current.text(), self.new.text()
        self._changing = run_in_background(
            self,
            lambda store: store.change_passphrase(current, new),
            self._changed,
            self._not_changed,
            store=self.handle,
            lock=[self.change_button],
            busy=busy_button(self.change_button, "Changing\u2026"),
            what="changing the passphrase",
        )

    def _not_changed(self, problem: Exception) -> None:
        if isinstance(problem, WrongPassphrase):
            self.current.clear()
            self._show({"current": str(problem)})
        elif isinstance(problem, StoreError | OSError):
            self._show({"new": f"The passphrase was not changed: {problem}"})
        else:  # logged by the runner
            self._show({"new": f"The passphrase was not changed ({type(problem).__name__})."})

    def _changed(self, _result: None) -> None:
        log.info("passphrase changed")
        self.accept()
