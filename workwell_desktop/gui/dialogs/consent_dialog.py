"""Record consent: one new entry in the append-only consent log."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QWidget

from ...domain.records import ConsentEvent
from ...domain.vocabulary import CONSENT_ACTIONS, CONSENT_METHODS, CONSENT_SCOPES
from .. import dates
from ..client_form import new_form_layout
from ..database_handle import DatabaseHandle
from ..widgets import (
    ChoiceCombo,
    ChoiceRadios,
    chain_tab_order,
    line_edit,
    note_edit,
    paragraph,
    section_card,
)
from .base import RecordDialog


class ConsentDialog(RecordDialog):
    save_text = "&Record consent"

    def __init__(self, handle: DatabaseHandle, client_id: str, client_name: str,
                 parent: QWidget | None = None, scope: str = ""):
        super().__init__(handle, "Record consent", parent,
                         intro=f"For {client_name}. Each decision is added to the consent log; "
                               "earlier entries are never changed.")
        self.client_id = client_id
        card, layout = section_card("The decision")
        form = new_form_layout()
        f = self.fields
        self.scope = f.row(form, "scope", "Consent &for",
                           ChoiceCombo(CONSENT_SCOPES, "Consent for", prompt="Choose what it is about"))
        self.service_name = f.row(form, "service_name", "&Service name", line_edit("Service name", 120),
                                  hint="The service information may be shared with, for example "
                                       "Talking Therapies Cumbria.")
        self.action = f.row(form, "action", "&Decision", ChoiceRadios(CONSENT_ACTIONS, "Decision"))
        self.method = f.row(form, "method", "&How it was obtained",
                            ChoiceRadios(CONSENT_METHODS, "How it was obtained"))
        self.note = f.row(form, "note", "&Note", note_edit("Note"), hint="Optional.")
        layout.addLayout(form)
        self.body.addWidget(card)
        recorded = dates.for_reading(dates.today_iso())
        self.body.addWidget(paragraph(f"Recorded by {handle.coach_name}, {recorded}.", role="hint"))
        self.scope.currentIndexChanged.connect(self._scope_changed)
        if scope:
            with f.loading():
                self.scope.set_code(scope)
        self._scope_changed()
        chain_tab_order([self.scope, self.service_name, *self.action.buttons.values(),
                         *self.method.buttons.values(), self.note, self.save_button, self.cancel_button])
        self.ready()
        self.scope.setFocus()

    def _scope_changed(self) -> None:
        self.fields.set_row_visible("service_name", self.scope.code() == "share_service")

    def _event(self) -> ConsentEvent:
        scope = self.scope.code()
        return ConsentEvent(
            client_id=self.client_id, scope=scope,
            service_name=self.service_name.text().strip() if scope == "share_service" else "",
            action=self.action.code(), method=self.method.code(),
            recorded_by=self.handle.coach_name, recorded_at=dates.utc_now_iso(),
            note=self.note.toPlainText().strip(),
        )

    def snapshot(self) -> object:
        event = self._event()
        return (event.scope, event.service_name, event.action, event.method, event.note)

    def current_errors(self) -> dict[str, str]:
        return self._event().validate()

    def write(self) -> None:
        from ...domain.consent import moment_after
        from ...domain.records import ConsentEvent as Event

        event = self._event()
        # The latest entry decides consent, so a new one must come after every earlier one
        # (even one synced in with a clock slightly ahead of this laptop's).
        event.recorded_at = moment_after(self.handle.store.for_client(Event, self.client_id),
                                         datetime.now(UTC))
        self.handle.add(event)
