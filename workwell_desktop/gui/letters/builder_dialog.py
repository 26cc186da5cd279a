"""Preparing an employer letter with the client: what to recommend, what to disclose, and their agreement.

The form is on the left and the letter as the employer will read it on the right,
updated as the coach types. Issue is refused, with an error summary (form_fields), until
the letter is complete and the coach confirms the client has seen and agreed it; changing
anything afterwards clears that confirmation, because the client agreed the words as they
were. Enter issues (except in a multi-line box, where Ctrl+Enter does); a client still
awaiting triage is asked about first.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...documents.catalogue import load_catalogue, load_service, load_wording
from ...documents.disclosure import findings_message
from ...documents.letter_text import letter_text
from ...domain.letters import ConsentRequired, EmployerLetter, LetterDraft, LetterNotReady
from ...domain.records import Client
from ...services.letters import (
    DisclosureRefused,
    agreement_hash,
    consent_problem,
    draft_findings,
    for_client,
    issue_letter,
    new_draft,
)
from ...store import Store, StoreError
from .. import dates
from ..form_fields import ErrorSummary, FieldSet
from ..record_store import RecordStore
from ..style import set_role
from ..tasks import Task, busy_button, run_in_background
from ..widgets import (
    DateField,
    FieldMessage,
    button,
    chain_tab_order,
    hint_label,
    line_edit,
    may_discard,
    note_edit,
    paragraph,
    primary_button,
    scroll_area,
    section_card,
    title_label,
)
from .adjustment_picker import AdjustmentPicker
from .preview import letter_html
from .schedule_editor import PhasedReturnEditor

log = logging.getLogger(__name__)

# Names for the parts of the letter that are not single fields, for "To issue, check: ...".
_PART_NAMES = {
    "adjustments": "recommended adjustments",
    "phased_return": "phased return",
    "client_agreed": "the client's agreement",
    "disclosure": "the words named at the top",
    "client_name": "client's name",
}


class LetterBuilderDialog(QDialog):
    """``LetterBuilderDialog(handle, client_id, parent=None, based_on=None)``.

    ``based_on``: an issued letter to correct; the new one supersedes it.
    Emits ``issued(letter_id)`` and closes once the letter is issued.
    """

    issued = Signal(str)

    def __init__(
        self,
        handle: RecordStore,
        client_id: str,
        parent: QWidget | None = None,
        based_on: EmployerLetter | None = None,
    ):
        super().__init__(parent)
        self.handle, self.client_id = handle, client_id
        self._issuing: Task | None = None
        self.catalogue, self.service, self.wording = load_catalogue(), load_service(), load_wording()
        self.client: Client = handle.get(Client, client_id)
        self.supersedes = based_on.id if based_on else ""
        self.issued_letter: EmployerLetter | None = None
        self._agreed_at = ""
        self._agreed_hash = ""  # of the exact text the client agreed (see documents.disclosure)
        self._findings: list = []
        self._touched_parts: set[str] = set()
        self._loading = False
        self.setWindowTitle(f"Employer letter for {self.client.full_name}")
        self.setAccessibleName("Employer letter builder")
        self._build(based_on)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(250)
        self._preview_timer.timeout.connect(self.update_preview)
        self.load(based_on.draft() if based_on else new_draft(self.store, client_id, self.catalogue))
        self.check_consent()
        self.update_preview()
        screen = QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen else None
        char = self.fontMetrics().averageCharWidth()
        width, height = char * 170, self.fontMetrics().lineSpacing() * 46
        if room is not None:
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(width, height)

    # ----- building -------------------------------------------------------
    @property
    def issuing(self) -> bool:
        """True while the letter is being issued in the background (Issue stays disabled)."""
        return self._issuing is not None and self._issuing.running

    @property
    def store(self) -> Store:
        """The open store, for the documents functions (raises Locked while locked)."""
        return self.handle.store

    def _build(self, based_on: EmployerLetter | None) -> None:
        self.fields = FieldSet(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(8)
        outer.addWidget(title_label(f"Employer letter for {self.client.full_name}", 1.3))
        self.error_summary = self.fields.attach_summary(ErrorSummary())
        outer.addWidget(self.error_summary)
        self.consent_banner = paragraph("", role="warning")
        self.consent_banner.setAccessibleName("Consent")
        self.consent_banner.hide()
        outer.addWidget(self.consent_banner)
        # Exactly which words would disclose a condition the client kept private, or identify them.
        self.disclosure_banner = paragraph("", role="warning")
        self.disclosure_banner.setAccessibleName("What the letter must not say")
        self.disclosure_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.disclosure_banner.hide()
        outer.addWidget(self.disclosure_banner)
        if based_on is not None:
            outer.addWidget(
                paragraph(
                    f"This letter corrects {based_on.reference}. The earlier letter is kept; the client must "
                    "see and agree this one before it is issued.",
                    role="inset",
                )
            )

        form_page = QWidget()
        column = QVBoxLayout(form_page)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(10)
        column.addWidget(self._recipient_card())
        column.addWidget(self._effects_card())
        column.addWidget(self._adjustments_card())
        column.addWidget(self._schedule_card())
        column.addWidget(self._sign_off_card())
        column.addWidget(self._agreement_card())
        column.addStretch(1)
        scroll = scroll_area(form_page)
        scroll.setAccessibleName("Letter details")
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own

        preview_side = QWidget()
        preview_layout = QVBoxLayout(preview_side)
        preview_layout.setContentsMargins(8, 0, 0, 0)
        heading = QLabel("Preview: what the employer will read")
        heading.setProperty("role", "section")
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Letter preview")
        self.preview.setOpenLinks(False)
        heading.setBuddy(self.preview)
        preview_layout.addWidget(heading)
        preview_layout.addWidget(self.preview, 1)
        preview_layout.addWidget(
            hint_label(
                "The reference and the PDF are made when you issue the letter. Show the client this preview."
            )
        )

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(scroll)
        splitter.addWidget(preview_side)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        outer.addWidget(splitter, 1)

        bar = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What is still needed")
        self.cancel_button = button("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.issue_button = primary_button("&Issue letter", "Issue letter")
        self.issue_button.setToolTip(
            "Save the letter and its PDF in the client's record (Enter, or "
            "Ctrl+Enter in a box of several lines)"
        )
        self.issue_button.clicked.connect(self.issue)
        # Enter issues (the default button); in a multi-line box Enter is a new line, so
        # Ctrl+Enter issues from anywhere.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.issue)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.issue_button)
        outer.addLayout(bar)

        # Problems with parts of the letter that are not single fields go to the part.
        self.fields.link("adjustments", self.adjustments)
        self.fields.link("phased_return", self.schedule)
        self.fields.link("client_agreed", self.agreed)
        self.fields.edited.connect(self._content_changed)
        self.adjustments.changed.connect(lambda: self._content_changed("adjustments"))
        self.schedule.changed.connect(lambda: self._content_changed("phased_return"))
        self.share_condition.toggled.connect(self._share_toggled)
        self.agreed.toggled.connect(self._agreed_toggled)
        chain_tab_order(
            [
                self.employer_name,
                self.employer_address,
                self.recipient_name,
                self.recipient_role,
                self.functional_effects,
                self.share_condition,
                self.condition,
                *self._adjustment_widgets(),
                *self.schedule.input_widgets(),
                self.review_on.edit,
                self.coach_name,
                self.coach_role,
                self.agreed,
                self.preview,
                self.cancel_button,
                self.issue_button,
            ]
        )

    def _adjustment_widgets(self) -> list[QWidget]:
        widgets: list[QWidget] = []
        for choice in self.adjustments.choices.values():
            widgets += [choice.box, choice.wording]
        return widgets

    def _card(self, heading: str) -> tuple[QWidget, QFormLayout]:
        card, layout = section_card(heading)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)
        return card, form

    def _recipient_card(self) -> QWidget:
        card, form = self._card("Who the letter is to")
        self.employer_name = self.fields.row(form, "employer_name", "&Employer", line_edit("Employer", 200))
        self.employer_address = self.fields.row(
            form,
            "employer_address",
            "Employer a&ddress",
            note_edit("Employer address", 4),
            "One line per address line. Leave blank if the client will hand the letter over.",
        )
        self.recipient_name = self.fields.row(
            form,
            "recipient_name",
            "&Addressed to",
            line_edit("Addressed to", 200, "For example the line manager"),
        )
        self.recipient_role = self.fields.row(
            form,
            "recipient_role",
            "Their &role",
            line_edit("Their role", 200, "For example Operations Manager"),
        )
        return card

    def _effects_card(self) -> QWidget:
        card, form = self._card(f"How {self.client.given_name}'s health affects their work")
        self.functional_effects = self.fields.row(
            form,
            "functional_effects",
            "&Functional effects",
            note_edit("Functional effects", 5),
            "What they can and cannot do at the moment, as a fit note says it. Always printed.",
        )
        self.share_condition = QCheckBox("The client has chosen to share their health &condition")
        self.share_condition.setAccessibleName("The client has chosen to share their health condition")
        form.addRow(self.share_condition)
        self.condition = self.fields.row(
            form,
            "condition",
            "Condition &wording",
            line_edit("Condition wording", 300),
            "Printed only when the box above is ticked. Use the words the client agreed.",
        )
        self.condition.setEnabled(False)
        return card

    def _adjustments_card(self) -> QWidget:
        card, layout = section_card("Recommended adjustments")
        layout.addWidget(
            hint_label("Tick each adjustment to recommend, then edit its wording with the client.")
        )
        self.adjustments = AdjustmentPicker(self.catalogue, self.client.given_name)
        self.adjustments_message = FieldMessage()
        layout.addWidget(self.adjustments_message)
        layout.addWidget(self.adjustments)
        return card

    def _schedule_card(self) -> QWidget:
        card, layout = section_card("Suggested phased return")
        layout.addWidget(
            hint_label("Start from a preset and adjust each week. Leave empty if there is no phased return.")
        )
        self.schedule = PhasedReturnEditor(self.catalogue.presets)
        self.schedule_message = FieldMessage()
        layout.addWidget(self.schedule)
        layout.addWidget(self.schedule_message)
        return card

    def _sign_off_card(self) -> QWidget:
        card, form = self._card("Review and sign-off")
        self.review_on = self.fields.row(
            form, "review_on", "Re&view by", DateField("Review by"), dates.TYPING_HINT
        )
        self.coach_name = self.fields.row(form, "coach_name", "Your &name", line_edit("Your name", 200))
        self.coach_role = self.fields.row(form, "coach_role", "Your r&ole", line_edit("Your role", 200))
        return card

    def _agreement_card(self) -> QWidget:
        card, layout = section_card("The client's agreement")
        self.agreed = QCheckBox("The client has seen and a&greed the content of this letter")
        self.agreed.setAccessibleName("The client has seen and agreed the content of this letter")
        self.agreed_note = hint_label("")
        self.agreed_note.setAccessibleName("Agreement recorded")
        self.agreed_message = FieldMessage()
        layout.addWidget(self.agreed)
        layout.addWidget(self.agreed_note)
        layout.addWidget(self.agreed_message)
        return card

    # ----- values ---------------------------------------------------------
    def load(self, draft: LetterDraft) -> None:
        """Fill the form from a draft (a new one, or the letter being corrected)."""
        self._loading = True
        try:
            with self.fields.loading():
                self.employer_name.setText(draft.employer_name)
                self.employer_address.setPlainText(draft.employer_address)
                self.recipient_name.setText(draft.recipient_name)
                self.recipient_role.setText(draft.recipient_role)
                self.functional_effects.setPlainText(draft.functional_effects)
                self.share_condition.setChecked(draft.share_condition)
                self.condition.setText(draft.condition)
                self.adjustments.set_chosen(draft.adjustments)
                self.schedule.set_weeks(draft.phased_return)
                self.review_on.set_iso(draft.review_on)
                self.coach_name.setText(draft.coach_name)
                self.coach_role.setText(draft.coach_role)
        finally:
            self._loading = False
        self.agreed.setChecked(False)
        self._validate()
        self._initial = self._wording()

    def _wording(self) -> LetterDraft:
        """The letter without the agreement: what Escape would throw away."""
        return replace(
            self.draft(), client_agreed=False, agreed_recorded_by="", agreed_at="", agreed_text_hash=""
        )

    def is_dirty(self) -> bool:
        return self.issued_letter is None and self._wording() != self._initial

    def reject(self) -> None:
        """Escape or Cancel: ask first when the letter was changed (nothing is kept)."""
        if self.is_dirty() and not may_discard(
            self, "Discard this letter?", "The letter has not been issued. Close it and lose your changes?"
        ):
            return
        super().reject()

    def draft(self) -> LetterDraft:
        """The letter as the form stands (the condition is dropped unless shared)."""
        return for_client(
            self.store,
            self.client_id,
            LetterDraft(
                employer_name=self.employer_name.text().strip(),
                employer_address=self.employer_address.toPlainText(),
                recipient_name=self.recipient_name.text().strip(),
                recipient_role=self.recipient_role.text().strip(),
                functional_effects=self.functional_effects.toPlainText().strip(),
                adjustments=self.adjustments.chosen(),
                phased_return=self.schedule.weeks(),
                review_on=self.review_on.iso(),
                share_condition=self.share_condition.isChecked(),
                condition=self.condition.text().strip(),
                coach_name=self.coach_name.text().strip(),
                coach_role=self.coach_role.text().strip(),
                client_agreed=self.agreed.isChecked(),
                agreed_recorded_by=self.store.coach_name if self.agreed.isChecked() else "",
                agreed_at=self._agreed_at if self.agreed.isChecked() else "",
                agreed_text_hash=self._agreed_hash if self.agreed.isChecked() else "",
            ),
        )

    def errors(self) -> dict[str, str]:
        errors = self.draft().validate()
        problem = self.review_on.problem()
        if problem:
            errors["review_on"] = problem
        if self._findings:
            errors["disclosure"] = findings_message(self._findings)
        return errors

    def refresh_findings(self) -> None:
        """Check the letter as it would print, and show exactly which words may not be sent."""
        try:
            self._findings = draft_findings(self.store, self.client_id, self.draft())
        except Exception:  # a half-typed form must never stop the coach working
            log.exception("disclosure check failed")
            return
        message = findings_message(self._findings)
        self.disclosure_banner.setText(message)
        self.disclosure_banner.setVisible(bool(message))

    # ----- reacting -------------------------------------------------------
    def _share_toggled(self, on: bool) -> None:
        self.condition.setEnabled(on)
        self._content_changed("condition")

    def _content_changed(self, part: str | None = None) -> None:
        if self._loading:
            return
        if part:
            self._touched_parts.add(part)
        if self.agreed.isChecked():
            self.agreed.setChecked(False)
            self.agreed_note.setText(
                "The letter changed after the client agreed it: check it with them again, then tick the box."
            )
        self._validate()
        self._preview_timer.start()

    def _agreed_toggled(self, on: bool) -> None:
        if on:
            self._agreed_at = dates.utc_now_iso()
            self._agreed_hash = agreement_hash(self.store, self.client_id, self.draft())
            self.agreed_note.setText(
                f"Recorded by {self.store.coach_name} at {dates.moment_for_reading(self._agreed_at)}."
            )
            self.fields.touch_all()
            self._touched_parts.update(_PART_NAMES)
        elif not self._loading and not self.agreed_note.text().startswith("The letter changed"):
            self._agreed_at = ""
            self._agreed_hash = ""
            self.agreed_note.setText("")
        self._validate()

    def check_consent(self) -> bool:
        """Show why a letter cannot be issued when consent is not current; True when it is."""
        problem = consent_problem(self.store, self.client_id)
        self.consent_banner.setText(problem or "")
        self.consent_banner.setVisible(bool(problem))
        self._consent_ok = problem is None
        self._validate()
        return self._consent_ok

    def _validate(self) -> None:
        if not hasattr(self, "issue_button"):
            return
        errors = self.errors()
        if not getattr(self, "_consent_ok", False) and self.consent_banner.text():
            errors["consent"] = self.consent_banner.text()
        self.fields.show(errors)
        self.adjustments.show_errors(errors)
        shown = {
            name: errors.get(name) if name in self._touched_parts else None
            for name in ("adjustments", "phased_return", "client_agreed")
        }
        self.adjustments_message.show_message(shown["adjustments"])
        self.schedule_message.show_message(shown["phased_return"])
        self.agreed_message.show_message(shown["client_agreed"] if self.agreed.isChecked() else None)
        ready = not errors and getattr(self, "_consent_ok", False)
        if not getattr(self, "_consent_ok", False):
            self.summary.setText("A letter cannot be issued without consent to share with the employer.")
        elif not self.agreed.isChecked() and set(errors) == {"client_agreed"}:
            self.summary.setText("Show the client the letter. When they agree it, tick the box above.")
        elif errors:
            errors.pop("consent", None)
            names = [self.fields.label_for(n).lower() for n in self.fields.fields if n in errors]
            names += [_PART_NAMES.get(n, "adjustment wording") for n in errors if n not in self.fields.fields]
            names = list(dict.fromkeys(names))
            self.summary.setText(
                "To issue, check: "
                + ", ".join(names[:4])
                + (f" and {len(names) - 4} more." if len(names) > 4 else ".")
            )
        else:
            self.summary.setText("Ready to issue.")
        # Guidance, not an error: problems show in the error summary once Issue is pressed.
        set_role(self.summary, "success" if ready else "hint")

    def update_preview(self) -> None:
        if not self.handle.is_open:
            return  # the app locked (or closed) while the timer was running
        self.refresh_findings()
        self._validate()
        try:
            text = letter_text(self.draft(), self.service, self.wording)
        except Exception:  # a half-typed form must never stop the coach working
            log.exception("letter preview failed")
            return
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setHtml(letter_html(text, self.service.service_name, "given when issued", date.today()))
        self.preview.verticalScrollBar().setValue(scroll)

    # ----- issuing --------------------------------------------------------
    def issue_problems(self) -> dict[str, str]:
        """What stops the letter being issued, by field or part (empty: it can be issued)."""
        errors = self.errors()
        if not self.check_consent():
            errors["consent"] = self.consent_banner.text()
        return errors

    def _awaiting_triage(self) -> bool:
        from ...services.journey import load_journey

        return load_journey(self.store, self.client_id).status == "awaiting_triage"

    def issue(self) -> None:
        """Issue the letter (consent is checked again now); closes the dialog when done.
        The PDF is rendered and the letter saved off the GUI thread, on a connection of
        its own; the coach sees "Issuing…" if it takes a moment, and cannot issue twice.

        With problems, nothing is issued: the error summary lists them."""
        if self.issuing:
            return
        errors = self.issue_problems()
        if errors:
            self._touched_parts.update(_PART_NAMES)
            self._validate()
            self.fields.reveal(errors)
            return
        if self._awaiting_triage():
            answer = QMessageBox.question(
                self,
                "Issue a letter before triage?",
                f"{self.client.full_name}'s referral has not been triaged yet, so WorkWell has not "
                "accepted them for support. Issue the letter to their employer anyway?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        client_id, draft, supersedes = self.client_id, self.draft(), self.supersedes
        self._issuing = run_in_background(
            self,
            lambda store: issue_letter(store, client_id, draft, supersedes=supersedes),
            self._issued,
            self._not_issued,
            store=self.handle,
            lock=[self.issue_button],
            busy=busy_button(self.issue_button, "Issuing\u2026"),
            what="issuing a letter",
        )

    def _not_issued(self, problem: Exception) -> None:
        if isinstance(problem, ConsentRequired):
            self.check_consent()
            self.consent_banner.setFocus()
        elif isinstance(problem, DisclosureRefused):
            self._findings = problem.findings
            self.disclosure_banner.setText(findings_message(self._findings))
            self.disclosure_banner.setVisible(True)
            self.disclosure_banner.setFocus()
        elif isinstance(problem, LetterNotReady):
            self.fields.touch_all()
            self._touched_parts.update(_PART_NAMES)
        elif isinstance(problem, StoreError):
            self.summary.setText(f"The letter was not issued: {problem}")
            return
        else:  # logged by the runner
            self.summary.setText(
                f"The letter was not issued: something went wrong "
                f"({type(problem).__name__}). Try again, or contact service IT."
            )
            return
        self._validate()  # also sets the Issue button as the form now stands

    def _issued(self, letter: EmployerLetter) -> None:
        self.issued_letter = letter
        log.info("employer letter issued")
        self.handle.announce(self.client_id)  # saved on its own connection
        self.issued.emit(letter.id)
        self.accept()
