"""The journey's other dialogs: undo a discharge, record a follow-up outcome, and move a
record entered on the wrong client to the right one (see workwell_desktop/journey.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from ...domain.journey_records import FOLLOW_UP_CONTACT_RESULTS, FOLLOW_UP_TIMEPOINTS, FollowUpOutcome
from ...domain.records import Record
from ...domain.validation import format_nhs_number
from ...domain.vocabulary import WORK_OUTCOMES, WORK_STATUSES
from ...services import journey
from .. import dates
from ..caseload_model import matches, search_key
from ..client_form import new_form_layout
from ..form_fields import date_problems
from ..record_store import RecordStore
from ..widgets import (
    ChoiceCombo,
    ChoiceRadios,
    DateField,
    chain_tab_order,
    line_edit,
    note_edit,
    paragraph,
    section_card,
)
from .base import RecordDialog


class UndoDischargeDialog(RecordDialog):
    save_text = "&Undo discharge"

    def __init__(
        self,
        handle: RecordStore,
        client_id: str,
        client_name: str,
        discharged_on: str,
        parent: QWidget | None = None,
    ):
        super().__init__(
            handle,
            "Undo the discharge",
            parent,
            intro=f"Reopen support for {client_name}, discharged "
            f"{dates.for_reading(discharged_on)}. The discharge stays in the history; "
            "plan actions it closed open again.",
        )
        self.client_id = client_id
        card, layout = section_card("Why")
        form = new_form_layout()
        self.reason = self.fields.row(
            form,
            "reason",
            "&Reason",
            note_edit("Reason for undoing the discharge", 3),
            hint="For example: discharged in error, or the client came back within days.",
        )
        layout.addLayout(form)
        self.body.addWidget(card)
        chain_tab_order([self.reason, self.save_button, self.cancel_button])
        self.ready()
        self.reason.setFocus()

    def snapshot(self) -> object:
        return self.reason.toPlainText().strip()

    def current_errors(self) -> dict[str, str]:
        if not self.snapshot():
            return {"reason": "Say why the discharge is being undone: it is kept in the history."}
        return {}

    def write(self) -> None:
        journey.undo_discharge(self.handle, self.client_id, self.snapshot())


class FollowUpDialog(RecordDialog):
    """The outcome at the 3- or 6-month follow-up after discharge, or a correction of one."""

    save_text = "&Save follow-up"

    def __init__(
        self,
        handle: RecordStore,
        client_id: str,
        client_name: str,
        timepoint: str,
        discharged_on: str,
        parent: QWidget | None = None,
        correcting: FollowUpOutcome | None = None,
    ):
        self.correcting = correcting
        super().__init__(
            handle,
            "Correct a follow-up" if correcting else "Record a follow-up",
            parent,
            intro=f"{client_name}, discharged {dates.for_reading(discharged_on)}: how they are "
            "doing with work now.",
        )
        self.client_id, self.discharged_on = client_id, discharged_on
        if correcting:
            self.save_button.setText("&Save correction")
            self.add_correction_reason("follow-up")
        card, layout = section_card("The follow-up")
        form = new_form_layout()
        f = self.fields
        self.timepoint = f.row(
            form, "timepoint", "Follow-&up", ChoiceRadios(FOLLOW_UP_TIMEPOINTS, "Follow-up")
        )
        self.contacted_on = f.row(form, "contacted_on", "&Date", DateField("Date of the follow-up contact"))
        self.contacted_on.set_latest(dates.today_iso())
        self.contact_result = f.row(
            form,
            "contact_result",
            "&Contact",
            ChoiceRadios(FOLLOW_UP_CONTACT_RESULTS, "How the contact went", vertical=True),
        )
        self.work_status = f.row(
            form,
            "work_status",
            "Work s&tatus now",
            ChoiceCombo(WORK_STATUSES, "Work status now", prompt="Choose their work status"),
        )
        self.work_outcome = f.row(
            form,
            "work_outcome",
            "Work &outcome",
            ChoiceCombo(
                WORK_OUTCOMES, "Work outcome since discharge", prompt="Choose the outcome since discharge"
            ),
        )
        self.note = f.row(form, "note", "&Note", note_edit("Follow-up note"), hint="Optional.")
        layout.addLayout(form)
        self.body.addWidget(card)
        shown = correcting
        with f.loading():
            self.timepoint.set_code(shown.timepoint if shown else timepoint)
            self.contacted_on.set_iso(shown.contacted_on if shown else dates.today_iso())
            self.contact_result.set_code(shown.contact_result if shown else "reached")
            if shown:
                self.work_status.set_code(shown.work_status)
                self.work_outcome.set_code(shown.work_outcome)
                self.note.setPlainText(shown.note)
        for button in self.timepoint.buttons.values():
            button.setEnabled(correcting is None)
        self.contact_result.changed.connect(self._result_changed)
        self._result_changed()
        first = [self.reason_edit] if correcting else []
        chain_tab_order(
            [
                *first,
                *self.timepoint.buttons.values(),
                self.contacted_on.edit,
                *self.contact_result.buttons.values(),
                self.work_status,
                self.work_outcome,
                self.note,
                self.save_button,
                self.cancel_button,
            ]
        )
        self.ready()
        (self.reason_edit if correcting else self.contacted_on).setFocus()

    def _result_changed(self) -> None:
        reached = self.contact_result.code() == "reached"
        self.fields.set_row_visible("work_status", reached)
        self.fields.set_row_visible("work_outcome", reached)

    def _outcome(self) -> FollowUpOutcome:
        reached = self.contact_result.code() == "reached"
        return FollowUpOutcome(
            client_id=self.client_id,
            discharge_id="shown",
            timepoint=self.timepoint.code(),
            contacted_on=self.contacted_on.iso(),
            contact_result=self.contact_result.code(),
            work_status=self.work_status.code() if reached else "",
            work_outcome=self.work_outcome.code() if reached else "",
            note=self.note.toPlainText().strip(),
            recorded_by="shown",
            recorded_at="shown",
        )

    def snapshot(self) -> object:
        o = self._outcome()
        return (
            o.timepoint,
            o.contacted_on,
            o.contact_result,
            o.work_status,
            o.work_outcome,
            o.note,
            self.correction_reason(),
        )

    corrected_fields = ("contacted_on", "contact_result", "work_status", "work_outcome", "note")

    def typed(self) -> FollowUpOutcome:
        return self._outcome()

    def current_errors(self) -> dict[str, str]:
        errors = self._outcome().validate()
        errors.update(date_problems({"contacted_on": self.contacted_on}))
        if self.contacted_on.iso() and self.contacted_on.iso() < self.discharged_on:
            errors["contacted_on"] = "A follow-up cannot be before the discharge."
        return errors

    def write(self) -> None:
        o = self._outcome()
        journey.record_follow_up(
            self.handle,
            self.client_id,
            timepoint=o.timepoint,
            contacted_on=o.contacted_on,
            contact_result=o.contact_result,
            work_status=o.work_status,
            work_outcome=o.work_outcome,
            note=o.note,
        )


class MoveRecordDialog(RecordDialog):
    """Move a session, fit note or consent entry to the client it belongs to."""

    save_text = "&Move"
    MAX_SHOWN = 30

    def __init__(
        self, handle: RecordStore, record: Record, what: str, client_name: str, parent: QWidget | None = None
    ):
        super().__init__(
            handle,
            f"Move this {what} to another client",
            parent,
            intro=f"Entered on {client_name} by mistake? Choose the client it belongs to. Both "
            "records' histories will say it was moved, and why; neither names the other.",
        )
        self.record, self.what = record, what
        self.entries = [e for e in handle.store.caseload() if e.client_id != record.client_id]
        self.keys = [search_key(e) for e in self.entries]
        card, layout = section_card("The right client")
        form = new_form_layout()
        f = self.fields
        self.search = f.row(
            form,
            "search",
            "&Find",
            line_edit("Find the right client", 80),
            hint="Type part of their name, NHS number or postcode.",
        )
        self.choices = QListWidget()
        self.choices.setAccessibleName("Matching clients")
        self.choices.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        f.row(form, "client_id", "&Client", self.choices)
        self.reason = f.row(
            form,
            "correction_reason",
            "&Reason",
            note_edit("Reason for moving it", 2),
            hint="For example: logged against the wrong Jane.",
        )
        layout.addLayout(form)
        self.body.addWidget(card)
        self.count = paragraph("", role="hint")
        self.body.addWidget(self.count)
        self.search.textChanged.connect(self._filter)
        self.choices.currentItemChanged.connect(lambda *_: self.refresh())
        self._filter()
        chain_tab_order([self.search, self.choices, self.reason, self.save_button, self.cancel_button])
        self.ready()
        self.search.setFocus()

    def _filter(self) -> None:
        query = self.search.text().strip()
        found = [e for e, k in zip(self.entries, self.keys, strict=True) if query and matches(k, query)]
        self.choices.clear()
        for entry in found[: self.MAX_SHOWN]:
            item = QListWidgetItem(
                f"{entry.family_name}, {entry.given_name} \u00b7 NHS "
                f"{format_nhs_number(entry.nhs_number)} \u00b7 born "
                f"{dates.for_reading(entry.date_of_birth)} \u00b7 {entry.postcode}"
            )
            item.setData(Qt.ItemDataRole.UserRole, entry.client_id)
            self.choices.addItem(item)
        more = len(found) - self.MAX_SHOWN
        narrow = f"; type more to narrow ({more} not shown)" if more > 0 else ""
        self.count.setText(f"{len(found)} found{narrow}" if query else "")
        if len(found) == 1:
            self.choices.setCurrentRow(0)

    def chosen(self) -> str:
        item = self.choices.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else ""

    def snapshot(self) -> object:
        return (self.search.text(), self.reason.toPlainText().strip())

    def current_errors(self) -> dict[str, str]:
        errors = {}
        if not self.chosen():
            errors["client_id"] = "Find and choose the client it belongs to."
        if not self.reason.toPlainText().strip():
            errors["correction_reason"] = "Say why it is being moved: it is kept in both histories."
        return errors

    def write(self) -> None:
        journey.move(self.handle, self.record, self.chosen(), self.reason.toPlainText().strip())
        self.handle.announce(self.chosen())  # the right client's record, if open, shows it too
