"""New session: a contact with the client (date, how, where, how long, a note)."""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox, QWidget

from ...domain.records import ContactSession
from ...domain.vocabulary import SESSION_MODES
from .. import dates
from ..client_form import new_form_layout
from ..form_fields import date_problems
from ..record_store import RecordStore
from ..widgets import ChoiceRadios, DateField, chain_tab_order, line_edit, note_edit, section_card
from .base import RecordDialog

VENUE_HINT = {
    "in_person": "Where you met, for example Brampton GP practice or Carlisle community hub.",
    "phone": "Optional for a phone call.",
    "video": "Optional for a video call.",
}


class SessionDialog(RecordDialog):
    save_text = "&Save session"

    def __init__(
        self,
        handle: RecordStore,
        client_id: str,
        client_name: str,
        parent: QWidget | None = None,
        correcting: ContactSession | None = None,
    ):
        self.correcting = correcting
        super().__init__(
            handle,
            "Correct a session" if correcting else "New session",
            parent,
            intro=f"A contact with {client_name}."
            if not correcting
            else f"A corrected version of a session with {client_name}.",
        )
        self.client_id = client_id
        if correcting:
            self.save_text = "&Save correction"
            self.save_button.setText(self.save_text)
            self.add_correction_reason("session")
        card, layout = section_card("The session")
        form = new_form_layout()
        f = self.fields
        self.held_on = f.row(form, "held_on", "&Date", DateField("Session date"))
        self.held_on.set_latest(dates.today_iso())
        self.mode = f.row(form, "mode", "&How", ChoiceRadios(SESSION_MODES, "How the session was held"))
        self.venue = f.row(form, "venue", "&Venue", line_edit("Venue", 120), hint=VENUE_HINT["in_person"])
        self.duration = QSpinBox()
        self.duration.setRange(1, 480)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" minutes")
        self.duration.setAccessibleName("Duration in minutes")
        f.row(form, "duration_minutes", "D&uration", self.duration)
        self.note = f.row(
            form,
            "note",
            "&Note",
            note_edit("Session note", 5),
            hint="What you talked about and agreed. It cannot be edited once saved.",
        )
        layout.addLayout(form)
        self.body.addWidget(card)
        with f.loading():
            shown = correcting
            self.held_on.set_iso(shown.held_on if shown else dates.today_iso())
            self.mode.set_code(shown.mode if shown else "in_person")
            self.duration.setValue(shown.duration_minutes if shown else 45)
            if shown:
                self.venue.setText(shown.venue)
                self.note.setPlainText(shown.note)
        self.mode.changed.connect(self._mode_changed)
        first = [self.reason_edit] if correcting else []
        chain_tab_order(
            [
                *first,
                self.held_on.edit,
                *self.mode.buttons.values(),
                self.venue,
                self.duration,
                self.note,
                self.save_button,
                self.cancel_button,
            ]
        )
        self.ready()
        (self.reason_edit if correcting else self.held_on).setFocus()

    def _mode_changed(self) -> None:
        self.fields.set_hint("venue", VENUE_HINT.get(self.mode.code(), ""))
        self.refresh()

    def _session(self) -> ContactSession:
        return ContactSession(
            client_id=self.client_id,
            held_on=self.held_on.iso(),
            mode=self.mode.code(),
            venue=self.venue.text().strip(),
            duration_minutes=self.duration.value(),
            note=self.note.toPlainText().strip(),
            recorded_by=self.handle.coach_name,
        )

    def snapshot(self) -> object:
        s = self._session()
        return (s.held_on, s.mode, s.venue, s.duration_minutes, s.note, self.correction_reason())

    corrected_fields = ("held_on", "mode", "venue", "duration_minutes", "note")

    def typed(self) -> ContactSession:
        return self._session()

    def current_errors(self) -> dict[str, str]:
        errors = self._session().validate()
        errors.update(date_problems({"held_on": self.held_on}))
        return errors

    def write(self) -> None:
        session = self._session()
        session.recorded_at = dates.utc_now_iso()
        self.handle.add(session)
