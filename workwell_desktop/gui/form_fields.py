"""Form messages the NHS digital service manual way, in one place for every form.

- A field's message shows once the person has changed the field and left it, or has
  tried to submit: not while they are still typing, and not for a field they have only
  tabbed through ("Enter a phone number" before anything was typed).
  https://service-manual.nhs.uk/design-system/components/error-message
- Submit buttons stay enabled. Submitting a form with problems shows an error summary at
  the top, "There is a problem", with one entry per problem worded as by the field; focus
  moves to the summary, and activating an entry (Enter, Space or a click) puts the cursor
  in its field.
  https://service-manual.nhs.uk/design-system/components/error-summary
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .style import set_flag, set_role
from .widgets import DateField, FieldMessage, access_key, hint_label, plain

_FOCUS_LEFT_BY_PERSON = {
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.MouseFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
}


@dataclass
class _Field:
    widget: QWidget
    message: FieldMessage
    hint: str
    form: QFormLayout | None = None
    cell: QWidget | None = None
    hint_label: QLabel | None = None
    label: QLabel | None = None


class _SummaryEntry(QLabel):
    """One problem in the error summary: a link to its field, reached with Tab."""

    activated = Signal()

    def __init__(self, text: str, linked: bool):
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self.setText(f'<a href="#">{escaped}</a>' if linked else escaped)
        self.setAccessibleName(text)
        if linked:
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setAccessibleDescription("Go to the field")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self.focusPolicy() != Qt.FocusPolicy.NoFocus and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
            Qt.Key.Key_Space,
        ):
            self.activated.emit()
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.focusPolicy() != Qt.FocusPolicy.NoFocus:
            self.activated.emit()
        super().mouseReleaseEvent(event)


class ErrorSummary(QFrame):
    """'There is a problem' and each problem, at the top of a form after a refused submit."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ErrorSummary")
        set_role(self, "error-summary")
        self.setAccessibleName("There is a problem")
        # It takes focus when it appears (so a screen reader reads it); Tab then goes through it.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(4)
        title = QLabel("There is a problem")
        set_role(title, "error-summary-title")
        layout.addWidget(title)
        self._list = QVBoxLayout()
        self._list.setSpacing(2)
        layout.addLayout(self._list)
        self.entries: list[_SummaryEntry] = []
        self.hide()

    def show_problems(self, problems: list[tuple[str, QWidget | None]]) -> None:
        """(message, field to go to or None) for each problem; none hides the summary."""
        shown = [
            (entry.accessibleName(), entry.focusPolicy() != Qt.FocusPolicy.NoFocus) for entry in self.entries
        ]
        if shown != [(m, w is not None) for m, w in problems]:
            for entry in self.entries:
                self._list.removeWidget(entry)
                entry.deleteLater()
            self.entries = []
            previous: QWidget = self
            for message, target in problems:
                entry = _SummaryEntry(message, target is not None)
                if target is not None:
                    entry.activated.connect(lambda t=target: _go_to(t))
                self._list.addWidget(entry)
                self.entries.append(entry)
                if target is not None:
                    QWidget.setTabOrder(previous, entry)
                    previous = entry
        self.setAccessibleDescription(" ".join(m for m, _ in problems))
        self.setVisible(bool(problems))

    def take_focus(self) -> None:
        _scroll_to(self)
        self.setFocus(Qt.FocusReason.OtherFocusReason)


def _scroll_to(widget: QWidget) -> None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget)
        parent = parent.parentWidget()


def _go_to(widget: QWidget) -> None:
    _scroll_to(widget)
    widget.setFocus(Qt.FocusReason.OtherFocusReason)


