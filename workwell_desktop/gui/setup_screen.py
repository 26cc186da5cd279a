"""First run: the coach's name and role, and the passphrase that protects the database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QStackedWidget, QWidget

from ..domain.vocabulary import COACH_ROLES
from ..store import InvalidRecord, Store, StoreError
from ..store.keys import check_passphrase_strength
from .form_fields import ErrorSummary, FieldSet
from .forms import finish
from .forms.ui_setup import Ui_SetupForm
from .tasks import Task, busy_button, run_in_background
from .widgets import ChoiceRadios, card_page, chain_tab_order, line_edit

PASSPHRASE_WARNING = (
    "Your passphrase protects client information on this computer. Nobody can recover "
    "it: if you forget it, the information here cannot be opened, and changes not yet "
    "synced to the server are lost. A few words you will remember work well."
)


class SetupScreen(QStackedWidget):
    """Two steps: the form, then what was set up and where the key is kept."""

    finished = Signal(object)  # the open Store, when the coach carries on

    def __init__(self, data_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Set up WorkWell")
        self.data_dir = Path(data_dir)
        self.store: Store | None = None
        self._creating: Task | None = None
        self._build()
        self.setCurrentIndex(0)
        self._validate()

    # ----- step 1 --------------------------------------------------------
    def _build(self) -> None:
        """ui/setup.ui lays out both steps' cards; the fields are added here because FieldSet
        (gui/form_fields.py) builds them with their hints, messages and error summary."""
        holder = QWidget()
        self.ui = Ui_SetupForm()
        self.ui.setupUi(holder)
        finish(holder)
        ui = self.ui
        self.problem, self.create_button, self.show_secret = ui.problem, ui.create_button, ui.show_secret
        self.key_place, self.continue_button = ui.key_place, ui.continue_button
        ui.warning.setText(PASSPHRASE_WARNING)
        ui.folder.setText(f"Data folder: {self.data_dir}")
        form = ui.fields
        self.fields = FieldSet(self)
        ui.summary_place.addWidget(self.fields.attach_summary(ErrorSummary()))
        self.name = self.fields.row(
            form,
            "coach_name",
            "Your &name",
            line_edit("Your name", 120),
            hint="Recorded against everything you write.",
        )
        self.role = self.fields.row(
            form, "coach_role", "Your &role", ChoiceRadios(COACH_ROLES, "Your role", vertical=True)
        )
        self.role.set_code("coach")
        self.passphrase = self.fields.row(
            form,
            "passphrase",
            "&Passphrase",
            self._secret("Passphrase"),
            hint="At least 10 characters: three or four unrelated words you will remember.",
        )
        self.confirm = self.fields.row(
            form, "confirm", "&Confirm passphrase", self._secret("Confirm passphrase")
        )
        # Show passphrase is row 0 in the .ui; FieldSet appends, so move it below the fields.
        form.takeRow(0)
        form.addRow("", self.show_secret)
        self.show_secret.toggled.connect(self._reveal)
        self.create_button.clicked.connect(self.create)
        chain_tab_order(
            [
                self.name,
                *self.role.buttons.values(),
                self.passphrase,
                self.confirm,
                self.show_secret,
                self.create_button,
            ]
        )
        self.fields.edited.connect(self._validate)
        for edit in (self.name, self.passphrase, self.confirm):
            edit.returnPressed.connect(self.create)
        self.continue_button.clicked.connect(lambda: self.finished.emit(self.store))
        # Each step's content goes on its own pale page, as Unlock's does.
        for step in (ui.form_step, ui.done_step):
            page, layout = card_page(self)
            layout.addWidget(step)
            self.addWidget(page)

    def _secret(self, name: str) -> QLineEdit:
        edit = line_edit(name, 200)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _reveal(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.confirm.setEchoMode(mode)

    def errors(self) -> dict[str, str]:
        errors = {}
        if not self.name.text().strip():
            errors["coach_name"] = "Enter your name: it is recorded against your work."
        if strength := check_passphrase_strength(self.passphrase.text(), (self.name.text(),)):
            errors["passphrase"] = strength
        if self.confirm.text() != self.passphrase.text():
            errors["confirm"] = "The two passphrases are not the same."
        return errors

    def _validate(self) -> dict[str, str]:
        errors = self.errors()
        self.fields.show(errors)
        return errors

    def create(self) -> None:
        """Set up the database off the GUI thread (wrapping the key is deliberately slow)."""
        if self._creating is not None and self._creating.running:
            return  # already setting up
        errors = self._validate()
        if errors:
            self.fields.reveal(errors)
            return
        # The Store is made on the worker and handed over once, when the worker is done with it.
        data_dir, passphrase = self.data_dir, self.passphrase.text()
        name, role = self.name.text().strip(), self.role.code() or "coach"
        self._creating = run_in_background(
            self,
            lambda: Store.create(data_dir, passphrase, name, role),
            self._created,
            self._not_created,
            lock=[self.create_button],
            busy=busy_button(self.create_button, "Setting up\u2026"),
            what="setting up",
        )

    def _not_created(self, problem: Exception) -> None:
        if isinstance(problem, InvalidRecord):
            self.fields.reveal(problem.errors)
            return
        if isinstance(problem, StoreError | OSError):
            self.problem.setText(f"WorkWell could not be set up. {problem}")
        else:  # logged by the runner
            self.problem.setText(
                f"WorkWell could not be set up ({type(problem).__name__}). Try again, or contact service IT."
            )
        self.problem.show()

    def _created(self, store: Store) -> None:
        self.store = store
        self.passphrase.clear()
        self.confirm.clear()
        self.key_place.setText(f"The database key is kept in {self.store.key_store.description}.")
        self.setCurrentIndex(1)
        self.continue_button.setFocus()
