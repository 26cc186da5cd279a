"""Add a fit note: dates, not fit or may be fit, and the four options when may be fit."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ...domain.records import FitNote
from ...domain.vocabulary import FIT_NOTE_OPTIONS, FIT_NOTE_STATUSES
from .. import dates
from ..client_form import new_form_layout
from ..form_fields import date_problems
from ..record_store import RecordStore
from ..widgets import ChoiceRadios, DateField, OptionChecks, chain_tab_order, note_edit, section_card
from .base import RecordDialog


class FitNoteDialog(RecordDialog):
    save_text = "&Save fit note"

    def __init__(
        self,
        handle: RecordStore,
        client_id: str,
        client_name: str,
        parent: QWidget | None = None,
        correcting: FitNote | None = None,
    ):
        self.correcting = correcting
        super().__init__(
            handle,
            "Correct a fit note" if correcting else "Add a fit note",
            parent,
            intro=f"A fit note for {client_name}."
            if not correcting
            else f"A corrected version of a fit note for {client_name}.",
        )
        self.client_id = client_id
        if correcting:
            self.save_text = "&Save correction"
            self.save_button.setText(self.save_text)
            self.add_correction_reason("fit note")
        card, layout = section_card("The fit note")
        form = new_form_layout()
        f = self.fields
        self.issued_on = f.row(form, "issued_on", "&Issued on", DateField("Issued on"))
        self.issued_on.set_latest(dates.today_iso())
        self.valid_from = f.row(form, "valid_from", "Runs &from", DateField("Runs from"))
        self.valid_to = f.row(form, "valid_to", "Runs &to", DateField("Runs to"))
        self.status = f.row(form, "status", "&Assessment", ChoiceRadios(FIT_NOTE_STATUSES, "Assessment"))
        self.options = f.row(
            form,
            "options",
            "&Options",
            OptionChecks(FIT_NOTE_OPTIONS, "Fit note options"),
            hint="Tick what the fit note says would help.",
        )
        self.functional_effects = f.row(
            form,
            "functional_effects",
            "&Effects on work",
            note_edit("Effects of their condition on work", 3),
            hint="As written on the fit note. Optional.",
        )
        self.condition = f.row(
            form,
            "condition",
            "&Condition",
            note_edit("The condition written on the fit note", 2),
            hint="As written on the fit note. Optional. Never printed in a letter: "
            "letters are checked so they do not mention it by accident.",
        )
        layout.addLayout(form)
        self.body.addWidget(card)
        with f.loading():
            shown = correcting
            self.issued_on.set_iso(shown.issued_on if shown else dates.today_iso())
            self.valid_from.set_iso(shown.valid_from if shown else dates.today_iso())
            self.status.set_code(shown.status if shown else "not_fit")
            if shown:
                self.valid_to.set_iso(shown.valid_to)
                self.options.set_codes(shown.options)
                self.functional_effects.setPlainText(shown.functional_effects)
        self.status.changed.connect(self._status_changed)
        self._status_changed()
        first = [self.reason_edit] if correcting else []
        chain_tab_order(
            [
                *first,
                self.issued_on.edit,
                self.valid_from.edit,
                self.valid_to.edit,
                *self.status.buttons.values(),
                *self.options.boxes.values(),
                self.functional_effects,
                self.condition,
                self.save_button,
                self.cancel_button,
            ]
        )
        self.ready()
        (self.reason_edit if correcting else self.issued_on).setFocus()

    def _status_changed(self) -> None:
        # The options exist only on a "may be fit for work" note.
        self.fields.set_row_visible("options", self.status.code() == "may_be_fit")
        if self._initial is not None:
            self.fit_to_screen(grow_only=True)

    def _note(self) -> FitNote:
        may_be_fit = self.status.code() == "may_be_fit"
        return FitNote(
            client_id=self.client_id,
            issued_on=self.issued_on.iso(),
            valid_from=self.valid_from.iso(),
            valid_to=self.valid_to.iso(),
            status=self.status.code(),
            options=self.options.codes() if may_be_fit else (),
            functional_effects=self.functional_effects.toPlainText().strip(),
            condition=self.condition.toPlainText().strip(),
        )

    def snapshot(self) -> object:
        n = self._note()
        return (
            n.issued_on,
            n.valid_from,
            n.valid_to,
            n.status,
            n.options,
            n.functional_effects,
            n.condition,
            self.correction_reason(),
        )

    corrected_fields = (
        "issued_on",
        "valid_from",
        "valid_to",
        "status",
        "options",
        "functional_effects",
        "condition",
    )

    def typed(self) -> FitNote:
        return self._note()

    def current_errors(self) -> dict[str, str]:
        errors = self._note().validate()
        errors.update(
            date_problems(
                {"issued_on": self.issued_on, "valid_from": self.valid_from, "valid_to": self.valid_to}
            )
        )
        return errors

    def write(self) -> None:
        note = self._note()
        note.recorded_by, note.recorded_at = self.handle.coach_name, dates.utc_now_iso()
        self.handle.add(note)
