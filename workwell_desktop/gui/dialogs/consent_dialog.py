"""Record consent: one new entry in the append-only consent log."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QWidget

from ...domain.records import ConsentEvent
from ...domain.vocabulary import CONSENT_ACTIONS, CONSENT_METHODS, CONSENT_SCOPES, WORK_OUTCOMES
from ...services import consent
from .. import dates
from ..client_form import new_form_layout
from ..record_store import RecordStore
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

_LEAVING_HINT = (
    "Taking part withdrawn: support ends (status Withdrew), sharing their information is "
    "suspended and open plan actions close."
)
_AFTER_HINT = "Sharing their information is suspended; follow-ups go ahead only if they agreed."


class ConsentDialog(RecordDialog):
    save_text = "&Record consent"

    def __init__(
        self,
        handle: RecordStore,
        client_id: str,
        client_name: str,
        parent: QWidget | None = None,
        scope: str = "",
        correcting: ConsentEvent | None = None,
        support_open: bool = False,
    ):
        self.correcting = correcting
        # Withdrawing participation (services.consent, then journey.withdraw): while support
        # is open it ends it; after a discharge it brings the follow-up agreement up to date.
        self.support_open = support_open and correcting is None
        super().__init__(
            handle,
            "Correct a consent entry" if correcting else "Record consent",
            parent,
            intro=f"For {client_name}. Each decision is added to the consent log; "
            "earlier entries are never changed."
            if not correcting
            else f"For {client_name}. A mistaken entry is replaced by a corrected one at the same "
            "place in the log; the original stays in the history.",
        )
        self.client_id = client_id
        if correcting:
            self.save_button.setText("&Save correction")
            self.add_correction_reason("entry")
        card, layout = section_card("The decision")
        form = new_form_layout()
        f = self.fields
        self.scope = f.row(
            form,
            "scope",
            "Consent &for",
            ChoiceCombo(CONSENT_SCOPES, "Consent for", prompt="Choose what it is about"),
        )
        self.service_name = f.row(
            form,
            "service_name",
            "&Service name",
            line_edit("Service name", 120),
            hint="The service information may be shared with, for example Talking Therapies Cumbria.",
        )
        self.action = f.row(form, "action", "&Decision", ChoiceRadios(CONSENT_ACTIONS, "Decision"))
        self.method = f.row(
            form, "method", "&How it was obtained", ChoiceRadios(CONSENT_METHODS, "How it was obtained")
        )
        self.note = f.row(form, "note", "&Note", note_edit("Note"), hint="Optional.")
        self.follow_up = f.row(
            form,
            "follow_up_agreed",
            "Follow-&up",
            QCheckBox("They agreed to be contacted for the follow-ups at 3 and 6 months"),
            hint=_LEAVING_HINT,
        )
        self.work_outcome = f.row(
            form,
            "work_outcome",
            "&Work outcome",
            ChoiceCombo(WORK_OUTCOMES, "Work outcome when they withdrew"),
        )
        layout.addLayout(form)
        self.body.addWidget(card)
        recorded = dates.for_reading(dates.today_iso())
        self.body.addWidget(paragraph(f"Recorded by {handle.coach_name}, {recorded}.", role="hint"))
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.action.changed.connect(self._scope_changed)
        with f.loading():
            self.work_outcome.set_code("unknown")
            if correcting:
                self.scope.set_code(correcting.scope)
                self.service_name.setText(correcting.service_name)
                self.action.set_code(correcting.action)
                self.method.set_code(correcting.method)
                self.note.setPlainText(correcting.note)
            elif scope:
                self.scope.set_code(scope)
        self._scope_changed()
        first = [self.reason_edit] if correcting else []
        chain_tab_order(
            [
                *first,
                self.scope,
                self.service_name,
                *self.action.buttons.values(),
                *self.method.buttons.values(),
                self.note,
                self.follow_up,
                self.work_outcome,
                self.save_button,
                self.cancel_button,
            ]
        )
        self.ready()
        (self.reason_edit if correcting else self.scope).setFocus()

    def withdraws_participation(self) -> bool:
        return (
            self.correcting is None
            and self.scope.code() == "participation"
            and self.action.code() == "withdrawn"
        )

    def _scope_changed(self) -> None:
        self.fields.set_row_visible("service_name", self.scope.code() == "share_service")
        leaving = self.withdraws_participation()
        self.fields.set_row_visible("follow_up_agreed", leaving)
        self.fields.set_row_visible("work_outcome", leaving and self.support_open)
        self.fields.set_hint("follow_up_agreed", _LEAVING_HINT if self.support_open else _AFTER_HINT)
        if self.correcting is None:
            self.save_button.setText("&Record withdrawal" if leaving else self.save_text)
        if self._initial is not None:
            self.fit_to_screen(grow_only=True)

    def _event(self) -> ConsentEvent:
        scope = self.scope.code()
        return ConsentEvent(
            client_id=self.client_id,
            scope=scope,
            service_name=self.service_name.text().strip() if scope == "share_service" else "",
            action=self.action.code(),
            method=self.method.code(),
            recorded_by=self.handle.coach_name,
            recorded_at=dates.utc_now_iso(),
            note=self.note.toPlainText().strip(),
        )

    def snapshot(self) -> object:
        event = self._event()
        return (
            event.scope,
            event.service_name,
            event.action,
            event.method,
            event.note,
            self.follow_up.isChecked(),
            self.work_outcome.code(),
            self.correction_reason(),
        )

    corrected_fields = ("scope", "service_name", "action", "method", "note")

    def typed(self) -> ConsentEvent:
        return self._event()

    def current_errors(self) -> dict[str, str]:
        return self._event().validate()

    def write(self) -> None:
        consent.record_decision(
            self.handle,
            self._event(),
            follow_up_agreed=self.follow_up.isChecked(),
            work_outcome=self.work_outcome.code(),
        )
