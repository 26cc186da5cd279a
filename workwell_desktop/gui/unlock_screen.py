"""Unlock: the passphrase opens the database; a wrong one says so and changes nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..store import Store, StoreError
from .forms import finish
from .forms.ui_unlock import Ui_UnlockForm
from .tasks import Task, busy_button, run_in_background
from .widgets import card_page


class UnlockScreen(QWidget):
    unlocked = Signal(object)  # the open Store

    def __init__(self, data_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Unlock WorkWell")
        self.data_dir = Path(data_dir)
        self._opening: Task | None = None
        page, layout = card_page(self, width_in_chars=54)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(page)
        content = QWidget()
        self.ui = Ui_UnlockForm()  # ui/unlock.ui: the card's content
        self.ui.setupUi(content)
        finish(content)
        layout.addWidget(content)
        ui = self.ui
        self.title, self.explanation, self.passphrase = ui.title, ui.explanation, ui.passphrase
        self.message, self.unlock_button, self.folder = ui.message, ui.unlock_button, ui.folder
        self.passphrase.returnPressed.connect(self.unlock)
        self.unlock_button.clicked.connect(self.unlock)
        self.folder.setText(f"Data folder: {self.data_dir}")
        self.setFocusProxy(self.passphrase)

    def show_locked(self, coach_name: str, idle: bool) -> None:
        """The lock screen that covers client information after a lock."""
        self.title.setText("WorkWell is locked")
        reason = (
            "WorkWell locked itself because it was not used for a while, to keep client information private."
            if idle
            else "WorkWell is locked."
        )
        who = f" {coach_name}, enter" if coach_name else " Enter"
        self.explanation.setText(f"{reason}{who} your passphrase to carry on where you left off.")
        self.clear()

    def clear(self) -> None:
        self.passphrase.clear()
        self.message.show_message(None)
        self.passphrase.setAccessibleDescription("")

    def show_problem(self, text: str) -> None:
        self.message.show_message(text)
        self.passphrase.setAccessibleDescription(f"Error: {text}")
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def unlock(self) -> None:
        """Open the database off the GUI thread (unwrapping the key is deliberately slow,
        and an upgrade migrates the schema): "Unlocking…" shows if it takes a moment."""
        if self._opening is not None and self._opening.running:
            return  # already opening
        passphrase = self.passphrase.text()
        if not passphrase:
            self.show_problem("Enter your passphrase.")
            return
        # The Store is opened on the worker and handed over once, after the worker is done
        # with it: from then on only the GUI thread uses that connection.
        data_dir = self.data_dir
        self._opening = run_in_background(
            self,
            lambda: Store.open(data_dir, passphrase),
            self._opened,
            self._refused,
            lock=[self.unlock_button],
            busy=busy_button(self.unlock_button, "Unlocking\u2026"),
            what="unlocking",
        )

    def _refused(self, problem: Exception) -> None:
        if isinstance(problem, StoreError):
            # Written for the person at the screen (wrong passphrase, missing key, unreadable file).
            self.show_problem(str(problem))
        else:  # logged by the runner
            self.show_problem(
                f"WorkWell could not open the database ({type(problem).__name__}). "
                "Try again, or contact service IT."
            )

    def _opened(self, store: Store) -> None:
        self.clear()
        self.unlocked.emit(store)
