"""The assessment runner: one question at a time, answered from the keyboard.

Number keys answer (each key is the option's value: 0-3 for the PHQ-9, 1-5 for the
SWEMWBS; for 0-10 scales type 1 then 0 for ten), Enter moves on, Backspace or
Alt+Left goes back. A risk answer is written down at once as a risk event
(``workwell_desktop.services.safety``), then the safety prompt opens: what the coach records
there, or that they chose "Later", is another event. So a changed answer, a cancelled
assessment, a lock or a killed app never loses a risk answer. At the end the score
and band are shown, and Save records the assessment; scoring is always
``instruments.derived`` (through ``workwell_desktop.services.assessments``).

The page scrolls inside the dialog and the buttons stay below it (gui/assessments/fit.py).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.assessments import (
    TIMEPOINTS,
    Assessment,
    SafetyAction,
    SafetyGuidance,
    change_text,
    number_text,
    timepoint_label,
)
from ...domain.records import Client, new_id
from ...domain.risk import RiskEvent
from ...instruments import Instrument, ScoreResult, get_instrument
from ...instruments.model import RESPONSE_TEXT
from ...services import assessments as service
from ...services import safety as safety_service
from ...store import InvalidRecord, StoreError
from .. import dates
from ..record_store import RecordStore
from ..style import relative_font, set_role
from ..widgets import (
    ChoiceCombo,
    DateField,
    FieldMessage,
    button,
    hint_label,
    may_discard,
    note_edit,
    paragraph,
    primary_button,
    title_label,
)
from .fit import fit_to_screen, scrolling_body
from .safety_prompt import SafetyPrompt

log = logging.getLogger(__name__)

ITEMS, RESULTS = range(2)
DASH = "\u2013"
_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(10)}


def _key_range(values: tuple[int, ...]) -> str:
    ordered = sorted(values)
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        if ordered[-1] >= 10:
            return f"{ordered[0]}\u2013{ordered[-1]} (for {ordered[-1]}, type 1 then 0)"
        return f"{ordered[0]}\u2013{ordered[-1]}"
    return ", ".join(str(v) for v in values)


class _TextKeys(QObject):
    """In a written answer, Enter moves on (Shift+Enter for a new line) and Alt+Left goes back."""

    def __init__(self, runner: AssessmentRunner):
        super().__init__(runner)
        self.runner = runner

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress:
            key, mods = event.key(), event.modifiers()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods & Qt.KeyboardModifier.ShiftModifier:
                self.runner.next_item()
                return True
            if key == Qt.Key.Key_Left and mods & Qt.KeyboardModifier.AltModifier:
                self.runner.previous_item()
                return True
        return False


class AssessmentRunner(QDialog):
    """Run one measure for one client. ``saved`` carries the Assessment as stored."""

    saved = Signal(object)

    def __init__(
        self,
        source: RecordStore,
        client_id: str,
        instrument_id: str,
        timepoint: str = "baseline",
        parent: QWidget | None = None,
        *,
        correcting: Assessment | None = None,
        guidance: SafetyGuidance | None = None,
    ):
        super().__init__(parent)
        self.source = source
        self.client_id = client_id
        self.instrument: Instrument = get_instrument(instrument_id)
        self.guidance, self.guidance_problem = (
            (guidance, "") if guidance else service.safety_guidance_for_prompt()
        )
        self.correcting = correcting
        self.timepoint = correcting.timepoint if correcting else timepoint
        items = self.instrument.items
        self.answers: list[int | None] = [None] * len(items)
        self.texts: dict[str, str] = {}
        self.safety: SafetyAction | None = None
        self.safety_prompt: SafetyPrompt | None = None
        self.result: ScoreResult | None = None
        self.index = 0
        self._typed = ""
        self._saved = False
        self.record: Assessment | None = None
        # Chosen now, so every risk event written while this runs names the assessment
        # it belongs to, saved or not.
        self.assessment_id = new_id()
        self._shown_once = False
        self.risk_events: list[RiskEvent] = []
        self.risk_message = ""  # why a risk event could not be written (shown, never hidden)
        if correcting is not None:
            self.answers = [a for a in correcting.answers] + [None] * (len(items) - len(correcting.answers))
            self.texts = dict(correcting.response_texts)
            self.safety = correcting.safety
        self._earlier = self.source.for_client(Assessment, client_id)
        client = self.source.get(Client, client_id)

        name = self.instrument.short_name
        title = f"Correct {name}" if correcting else f"{name} \u2013 {timepoint_label(self.timepoint)}"
        self.setWindowTitle(f"{title} \u2013 WorkWell")
        self.setAccessibleName(f"{self.instrument.title} for {client.full_name}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.preferred_width = self.fontMetrics().averageCharWidth() * 84

        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.setSpacing(10)
        heading = title_label(self.instrument.title, 1.3)
        who = paragraph(
            f"With {client.full_name}"
            + (
                f" \u00b7 correcting the assessment of {dates.for_reading(correcting.completed_on)}"
                if correcting
                else ""
            ),
            role="hint",
        )
        # The risk banner stays above the scrolled page: always in sight once shown.
        self.risk_banner = QWidget()
        banner = QHBoxLayout(self.risk_banner)
        banner.setContentsMargins(0, 0, 0, 0)
        self.risk_text = paragraph("", role="warning")
        self.risk_text.setAccessibleName("Risk answer")
        self.safety_button = button("Record &safety actions\u2026", "Record safety actions")
        self.safety_button.clicked.connect(self.open_safety_prompt)
        banner.addWidget(self.risk_text, 1)
        banner.addWidget(self.safety_button)
        self.risk_banner.hide()
        outer.addWidget(self.risk_banner)

        self.scroll, _content, body = scrolling_body(self, outer)
        body.addWidget(heading)
        body.addWidget(who)
        self.stack = QStackedWidget()
        body.addWidget(self.stack, 1)
        self.stack.addWidget(self._build_item_page())
        self.stack.addWidget(self._build_results_page())

        bar = QHBoxLayout()
        self.back_button = button("&Back", "Back (Backspace)")
        self.back_button.setToolTip("Go back a question (Backspace or Alt+Left)")
        self.back_button.clicked.connect(self.previous_item)
        self.next_button = primary_button("&Next", "Next (Enter)")
        self.next_button.setToolTip("Next question (Enter)")
        self.next_button.clicked.connect(self.next_item)
        self.save_button = primary_button("&Save assessment" if not correcting else "&Save correction")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = button("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        for b in (self.back_button, self.next_button, self.save_button, self.cancel_button):
            b.setAutoDefault(False)
            bar.addWidget(b)
        bar.addStretch(1)
        outer.addLayout(bar)
        self._text_keys = _TextKeys(self)
        self.text_answer.installEventFilter(self._text_keys)
        # A shortcut, not keyPressEvent: the scroll area would take Alt+Left to scroll.
        back = QShortcut(QKeySequence("Alt+Left"), self, self.previous_item)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.show_item(0)
        fit_to_screen(self, self.scroll, self.preferred_width)

    def showEvent(self, event) -> None:  # noqa: N802
        fit_to_screen(self, self.scroll, self.preferred_width, grow_only=self._shown_once)
        self._shown_once = True
        super().showEvent(event)

    # ----- the question page ----------------------------------------------
    def _build_item_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.section_label = QLabel()
        set_role(self.section_label, "section")
        self.section_label.setWordWrap(True)
        layout.addWidget(self.section_label)
        self.instructions = paragraph(self.instrument.instructions, role="hint")
        self.instructions.setVisible(bool(self.instrument.instructions))
        layout.addWidget(self.instructions)
        progress_row = QHBoxLayout()
        self.progress_label = QLabel()
        self.progress_label.setAccessibleName("Progress")
        self.progress = QProgressBar()
        self.progress.setRange(0, len(self.instrument.items))
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(self.fontMetrics().height() // 2)
        self.progress.setAccessibleName("Progress through the questions")
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress, 1)
        layout.addLayout(progress_row)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setFont(relative_font(self.question, 1.2, bold=True))
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.question)
        self.options_holder = QVBoxLayout()
        layout.addLayout(self.options_holder)
        self.options_widget: QWidget | None = None
        self.option_buttons: dict[int, QRadioButton] = {}
        self.text_answer = note_edit("Answer in the client's words", 5)
        self.text_answer.setTabChangesFocus(True)
        self.text_answer.textChanged.connect(self._text_changed)
        layout.addWidget(self.text_answer)
        self.key_hint = hint_label("")
        layout.addWidget(self.key_hint)
        self.item_message = FieldMessage()
        layout.addWidget(self.item_message)
        layout.addStretch(1)
        return page

    def current_item(self):
        return self.instrument.items[self.index]

    def show_item(self, index: int) -> None:
        self.index = max(0, min(index, len(self.instrument.items) - 1))
        self._typed = ""
        item = self.current_item()
        total = len(self.instrument.items)
        self.stack.setCurrentIndex(ITEMS)
        section = next((s for s in self.instrument.sections if s.id == item.section), None)
        if section is not None:
            number = [s.id for s in self.instrument.sections].index(section.id) + 1
            self.section_label.setText(f"{section.title} (part {number} of {len(self.instrument.sections)})")
            # The instrument's own instructions on the first question, then each part's guidance.
            guide = self.instrument.instructions if self.index == 0 else section.description
            self.instructions.setText(guide or section.description)
            self.instructions.setVisible(bool(guide or section.description))
        self.section_label.setVisible(section is not None)
        self.progress_label.setText(f"Item {self.index + 1} of {total}")
        self.progress.setValue(self.index + 1)
        self.question.setText(item.text)
        self.question.setAccessibleName(f"Question {self.index + 1}: {item.text}")
        self.item_message.show_message(None)
        if self.options_widget is not None:
            self.options_widget.hide()
            self.options_widget.deleteLater()
            self.options_widget = None
        self.option_buttons = {}
        is_text = item.response == RESPONSE_TEXT
        self.text_answer.setVisible(is_text)
        if is_text:
            self.text_answer.blockSignals(True)
            self.text_answer.setPlainText(self.texts.get(item.id, ""))
            self.text_answer.blockSignals(False)
            self.text_answer.setAccessibleName(f"Answer to: {item.label}")
            self.key_hint.setText(
                "Type the answer in the client's words. Enter for the next question "
                "(Shift+Enter for a new line), Alt+Left to go back."
            )
            self.text_answer.setFocus()
        else:
            self._build_options(item)
            optional = "" if self._answer_required(item) else " This question can be left unanswered."
            self.key_hint.setText(
                f"Press {_key_range(item.values)} to answer, Enter for the next question, "
                f"Backspace to go back.{optional}"
            )
        if self.isVisible():  # a question with more options: make room rather than scroll
            fit_to_screen(self, self.scroll, self.preferred_width, grow_only=True)
        self.back_button.setEnabled(self.index > 0)
        self.back_button.show()
        self.next_button.show()
        self.next_button.setText("&Next" if self.index < total - 1 else "See the &result")
        self.save_button.hide()
        self._update_risk_banner()

    def _build_options(self, item) -> None:
        holder = QWidget()
        holder.setAccessibleName(f"Answers to question {self.index + 1}")
        many = len(item.options) > 6
        box = QHBoxLayout(holder) if many else QVBoxLayout(holder)
        box.setContentsMargins(0, 4, 0, 4)
        box.setSpacing(14 if many else 6)
        group = QButtonGroup(holder)
        group.setExclusive(True)
        for option in item.options:
            starts_with_value = option.label.split(" ")[0] == str(option.value)
            text = option.label if starts_with_value else f"{option.value}  {option.label}"
            radio = QRadioButton(text)
            radio.setAccessibleName(option.label if starts_with_value else f"{option.value}: {option.label}")
            radio.setAccessibleDescription(f"Press {option.value}")
            group.addButton(radio, option.value)
            box.addWidget(radio)
            self.option_buttons[option.value] = radio
        if many:
            box.addStretch(1)
        chosen = self.answers[self.index]
        if chosen is not None and chosen in self.option_buttons:
            self.option_buttons[chosen].setChecked(True)
        group.idToggled.connect(self._option_toggled)
        self.options_holder.addWidget(holder)
        holder.show()  # a layout shows a new child only on the next event loop pass
        self.options_widget = holder
        focus = self.option_buttons.get(chosen) if chosen is not None else None
        (focus or next(iter(self.option_buttons.values()))).setFocus()

    def _answer_required(self, item) -> bool:
        # A risk question is always answered, in an unscored instrument too (HAZ-009).
        flagged = any(f.item == item.id for f in self.instrument.flags)
        if not self.instrument.scored:
            return flagged
        rule = self.instrument.missing
        return rule.max_missing == 0 or not rule.enabled or flagged

    def _text_changed(self) -> None:
        item = self.current_item()
        text = self.text_answer.toPlainText()
        if text.strip():
            self.texts[item.id] = text
        else:
            self.texts.pop(item.id, None)

    def _option_toggled(self, value: int, checked: bool) -> None:
        if checked:
            self.answer(value)

    def answer(self, value: int) -> None:
        """Record the answer to the question shown; a risk answer opens the safety prompt now."""
        item = self.current_item()
        if value not in item.values:
            return
        self.answers[self.index] = value
        self.item_message.show_message(None)
        radio = self.option_buttons.get(value)
        if radio is not None and not radio.isChecked():
            radio.setChecked(True)  # toggles back into answer(): harmless, same value
        if radio is not None:
            radio.setFocus()
        self._update_risk_banner()
        if self.instrument.risk_messages(item.id, value):
            self._write_risk_answer(item.id, value)
            if self.safety is None:
                self.open_safety_prompt()

    def type_digit(self, digit: int) -> None:
        """A number key: the option with that value, or with the two digits typed (10)."""
        item = self.current_item()
        if item.response == RESPONSE_TEXT:
            return
        values = item.values
        combined = self._typed + str(digit)
        if len(combined) <= 2 and int(combined) in values and self._typed:
            self._typed = combined
            self.answer(int(combined))
        elif digit in values:
            self._typed = str(digit)
            self.answer(digit)
        else:
            self._typed = ""
            self.item_message.show_message(f"{digit} is not an answer here: press {_key_range(values)}.")

    def next_item(self) -> None:
        if self.stack.currentIndex() == RESULTS:
            self.save()
            return
        item = self.current_item()
        unanswered = item.response != RESPONSE_TEXT and self.answers[self.index] is None
        if unanswered and self._answer_required(item):
            self.item_message.show_message(f"Choose an answer to go on: press {_key_range(item.values)}.")
            return
        if self.index < len(self.instrument.items) - 1:
            self.show_item(self.index + 1)
        else:
            self.show_results()

    def previous_item(self) -> None:
        if self.stack.currentIndex() == RESULTS:
            self.show_item(len(self.instrument.items) - 1)
        elif self.index > 0:
            self.show_item(self.index - 1)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain_key = mods == Qt.KeyboardModifier.NoModifier
        if self.stack.currentIndex() == ITEMS and key in _DIGITS and plain_key:
            self.type_digit(_DIGITS[key])
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain_key:
            focused = self.focusWidget()
            if focused in (self.back_button, self.cancel_button, self.safety_button):
                focused.click()
            else:
                self.next_item()
            return
        if (key == Qt.Key.Key_Backspace and plain_key) or (
            key == Qt.Key.Key_Left and mods == Qt.KeyboardModifier.AltModifier
        ):
            if not isinstance(self.focusWidget(), QPlainTextEdit):
                self.previous_item()
                return
        super().keyPressEvent(event)

    # ----- the risk answer ------------------------------------------------
    def _write_risk_answer(self, item_id: str, value: int) -> None:
        """On record now, before anything else can happen to this assessment."""
        already = any(
            e.item_id == item_id and e.answer == value
            for e in self.risk_events
            if e.kind == "answer" and e.id not in self._closed_answer_ids()
        )
        if already:
            return  # the same answer given again (a number key pressed twice)
        try:
            self.risk_events += safety_service.record_risk_answer(
                self.source, self.client_id, self.instrument, item_id, value, self.assessment_id
            )
            self.risk_message = ""
        except (InvalidRecord, StoreError) as failed:
            log.warning("risk answer not recorded: %s", type(failed).__name__)
            self.risk_message = (
                f"The risk answer could not be recorded ({failed}). Tell your team lead "
                "today and record what you did in a session note."
            )
        self._update_risk_banner()

    def _closed_answer_ids(self) -> set[str]:
        return {i for e in self.risk_events if e.kind == "action" for i in e.closes}

    def open_answer_ids(self) -> list[str]:
        """Risk answers given here that no recorded action has closed yet."""
        closed = self._closed_answer_ids()
        return [e.id for e in self.risk_events if e.kind == "answer" and e.id not in closed]

    def risk_messages(self) -> list[str]:
        messages = []
        for item, value in zip(self.instrument.items, self.answers, strict=True):
            for message in self.instrument.risk_messages(item.id, value):
                if message not in messages:
                    messages.append(message)
        return messages

    def _update_risk_banner(self) -> None:
        at_risk = bool(self.risk_messages())
        if at_risk and self.safety is None:
            self.risk_text.setText(
                "A risk answer was given. Record what you did before completing the assessment."
            )
            self.safety_button.setText("Record &safety actions\u2026")
        elif at_risk:
            self.risk_text.setText(
                "A risk answer was given. What you did is recorded and will be saved with the assessment."
            )
            self.safety_button.setText("Change &safety record\u2026")
        elif self.open_answer_ids():
            # The answer was changed, but the risk answer given stays on record as an
            # open safety task until what was done is recorded.
            self.risk_text.setText(
                "A risk answer was given earlier in this assessment. It stays on the "
                "client's record as an open safety task until you record what you did."
            )
            self.safety_button.setText("Record &safety actions\u2026")
        if self.risk_message:
            self.risk_text.setText(self.risk_message)
        self.risk_banner.setVisible(at_risk or bool(self.open_answer_ids()) or bool(self.risk_message))

    def open_safety_prompt(self) -> SafetyPrompt:
        if self.safety_prompt is not None and self.safety_prompt.isVisible():
            return self.safety_prompt
        messages = self.risk_messages() or [
            "A risk answer was given earlier in this assessment and then changed. It is on record: "
            "record what you did about it."
        ]
        prompt = SafetyPrompt(
            self.guidance,
            messages,
            self.source.coach_name,
            self,
            existing=self.safety,
            problem=self.guidance_problem,
        )
        prompt.recorded.connect(self._safety_recorded)
        prompt.finished.connect(self._safety_closed)
        self.safety_prompt = prompt
        prompt.open()
        return prompt

    def _safety_recorded(self, action: SafetyAction) -> None:
        self.safety = action
        answers = self.open_answer_ids()
        if answers:
            try:
                self.risk_events.append(
                    safety_service.record_safety_action(
                        self.source, self.client_id, answers, action, self.assessment_id
                    )
                )
            except (InvalidRecord, StoreError) as failed:
                log.warning("safety action not recorded: %s", type(failed).__name__)
                self.risk_message = (
                    f"What you did could not be recorded yet ({failed}); it will be saved "
                    "with the assessment."
                )
        self._update_risk_banner()
        if self.stack.currentIndex() == RESULTS:
            self._show_safety_summary()

    def _safety_closed(self, result: int) -> None:
        answers = self.open_answer_ids()
        if result != QDialog.DialogCode.Accepted and answers and self.safety is None:
            # "Later" (or Esc): recorded as such; the safety task stays open.
            try:
                self.risk_events.append(
                    safety_service.record_later(self.source, self.client_id, answers, self.assessment_id)
                )
            except (InvalidRecord, StoreError) as failed:
                log.warning("'later' not recorded: %s", type(failed).__name__)
        if self.stack.currentIndex() == RESULTS:
            self._show_safety_summary()
            self.save_button.setFocus()
        elif self.option_buttons:
            chosen = self.answers[self.index]
            (self.option_buttons.get(chosen) or next(iter(self.option_buttons.values()))).setFocus()

    # ----- the results page ---------------------------------------------------
    def _build_results_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        heading = QLabel("Result")
        set_role(heading, "section")
        layout.addWidget(heading)
        self.score_label = QLabel()
        self.score_label.setFont(relative_font(self.score_label, 1.4, bold=True))
        self.score_label.setWordWrap(True)
        self.score_label.setAccessibleName("Score")
        layout.addWidget(self.score_label)
        self.band_label = paragraph("")
        self.band_label.setAccessibleName("Band")
        layout.addWidget(self.band_label)
        self.change_label = paragraph("", role="inset")
        self.change_label.setAccessibleName("Change since baseline")
        layout.addWidget(self.change_label)
        self.flags_label = paragraph("", role="error-summary")
        self.flags_label.setAccessibleName("Risk flags")
        layout.addWidget(self.flags_label)
        self.safety_summary = paragraph("", role="inset")
        self.safety_summary.setAccessibleName("What you did after the risk answer")
        layout.addWidget(self.safety_summary)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.timepoint_combo = ChoiceCombo(TIMEPOINTS, "Timepoint")
        self.timepoint_combo.set_code(self.timepoint)
        self.timepoint_combo.setEnabled(self.correcting is None)
        timepoint_label_widget = QLabel("&Timepoint")
        timepoint_label_widget.setBuddy(self.timepoint_combo)
        form.addRow(timepoint_label_widget, self.timepoint_combo)
        self.completed_on = DateField("Date completed")
        self.completed_on.set_latest(dates.today_iso())
        self.completed_on.set_iso(self.correcting.completed_on if self.correcting else dates.today_iso())
        completed_label = QLabel("Date &completed")
        completed_label.setBuddy(self.completed_on)
        date_cell = QWidget()
        date_column = QVBoxLayout(date_cell)
        date_column.setContentsMargins(0, 0, 0, 0)
        date_column.addWidget(self.completed_on)
        self.date_message = FieldMessage()
        date_column.addWidget(self.date_message)
        form.addRow(completed_label, date_cell)
        self.reason = note_edit("Reason for the correction", 2)
        self.reason_message = FieldMessage()
        if self.correcting is not None:
            reason_cell = QWidget()
            reason_column = QVBoxLayout(reason_cell)
            reason_column.setContentsMargins(0, 0, 0, 0)
            reason_column.addWidget(self.reason)
            reason_column.addWidget(hint_label("Required. The original is kept, marked as corrected."))
            reason_column.addWidget(self.reason_message)
            reason_label = QLabel("&Reason for the correction")
            reason_label.setBuddy(self.reason)
            form.addRow(reason_label, reason_cell)
        layout.addLayout(form)
        self.answers_label = paragraph("", role="hint")
        self.answers_label.setAccessibleName("Answers given")
        layout.addWidget(self.answers_label)
        self.save_message = FieldMessage()
        layout.addWidget(self.save_message)
        layout.addStretch(1)
        return page

    def show_results(self) -> None:
        """Score the answers (instruments.score, through the service) and show the result."""
        self.result = None
        try:
            _record, self.result = service.build_assessment(
                self.client_id,
                self.instrument.id,
                self.answers,
                timepoint=self.timepoint,
                completed_on=dates.today_iso(),
                completed_by=self.source.coach_name,
                responses=self.texts,
            )
        except InvalidRecord as refused:
            self.item_message.show_message(" ".join(refused.errors.values()))
            return
        self.stack.setCurrentIndex(RESULTS)
        self._show_score()
        self._show_safety_summary()
        self.save_message.show_message(None)
        self.next_button.hide()
        self.back_button.setEnabled(True)
        self.save_button.show()
        self.save_button.setDefault(True)
        self.save_button.setFocus()
        self.scroll.verticalScrollBar().setValue(0)
        if self.isVisible():
            fit_to_screen(self, self.scroll, self.preferred_width, grow_only=True)

    def _show_score(self) -> None:
        result, instrument = self.result, self.instrument
        if result is None:
            self.score_label.setText(f"{instrument.short_name} completed (not scored)")
            self.band_label.setText("The answers are recorded as given.")
            self.change_label.hide()
            self.flags_label.setText("Risk answer given: " + " ".join(self.risk_messages()))
            self.flags_label.setVisible(bool(self.risk_messages()))
            self.answers_label.setText(self._unscored_summary())
            return
        headline, bands = instrument.describe(result)  # the kind says how its score reads
        self.score_label.setText(headline)
        self.band_label.setText(bands)
        if result.prorated:
            self.score_label.setText(self.score_label.text() + " (prorated)")
            self.band_label.setText(
                self.band_label.text() + "\n" + service.prorated_text(result.missing_items)
            )
        self.change_label.setText(self._change_text())
        self.change_label.setVisible(bool(self.change_label.text()))
        if result.flags:
            self.flags_label.setText(
                "Risk answer: "
                + " ".join(f"question {f.item_number} answered {f.answer}." for f in result.flags)
            )
        self.flags_label.setVisible(bool(result.flags))
        self.answers_label.setText(
            "Answers: " + ", ".join(f"{i}: {DASH if a is None else a}" for i, a in enumerate(self.answers, 1))
        )

    def _change_text(self) -> str:
        baseline = service.baseline_of(
            [a for a in self._earlier if not self.correcting or a.id != self.correcting.id],
            self.instrument.id,
        )
        result = self.result
        if baseline is None or result is None or result.total is None or baseline.total is None:
            return ""
        change = round(result.total - baseline.total, 2)
        return (
            f"Since the baseline on {dates.for_reading(baseline.completed_on)}: "
            f"{number_text(baseline.total)} \u2192 {number_text(result.total)} ({change_text(change)})"
        )

    def _unscored_summary(self) -> str:
        lines = []
        for item, value in zip(self.instrument.items, self.answers, strict=True):
            if item.response == RESPONSE_TEXT:
                answer = " ".join(self.texts.get(item.id, "").split())
            else:
                answer = item.option_label(value) if value is not None else ""
            lines.append(f"{item.label}: {answer or 'not answered'}")
        return "\n".join(lines)

    def _show_safety_summary(self) -> None:
        needed = bool(self.risk_messages())
        if self.safety is not None and (needed or self.safety.note):
            done = "; ".join(self.guidance.label_for(a) for a in self.safety.actions)
            self.safety_summary.setText(f"What you did: {done}.\n{self.safety.note}")
            self.safety_summary.show()
        else:
            self.safety_summary.hide()
        if needed and self.safety is None:
            self.save_message.show_message(
                "A risk answer was given: record what you did (Record safety actions) before saving."
            )
        else:
            self.save_message.show_message(None)

    # ----- saving -------------------------------------------------------------
    def save(self) -> None:
        if self.stack.currentIndex() != RESULTS:
            self.next_item()
            return
        if self.risk_messages() and self.safety is None:
            self._show_safety_summary()
            self.open_safety_prompt()
            return
        problem = self.completed_on.problem()
        self.date_message.show_message(problem)
        if problem:
            self.completed_on.setFocus()
            return
        reason = self.reason.toPlainText().strip()
        if self.correcting is not None and not reason:
            self.reason_message.show_message("Say why this assessment is being corrected.")
            self.reason.setFocus()
            return
        try:
            if self.correcting is not None:
                self.record = service.correct_assessment(
                    self.source,
                    self.correcting.id,
                    self.answers,
                    reason,
                    responses=self.texts,
                    safety_action=self.safety,
                    completed_on=self.completed_on.iso(),
                    record_id=self.assessment_id,
                )
            else:
                self.record = service.record_assessment(
                    self.source,
                    self.client_id,
                    self.instrument.id,
                    self.answers,
                    timepoint=self.timepoint_combo.code(),
                    completed_on=self.completed_on.iso(),
                    responses=self.texts,
                    safety_action=self.safety,
                    record_id=self.assessment_id,
                )
        except InvalidRecord as refused:
            errors = refused.errors
            self.date_message.show_message(errors.get("completed_on"))
            self.reason_message.show_message(errors.get("correction_reason"))
            rest = [m for k, m in errors.items() if k not in ("completed_on", "correction_reason")]
            self.save_message.show_message("Not saved. " + " ".join(rest) if rest else None)
            return
        except StoreError as failed:
            log.warning("assessment not saved: %s", type(failed).__name__)
            self.save_message.show_message(f"Not saved. {failed}")
            return
        self._saved = True
        self.saved.emit(self.record)
        self.accept()

    def has_answers(self) -> bool:
        return any(a is not None for a in self.answers) or bool(self.texts)

    def reject(self) -> None:
        if not self._saved and self.has_answers() and self.correcting is None:
            risk = (
                (
                    " The risk answer the client gave is kept on their record as an open safety task "
                    "until you record what you did."
                )
                if self.open_answer_ids()
                else ""
            )
            if not may_discard(
                self, "Stop this assessment?", f"The answers have not been saved. Close and lose them?{risk}"
            ):
                return
        super().reject()
