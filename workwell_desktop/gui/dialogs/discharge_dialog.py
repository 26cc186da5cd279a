"""Discharge: the end of support, with the reason and the work outcome."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ...domain.records import Discharge
from ...domain.vocabulary import DISCHARGE_REASONS, WORK_OUTCOMES
from .. import dates
from ..client_form import new_form_layout
from ..database_handle import DatabaseHandle
from ..form_fields import date_problems
from ..widgets import ChoiceCombo, DateField, chain_tab_order, note_edit, section_card
from .base import RecordDialog


class DischargeDialog(RecordDialog):
    save_text = "&Discharge"

    def __init__(self, handle: DatabaseHandle, client_id: str, client_name: str,
                 parent: QWidget | None = None):
        super().__init__(handle, "Discharge", parent,
                         intro=f"End support for {client_name}. Outcomes can still be followed up later.")
        self.client_id = client_id
        card, layout = section_card("The discharge")
        form = new_form_layout()
        f = self.fields
        self.discharged_on = f.row(form, "discharged_on", "Date of dischar&ge",
                                   DateField("Date of discharge"))
        self.discharged_on.set_latest(dates.today_iso())
        self.reason = f.row(form, "reason", "&Reason",
                            ChoiceCombo(DISCHARGE_REASONS, "Reason for discharge",
                                        prompt="Choose the reason"))
        self.work_outcome = f.row(form, "work_outcome", "&Work outcome",
                                  ChoiceCombo(WORK_OUTCOMES, "Work outcome",
                                              prompt="Choose the work outcome"))
        self.note = f.row(form, "note", "&Note", note_edit("Discharge note"), hint="Optional.")
        layout.addLayout(form)
        self.body.addWidget(card)
        with f.loading():
            self.discharged_on.set_iso(dates.today_iso())
        chain_tab_order([self.discharged_on.edit, self.reason, self.work_outcome, self.note,
                         self.save_button, self.cancel_button])
        self.ready()
        self.discharged_on.setFocus()

    def _discharge(self) -> Discharge:
        return Discharge(client_id=self.client_id, discharged_on=self.discharged_on.iso(),
                         reason=self.reason.code(), work_outcome=self.work_outcome.code(),
                         note=self.note.toPlainText().strip())

    def snapshot(self) -> object:
        d = self._discharge()
        return (d.discharged_on, d.reason, d.work_outcome, d.note)

    def current_errors(self) -> dict[str, str]:
        errors = self._discharge().validate()
        errors.update(date_problems({"discharged_on": self.discharged_on}))
        return errors

    def write(self) -> None:
        self.handle.add(self._discharge())
