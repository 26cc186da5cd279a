"""One client's record: a header with who they are, and a tab per part of the record."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.caseload import CLIENT_STATUSES
from ..domain.consent import has_consent
from ..domain.episodes import contact_warning, next_review, participation_banner
from ..domain.journey_records import MOVABLE_RECORD_TYPES
from ..domain.plans import PlanSettings, current_settings
from ..domain.records import Client, ConsentEvent
from ..domain.validation import format_nhs_number
from ..services.journey import load_journey
from ..store import Store
from . import dates
from .assessments import AssessmentsTab
from .consent_tab import ConsentTab
from .details_tab import DetailsTab
from .dialogs.consent_dialog import ConsentDialog
from .dialogs.discharge_dialog import DischargeDialog
from .dialogs.fit_note_dialog import FitNoteDialog
from .dialogs.journey_dialogs import FollowUpDialog, MoveRecordDialog, UndoDischargeDialog
from .dialogs.referral_dialog import ReferralDialog
from .dialogs.session_dialog import SessionDialog
from .discharge_card import DischargeCard
from .fit_notes_tab import FitNotesTab
from .letters import LettersTab
from .plan import PlanTab
from .record_store import RecordStore
from .referral_tab import ReferralTab
from .sessions_tab import SessionsTab
from .style import relative_font, set_role
from .widgets import WrappingLabel, access_key, button, chain_tab_order, focus_into, paragraph, scroll_area

DETAILS, REFERRAL, CONSENT, FIT_NOTES, SESSIONS, ASSESSMENTS, PLAN, LETTERS = range(8)


class ClientRecord(QWidget):
    name_changed = Signal(str)

    def __init__(self, handle: RecordStore, client_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.handle, self.client_id = handle, client_id
        self.client: Client | None = None
        self.status = ""
        self.journey = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)

        # Who beside the buttons where there is room, the buttons under who where there is not
        # (a narrow window: see resizeEvent).
        self.header_box = QWidget()
        self.header = header = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.header_box)
        header.setContentsMargins(0, 0, 0, 0)
        who = QVBoxLayout()
        # Both wrap: on one line the summary alone made the window 1,200 pixels wide at 1.5x
        # display scale, pushing Discharge and Lock off a 1366x768 screen (issue #18).
        self.name = WrappingLabel()
        self.name.setFont(relative_font(self.name, 1.4, bold=True))
        self.facts = WrappingLabel()
        self.facts.setAccessibleName("Client summary")
        set_role(self.facts, "hint")
        who.addWidget(self.name)
        who.addWidget(self.facts)
        header.addLayout(who, 1)
        self.header_buttons = QHBoxLayout()
        header.addLayout(self.header_buttons)
        self.session_button = button("New session\u2026", "New session")
        self.session_button.setToolTip("Record a session (Ctrl+Shift+S)")
        self.consent_button = button("&Record consent\u2026", "Record consent")
        self.discharge_button = button("Discharge\u2026", "Discharge")
        for b in (self.session_button, self.consent_button, self.discharge_button):
            self.header_buttons.addWidget(b)
        self.header_buttons.addStretch(1)
        layout.addWidget(self.header_box)
        # The risk marker (domain.risk), shown while a safety task is open or a risk answer is recent.
        self.risk_marker = paragraph("", role="error-summary")
        self.risk_marker.setAccessibleName("Risk marker")
        self.risk_marker.hide()
        layout.addWidget(self.risk_marker)
        # The warning, the discharge card and the tabs scroll together when the window is
        # shorter than they need (a 768-pixel laptop screen at a large text size), so
        # nothing is ever cut off.
        body = QWidget()
        body.setObjectName("Screen")
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.setSpacing(8)
        scroll = scroll_area(body)
        layout.addWidget(scroll, 1)
        self._layout, self._body_layout = layout, body_layout
        self.consent_warning = paragraph("", role="warning")
        self.consent_warning.setAccessibleName("Consent warning")
        body_layout.addWidget(self.consent_warning)
        self.discharge_card = DischargeCard()
        body_layout.addWidget(self.discharge_card)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Parts of the record")
        self.tabs.tabBar().setAccessibleName(self.tabs.accessibleName())  # its Tab stop
        self.details = DetailsTab(handle, client_id)
        self.referral = ReferralTab(handle, client_id)
        self.consent = ConsentTab(handle, client_id)
        self.fit_notes = FitNotesTab(handle, client_id)
        self.sessions = SessionsTab(handle, client_id)
        # This record reloads every tab on the handle's ``saved`` (see reload).
        self.assessments = AssessmentsTab(handle, client_id, reload_on_save=False)
        self.plan = PlanTab(handle, client_id, reload_on_save=False)
        self.letters = LettersTab(handle, client_id)
        for tab, title in (
            (self.details, "&Details"),
            (self.referral, "Referral and &triage"),
            (self.consent, "&Consent"),
            (self.fit_notes, "&Fit notes"),
            (self.sessions, "&Sessions"),
            (self.assessments, "Assess&ments"),
            (self.plan, "P&lan"),
            (self.letters, "&Employer letters"),
        ):
            self.tabs.addTab(tab, title)
        body_layout.addWidget(self.tabs, 1)
        self._chain_tab_order()
        taken = {access_key(self.tabs.tabText(i)) for i in range(self.tabs.count())}
        taken |= {
            access_key(b.text()) for b in (self.session_button, self.consent_button, self.discharge_button)
        }
        self.details.form.fields.drop_access_keys(taken)
        card = self.discharge_card

        self.session_button.clicked.connect(self.new_session)
        self.consent_button.clicked.connect(lambda: self.record_consent(""))
        self.discharge_button.clicked.connect(self.discharge)
        self.consent.record_requested.connect(self.record_consent)
        self.fit_notes.add_requested.connect(self.add_fit_note)
        self.sessions.add_requested.connect(self.new_session)
        self.referral.add_referral_requested.connect(self.add_referral)
        self.sessions.corrections.correct_requested.connect(self.correct_session)
        self.fit_notes.corrections.correct_requested.connect(self.correct_fit_note)
        self.consent.corrections.correct_requested.connect(self.correct_consent)
        for tab in (self.sessions, self.fit_notes, self.consent):
            tab.corrections.move_requested.connect(self.move_record)
        card.follow_up_requested.connect(self.record_follow_up)
        card.correct_follow_up_requested.connect(self.correct_follow_up)
        card.correct_requested.connect(self.correct_discharge)
        card.undo_requested.connect(self.undo_discharge)
        card.re_refer_requested.connect(self.add_referral)
        handle.saved.connect(self._saved)
        self.reload()

    def _chain_tab_order(self) -> None:
        card = self.discharge_card
        chain_tab_order(
            [
                self.session_button,
                self.consent_button,
                self.discharge_button,
                card.follow_up_button,
                card.correct_follow_up_button,
                card.correct_button,
                card.undo_button,
                card.re_refer_button,
                self.tabs,
            ]
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._arrange_header()
        self._place_header()

    def _place_header(self) -> None:
        """The header stays put above the record, except on a screen so short that it would
        take more than a third of the record's height (640x360 logical: 2x display scale on a
        1280x720 laptop): there it scrolls with the record, so the tabs keep the room and the
        window still fits the screen (issue #18). The risk marker never scrolls."""
        height = self.height() if self.isVisible() else self.screen().availableGeometry().height() - 150
        width = max(self.width() - 24, 200)
        box = self.header_box
        needed = box.heightForWidth(width) if box.hasHeightForWidth() else box.sizeHint().height()
        scrolls = needed > height / 3
        in_body = self._body_layout.indexOf(box) >= 0
        if scrolls and not in_body:
            self._body_layout.insertWidget(0, box)
        elif not scrolls and in_body:
            self._layout.insertWidget(0, box)
        else:
            return
        self._chain_tab_order()  # moving a widget puts it last in the focus chain

    def _arrange_header(self) -> None:
        """Buttons beside the name and summary when both fit on one line, else below them:
        squeezed beside, the summary wrapped into four lines (2x display scale, issue #18)."""
        one_line = max(
            self.facts.fontMetrics().horizontalAdvance(self.facts.text()),
            self.name.fontMetrics().horizontalAdvance(self.name.text()),
        )
        needed = one_line + self.header_buttons.sizeHint().width() + 24
        direction = (
            QBoxLayout.Direction.LeftToRight if self.width() >= needed else QBoxLayout.Direction.TopToBottom
        )
        if self.header.direction() != direction:
            self.header.setDirection(direction)

    # ----- reading -------------------------------------------------------
    def _saved(self, client_id: str) -> None:
        if client_id == self.client_id and self.handle.is_open:
            self.reload()

    def reload(self) -> None:
        store = self.handle.store
        self.client = store.get(Client, self.client_id)
        consents = store.for_client(ConsentEvent, self.client_id)
        self.journey = journey = load_journey(self.handle, self.client_id)
        self.status = journey.status
        plan = current_settings(store.for_client(PlanSettings, self.client_id))
        review = next_review(journey.status, plan.next_review_on if plan else "", self.client.next_review_on)
        c = self.client
        self.name.setText(c.full_name)
        self.name.setAccessibleName(f"Client: {c.full_name}")
        age = dates.age_in_years(c.date_of_birth)
        born = dates.for_reading(c.date_of_birth) + (f" (age {age})" if age is not None else "")
        facts = [
            f"NHS number {format_nhs_number(c.nhs_number)}",
            f"Born {born}",
            CLIENT_STATUSES.get(self.status, self.status),
        ]
        if review:  # the plan's: the same date as the plan card and the caseload
            facts.append(f"Next review {dates.for_reading(review)}")
        if c.interpreter_needed:
            facts.append(f"Needs an interpreter ({c.preferred_language})")
        self.facts.setText("  \u00b7  ".join(facts))
        self._arrange_header()
        self._place_header()
        banner = participation_banner(journey, has_consent(consents, "participation"), self._withdrawn_on())
        self.consent_warning.setText(banner)
        self.consent_warning.setVisible(bool(banner))
        self.discharge_card.show_journey(journey)
        self._show_risk_marker(store)
        self.discharge_button.setEnabled(not journey.ended)
        self.discharge_button.setToolTip(
            ""
            if not journey.ended
            else "Support has ended: see the card below to correct, undo or re-refer"
            if journey.status != "declined"
            else "The referral was declined: there is no support to end"
        )
        for tab in (
            self.details,
            self.referral,
            self.consent,
            self.fit_notes,
            self.sessions,
            self.assessments,
            self.plan,
        ):
            tab.reload()
        self.letters.refresh()  # consent may have changed: the letter action follows it
        self.name_changed.emit(c.full_name)

    def _show_risk_marker(self, store: Store) -> None:
        from ..services.safety import client_risk_status

        status = client_risk_status(store, self.client_id)
        text = ""
        if status.open_tasks:
            many = "s" if status.open_tasks > 1 else ""
            text = (
                f"\u26a0 Risk: {status.open_tasks} open safety task{many}. A risk answer was given "
                "and what was done is not recorded yet: record it on the Assessments tab."
            )
        elif status.last_risk_on:
            text = f"\u26a0 Risk answer on {dates.for_reading(status.last_risk_on)}."
        self.risk_marker.setText(text)
        self.risk_marker.setAccessibleDescription(text)
        self.risk_marker.setVisible(bool(text))

    def _withdrawn_on(self) -> str:
        return dates.for_reading(self.journey.withdrawn_at[:10]) if self.journey.withdrawn_at else ""

    def _go_ahead_after_withdrawal(self, what: str) -> bool:
        """Warn before a new session or assessment for a client who withdrew."""
        warning = contact_warning(self.journey, self._withdrawn_on())
        if not warning:
            return True
        answer = QMessageBox.question(
            self,
            f"{what} for a client who withdrew?",
            warning,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def has_unsaved_changes(self) -> bool:
        return self.details.is_dirty() or self.referral.is_dirty()

    # ----- dialogs: window-modal, opened without blocking, so a lock can hide them ------
    def _open(self, dialog: QDialog) -> QDialog:
        dialog.open()
        return dialog

    def new_session(self) -> QDialog | None:
        if not self._go_ahead_after_withdrawal("A session"):
            return None
        return self._open(SessionDialog(self.handle, self.client_id, self.client.full_name, self.window()))

    def record_consent(self, scope: str = "") -> QDialog:
        return self._open(
            ConsentDialog(
                self.handle,
                self.client_id,
                self.client.full_name,
                self.window(),
                scope=scope,
                support_open=not self.journey.ended,
            )
        )

    def add_fit_note(self) -> QDialog:
        return self._open(FitNoteDialog(self.handle, self.client_id, self.client.full_name, self.window()))

    def add_referral(self) -> QDialog:
        return self._open(
            ReferralDialog(
                self.handle,
                self.client_id,
                self.client.full_name,
                self.window(),
                re_referral=self.journey.ended,
            )
        )

    def start_assessment(self) -> None:
        if not self._go_ahead_after_withdrawal("An assessment"):
            return
        self.show_tab(ASSESSMENTS)  # where focus returns when the assessment closes
        self.assessments.start_assessment()

    def show_plan(self) -> None:
        self.show_tab(PLAN)

    def show_tab(self, index: int) -> None:
        """Show a part of the record with the keyboard focus in it (for shortcuts)."""
        self.tabs.setCurrentIndex(index)
        focus_into(self.tabs.currentWidget())

    def discharge(self) -> QDialog:
        return self._open(DischargeDialog(self.handle, self.client_id, self.client.full_name, self.window()))

    # ----- corrections, moves and the rest of the journey -----------------------
    def correct_session(self, session) -> QDialog:
        return self._open(
            SessionDialog(
                self.handle, self.client_id, self.client.full_name, self.window(), correcting=session
            )
        )

    def correct_fit_note(self, note) -> QDialog:
        return self._open(
            FitNoteDialog(self.handle, self.client_id, self.client.full_name, self.window(), correcting=note)
        )

    def correct_consent(self, event) -> QDialog:
        return self._open(
            ConsentDialog(self.handle, self.client_id, self.client.full_name, self.window(), correcting=event)
        )

    def correct_discharge(self) -> QDialog | None:
        if self.journey.discharge is None:
            return None
        return self._open(
            DischargeDialog(
                self.handle,
                self.client_id,
                self.client.full_name,
                self.window(),
                correcting=self.journey.discharge,
            )
        )

    def undo_discharge(self) -> QDialog | None:
        if self.journey.discharge is None:
            return None
        return self._open(
            UndoDischargeDialog(
                self.handle,
                self.client_id,
                self.client.full_name,
                self.journey.discharge.discharged_on,
                self.window(),
            )
        )

    def record_follow_up(self, timepoint: str) -> QDialog | None:
        if self.journey.discharge is None:
            return None
        return self._open(
            FollowUpDialog(
                self.handle,
                self.client_id,
                self.client.full_name,
                timepoint,
                self.journey.discharge.discharged_on,
                self.window(),
            )
        )

    def correct_follow_up(self, timepoint: str) -> QDialog | None:
        outcome = self.journey.outcome_for(timepoint)
        if outcome is None:
            return None
        return self._open(
            FollowUpDialog(
                self.handle,
                self.client_id,
                self.client.full_name,
                timepoint,
                self.journey.discharge.discharged_on,
                self.window(),
                correcting=outcome,
            )
        )

    def move_record(self, record) -> QDialog:
        return self._open(
            MoveRecordDialog(
                self.handle,
                record,
                MOVABLE_RECORD_TYPES[record.record_type],
                self.client.full_name,
                self.window(),
            )
        )