class FieldSet(QObject):
    """The fields of one form by record field name.

    A message shows only for a field the person has changed and left (or chosen, for a
    tick box, radio button or list), so an empty form does not open as a wall of red;
    ``reveal`` on submit shows everything, with the error summary when one is attached.
    """

    edited = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.fields: dict[str, _Field] = {}
        self.touched: set[str] = set()
        self.changed_names: set[str] = set()  # changed by the person, maybe not left yet
        self.summary: ErrorSummary | None = None
        self._links: dict[str, QWidget] = {}  # where the summary sends a problem with no field
        self._loading = False
        self._watched: dict[QObject, str] = {}

    def attach_summary(self, summary: ErrorSummary) -> ErrorSummary:
        self.summary = summary
        return summary

    def link(self, name: str, widget: QWidget) -> None:
        """The widget the summary goes to for a problem ``name`` that is not one of the fields."""
        self._links[name] = widget

    # ----- building ------------------------------------------------------
    def row(
        self, form: QFormLayout, name: str, label_text: str, widget: QWidget, hint: str | None = None
    ) -> QWidget:
        """Add a labelled field (label buddy, hint, message under it) to ``form``."""
        label = QLabel(label_text)
        # The buddy must take focus for the label's access key to act (a DateField does not).
        label.setBuddy(widget.edit if isinstance(widget, DateField) else widget)
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
        self.add(name, widget, message, hint or "")
        field = self.fields[name]
        field.form, field.cell, field.hint_label, field.label = form, cell, hint_widget, label
        return widget

    def drop_access_keys(self, taken: set[str]) -> None:
        """Labels give up an access key the window already uses (the Details tab shares the
        New client form, but the record's tabs hold eight letters): Tab still reaches them."""
        for field in self.fields.values():
            label = field.label
            if label is not None and (key := access_key(label.text())) and key in taken:
                label.setText(plain(label.text()))

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

    def add(self, name: str, widget: QWidget, message: FieldMessage, hint: str = "") -> None:
        # What a screen reader hears about the field when nothing is wrong with it.
        described = hint or widget.accessibleDescription()
        self.fields[name] = _Field(widget, message, described)
        if hint:
            widget.setAccessibleDescription(hint)
        self._connect(name, widget)

    def _connect(self, name: str, widget: QWidget) -> None:
        typed = isinstance(widget, QLineEdit | QPlainTextEdit | QAbstractSpinBox | DateField)

        def person_edited(*_args) -> None:
            if not self._loading:
                # Text is judged when the person leaves it; a choice is complete when made.
                (self.changed_names if typed else self.touched).add(name)
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
            if name and name in self.changed_names and name not in self.touched:
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
    def start_over(self) -> None:
        """A form (re)loaded from a record: no messages until the person acts again."""
        self.touched.clear()
        self.changed_names.clear()
        if self.summary is not None:
            self.summary.show_problems([])

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
        self.refresh_summary(errors)

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
        """On a refused submit: every field's message, and the error summary (focused) when
        one is attached, else the cursor in the first field with a problem. A problem that
        belongs to no field is listed in the summary without a link."""
        self.touch_all()
        self.show(errors)
        if self.summary is None:
            self.focus_first(errors)
            return
        self.show_summary(errors)
        self.summary.take_focus()

    def show_summary(self, errors: dict[str, str]) -> None:
        """The summary as things stand (it follows the fixes once shown; never opens itself)."""
        if self.summary is None:
            return
        ordered = [(m, self._target(n)) for n in self.fields if (m := errors.get(n))]
        ordered += [(m, self._links.get(n)) for n, m in errors.items() if n not in self.fields]
        self.summary.show_problems(ordered)

    def _target(self, name: str) -> QWidget:
        widget = self.fields[name].widget
        return widget.edit if isinstance(widget, DateField) else widget

    def refresh_summary(self, errors: dict[str, str]) -> None:
        if self.summary is not None and self.summary.isVisibleTo(self.summary.window()):
            self.show_summary(errors)

    def label_for(self, name: str) -> str:
        field = self.fields.get(name)
        return field.widget.accessibleName() if field else name.replace("_", " ")


def date_problems(fields: dict[str, DateField]) -> dict[str, str]:
    """Messages for date fields holding text that is not a date (checked before the domain)."""
    return {name: problem for name, field in fields.items() if (problem := field.problem())}
