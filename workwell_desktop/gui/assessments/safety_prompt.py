"""The safety prompt: opens the moment a risk answer is given, and records what the coach did.

The wording and the checklist are the service's own (resources/safety/safety_actions.json).
A tick and a note are both required; until they are recorded the assessment cannot be
completed. "Later" closes the prompt but the runner keeps asking, and the risk answer
(already on record as a risk event) leaves an open safety task on the client.

The wording scrolls; the buttons stay below it, always visible, and the dialog sizes
itself to its content within the screen (gui/assessments/fit.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...domain.assessments import SafetyAction, SafetyGuidance
from .. import dates
from ..style import set_flag, set_role
from ..widgets import FieldMessage, button, note_edit, paragraph, primary_button, title_label
from .fit import fit_to_screen, scrolling_body


class SafetyPrompt(QDialog):
    recorded = Signal(object)  # SafetyAction

    def __init__(
        self,
        guidance: SafetyGuidance,
        flag_messages: list[str],
        coach_name: str,
        parent: QWidget | None = None,
        existing: SafetyAction | None = None,
        later_text: str = "&Later",
        problem: str = "",
    ):
        super().__init__(parent)
        self.guidance, self.coach_name = guidance, coach_name
        self.action: SafetyAction | None = None
        self.setWindowTitle(f"{guidance.title} \u2013 WorkWell")
        self.setAccessibleName(guidance.title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.preferred_width = self.fontMetrics().averageCharWidth() * 84
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 12)
        outer.setSpacing(10)
        self.scroll, self.content, layout = scrolling_body(self, outer)
        layout.setSpacing(10)
        layout.addWidget(title_label(guidance.title, 1.3))
        if problem:  # the service's wording could not be read: the national wording is shown
            warning = paragraph(problem, role="error-summary")
            warning.setAccessibleName("Problem with the safety wording")
            layout.addWidget(warning)

        self.flag_labels = []
        for message in flag_messages:
            flag = paragraph(message, role="warning")
            flag.setAccessibleName("Risk answer")
            layout.addWidget(flag)
            self.flag_labels.append(flag)
        if guidance.intro:
            layout.addWidget(paragraph(guidance.intro))

        if guidance.crisis_lines:
            lines = "\n".join(
                f"{line.name}: {line.number}" + (f" \u2013 {line.when}" if line.when else "")
                for line in guidance.crisis_lines
            )
            crisis = paragraph(lines, role="inset")
            crisis.setAccessibleName("Crisis lines")
            crisis.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(crisis)

        done = QLabel("What did you do? Tick everything that applies.")
        done.setWordWrap(True)
        set_role(done, "section")
        layout.addWidget(done)
        self.checks: dict[str, QCheckBox] = {}
        for choice in guidance.actions:
            # The service's wording is plain text: "A&E" is an ampersand, not an access key
            # (it showed as "AE" with the E underlined, and took Alt+E from the detail below).
            box = QCheckBox(choice.label.replace("&", "&&"))
            box.setAccessibleName(choice.label)
            if choice.detail:
                box.setAccessibleDescription(choice.detail)
            row = QVBoxLayout()
            row.setSpacing(2)
            row.addWidget(box)
            if choice.detail:
                detail = paragraph(choice.detail.replace("&", "&&"), role="hint")
                detail.setBuddy(box)
                indented = QHBoxLayout()
                indented.setContentsMargins(28, 0, 0, 0)
                indented.addWidget(detail, 1)
                row.addLayout(indented)
            layout.addLayout(row)
            self.checks[choice.id] = box
        self.actions_message = FieldMessage()
        layout.addWidget(self.actions_message)

        note_label = QLabel(f"&{guidance.note_prompt} (required)")
        note_label.setWordWrap(True)
        layout.addWidget(note_label)
        self.note = note_edit(guidance.note_prompt, 4)
        note_label.setBuddy(self.note)
        layout.addWidget(self.note)
        self.note_message = FieldMessage()
        layout.addWidget(self.note_message)
        layout.addStretch(1)

        bar = QHBoxLayout()
        self.record_button = primary_button("&Record what I did")
        self.record_button.setDefault(True)
        self.record_button.clicked.connect(self.record)
        self.later_button = button(later_text, "Later: close and record before completing")
        self.later_button.setToolTip(
            "Close this for now. The assessment cannot be completed until you record what you did."
        )
        self.later_button.clicked.connect(self.reject)
        bar.addWidget(self.record_button)
        bar.addWidget(self.later_button)
        bar.addStretch(1)
        outer.addLayout(bar)

        if existing is not None:
            for action_id in existing.actions:
                if action_id in self.checks:
                    self.checks[action_id].setChecked(True)
            self.note.setPlainText(existing.note)
        first = next(iter(self.checks.values()))
        first.setFocus()
        fit_to_screen(self, self.scroll, self.preferred_width)

    def showEvent(self, event) -> None:  # noqa: N802
        # The screen (and its scale) is known for sure only once the window exists.
        fit_to_screen(self, self.scroll, self.preferred_width)
        super().showEvent(event)

    def current(self) -> SafetyAction:
        return SafetyAction(
            actions=tuple(code for code, box in self.checks.items() if box.isChecked()),
            note=self.note.toPlainText().strip(),
            recorded_by=self.coach_name,
            recorded_at=dates.utc_now_iso(),
        )

    def record(self) -> None:
        action = self.current()
        problems = action.problems()
        self.actions_message.show_message(problems.get("safety_actions"))
        self.note_message.show_message(problems.get("safety_note"))
        set_flag(self.note, "invalid", "safety_note" in problems)
        self.note.setAccessibleDescription(
            f"Error: {problems['safety_note']}" if "safety_note" in problems else ""
        )
        if problems:
            if "safety_actions" in problems:
                first = next(iter(self.checks.values()))
                first.setFocus()
                self.scroll.ensureWidgetVisible(self.actions_message)
            else:
                self.note.setFocus()
                self.scroll.ensureWidgetVisible(self.note_message)
            return
        self.action = action
        self.recorded.emit(action)
        self.accept()
