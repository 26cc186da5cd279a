"""The safety prompt: opens the moment a risk answer is given, and records what the coach did.

The wording and the checklist are the service's own (resources/safety/safety_actions.json).
A tick and a note are both required; until they are recorded the assessment cannot be
completed. "Later" closes the prompt but the runner keeps asking.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...domain.assessments import SafetyAction, SafetyGuidance
from .. import dates
from ..style import set_flag, set_role
from ..widgets import FieldMessage, button, note_edit, paragraph, primary_button, title_label


class SafetyPrompt(QDialog):
    recorded = Signal(object)  # SafetyAction

    def __init__(self, guidance: SafetyGuidance, flag_messages: list[str], coach_name: str,
                 parent: QWidget | None = None, existing: SafetyAction | None = None):
        super().__init__(parent)
        self.guidance, self.coach_name = guidance, coach_name
        self.action: SafetyAction | None = None
        self.setWindowTitle(f"{guidance.title} \u2013 WorkWell")
        self.setAccessibleName(guidance.title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 78)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(title_label(guidance.title, 1.3))

        self.flag_labels = []
        for message in flag_messages:
            flag = paragraph(message, role="warning")
            flag.setAccessibleName("Risk answer")
            layout.addWidget(flag)
            self.flag_labels.append(flag)
        if guidance.intro:
            layout.addWidget(paragraph(guidance.intro))

        if guidance.crisis_lines:
            lines = "\n".join(f"{line.name}: {line.number}" + (f" \u2013 {line.when}" if line.when else "")
                              for line in guidance.crisis_lines)
            crisis = paragraph(lines, role="inset")
            crisis.setAccessibleName("Crisis lines")
            crisis.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(crisis)

        done = QLabel("What did you do? Tick everything that applies.")
        set_role(done, "section")
        layout.addWidget(done)
        self.checks: dict[str, QCheckBox] = {}
        for choice in guidance.actions:
            box = QCheckBox(choice.label)
            box.setAccessibleName(choice.label)
            if choice.detail:
                box.setAccessibleDescription(choice.detail)
            row = QVBoxLayout()
            row.setSpacing(0)
            row.addWidget(box)
            if choice.detail:
                detail = paragraph(choice.detail, role="hint")
                detail.setContentsMargins(28, 0, 0, 0)
                detail.setBuddy(box)
                row.addWidget(detail)
            layout.addLayout(row)
            self.checks[choice.id] = box
        self.actions_message = FieldMessage()
        layout.addWidget(self.actions_message)

        note_label = QLabel(f"&{guidance.note_prompt} (required)")
        layout.addWidget(note_label)
        self.note = note_edit(guidance.note_prompt, 4)
        note_label.setBuddy(self.note)
        layout.addWidget(self.note)
        self.note_message = FieldMessage()
        layout.addWidget(self.note_message)

        bar = QHBoxLayout()
        self.record_button = primary_button("&Record what I did")
        self.record_button.setDefault(True)
        self.record_button.clicked.connect(self.record)
        self.later_button = button("&Later", "Later: close and record before completing")
        self.later_button.setToolTip("Close this for now. The assessment cannot be completed until "
                                     "you record what you did.")
        self.later_button.clicked.connect(self.reject)
        bar.addWidget(self.record_button)
        bar.addWidget(self.later_button)
        bar.addStretch(1)
        layout.addLayout(bar)

        if existing is not None:
            for action_id in existing.actions:
                if action_id in self.checks:
                    self.checks[action_id].setChecked(True)
            self.note.setPlainText(existing.note)
        first = next(iter(self.checks.values()))
        first.setFocus()

    def current(self) -> SafetyAction:
        return SafetyAction(
            actions=tuple(code for code, box in self.checks.items() if box.isChecked()),
            note=self.note.toPlainText().strip(), recorded_by=self.coach_name,
            recorded_at=dates.utc_now_iso())

    def record(self) -> None:
        action = self.current()
        problems = action.problems()
        self.actions_message.show_message(problems.get("safety_actions"))
        self.note_message.show_message(problems.get("safety_note"))
        set_flag(self.note, "invalid", "safety_note" in problems)
        self.note.setAccessibleDescription(
            f"Error: {problems['safety_note']}" if "safety_note" in problems else "")
        if problems:
            if "safety_actions" in problems:
                next(iter(self.checks.values())).setFocus()
            else:
                self.note.setFocus()
            return
        self.action = action
        self.recorded.emit(action)
        self.accept()
