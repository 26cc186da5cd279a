"""One client's record: a header with who they are, and a tab per part of the record."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from ..domain.caseload import CLIENT_STATUSES, client_status
from ..domain.consent import has_consent
from ..domain.records import Client, ConsentEvent, Discharge, Referral
from ..domain.validation import format_nhs_number
from . import dates
from .assessments import AssessmentsTab
from .consent_tab import ConsentTab
from .database_handle import DatabaseHandle, LiveStore
from .details_tab import DetailsTab
from .dialogs.consent_dialog import ConsentDialog
from .dialogs.discharge_dialog import DischargeDialog
from .dialogs.fit_note_dialog import FitNoteDialog
from .dialogs.referral_dialog import ReferralDialog
from .dialogs.session_dialog import SessionDialog
from .fit_notes_tab import FitNotesTab
from .letters import LettersTab
from .plan import PlanTab
from .referral_tab import ReferralTab
from .sessions_tab import SessionsTab
from .style import relative_font, set_role
from .widgets import button, chain_tab_order, paragraph

DETAILS, REFERRAL, CONSENT, FIT_NOTES, SESSIONS, ASSESSMENTS, PLAN, LETTERS = range(8)


class ClientRecord(QWidget):
    name_changed = Signal(str)

    def __init__(self, handle: DatabaseHandle, client_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.handle, self.client_id = handle, client_id
        self.client: Client | None = None
        self.status = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)

        header = QHBoxLayout()
        who = QVBoxLayout()
        self.name = QLabel()
        self.name.setFont(relative_font(self.name, 1.4, bold=True))
        self.facts = QLabel()
        self.facts.setAccessibleName("Client summary")
        set_role(self.facts, "hint")
        who.addWidget(self.name)
        who.addWidget(self.facts)
        header.addLayout(who, 1)
        self.session_button = button("New session\u2026", "New session")
        self.session_button.setToolTip("Record a session (Ctrl+Shift+S)")
        self.consent_button = button("Record consent\u2026", "Record consent")
        self.discharge_button = button("Discharge\u2026", "Discharge")
        for b in (self.session_button, self.consent_button, self.discharge_button):
            header.addWidget(b)
        layout.addLayout(header)
        # The risk marker (domain.risk), shown while a safety task is open or a risk answer is recent.
        self.risk_marker = paragraph("", role="error-summary")
        self.risk_marker.setAccessibleName("Risk marker")
        self.risk_marker.hide()
        layout.addWidget(self.risk_marker)
        self.consent_warning = paragraph("", role="warning")
        self.consent_warning.setAccessibleName("Consent warning")
        layout.addWidget(self.consent_warning)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Parts of the record")
        self.details = DetailsTab(handle, client_id)
        self.referral = ReferralTab(handle, client_id)
        self.consent = ConsentTab(handle, client_id)
        self.fit_notes = FitNotesTab(handle, client_id)
        self.sessions = SessionsTab(handle, client_id)
        self.assessments = AssessmentsTab(handle, client_id)
        self.plan = PlanTab(handle, client_id)
        self.letters = LettersTab(LiveStore(handle), client_id)
        # Letters are issued through the store itself: announce them like any save.
        self.letters.letter_issued.connect(lambda _id: handle.saved.emit(client_id))
        for tab, title in ((self.details, "&Details"), (self.referral, "Referral and &triage"),
                           (self.consent, "&Consent"), (self.fit_notes, "&Fit notes"),
                           (self.sessions, "&Sessions"), (self.assessments, "&Assessments"),
                           (self.plan, "&Plan"), (self.letters, "Employer &letters")):
            self.tabs.addTab(tab, title)
        layout.addWidget(self.tabs, 1)
        chain_tab_order([self.session_button, self.consent_button, self.discharge_button, self.tabs])

        self.session_button.clicked.connect(self.new_session)
        self.consent_button.clicked.connect(lambda: self.record_consent(""))
        self.discharge_button.clicked.connect(self.discharge)
        self.consent.record_requested.connect(self.record_consent)
        self.fit_notes.add_requested.connect(self.add_fit_note)
        self.sessions.add_requested.connect(self.new_session)
        self.referral.add_referral_requested.connect(self.add_referral)
        handle.saved.connect(self._saved)
        self.reload()

    # ----- reading -------------------------------------------------------
    def _saved(self, client_id: str) -> None:
        if client_id == self.client_id and self.handle.is_open:
            self.reload()

    def reload(self) -> None:
        store = self.handle.store
        self.client = store.get(Client, self.client_id)
        referrals = store.for_client(Referral, self.client_id)
        discharges = store.for_client(Discharge, self.client_id)
        consents = store.for_client(ConsentEvent, self.client_id)
        self.status = client_status(referrals, discharges)
        c = self.client
        self.name.setText(c.full_name)
        self.name.setAccessibleName(f"Client: {c.full_name}")
        age = dates.age_in_years(c.date_of_birth)
        born = dates.for_reading(c.date_of_birth) + (f" (age {age})" if age is not None else "")
        facts = [f"NHS number {format_nhs_number(c.nhs_number)}", f"Born {born}",
                 CLIENT_STATUSES.get(self.status, self.status)]
        if c.next_review_on:
            facts.append(f"Next review {dates.for_reading(c.next_review_on)}")
        if c.interpreter_needed:
            facts.append(f"Needs an interpreter ({c.preferred_language})")
        self.facts.setText("  \u00b7  ".join(facts))
        consented = has_consent(consents, "participation")
        self.consent_warning.setText(
            "" if consented else "Consent to take part in WorkWell has not been recorded as given. "
                                 "Record it on the Consent tab before support starts.")
        self.consent_warning.setVisible(not consented)
        self._show_risk_marker(store)
        self.discharge_button.setEnabled(self.status != "discharged")
        self.discharge_button.setToolTip("Already discharged" if self.status == "discharged" else "")
        for tab in (self.details, self.referral, self.consent, self.fit_notes, self.sessions,
                    self.assessments, self.plan):
            tab.reload()
        self.letters.refresh()  # consent may have changed: the letter action follows it
        self.name_changed.emit(c.full_name)

    def _show_risk_marker(self, store) -> None:
        from ..safety import client_risk_status

        status = client_risk_status(store, self.client_id)
        text = ""
        if status.open_tasks:
            many = "s" if status.open_tasks > 1 else ""
            text = (f"\u26a0 Risk: {status.open_tasks} open safety task{many}. A risk answer was given "
                    "and what was done is not recorded yet: record it on the Assessments tab.")
        elif status.last_risk_on:
            text = f"\u26a0 Risk answer on {dates.for_reading(status.last_risk_on)}."
        self.risk_marker.setText(text)
        self.risk_marker.setAccessibleDescription(text)
        self.risk_marker.setVisible(bool(text))

    def has_unsaved_changes(self) -> bool:
        return self.details.is_dirty() or self.referral.is_dirty()

    # ----- dialogs: window-modal, opened without blocking, so a lock can hide them ------
    def _open(self, dialog: QDialog) -> QDialog:
        dialog.open()
        return dialog

    def new_session(self) -> QDialog:
        return self._open(SessionDialog(self.handle, self.client_id, self.client.full_name, self.window()))

    def record_consent(self, scope: str = "") -> QDialog:
        return self._open(ConsentDialog(self.handle, self.client_id, self.client.full_name,
                                        self.window(), scope=scope))

    def add_fit_note(self) -> QDialog:
        return self._open(FitNoteDialog(self.handle, self.client_id, self.client.full_name, self.window()))

    def add_referral(self) -> QDialog:
        return self._open(ReferralDialog(self.handle, self.client_id, self.client.full_name, self.window()))

    def start_assessment(self) -> None:
        self.tabs.setCurrentIndex(ASSESSMENTS)
        self.assessments.start_assessment()

    def show_plan(self) -> None:
        self.tabs.setCurrentIndex(PLAN)

    def discharge(self) -> QDialog:
        return self._open(DischargeDialog(self.handle, self.client_id, self.client.full_name, self.window()))
