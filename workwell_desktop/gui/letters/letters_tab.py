"""The client record's employer letters: issued letters, preparing one, and exporting a PDF."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...documents.catalogue import load_service, load_wording
from ...documents.letter_text import letter_text
from ...domain.consent import LAWFUL_REASONS, SharingRefused
from ...domain.letters import EmployerLetter, LetterNotReady
from ...services.letters import (
    NOT_ENCRYPTED_WARNING,
    PASSWORD_ADVICE,
    consent_problem,
    export_letter,
    export_problem,
    letters_for,
    suggested_file_name,
    superseded_by,
)
from ...store import Store, StoreError
from .. import dates
from ..client_form import new_form_layout
from ..form_fields import ErrorSummary, FieldSet
from ..record_store import RecordStore
from ..record_table import Column, RecordTableModel, record_table
from ..tasks import busy_button, run_in_background
from ..widgets import ChoiceCombo, button, hint_label, paragraph, primary_button, title_label
from .builder_dialog import LetterBuilderDialog
from .preview import letter_html

log = logging.getLogger(__name__)

MIN_PASSWORD = 8


class ExportLetterDialog(QDialog):
    """Says the exported file is not encrypted, and offers a password for emailing it.

    When consent does not allow the letter to leave (withdrawn, or participation withdrawn)
    the export needs a recorded lawful reason, such as the client's own subject access
    request; the reason is kept in the audit trail with the export."""

    def __init__(self, letter: EmployerLetter, consent_note: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Export letter {letter.reference}")
        self.setAccessibleName("Export letter")
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title_label(f"Export letter {letter.reference} as a PDF", 1.2))
        # Like every other form (form_fields): the button stays enabled, and pressing it with a
        # problem shows the error summary linked to the field, not a greyed-out button.
        self.fields = FieldSet(self)
        layout.addWidget(self.fields.attach_summary(ErrorSummary()))
        layout.addWidget(paragraph(NOT_ENCRYPTED_WARNING, role="warning"))
        self.consent_note = consent_note
        self.reason = ChoiceCombo(
            LAWFUL_REASONS, "Lawful reason to export without consent", prompt="Choose the lawful reason"
        )
        if consent_note:
            note = paragraph(
                f"{consent_note} It can be exported only for a recorded lawful reason, "
                "which is kept in the audit trail. Do not send it to the employer.",
                role="warning",
            )
            note.setAccessibleName("Consent")
            layout.addWidget(note)
            row = new_form_layout()
            self.fields.row(row, "lawful_reason", "&Reason", self.reason)
            layout.addLayout(row)
        else:
            self.reason.hide()
        self.protect = QCheckBox("&Protect the PDF with a password (for sending by email)")
        self.protect.setAccessibleName("Protect the PDF with a password")
        self.protect.setChecked(True)
        layout.addWidget(self.protect)
        form = new_form_layout()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password for the PDF")
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName("Type the password again")
        hint = f"At least {MIN_PASSWORD} characters. {PASSWORD_ADVICE}"
        self.fields.row(form, "password", "Pass&word", self.password, hint=hint)
        self.fields.row(form, "again", "Type it &again", self.again)
        layout.addLayout(form)
        bar = QHBoxLayout()
        bar.addStretch(1)
        self.cancel_button = button("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.export_button = primary_button("&Choose where to save\u2026", "Choose where to save")
        self.export_button.clicked.connect(self.submit)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)
        self.protect.toggled.connect(self._check)
        self.fields.edited.connect(self._check)
        self._check()

    def problems(self) -> dict[str, str]:
        problems = {}
        if self.consent_note and not self.reason.code():
            problems["lawful_reason"] = "Choose the lawful reason for exporting without consent, or cancel."
        if not self.protect.isChecked():
            return problems
        if len(self.password.text()) < MIN_PASSWORD:
            problems["password"] = (
                f"Choose a password of at least {MIN_PASSWORD} characters, or untick password protection."
            )
        elif self.again.text() != self.password.text():
            problems["again"] = "The two passwords are not the same."
        return problems

    def _check(self) -> None:
        self.password.setEnabled(self.protect.isChecked())
        self.again.setEnabled(self.protect.isChecked())
        self.fields.show(self.problems())

    def submit(self) -> None:
        problems = self.problems()
        if problems:
            self.fields.reveal(problems)
            return
        self.accept()

    def chosen_password(self) -> str | None:
        return self.password.text() if self.protect.isChecked() else None

    def chosen_reason(self) -> str:
        return self.reason.code() if self.consent_note else ""


class LettersTab(QWidget):
    """``LettersTab(handle, client_id, parent=None)``: the client's issued employer letters.

    Emits ``letter_issued(letter_id)`` after a letter is issued and ``letter_exported(letter_id)``
    after a PDF is exported. Call ``refresh()`` when consent or the record changes.
    """

    letter_issued = Signal(str)
    letter_exported = Signal(str)

    def __init__(self, handle: RecordStore, client_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.handle, self.client_id = handle, client_id
        self.builder: LetterBuilderDialog | None = None
        self.setAccessibleName("Employer letters")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addWidget(
            hint_label(
                "Letters to the client's employer recommending workplace adjustments. A letter can be "
                "prepared only while the client takes part and consents to share information with their "
                "employer, and says only what they agreed. Issued letters are kept as they were sent."
            )
        )
        self.consent_notice = paragraph("", role="warning")
        self.consent_notice.setAccessibleName("Why a letter cannot be prepared")
        self.consent_notice.hide()
        layout.addWidget(self.consent_notice)

        actions = QHBoxLayout()
        self.prepare_button = primary_button("&Prepare letter\u2026", "Prepare letter")
        self.prepare_button.clicked.connect(lambda: self.open_builder())
        self.correct_button = button("C&orrect and reissue\u2026", "Correct and reissue the selected letter")
        self.correct_button.setToolTip("Prepare a new letter from the selected one; it supersedes it")
        self.correct_button.clicked.connect(self._correct_selected)
        self.export_button = button("E&xport PDF\u2026", "Export the selected letter as a PDF")
        self.export_button.clicked.connect(self.export_selected)
        actions.addWidget(self.prepare_button)
        actions.addWidget(self.correct_button)
        actions.addWidget(self.export_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.status = QLabel()
        self.status.setProperty("role", "success")
        self.status.setAccessibleName("Letter status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.model = RecordTableModel(
            [
                Column("Issued", lambda letter: dates.for_reading(letter.issued_on), width_chars=12),
                Column("Employer", lambda letter: letter.employer, width_chars=28),
                Column("Reference", lambda letter: letter.reference, width_chars=21),
                Column("Issued by", lambda letter: letter.issued_by, width_chars=18),
                Column("Status", self._status_of, colour=self._status_colour),
            ],
            self,
        )
        self.table = record_table(self.model, "Issued employer letters")
        self.empty = paragraph("No letters have been issued for this client.", role="inset")
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("What the selected letter says")
        self.detail.setOpenLinks(False)
        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.empty)
        list_layout.addStretch(0)  # takes the room only while the table is hidden
        self.empty.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(list_side)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self._superseded: dict[str, EmployerLetter] = {}
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.refresh()

    @property
    def store(self) -> Store:
        """The open store, for the documents functions (raises Locked while locked)."""
        return self.handle.store

    # ----- state ----------------------------------------------------------
    def refresh(self) -> None:
        """Reload the letters and the consent state (call when either may have changed)."""
        selected = self.selected_letter()
        letters = letters_for(self.store, self.client_id)
        self._superseded = superseded_by(letters)
        self.model.set_rows(letters)
        self.table.setVisible(bool(letters))
        self.detail.setVisible(bool(letters))
        self.empty.setVisible(not letters)
        problem = consent_problem(self.store, self.client_id)
        self.consent_notice.setText(problem or "")
        self.consent_notice.setVisible(bool(problem))
        self.prepare_button.setEnabled(problem is None)
        self.prepare_button.setAccessibleDescription(problem or "")
        self.prepare_button.setToolTip(problem or "Prepare a letter with the client")
        wanted = selected.id if selected else (letters[0].id if letters else "")
        self._select(wanted)
        self._selection_changed()

    def _status_of(self, letter: EmployerLetter) -> str:
        newer = self._superseded.get(letter.id)
        return f"Superseded by {newer.reference}" if newer else "Current"

    def _status_colour(self, letter: EmployerLetter) -> str | None:
        return "#4C6272" if letter.id in self._superseded else None

    def _select(self, letter_id: str) -> None:
        for row, letter in enumerate(self.model.rows):
            if letter.id == letter_id:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.setCurrentIndex(self.model.index(row, 0))
                return

    def selected_letter(self) -> EmployerLetter | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row_object(rows[0].row()) if rows else None

    def _selection_changed(self, *_args) -> None:
        letter = self.selected_letter()
        self.export_button.setEnabled(letter is not None)
        self.correct_button.setEnabled(letter is not None and self.prepare_button.isEnabled())
        if letter is None:
            self.detail.setHtml("<p>Select a letter to see what it says.</p>")
            return
        try:
            text = letter_text(letter.draft(), load_service(), load_wording())
            self.detail.setHtml(
                letter_html(text, load_service().service_name, letter.reference, letter.issued_on)
            )
        except Exception:  # a damaged record must not stop the rest of the tab
            log.exception("could not show an employer letter")
            self.detail.setHtml(
                "<p>This letter's content cannot be shown; its PDF can still be exported.</p>"
            )

    # ----- actions --------------------------------------------------------
    def open_builder(self, based_on: EmployerLetter | None = None) -> LetterBuilderDialog | None:
        """Open the letter builder (not blocking); None when consent is not current."""
        self.refresh()
        if not self.prepare_button.isEnabled():
            return None
        self.builder = LetterBuilderDialog(self.handle, self.client_id, self, based_on=based_on)
        self.builder.issued.connect(self._issued)
        self.builder.finished.connect(self._builder_closed)
        self.builder.open()
        return self.builder

    def _correct_selected(self) -> None:
        letter = self.selected_letter()
        if letter is not None:
            self.open_builder(based_on=letter)

    def _builder_closed(self, _result: int) -> None:
        self.builder = None

    def _issued(self, letter_id: str) -> None:
        self.refresh()
        self._select(letter_id)
        letter = self.selected_letter()
        if letter is not None:
            self.status.setText(
                f"Letter {letter.reference} issued and kept in the record. Use Export PDF "
                "to save a copy to send."
            )
        self.letter_issued.emit(letter_id)

    def export_selected(self) -> None:
        """Ask about a password, then where to save, then export (and audit) the PDF."""
        letter = self.selected_letter()
        if letter is None:
            return
        dialog = ExportLetterDialog(letter, export_problem(self.store, letter.id), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        suggested = str(Path.home() / suggested_file_name(letter))
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save the letter as", suggested, "PDF files (*.pdf)"
        )
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.export_to(letter, Path(path), dialog.chosen_password(), dialog.chosen_reason())

    def export_to(
        self, letter: EmployerLetter, path: Path, password: str | None = None, lawful_reason: str = ""
    ) -> None:
        """Export in the background (pypdf's encryption takes a moment); ``letter_exported``
        is emitted when the file is written, and the status line says what happened."""
        run_in_background(
            self,
            lambda store: export_letter(store, letter.id, path, password, lawful_reason=lawful_reason),
            lambda _path: self._exported(letter, path, password),
            self._not_exported,
            store=self.handle,
            lock=[self.export_button],
            busy=busy_button(self.export_button, "Exporting\u2026"),
            what="exporting a letter",
        )

    def _not_exported(self, problem: Exception) -> None:
        self.status.setProperty("role", "error")
        if isinstance(problem, OSError | StoreError | SharingRefused | LetterNotReady):
            self.status.setText(f"The letter was not exported: {problem}")
        else:  # logged by the runner
            self.status.setText(
                f"The letter was not exported: something went wrong ({type(problem).__name__})."
            )

    def _exported(self, letter: EmployerLetter, path: Path, password: str | None) -> None:
        self.status.setProperty("role", "success")
        protected = " It is password-protected." if password else " It is NOT password-protected."
        self.status.setText(f"Exported {letter.reference} to {path}.{protected}")
        self.letter_exported.emit(letter.id)
