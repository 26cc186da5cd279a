"""The discharge card over the record's tabs: how the current episode ended (date,
reason, work outcome, who), its follow-ups, and what can be done next: record a
follow-up, correct the discharge, undo it, or take a re-referral."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QWidget

from ..domain.assessments import FOLLOW_UP_STATUSES
from ..domain.episodes import STAGES, Journey
from ..domain.journey_records import FOLLOW_UP_CONTACT_RESULTS
from ..domain.vocabulary import DISCHARGE_REASONS, WORK_OUTCOMES, WORK_STATUSES
from . import dates
from .style import set_role
from .widgets import button, paragraph, section_card


def follow_up_text(journey: Journey) -> str:
    parts = []
    for follow in journey.follow_ups:
        outcome = journey.outcome_for(follow.timepoint)
        label = f"{follow.months} months"
        if outcome is not None:
            found = (
                f"{WORK_STATUSES.get(outcome.work_status, outcome.work_status).lower()}, "
                f"{WORK_OUTCOMES.get(outcome.work_outcome, outcome.work_outcome).lower()}"
                if outcome.contact_result == "reached"
                else FOLLOW_UP_CONTACT_RESULTS.get(outcome.contact_result, "").lower()
            )
            parts.append(f"{label}: done {dates.for_reading(outcome.contacted_on)} ({found})")
        elif follow.status == "cancelled":
            parts.append(f"{label}: cancelled")
        else:
            parts.append(
                f"{label}: due {dates.for_reading(follow.due_on)} "
                f"({FOLLOW_UP_STATUSES[follow.status].lower()})"
            )
    if any(f.status == "cancelled" for f in journey.follow_ups):
        parts.append("the client did not agree to be contacted")
    return "Follow-ups: " + "; ".join(parts) if parts else ""


class DischargeCard(QWidget):
    follow_up_requested = Signal(str)  # a timepoint
    correct_follow_up_requested = Signal(str)  # a timepoint
    correct_requested = Signal()
    undo_requested = Signal()
    re_refer_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("How support ended")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.card, layout = section_card("Discharged")
        self.heading: QLabel = layout.itemAt(0).widget()
        self.summary = paragraph("")
        self.summary.setAccessibleName("Discharge summary")
        self.follow_ups = paragraph("", role="hint")
        self.follow_ups.setAccessibleName("Follow-ups")
        layout.addWidget(self.summary)
        layout.addWidget(self.follow_ups)
        # The actions on a row of their own: beside the heading they were cut off at 1.5x text.
        # No Alt-letters: the tabs and the Details form below already use nearly every
        # letter, and a clash would move focus unpredictably; Tab reaches them after the
        # header's buttons.
        bar = QHBoxLayout()
        self.follow_up_button = button("Record follow-up\u2026", "Record a follow-up")
        self.correct_follow_up_button = button("Correct a follow-up", "Correct a follow-up")
        self.correct_button = button("Correct the discharge\u2026", "Correct the discharge")
        self.undo_button = button("Undo discharge\u2026", "Undo the discharge")
        self.re_refer_button = button("Re-refer\u2026", "Add a re-referral")
        self.re_refer_button.setToolTip(
            "A new referral opens a new episode; this one stays readable on the Referral and triage tab"
        )
        for b in (
            self.follow_up_button,
            self.correct_follow_up_button,
            self.correct_button,
            self.undo_button,
            self.re_refer_button,
        ):
            bar.addWidget(b)
        bar.addStretch(1)
        layout.addLayout(bar)
        outer.addWidget(self.card)
        self.follow_up_menu = QMenu(self)
        self.correct_follow_up_menu = QMenu(self)
        self.follow_up_button.setMenu(self.follow_up_menu)
        self.correct_follow_up_button.setMenu(self.correct_follow_up_menu)
        self.correct_button.clicked.connect(self.correct_requested)
        self.undo_button.clicked.connect(self.undo_requested)
        self.re_refer_button.clicked.connect(self.re_refer_requested)
        self.hide()

    def show_journey(self, journey: Journey) -> None:
        end = journey.discharge
        ended_by_withdrawal = journey.status == "withdrew"
        self.setVisible(end is not None or ended_by_withdrawal)
        if end is None:
            if ended_by_withdrawal:
                when = dates.moment_for_reading(journey.withdrawn_at)
                self.heading.setText(f"Withdrew from WorkWell {when}")
                self.summary.setText(f"Recorded by {journey.withdrawn_by}.")
            for b in (
                self.follow_up_button,
                self.correct_follow_up_button,
                self.correct_button,
                self.undo_button,
            ):
                b.hide()
            self.follow_ups.setText("")
            return
        stage = STAGES.get(journey.status, journey.status)
        if journey.status == "withdrew":
            stage = "Withdrew from WorkWell"
        self.heading.setText(f"{stage} {dates.for_reading(end.discharged_on)}")
        self.heading.setAccessibleName(self.heading.text())
        facts = [
            f"Reason: {DISCHARGE_REASONS.get(end.reason, end.reason)}",
            f"Work outcome: {WORK_OUTCOMES.get(end.work_outcome, end.work_outcome)}",
        ]
        if end.recorded_by:
            facts.append(f"Recorded by {end.recorded_by}")
        if end.supersedes:
            facts.append(f"Corrected: {end.correction_reason}")
        text = "  \u00b7  ".join(facts)
        if end.note:
            text += f"\nNote: {end.note}"
        self.summary.setText(text)
        self.follow_ups.setText(follow_up_text(journey))
        set_role(
            self.follow_ups,
            "warning" if any(f.status in ("due", "overdue") for f in journey.follow_ups) else "hint",
        )
        self.follow_up_menu.clear()
        self.correct_follow_up_menu.clear()
        for follow in journey.follow_ups:
            label = f"{follow.months} months after discharge"
            if journey.outcome_for(follow.timepoint) is not None:
                self.correct_follow_up_menu.addAction(
                    label, lambda t=follow.timepoint: self.correct_follow_up_requested.emit(t)
                )
            elif follow.status != "cancelled":
                self.follow_up_menu.addAction(
                    label, lambda t=follow.timepoint: self.follow_up_requested.emit(t)
                )
        self.follow_up_button.setVisible(True)
        self.follow_up_button.setEnabled(not self.follow_up_menu.isEmpty())
        self.follow_up_button.setToolTip(
            ""
            if not self.follow_up_menu.isEmpty()
            else "No follow-up is left to record"
            if journey.follow_ups and all(journey.outcome_for(f.timepoint) for f in journey.follow_ups)
            else "The client did not agree to be contacted for follow-up"
        )
        self.correct_follow_up_button.setVisible(not self.correct_follow_up_menu.isEmpty())
        self.correct_button.show()
        self.undo_button.show()
