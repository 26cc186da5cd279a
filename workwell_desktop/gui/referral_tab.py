"""Referral and triage: the client's referrals, and the triage decision for each."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ..domain.episodes import STAGES, episodes_of
from ..domain.journey_records import DischargeUndo
from ..domain.records import Discharge, Referral
from ..domain.vocabulary import (
    DECLINE_REASONS,
    DISCHARGE_REASONS,
    REFERRAL_ROUTES,
    TRIAGE_OUTCOMES,
    WORK_OUTCOMES,
)
from ..store import InvalidRecord, StoreError
from . import dates
from .client_form import new_form_layout
from .form_fields import ErrorSummary, FieldSet, date_problems
from .record_store import RecordStore
from .record_table import Column, RecordTableModel, record_table
from .style import ERROR_RED, SUCCESS_GREEN, set_role
from .widgets import (
    ChoiceCombo,
    ChoiceRadios,
    DateField,
    button,
    chain_tab_order,
    may_discard,
    note_edit,
    paragraph,
    primary_button,
    section_card,
)

_OUTCOME_COLOUR = {"accepted": SUCCESS_GREEN, "declined": ERROR_RED}

COLUMNS = (
    Column("Received", lambda r: dates.for_reading(r.received_on), width_chars=13),
    Column("Route", lambda r: REFERRAL_ROUTES.get(r.route, r.route), width_chars=26),
    Column(
        "Triage",
        lambda r: TRIAGE_OUTCOMES.get(r.triage_outcome, r.triage_outcome),
        colour=lambda r: _OUTCOME_COLOUR.get(r.triage_outcome),
        width_chars=16,
    ),
    Column("First contact", lambda r: dates.for_reading(r.first_contact_on), width_chars=14),
    Column("Referrer", lambda r: r.referrer),
)


def episode_text(episode) -> str:
    """How an episode of support stands or ended, for the referrals list."""
    if episode is None:
        return ""
    if episode.end is not None:
        outcome = WORK_OUTCOMES.get(episode.end.work_outcome, episode.end.work_outcome)
        return (
            f"{STAGES.get(episode.stage, episode.stage)} {dates.for_reading(episode.end.discharged_on)}: "
            f"{DISCHARGE_REASONS.get(episode.end.reason, episode.end.reason)}; {outcome.lower()}"
        )
    undone = " (a discharge was undone)" if episode.undos else ""
    return STAGES.get(episode.stage, episode.stage) + undone


class ReferralTab(QWidget):
    add_referral_requested = Signal()

    def __init__(self, handle: RecordStore, client_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Referral and triage")
        self.handle, self.client_id = handle, client_id
        self.current: Referral | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        top = QHBoxLayout()
        top.addWidget(
            paragraph(
                "Referrals, newest first: each opens an episode of support (a "
                "re-referral opens a new one). Choose one to record its triage.",
                role="hint",
            ),
            1,
        )
        self.add_button = button("&Add a referral\u2026", "Add a referral")
        self.add_button.clicked.connect(self.add_referral_requested)
        top.addWidget(self.add_button)
        layout.addLayout(top)
        self._episodes: dict[str, object] = {}
        episode_column = Column("Episode", lambda r: episode_text(self._episodes.get(r.id)))
        self.model = RecordTableModel(
            (*COLUMNS[:-1], Column("Referrer", COLUMNS[-1].text, width_chars=16), episode_column), self
        )
        self.table = record_table(self.model, "Referrals")
        self.table.setMaximumHeight(self.table.verticalHeader().defaultSectionSize() * 4 + 40)
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        layout.addWidget(self.table)
        layout.addWidget(self._build_triage(), 1)
        chain_tab_order(
            [
                self.add_button,
                self.table,
                *self.outcome.buttons.values(),
                self.decline_reason,
                self.triage_note,
                self.triaged_on.edit,
                self.first_contact_on.edit,
                self.save_button,
            ]
        )

    def _build_triage(self) -> QWidget:
        card, layout = section_card("Triage")
        self.triage_heading = layout.itemAt(0).widget()
        form = new_form_layout()
        f = self.fields = FieldSet(self)
        layout.addWidget(f.attach_summary(ErrorSummary()))
        self.outcome = f.row(
            form, "triage_outcome", "Decis&ion", ChoiceRadios(TRIAGE_OUTCOMES, "Triage decision")
        )
        self.decline_reason = f.row(
            form,
            "decline_reason",
            "Reas&on for declining",
            ChoiceCombo(DECLINE_REASONS, "Reason for declining", prompt="Choose a reason"),
            hint="This is fed back to the referrer.",
        )
        self.triage_note = f.row(form, "triage_note", "Note for t&he referrer", note_edit("Triage note", 3))
        self.triaged_on = f.row(form, "triaged_on", "Date of tria&ge", DateField("Date of triage"))
        self.first_contact_on = f.row(
            form,
            "first_contact_on",
            "Date of first co&ntact",
            DateField("Date of first contact"),
            hint="The first time you spoke with them. Leave empty until then.",
        )
        for field in (self.triaged_on, self.first_contact_on):
            field.set_latest(dates.today_iso())
        layout.addLayout(form)
        bar = QHBoxLayout()
        self.save_button = primary_button("Sa&ve triage")
        self.save_button.clicked.connect(self.save)
        self.status = paragraph("")
        self.status.setAccessibleName("Triage save status")
        bar.addWidget(self.save_button)
        bar.addSpacing(12)
        bar.addWidget(self.status, 1)
        layout.addLayout(bar)
        layout.addStretch(1)
        f.edited.connect(self.refresh)
        self.outcome.changed.connect(self._outcome_changed)
        return card

    # ----- loading ---------------------------------------------------------
    def reload(self) -> None:
        store = self.handle.store
        every = store.for_client(Referral, self.client_id)
        ended = episodes_of(
            every,
            store.for_client(Discharge, self.client_id),
            store.for_client(DischargeUndo, self.client_id),
        )
        self._episodes = {e.referral.id: e for e in ended if e.referral is not None}
        referrals = sorted(every, key=lambda r: r.received_on, reverse=True)
        keep = self.current.id if self.current else None
        dirty = self.is_dirty()
        self.model.set_rows(referrals)
        row = next((i for i, r in enumerate(referrals) if r.id == keep), 0)
        if referrals:
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)
            if not dirty:
                self._load(referrals[row])
        else:
            self._load(None)

    def _chosen(self, current, _previous) -> None:
        if not current.isValid():
            return
        chosen = self.model.row_object(current.row())
        if self.current and chosen.id == self.current.id:
            return
        if self.is_dirty():
            if not may_discard(
                self,
                "Discard the triage you typed?",
                "The triage for the other referral is not saved. Discard it?",
            ):
                return
        self._load(chosen)

    def _load(self, referral: Referral | None) -> None:
        self.current = referral
        with self.fields.loading():
            self.outcome.set_code(referral.triage_outcome if referral else "pending")
            self.decline_reason.set_code(referral.decline_reason if referral else "")
            self.triage_note.setPlainText(referral.triage_note if referral else "")
            self.triaged_on.set_iso(referral.triaged_on if referral else "")
            self.first_contact_on.set_iso(referral.first_contact_on if referral else "")
        if referral:
            self.triage_heading.setText(
                f"Triage of the referral received {dates.for_reading(referral.received_on)}"
            )
        else:
            self.triage_heading.setText("Triage (no referral recorded: add one first)")
        for widget in (
            *self.outcome.buttons.values(),
            self.triage_note,
            self.triaged_on,
            self.first_contact_on,
        ):
            widget.setEnabled(referral is not None)
        self.fields.start_over()
        self._say("", "hint")
        self._outcome_changed()

    def _outcome_changed(self) -> None:
        declined = self.outcome.code() == "declined"
        self.fields.set_row_visible("decline_reason", declined)
        self.decline_reason.setEnabled(declined)
        if self.outcome.code() != "pending" and not self.triaged_on.text():
            self.triaged_on.set_iso(dates.today_iso())
        self.refresh()

    # ----- checking and saving ----------------------------------------------
    def values(self) -> dict:
        outcome = self.outcome.code()
        return {
            "triage_outcome": outcome,
            "decline_reason": self.decline_reason.code() if outcome == "declined" else "",
            "triage_note": self.triage_note.toPlainText().strip(),
            "triaged_on": self.triaged_on.iso() if outcome != "pending" else "",
            "first_contact_on": self.first_contact_on.iso(),
        }

    def changes(self) -> dict:
        if self.current is None:
            return {}
        return {k: v for k, v in self.values().items() if getattr(self.current, k) != v}

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def refresh(self) -> dict[str, str]:
        self.save_button.setEnabled(self.current is not None)  # nothing chosen, nothing to save
        if self.current is None:
            return {}
        errors = replace(self.current, **self.values()).validate()
        errors.update(
            date_problems({"triaged_on": self.triaged_on, "first_contact_on": self.first_contact_on})
        )
        self.fields.show(errors)
        dirty = self.is_dirty()
        if dirty:
            self._say("You have changes that are not saved yet.", "hint")
        elif self.status.property("role") != "success":
            self._say("", "hint")
        return errors

    def _say(self, text: str, role: str) -> None:
        self.status.setText(text)
        set_role(self.status, role)

    def save(self) -> None:
        if self.current is None:
            return
        errors = self.refresh()
        if errors:
            self.fields.reveal(errors)
            return
        if not self.is_dirty():
            self._say("Nothing to save: the triage has not changed.", "hint")
            return
        try:
            updated = self.handle.update(Referral, self.current.id, **self.changes())
        except InvalidRecord as refused:
            self.fields.reveal(refused.errors)
            return
        except StoreError as failed:
            self._say(f"Not saved. {failed}", "error")
            return
        self.current = updated
        self.reload()
        self._say("Triage saved.", "success")
