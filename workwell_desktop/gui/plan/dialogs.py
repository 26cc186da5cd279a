"""Adding and changing plan entries. Each save is a new version; the old one stays in History."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QWidget

from ...domain.consent import LAWFUL_REASONS
from ...domain.plans import (
    ACTION_CHOICES,
    ACTION_OWNERS,
    ACTION_STATUSES,
    GOAL_STATUSES,
    REFERRAL_KINDS,
    REFERRAL_STATUSES,
    SUPPORT_AREAS,
    SUPPORT_TIERS,
    PlanAction,
    PlanEntry,
    PlanGoal,
    PlanNote,
    PlanReferral,
    PlanSettings,
    ServiceDirectory,
)
from ...services import plans as service
from .. import dates
from ..client_form import new_form_layout
from ..dialogs.base import RecordDialog
from ..form_fields import date_problems
from ..record_store import RecordStore
from ..widgets import ChoiceCombo, ChoiceRadios, DateField, line_edit, note_edit, paragraph, section_card

_VALIDATION_STAMP = "validating"  # recorded_by/at are set by the service when saving


class PlanEntryDialog(RecordDialog):
    """Shared by goals, actions and referrals: ``shown`` is the version being changed, or
    None for a new entry."""

    entry_cls: type[PlanEntry]

    def __init__(
        self,
        source: RecordStore,
        client_id: str,
        title: str,
        shown: PlanEntry | None,
        parent: QWidget | None = None,
        intro: str | None = None,
    ):
        super().__init__(source, title, parent, intro=intro)
        self.client_id, self.shown = client_id, shown
        self.saved_entry: PlanEntry | None = None

    def values(self) -> dict:
        raise NotImplementedError

    def entry(self) -> PlanEntry:
        base = self.shown or self.entry_cls(client_id=self.client_id)
        return replace(base, recorded_by=_VALIDATION_STAMP, recorded_at=_VALIDATION_STAMP, **self.values())

    def snapshot(self) -> object:
        return tuple(sorted(self.values().items()))

    def current_errors(self) -> dict[str, str]:
        return self.entry().validate()

    def write(self) -> None:
        if self.shown is None:
            self.saved_entry = service.add_entry(
                self.handle, self.entry_cls(client_id=self.client_id, **self.values())
            )
        else:
            self.saved_entry = service.change_entry(self.handle, self.shown, **self.values())


class GoalDialog(PlanEntryDialog):
    entry_cls = PlanGoal
    save_text = "&Save goal"

    def __init__(
        self,
        source: RecordStore,
        client_id: str,
        shown: PlanGoal | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(
            source,
            client_id,
            "Change goal" if shown else "New goal",
            shown,
            parent,
            intro="Write the goal as the client says it, in their own words.",
        )
        card, layout = section_card("The goal")
        form = new_form_layout()
        self.text = self.fields.row(form, "text", "&Goal", note_edit("Goal in the client's own words", 3))
        self.status = self.fields.row(form, "status", "S&tatus", ChoiceRadios(GOAL_STATUSES, "Goal status"))
        layout.addLayout(form)
        self.body.addWidget(card)
        with self.fields.loading():
            self.text.setPlainText(shown.text if shown else "")
            self.status.set_code(shown.status if shown else "active")
        if shown:
            self.fields.touch_all()
        self.ready()
        self.text.setFocus()

    def values(self) -> dict:
        return {"text": self.text.toPlainText().strip(), "status": self.status.code()}


class ActionDialog(PlanEntryDialog):
    entry_cls = PlanAction
    save_text = "&Save action"

    def __init__(
        self,
        source: RecordStore,
        client_id: str,
        goals: dict[str, str],
        shown: PlanAction | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(
            source,
            client_id,
            "Change action" if shown else "New action",
            shown,
            parent,
            intro="A step towards a goal: who will do it and by when.",
        )
        card, layout = section_card("The action")
        form = new_form_layout()
        f = self.fields
        self.text = f.row(form, "text", "&Action", note_edit("What will be done", 2))
        self.goal = f.row(
            form,
            "goal_id",
            "For &goal",
            ChoiceCombo({k: v[:80] for k, v in goals.items()}, "For goal", prompt="(no goal)"),
        )
        self.owner = f.row(form, "owner", "&Who", ChoiceRadios(ACTION_OWNERS, "Who will do it"))
        self.owner_name = f.row(
            form,
            "owner_name",
            "&Name",
            line_edit("Name of who will do it", 80),
            hint="For someone else, for example the client's line manager.",
        )
        self.due_on = f.row(form, "due_on", "&Due", DateField("Due date"), hint=dates.TYPING_HINT)
        self.status = f.row(
            form,
            "status",
            "S&tatus",
            ChoiceRadios(
                ACTION_STATUSES if shown and shown.status not in ACTION_CHOICES else ACTION_CHOICES,
                "Action status",
            ),
        )
        layout.addLayout(form)
        self.body.addWidget(card)
        with f.loading():
            if shown:
                self.text.setPlainText(shown.text)
                self.goal.set_code(shown.goal_id)
                self.owner_name.setText(shown.owner_name)
                self.due_on.set_iso(shown.due_on)
            self.owner.set_code(shown.owner if shown else "client")
            self.status.set_code(shown.status if shown else "open")
        self.owner.changed.connect(self._owner_changed)
        self._owner_changed()
        if shown:
            f.touch_all()
        self.ready()
        self.text.setFocus()

    def _owner_changed(self) -> None:
        self.fields.set_row_visible("owner_name", self.owner.code() == "other")

    def values(self) -> dict:
        other = self.owner.code() == "other"
        return {
            "text": self.text.toPlainText().strip(),
            "goal_id": self.goal.code(),
            "owner": self.owner.code(),
            "owner_name": self.owner_name.text().strip() if other else "",
            "due_on": self.due_on.iso(),
            "status": self.status.code(),
        }

    def current_errors(self) -> dict[str, str]:
        errors = super().current_errors()
        errors.update(date_problems({"due_on": self.due_on}))
        return errors


class ReferralDialog(PlanEntryDialog):
    """A referral or signposting, chosen from the local directory filtered by support area."""

    entry_cls = PlanReferral
    save_text = "&Save"
    width_in_chars = 96

    def __init__(
        self,
        source: RecordStore,
        client_id: str,
        directory: ServiceDirectory,
        shown: PlanReferral | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(
            source,
            client_id,
            "Change referral or signposting" if shown else "New referral or signposting",
            shown,
            parent,
            intro="Choose the support area, then a service from the local "
            "directory (or type one that is not listed).",
        )
        self.directory = directory
        if directory.example_data:
            notice = paragraph(
                directory.notice or "The services directory holds example data.", role="warning"
            )
            notice.setAccessibleName("Example directory")
            self.body.addWidget(notice)
        card, layout = section_card("The service")
        form = new_form_layout()
        f = self.fields
        self.area = f.row(
            form,
            "support_area",
            "Support &area",
            ChoiceCombo(SUPPORT_AREAS, "Support area", prompt="Choose a support area"),
        )
        self.service = QComboBox()
        self.service.setAccessibleName("Service from the directory")
        # Long service names must not widen the dialog past the screen: the list pops up wider.
        self.service.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.service.setMinimumContentsLength(36)
        self.service.view().setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        f.row(
            form,
            "directory",
            "From the &directory",
            self.service,
            hint="Choosing one fills in the name and contact.",
        )
        self.service_name = f.row(form, "service_name", "Service &name", line_edit("Service name", 120))
        self.contact = f.row(form, "service_contact", "&Contact", line_edit("Service contact", 160))
        self.kind = f.row(
            form, "kind", "&Kind", ChoiceRadios(REFERRAL_KINDS, "Referral or signposting", vertical=True)
        )
        self.status = f.row(form, "status", "S&tatus", ChoiceRadios(REFERRAL_STATUSES, "Referral status"))
        self.made_on = f.row(form, "made_on", "&Made on", DateField("Date made"), hint=dates.TYPING_HINT)
        self.made_on.set_latest(dates.today_iso())
        self.note = f.row(form, "note", "N&ote", note_edit("Referral note", 2))
        self.sharing_reason = f.row(
            form,
            "sharing_reason",
            "Share &without consent",
            ChoiceCombo(
                LAWFUL_REASONS,
                "Reason to share without consent",
                prompt="No: the client consents to share with this service",
            ),
            hint="A referral made shares the client's details with the service. Without their consent "
            "to share with it, choose the lawful reason; it is recorded.",
        )
        layout.addLayout(form)
        self.body.addWidget(card)
        with f.loading():
            if shown:
                self.area.set_code(shown.support_area)
                self.service_name.setText(shown.service_name)
                self.contact.setText(shown.service_contact)
                self.made_on.set_iso(shown.made_on)
                self.note.setPlainText(shown.note)
                self.sharing_reason.set_code(shown.sharing_reason)
            self.kind.set_code(shown.kind if shown else "signposting")
            self.status.set_code(shown.status if shown else "planned")
            self._fill_services()
        self.area.currentIndexChanged.connect(self._fill_services)
        self.service.activated.connect(self._service_chosen)
        if shown:
            f.touch_all()
        self.ready()
        self.area.setFocus()

    def _fill_services(self) -> None:
        self.service.clear()
        entries = self.directory.in_area(self.area.code())
        self.service.addItem(
            "Choose a service, or type one below"
            if entries
            else "No services listed for this area: type one below",
            None,
        )
        for entry in entries:
            self.service.addItem(f"{entry.name} \u2013 {entry.area_covered}", entry)
        for index in range(1, self.service.count()):
            if self.service.itemData(index).name == self.service_name.text():
                self.service.setCurrentIndex(index)

    def _service_chosen(self, index: int) -> None:
        entry = self.service.itemData(index)
        if entry is not None:
            self.service_name.setText(entry.name)
            self.contact.setText(entry.contact)
            self.fields.set_hint("directory", f"{entry.description} Covers {entry.area_covered}.".strip())

    def values(self) -> dict:
        return {
            "support_area": self.area.code(),
            "service_name": self.service_name.text().strip(),
            "service_contact": self.contact.text().strip(),
            "kind": self.kind.code(),
            "status": self.status.code(),
            "made_on": self.made_on.iso(),
            "note": self.note.toPlainText().strip(),
            "sharing_reason": self.sharing_reason.code(),
        }

    def current_errors(self) -> dict[str, str]:
        errors = super().current_errors()
        errors.update(date_problems({"made_on": self.made_on}))
        if "status" not in errors:
            problem = service.referral_sharing_problem(self.handle.store, self.entry(), self.shown)
            if problem:
                errors["status"] = problem
        return errors


class SettingsDialog(RecordDialog):
    """The support tier and the next review date."""

    save_text = "&Save"

    def __init__(
        self,
        source: RecordStore,
        client_id: str,
        shown: PlanSettings | None,
        parent: QWidget | None = None,
        next_review_on: str | None = None,
    ):
        super().__init__(
            source,
            "Support tier and next review",
            parent,
            intro="Universal is light touch; targeted adds more support and social "
            "prescribing; holistic is the most intensive.",
        )
        self.client_id, self.shown = client_id, shown
        card, layout = section_card("The plan")
        form = new_form_layout()
        self.tier = self.fields.row(
            form, "support_tier", "Support &tier", ChoiceRadios(SUPPORT_TIERS, "Support tier", vertical=True)
        )
        self.next_review = self.fields.row(
            form, "next_review_on", "&Next review", DateField("Next review date"), hint=dates.TYPING_HINT
        )
        layout.addLayout(form)
        self.body.addWidget(card)
        with self.fields.loading():
            self.tier.set_code(shown.support_tier if shown else "")
            # The date shown everywhere else (domain.episodes.next_review), so the dialog
            # never opens empty while the card shows a date.
            self.next_review.set_iso(
                next_review_on if next_review_on is not None else shown.next_review_on if shown else ""
            )
        self.ready()
        self.tier.setFocus()

    def values(self) -> dict:
        return {"support_tier": self.tier.code(), "next_review_on": self.next_review.iso()}

    def snapshot(self) -> object:
        return tuple(sorted(self.values().items()))

    def current_errors(self) -> dict[str, str]:
        base = self.shown or PlanSettings(client_id=self.client_id)
        errors = replace(
            base, recorded_by=_VALIDATION_STAMP, recorded_at=_VALIDATION_STAMP, **self.values()
        ).validate()
        errors.update(date_problems({"next_review_on": self.next_review}))
        return errors

    def write(self) -> None:
        service.save_settings(self.handle, self.client_id, **self.values())


class ReviewDialog(RecordDialog):
    """A plan review held: what was reviewed, and when the next one is."""

    save_text = "&Save review"

    def __init__(
        self, source: RecordStore, client_id: str, shown: PlanSettings | None, parent: QWidget | None = None
    ):
        super().__init__(
            source,
            "Record a plan review",
            parent,
            intro="Look at the goals and actions together and agree the next review.",
        )
        self.client_id, self.shown = client_id, shown
        card, layout = section_card("The review")
        form = new_form_layout()
        f = self.fields
        self.reviewed_on = f.row(
            form, "last_reviewed_on", "&Reviewed on", DateField("Date of the review"), hint=dates.TYPING_HINT
        )
        self.reviewed_on.set_latest(dates.today_iso())
        self.next_review = f.row(
            form, "next_review_on", "&Next review", DateField("Next review date"), hint=dates.TYPING_HINT
        )
        self.tier = f.row(
            form, "support_tier", "Support &tier", ChoiceRadios(SUPPORT_TIERS, "Support tier", vertical=True)
        )
        self.note = f.row(
            form,
            "text",
            "What was &agreed",
            note_edit("Review note", 4),
            hint="Progress, what changed in the plan and why. It cannot be edited once saved.",
        )
        layout.addLayout(form)
        self.body.addWidget(card)
        with f.loading():
            self.reviewed_on.set_iso(dates.today_iso())
            self.tier.set_code(shown.support_tier if shown else "")
        self.ready()
        self.reviewed_on.setFocus()

    def snapshot(self) -> object:
        return (self.reviewed_on.iso(), self.next_review.iso(), self.tier.code(), self.note.toPlainText())

    def current_errors(self) -> dict[str, str]:
        settings = PlanSettings(
            client_id=self.client_id,
            support_tier=self.tier.code(),
            next_review_on=self.next_review.iso(),
            last_reviewed_on=self.reviewed_on.iso(),
            recorded_by=_VALIDATION_STAMP,
            recorded_at=_VALIDATION_STAMP,
        )
        errors = settings.validate()
        if not self.reviewed_on.iso():
            errors["last_reviewed_on"] = "Enter the date of the review."
        if not self.next_review.iso():
            errors["next_review_on"] = "Enter when the next review is."
        note = PlanNote(
            client_id=self.client_id,
            written_on=self.reviewed_on.iso() or dates.today_iso(),
            kind="review",
            text=self.note.toPlainText(),
            recorded_by=_VALIDATION_STAMP,
            recorded_at=_VALIDATION_STAMP,
        )
        errors.update({k: m for k, m in note.validate().items() if k == "text"})
        errors.update(
            date_problems({"last_reviewed_on": self.reviewed_on, "next_review_on": self.next_review})
        )
        return errors

    def write(self) -> None:
        service.record_review(
            self.handle,
            self.client_id,
            self.reviewed_on.iso(),
            self.next_review.iso(),
            self.note.toPlainText(),
            support_tier=self.tier.code(),
        )


class NoteDialog(RecordDialog):
    """A progress note, or a correction of one (which needs the reason)."""

    save_text = "&Save note"

    def __init__(
        self,
        source: RecordStore,
        client_id: str,
        parent: QWidget | None = None,
        correcting: PlanNote | None = None,
    ):
        super().__init__(
            source,
            "Correct a note" if correcting else "New progress note",
            parent,
            intro="A note cannot be edited once saved; a correction is kept alongside it."
            if not correcting
            else "The original note is kept and marked as corrected.",
        )
        # Not ``correcting``: that is RecordDialog's journey correction; a note's correction
        # is a plan note of its own (services.plans.correct_note), with its reason in it.
        self.client_id, self.corrects = client_id, correcting
        card, layout = section_card("The note")
        form = new_form_layout()
        f = self.fields
        self.written_on = f.row(
            form, "written_on", "&Date", DateField("Date of the note"), hint=dates.TYPING_HINT
        )
        self.written_on.set_latest(dates.today_iso())
        self.text = f.row(form, "text", "&Note", note_edit("Progress note", 5))
        self.reason = note_edit("Reason for the correction", 2)
        if correcting:
            f.row(form, "correction_reason", "&Reason for the correction", self.reason)
        layout.addLayout(form)
        self.body.addWidget(card)
        with f.loading():
            self.written_on.set_iso(correcting.written_on if correcting else dates.today_iso())
            self.text.setPlainText(correcting.text if correcting else "")
        self.written_on.setEnabled(correcting is None)
        self.ready()
        self.text.setFocus()

    def snapshot(self) -> object:
        return (self.written_on.iso(), self.text.toPlainText(), self.reason.toPlainText())

    def current_errors(self) -> dict[str, str]:
        note = PlanNote(
            client_id=self.client_id,
            written_on=self.written_on.iso(),
            kind=self.corrects.kind if self.corrects else "progress",
            text=self.text.toPlainText(),
            recorded_by=_VALIDATION_STAMP,
            recorded_at=_VALIDATION_STAMP,
            supersedes=self.corrects.id if self.corrects else "",
            correction_reason=self.reason.toPlainText(),
        )
        errors = note.validate()
        errors.update(date_problems({"written_on": self.written_on}))
        return errors

    def write(self) -> None:
        if self.corrects is not None:
            service.correct_note(
                self.handle, self.corrects, self.text.toPlainText(), self.reason.toPlainText()
            )
        else:
            service.add_note(self.handle, self.client_id, self.text.toPlainText(), self.written_on.iso())


__all__ = ["GoalDialog", "ActionDialog", "ReferralDialog", "SettingsDialog", "ReviewDialog", "NoteDialog"]
