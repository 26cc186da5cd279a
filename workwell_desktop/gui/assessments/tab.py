"""The Assessments tab: start a measure, follow-ups due after discharge, change since
baseline with a small chart per measure, and every completed assessment."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...domain.assessments import (
    FOLLOW_UP_STATUSES,
    TIMEPOINTS,
    Assessment,
    number_text,
    timepoint_label,
)
from ...domain.risk import SafetyTask
from ...instruments import get_instrument, list_instruments
from ...services import assessments as service
from ...services import safety as safety_service
from ...store import InvalidRecord, StoreError
from .. import dates
from ..record_store import RecordStore
from ..record_table import Column, RecordTableModel, record_table
from ..style import ERROR_RED, SECONDARY_TEXT, SUCCESS_GREEN, WARNING_TEXT, set_role
from ..widgets import (
    ChoiceCombo,
    button,
    chain_tab_order,
    paragraph,
    primary_button,
    scroll_area,
    section_card,
)
from .runner import AssessmentRunner
from .safety_prompt import SafetyPrompt
from .trend_chart import TrendChart

_FOLLOW_UP_COLOUR = {
    "overdue": ERROR_RED,
    "due": WARNING_TEXT,
    "done": SUCCESS_GREEN,
    "upcoming": SECONDARY_TEXT,
}


def measure_name(instrument_id: str) -> str:
    try:
        return get_instrument(instrument_id).short_name
    except ValueError:
        return instrument_id


def score_text(a: Assessment) -> str:
    if a.total is None:
        return "\u2013" if a.band else "Not scored"
    prorated = " (prorated)" if service.missing_items_of(a) else ""
    if a.raw is not None and a.raw != a.total:
        return f"{number_text(a.total)} (raw {a.raw}){prorated}"
    return number_text(a.total) + prorated


def risk_text(a: Assessment) -> str:
    if not a.flags:
        return ""
    return "Yes, safety recorded" if a.safety is not None else "Yes: record what was done"


def task_text(task: SafetyTask) -> str:
    """'PHQ-9 question 9 answered 2, 1 Dec 2026 14:02 UTC: you chose Later.'"""
    when = task.since.replace("T", " ")[:16] + (" UTC" if "T" in task.since else "")
    if task.from_assessment:
        what = (
            f"{measure_name(task.instrument_id)} with a risk answer and no safety record "
            "(from another device)"
        )
    else:
        what = f"{measure_name(task.instrument_id)} question {task.item_number} answered {task.answer}"
    later = " The coach chose Later." if task.chose_later else ""
    return f"{what}, {when}.{later}"


COLUMNS = (
    Column("Date", lambda a: dates.for_reading(a.completed_on), width_chars=12),
    Column("Measure", lambda a: measure_name(a.instrument_id), width_chars=16),
    Column("Timepoint", lambda a: timepoint_label(a.timepoint), width_chars=20),
    Column("Score", score_text, width_chars=12),
    Column("Band", lambda a: a.band, width_chars=22),
    Column("Risk answer", risk_text, colour=lambda a: ERROR_RED if a.flags else None, width_chars=22),
    Column("By", lambda a: a.completed_by + (" (corrected)" if a.supersedes else ""), width_chars=18),
)


class MeasureCard(QFrame):
    """A measure's change since baseline in words, over its trend chart."""

    def __init__(self, trend, parent: QWidget | None = None):
        super().__init__(parent)
        set_role(self, "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        self.summary = QLabel(trend.summary())
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(trend.summary())
        set_role(self.summary, "section")
        layout.addWidget(self.summary)
        self.chart = TrendChart(trend)
        layout.addWidget(self.chart)


class AssessmentsTab(QWidget):
    """``AssessmentsTab(handle, client_id)``; ``reload()`` re-reads the record.

    ``reload_on_save=False`` when something else reloads the tab on the handle's ``saved``
    (the client record does, for every tab)."""

    saved = Signal(object)  # an Assessment saved from this tab

    def __init__(
        self,
        source: RecordStore,
        client_id: str,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        reload_on_save: bool = True,
    ):
        super().__init__(parent)
        self.setAccessibleName("Assessments")
        self.source, self.client_id, self._today = source, client_id, today
        self._reload_on_save = reload_on_save
        self.overview: service.AssessmentOverview | None = None
        self.runner: AssessmentRunner | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = scroll_area()
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        scroll.setWidget(inner)
        outer.addWidget(scroll)

        # Open safety tasks first: a risk answer nobody has recorded an action for.
        self.safety_card, safety_layout = section_card("Open safety tasks")
        self.safety_card.setAccessibleName("Open safety tasks")
        safety_layout.addWidget(
            paragraph(
                "A risk answer was given and what was done has not been recorded yet. Record it now: "
                "the task stays open, and the client is marked on the caseload, until you do.",
                role="hint",
            )
        )
        self.safety_rows = QVBoxLayout()
        safety_layout.addLayout(self.safety_rows)
        self.safety_prompt: SafetyPrompt | None = None
        self.tasks: list[SafetyTask] = []
        layout.addWidget(self.safety_card)

        start, start_layout = section_card("Start an assessment")
        row = QHBoxLayout()
        measures = {
            i.id: i.short_name
            for i in sorted(list_instruments(), key=lambda i: (not i.scored, service.measure_order(i.id)))
        }
        self.measure = ChoiceCombo(measures, "Measure")
        self.timepoint = ChoiceCombo(TIMEPOINTS, "Timepoint")
        measure_label, timepoint_label_widget = QLabel("Meas&ure"), QLabel("Time&point")
        measure_label.setBuddy(self.measure)
        timepoint_label_widget.setBuddy(self.timepoint)
        self.start_button = primary_button("St&art\u2026", "Start the assessment")
        self.start_button.setToolTip("Run the chosen measure with the client (Ctrl+Shift+A)")
        self.start_button.clicked.connect(lambda: self.start_assessment())
        for widget in (
            measure_label,
            self.measure,
            timepoint_label_widget,
            self.timepoint,
            self.start_button,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        start_layout.addLayout(row)
        start_layout.addWidget(
            paragraph(
                "One question at a time: number keys answer, Enter moves on, Backspace goes back. "
                "A risk answer opens the safety prompt at once.",
                role="hint",
            )
        )
        self.measure.currentIndexChanged.connect(self._suggest_timepoint)
        layout.addWidget(start)

        self.follow_up_card, follow_layout = section_card("Follow-ups after discharge")
        self.follow_up_labels = QVBoxLayout()
        follow_layout.addLayout(self.follow_up_labels)
        layout.addWidget(self.follow_up_card)

        change, change_layout = section_card("Change since baseline")
        self.no_trends = paragraph("No scored measures completed yet.", role="hint")
        change_layout.addWidget(self.no_trends)
        self.trend_grid = QGridLayout()
        self.trend_grid.setSpacing(8)
        change_layout.addLayout(self.trend_grid)
        layout.addWidget(change)

        done, done_layout = section_card("Completed assessments (newest first)")
        done_layout.addWidget(
            paragraph(
                "A completed assessment is never changed: a correction is saved "
                "as a new version, with the reason, and replaces it here.",
                role="hint",
            )
        )
        self.model = RecordTableModel(COLUMNS, self)
        self.table = record_table(
            self.model,
            "Completed assessments",
            "No assessments completed yet. Choose a measure and press Start.",
        )
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 6)
        self.table.setAccessibleDescription("Press Enter on a row to see it in full below.")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        done_layout.addWidget(self.table)
        self.detail = paragraph("", role="inset")
        self.detail.setAccessibleName("The chosen assessment")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.hide()
        done_layout.addWidget(self.detail)
        buttons = QHBoxLayout()
        self.correct_button = button("C&orrect\u2026", "Correct the chosen assessment")
        self.correct_button.setToolTip("Save a corrected version, with the reason; the original is kept")
        self.correct_button.clicked.connect(lambda: self.correct_selected())
        buttons.addWidget(self.correct_button)
        buttons.addStretch(1)
        done_layout.addLayout(buttons)
        layout.addWidget(done, 1)
        chain_tab_order([self.measure, self.timepoint, self.start_button, self.table, self.correct_button])
        self.reload()

    # ----- reading --------------------------------------------------------
    def today(self) -> date:
        return self._today or date.today()

    def reload(self) -> None:
        self.overview = service.assessment_overview(self.source, self.client_id, self.today())
        overview = self.overview
        self.model.set_rows(overview.assessments)
        self.correct_button.setEnabled(bool(overview.assessments))
        self._show_safety_tasks()
        self._show_follow_ups()
        self._show_trends()
        self._suggest_timepoint()
        self._show_detail()

    def _show_safety_tasks(self) -> None:
        while self.safety_rows.count():
            item = self.safety_rows.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.tasks = safety_service.client_safety_tasks(self.source, self.client_id)
        self.safety_card.setVisible(bool(self.tasks))
        self.task_buttons = []
        for task in self.tasks:
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            text = paragraph(task_text(task), role="warning")
            line.addWidget(text, 1)
            record = primary_button("Record &what you did\u2026", f"Record what you did: {task_text(task)}")
            record.clicked.connect(lambda _c=False, t=task: self.record_safety_task(t))
            line.addWidget(record)
            self.task_buttons.append(record)
            self.safety_rows.addWidget(row)

    def record_safety_task(self, task: SafetyTask) -> SafetyPrompt:
        """The safety prompt for an open task; a recorded action closes it."""
        if task.from_assessment:
            messages = [
                f"{measure_name(task.instrument_id)} has a risk answer with no record of what was done."
            ]
        else:
            try:
                rule = next(
                    r
                    for r in get_instrument(task.instrument_id).flags
                    if r.applies_to(task.answer)
                    and get_instrument(task.instrument_id).item(r.item).number == task.item_number
                )
                messages = [rule.message]
            except (ValueError, StopIteration, KeyError, TypeError):
                messages = [task_text(task)]
        guidance, problem = service.safety_guidance_for_prompt()
        prompt = SafetyPrompt(
            guidance, messages, self.source.coach_name, self.window(), later_text="&Close", problem=problem
        )
        prompt.recorded.connect(lambda action, t=task: self._task_recorded(t, action))
        self.safety_prompt = prompt
        prompt.open()
        return prompt

    def _task_recorded(self, task: SafetyTask, action) -> None:
        try:
            safety_service.record_safety_action(
                self.source, self.client_id, task.answer_event_ids, action, task.assessment_id
            )
        except (InvalidRecord, StoreError) as failed:
            self.safety_card.setVisible(True)
            self.safety_rows.addWidget(paragraph(f"Not saved: {failed}", role="error"))
            return
        if self._reload_on_save:
            self.reload()

    def _show_follow_ups(self) -> None:
        while self.follow_up_labels.count():
            widget = self.follow_up_labels.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        overview = self.overview
        self.follow_up_card.setVisible(bool(overview.follow_ups))
        for follow in overview.follow_ups:
            status = FOLLOW_UP_STATUSES[follow.status]
            when = (
                f"done {dates.for_reading(follow.done_on)}"
                if follow.status == "done"
                else f"due {dates.for_reading(follow.due_on)}"
            )
            label = QLabel(f"{follow.label}: {when} \u2013 {status}")
            label.setAccessibleName(label.text())
            colour = _FOLLOW_UP_COLOUR.get(follow.status)
            label.setStyleSheet(
                f"color: {colour}; font-weight: bold;"
                if follow.status in ("due", "overdue")
                else f"color: {colour};"
            )
            self.follow_up_labels.addWidget(label)
        if overview.follow_ups:
            hint = paragraph(
                f"Discharged {dates.for_reading(overview.discharged_on)}. Follow-ups are due "
                "3 and 6 months later; any measure completed at the follow-up timepoint "
                "counts.",
                role="hint",
            )
            self.follow_up_labels.addWidget(hint)

    def _show_trends(self) -> None:
        while self.trend_grid.count():
            widget = self.trend_grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        trends = [t for t in self.overview.trends if t.points]
        self.no_trends.setVisible(not trends)
        for position, trend in enumerate(trends):
            self.trend_grid.addWidget(MeasureCard(trend), position // 2, position % 2)

    def _suggest_timepoint(self) -> None:
        """Baseline for a measure not done yet; a follow-up when one is due; else review."""
        if self.overview is None:
            return
        measure = self.measure.code()
        done = [a for a in self.overview.assessments if a.instrument_id == measure]
        due = [f for f in self.overview.follow_ups if f.status in ("due", "overdue")]
        if due:
            self.timepoint.set_code(due[0].timepoint)
        elif not done:
            self.timepoint.set_code("baseline")
        else:
            self.timepoint.set_code("review")

    def selected(self) -> Assessment | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_object(index.row())

    def _show_detail(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.detail.hide()
            return
        lines = [
            f"{measure_name(chosen.instrument_id)}, {timepoint_label(chosen.timepoint).lower()}, "
            f"{dates.for_reading(chosen.completed_on)}, by {chosen.completed_by}."
        ]
        if chosen.total is not None or chosen.band:
            lines.append(f"Score {score_text(chosen)}" + (f": {chosen.band}" if chosen.band else "") + ".")
            if missing := service.missing_items_of(chosen):
                lines.append(service.prorated_text(missing))
        answered = [f"{i}: {a}" for i, a in enumerate(chosen.answers, 1) if a is not None]
        if answered:
            lines.append("Answers: " + ", ".join(answered) + ".")
        for item_id, text in chosen.response_texts.items():
            lines.append(f"{item_id.replace('_', ' ').capitalize()}: {text}")
        safety = chosen.safety
        if safety is not None:
            guidance, _problem = service.safety_guidance_for_prompt()
            lines.append(
                "After the risk answer: "
                + "; ".join(guidance.label_for(a) for a in safety.actions)
                + f". {safety.note}"
            )
        if chosen.supersedes:
            lines.append(f"Corrected: {chosen.correction_reason}")
        self.detail.setText("\n".join(lines))
        self.detail.show()

    # ----- running ----------------------------------------------------------
    def start_assessment(
        self, instrument_id: str | None = None, timepoint: str | None = None
    ) -> AssessmentRunner:
        """Open the runner (window-modal, not blocking) for the chosen measure and timepoint."""
        runner = AssessmentRunner(
            self.source,
            self.client_id,
            instrument_id or self.measure.code(),
            timepoint or self.timepoint.code(),
            self.window(),
        )
        return self._open(runner)

    def correct_selected(self) -> AssessmentRunner | None:
        chosen = self.selected() or (self.overview.assessments[0] if self.overview.assessments else None)
        if chosen is None:
            return None
        runner = AssessmentRunner(
            self.source, self.client_id, chosen.instrument_id, parent=self.window(), correcting=chosen
        )
        return self._open(runner)

    def _open(self, runner: AssessmentRunner) -> AssessmentRunner:
        runner.saved.connect(self._saved)
        self.runner = runner
        runner.open()
        return runner

    def _saved(self, record: Assessment) -> None:
        if self._reload_on_save:
            self.reload()
        self.saved.emit(record)
