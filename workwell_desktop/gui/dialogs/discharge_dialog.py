"""Discharge: the end of support, with the reason and the work outcome (or a correction).

Choosing "Client withdrew" records the withdrawal of consent to take part with it
(journey.withdraw), so sharing is suspended exactly as when it is recorded on the
Consent tab.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QWidget

from ...domain.episodes import WITHDREW
from ...domain.records import ConsentEvent, Discharge
from ...domain.vocabulary import CONSENT_METHODS, DISCHARGE_REASONS, WORK_OUTCOMES
from ...services import journey
from .. import dates
from ..client_form import new_form_layout
from ..form_fields import date_problems
from ..record_store import RecordStore
from ..widgets import ChoiceCombo, ChoiceRadios, DateField, chain_tab_order, note_edit, section_card
from .base import RecordDialog

FOLLOW_UP_TEXT = "The client agreed to be contacted for the follow-ups at 3 and 6 months"
_FIELDS = ("discharged_on", "reason", "work_outcome", "note", "follow_up_agreed")


class DischargeDialog(RecordDialog):
    save_text = "&Discharge"

    def __init__(
        self,
        handle: RecordStore,
        client_id: str,
        client_name: str,
        parent: QWidget | None = None,
        correcting: Discharge | None = None,
    ):
        self.correcting = correcting
        super().__init__(
            handle,
            "Correct the discharge" if correcting else "Discharge",
            parent,
            intro=f"End support for {client_name}. Outcomes can still be followed up later."
            if not correcting
            else f"A corrected version of {client_name}'s discharge.",
        )
        self.client_id = client_id
        if correcting:
            self.save_button.setText("&Save correction")
            self.add_correction_reason("discharge")
        card, layout = section_card("The discharge")
        form = new_form_layout()
        f = self.fields
        self.discharged_on = f.row(
            form, "discharged_on", "Date of dischar&ge", DateField("Date of discharge")
        )
        self.discharged_on.set_latest(dates.today_iso())
        # A withdrawal is recorded as one (with the consent event), never by correcting into it.
        reasons = (
            DISCHARGE_REASONS
            if not correcting or correcting.reason == WITHDREW
            else {k: v for k, v in DISCHARGE_REASONS.items() if k != WITHDREW}
        )
        self.reason = f.row(
            form,
            "reason",
            "&Reason",
            ChoiceCombo(reasons, "Reason for discharge", prompt="Choose the reason"),
        )
        self.method = f.row(
            form,
            "method",
            "How they &told you",
            ChoiceRadios(CONSENT_METHODS, "How the client told you they withdrew"),
            hint="Their consent to take part is recorded as withdrawn: sharing their "
            "information is suspended.",
        )
        self.work_outcome = f.row(
            form,
            "work_outcome",
            "&Work outcome",
            ChoiceCombo(WORK_OUTCOMES, "Work outcome", prompt="Choose the work outcome"),
        )
        self.follow_up = f.row(form, "follow_up_agreed", "&Follow-up", QCheckBox(FOLLOW_UP_TEXT))
        self.note = f.row(form, "note", "&Note", note_edit("Discharge note"), hint="Optional.")
        layout.addLayout(form)
        self.body.addWidget(card)
        with f.loading():
            shown = correcting
            self.discharged_on.set_iso(shown.discharged_on if shown else dates.today_iso())
            self.follow_up.setChecked(shown.follow_up_agreed if shown else True)
            if shown:
                self.reason.set_code(shown.reason)
                self.work_outcome.set_code(shown.work_outcome)
                self.note.setPlainText(shown.note)
        self.reason.currentIndexChanged.connect(self._reason_changed)
        self._reason_changed()
        first = [self.reason_edit] if correcting else []
        chain_tab_order(
            [
                *first,
                self.discharged_on.edit,
                self.reason,
                *self.method.buttons.values(),
                self.work_outcome,
                self.follow_up,
                self.note,
                self.save_button,
                self.cancel_button,
            ]
        )
        self.ready()
        (self.reason_edit if correcting else self.discharged_on).setFocus()

    def _withdrawal(self) -> bool:
        return self.correcting is None and self.reason.code() == WITHDREW

    def _reason_changed(self) -> None:
        withdrew = self._withdrawal()
        self.fields.set_row_visible("method", withdrew)
        if withdrew and self.correcting is None and not self.fields.touched & {"follow_up_agreed"}:
            with self.fields.loading():  # someone who withdrew is not followed up unless they agree
                self.follow_up.setChecked(False)
        self.save_button.setText(
            "&Save correction" if self.correcting else "&Record withdrawal" if withdrew else self.save_text
        )
        if self._initial is not None:
            self.fit_to_screen(grow_only=True)

    def _discharge(self) -> Discharge:
        return Discharge(
            client_id=self.client_id,
            discharged_on=self.discharged_on.iso(),
            reason=self.reason.code(),
            work_outcome=self.work_outcome.code(),
            note=self.note.toPlainText().strip(),
            follow_up_agreed=self.follow_up.isChecked(),
        )

    def snapshot(self) -> object:
        d = self._discharge()
        return (
            d.discharged_on,
            d.reason,
            d.work_outcome,
            d.note,
            d.follow_up_agreed,
            self.method.code(),
            self.correction_reason(),
        )

    corrected_fields = _FIELDS

    def typed(self) -> Discharge:
        return self._discharge()

    def current_errors(self) -> dict[str, str]:
        errors = self._discharge().validate()
        errors.update(date_problems({"discharged_on": self.discharged_on}))
        if self._withdrawal() and not self.method.code():
            errors["method"] = "Say how the client told you they were withdrawing."
        return errors

    def write(self) -> None:
        source = self.handle
        if self._withdrawal():
            d = self._discharge()
            event = ConsentEvent(
                client_id=self.client_id,
                scope="participation",
                action="withdrawn",
                method=self.method.code(),
                recorded_by=self.handle.coach_name,
                recorded_at=_on_the_day(d.discharged_on),
                note=d.note,
            )
            journey.withdraw(
                source, event, follow_up_agreed=d.follow_up_agreed, work_outcome=d.work_outcome, note=d.note
            )
        else:
            d = self._discharge()
            journey.discharge(
                source,
                self.client_id,
                discharged_on=d.discharged_on,
                reason=d.reason,
                work_outcome=d.work_outcome,
                note=d.note,
                follow_up_agreed=d.follow_up_agreed,
            )


def _on_the_day(iso_day: str) -> str:
    """The withdrawal's moment: now when it is today, else noon UTC of the day given."""
    now = dates.utc_now_iso()
    return now if now.startswith(iso_day) else f"{iso_day}T12:00:00+00:00"
