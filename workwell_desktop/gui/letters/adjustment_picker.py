"""Choosing adjustments from the service's catalogue, each with wording the coach can edit."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QPlainTextEdit, QVBoxLayout, QWidget

from ...documents.catalogue import AdjustmentCatalogue, AdjustmentTemplate
from ...domain.letters import LetterAdjustment
from ..style import set_flag
from ..widgets import FieldMessage


@dataclass
class _Choice:
    template: AdjustmentTemplate
    box: QCheckBox
    wording: QPlainTextEdit
    message: FieldMessage


class AdjustmentPicker(QWidget):
    """A tick box per adjustment; ticking one shows its wording, ready to edit."""

    changed = Signal()

    def __init__(self, catalogue: AdjustmentCatalogue, first_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Recommended adjustments")
        self.first_name = first_name
        self.choices: dict[str, _Choice] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for template in catalogue.adjustments:
            box = QCheckBox(template.title)
            box.setAccessibleName(template.title)
            wording = QPlainTextEdit(template.wording_for(first_name))
            wording.setAccessibleName(f"Wording for {template.title}")
            wording.setAccessibleDescription(
                "What the employer reads about this adjustment. Edit it with the client."
            )
            wording.setTabChangesFocus(True)
            lines = wording.fontMetrics().lineSpacing()
            wording.setFixedHeight(lines * 4 + 14)
            wording.hide()
            message = FieldMessage()
            layout.addWidget(box)
            layout.addWidget(wording)
            layout.addWidget(message)
            choice = _Choice(template, box, wording, message)
            self.choices[template.code] = choice
            box.toggled.connect(lambda on, c=choice: self._toggled(c, on))
            wording.textChanged.connect(self.changed)

    def _toggled(self, choice: _Choice, on: bool) -> None:
        choice.wording.setVisible(on)
        if not on:
            choice.message.show_message(None)
        self.changed.emit()

    def chosen(self) -> list[LetterAdjustment]:
        """The ticked adjustments with their wording, in catalogue order."""
        return [
            LetterAdjustment(code, c.template.title, c.wording.toPlainText().strip())
            for code, c in self.choices.items()
            if c.box.isChecked()
        ]

    def set_chosen(self, adjustments: list[LetterAdjustment]) -> None:
        """Tick these (keeping their wording); untick the rest. Unknown codes are ignored."""
        wanted = {a.code: a for a in adjustments}
        for code, choice in self.choices.items():
            if code in wanted:
                choice.wording.setPlainText(wanted[code].wording)
            choice.box.setChecked(code in wanted)

    def choose(self, code: str, wording: str | None = None) -> None:
        choice = self.choices[code]
        if wording is not None:
            choice.wording.setPlainText(wording)
        choice.box.setChecked(True)

    def show_errors(self, errors: dict[str, str]) -> None:
        for code, choice in self.choices.items():
            message = errors.get(f"adjustment:{code}") if choice.box.isChecked() else None
            choice.message.show_message(message)
            set_flag(choice.wording, "invalid", bool(message))
            choice.wording.setAccessibleDescription(f"Error: {message}" if message else "")
