"""Validate as you type: each field shows its own message once the person has been there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .style import set_flag
from .widgets import DateField, FieldMessage, hint_label, plain

_FOCUS_LEFT_BY_PERSON = {
    Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.MouseFocusReason, Qt.FocusReason.ShortcutFocusReason,
}


@dataclass
class _Field:
    widget: QWidget
    message: FieldMessage
    hint: str
    form: QFormLayout | None = None
    cell: QWidget | None = None
    hint_label: QLabel | None = None


class FieldSet(QObject):
    """The fields of one form by record field name.

    A message shows only for a field the person has edited or left, so an empty
    form does not open as a wall of red; ``touch_all`` shows everything (after a
    refused save, or for a record that already exists).
    """

    edited = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.fields: dict[str, _Field] = {}
        self.touched: set[str] = set()
        self._loading = False
        self._watched: dict[QObject, str] = {}

    # ----- building ------------------------------------------------------
    def row(self, form: QFormLayout, name: str, label_text: str, widget: QWidget,
            hint: str | None = None, eager: bool = True) -> QWidget:
        """Add a labelled field (label buddy, hint, message under it) to ``form``.

        ``eager=False`` waits until the person leaves the field before judging it (a
        passphrase is "too short" at every keystroke until it is not)."""
        label = QLabel(label_text)
        label.setBuddy(widget)
        label.setWordWrap(False)
        if not widget.accessibleName():
            widget.setAccessibleName(plain(label_text))
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        hint_widget = hint_label(hint) if hint else None
        expands = widget.sizePolicy().expandingDirections() & Qt.Orientation.Horizontal
        if hint_widget is not None and not expands:
            # A short field (a drop-down, a date) keeps its width, but its hint wraps across the
            # whole column: in a cell only as wide as the drop-down it was cut off (issue #18).
            cell.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            column.addWidget(widget)
        if hint_widget is not None:
            column.addWidget(hint_widget)
        message = FieldMessage()
        column.addWidget(message)
        column.addStretch(1)  # spare height goes below the message, not between the parts
        form.addRow(label, cell)
        self.add(name, widget, message, hint or "", eager)
        field = self.fields[name]
        field.form, field.cell, field.hint_label = form, cell, hint_widget
        return widget

    def set_hint(self, name: str, text: str) -> None:
        field = self.fields[name]
        field.hint = text
        if field.hint_label is not None:
            field.hint_label.setText(text)
            field.hint_label.setVisible(bool(text))

    def set_row_visible(self, name: str, visible: bool) -> None:
        field = self.fields[name]
        if field.form is not None and field.cell is not None:
            field.form.setRowVisible(field.cell, visible)

    def add(self, name: str, widget: QWidget, message: FieldMessage, hint: str = "",
            eager: bool = True) -> None:
        # What a screen reader hears about the field when nothing is wrong with it.
        described = hint or widget.accessibleDescription()
        self.fields[name] = _Field(widget, message, described)
        if hint:
            widget.setAccessibleDescription(hint)
        self._connect(name, widget, eager)

    def _connect(self, name: str, widget: QWidget, eager: bool) -> None:
        def person_edited(*_args) -> None:
            if not self._loading and eager:
                self.touched.add(name)
            self.edited.emit()

        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(person_edited)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(person_edited)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(person_edited)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(person_edited)
        elif isinstance(widget, QAbstractSpinBox):
            widget.valueChanged.connect(person_edited)
        elif hasattr(widget, "changed"):  # DateField, ChoiceRadios, OptionChecks
            widget.changed.connect(person_edited)
        focus_target = widget.edit if isinstance(widget, DateField) else widget
        if isinstance(focus_target, QLineEdit | QPlainTextEdit | QComboBox | QAbstractSpinBox):
            focus_target.installEventFilter(self)
            self._watched[focus_target] = name

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FocusOut and event.reason() in _FOCUS_LEFT_BY_PERSON:
            name = self._watched.get(watched)
            if name and name not in self.touched:
                self.touched.add(name)
                self.edited.emit()
        return False

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Setting values from a record is not the person editing them."""
        self._loading = True
        try:
            yield
        finally:
            self._loading = False

    # ----- showing -------------------------------------------------------
    def touch_all(self) -> None:
        self.touched.update(self.fields)

    def touch(self, names) -> None:
        self.touched.update(n for n in names if n in self.fields)

    def show(self, errors: dict[str, str]) -> None:
        """Show each touched field's message (or clear it) and mark the field invalid."""
        for name, field in self.fields.items():
            message = errors.get(name) if name in self.touched else None
            field.message.show_message(message)
            target = field.widget.edit if isinstance(field.widget, DateField) else field.widget
            if isinstance(target, QLineEdit | QPlainTextEdit | QComboBox | QAbstractSpinBox):
                set_flag(target, "invalid", bool(message))
            field.widget.setAccessibleDescription(f"Error: {message}" if message else field.hint)

    def first_with(self, errors: dict[str, str]) -> QWidget | None:
        for name, field in self.fields.items():
            if name in errors:
                return field.widget
        return None

    def focus_first(self, errors: dict[str, str]) -> None:
        """Put the cursor in the first field with a problem, if it is one of ours."""
        widget = self.first_with(errors)
        if widget is not None:
            widget.setFocus()

    def reveal(self, errors: dict[str, str]) -> None:
        """On a save attempt: show every field's message, cursor to the first problem."""
        self.touch_all()
        self.show(errors)
        self.focus_first(errors)

    def label_for(self, name: str) -> str:
        field = self.fields.get(name)
        return field.widget.accessibleName() if field else name.replace("_", " ")


def date_problems(fields: dict[str, DateField]) -> dict[str, str]:
    """Messages for date fields holding text that is not a date (checked before the domain)."""
    return {name: problem for name, field in fields.items() if (problem := field.problem())}


def _lower_first(text: str) -> str:
    """'Given name' -> 'given name', but 'NHS number' stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def still_to_do(fieldset: FieldSet, errors: dict[str, str], limit: int = 4) -> str:
    """A one-line summary by the Save button of what stops the save."""
    if not errors:
        return ""
    names = [_lower_first(fieldset.label_for(n)) for n in fieldset.fields if n in errors]
    names += [n.replace("_", " ") for n in errors if n not in fieldset.fields]
    shown = ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")
    return f"To save, check: {shown}."
