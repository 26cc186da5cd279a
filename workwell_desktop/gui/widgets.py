"""Small form pieces shared by every screen: date fields, choice lists, field messages."""

from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from . import dates
from .style import set_flag, set_role


def plain(text: str) -> str:
    """Label text without its mnemonic ampersand: '&Given name' -> 'Given name'."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def may_discard(
    parent: QWidget,
    title: str = "Discard what you typed?",
    text: str = "You have not saved this. Close it and lose what you typed?",
) -> bool:
    """Escape or Cancel with something typed: the one question every form asks before losing
    it (Cancel is the default, so a second Escape keeps the typing). True to close."""
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


def access_key(text: str) -> str | None:
    """The access key (Alt+letter) a widget's text gives: 'Add &goal…' -> 'G'; '&&' is an ampersand."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].upper()
            i += 1
        i += 1
    return None


class FieldMessage(QLabel):
    """The message under a field: hidden until there is something wrong."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        set_role(self, "error")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))
        self.setAccessibleName(f"Error: {text}" if text else "")


class WrappingLabel(QLabel):
    """A word-wrapped label that is always as tall as its text needs at the width it is given.

    Qt asks a wrapped label for its height at the width it is given only where every layout
    above it supports height-for-width; one inside a tab page, a stacked widget or a form
    row in a plain dialog got the height of its size hint instead and lost its last lines
    (the record header at 2x display scale, the Settings hints: issue #18). Only for those
    places: where the layouts do their job it would keep a dialog as tall as its first,
    narrowest layout made it."""

    def __init__(self, text: str | QWidget = "", parent: QWidget | None = None):
        if isinstance(text, QWidget):  # WrappingLabel(parent), as Designer forms make it
            text, parent = "", text
        super().__init__(text, parent)
        self.setWordWrap(True)

    def _fit(self) -> None:
        if self.wordWrap() and self.width() > 0:
            needed = self.heightForWidth(self.width())
            if needed > 0 and needed != self.minimumHeight():
                self.setMinimumHeight(needed)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self._fit()


def hint_label(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    set_role(label, "hint")
    label.setWordWrap(True)
    return label


_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_LETTERS_AND_DIGITS = range(Qt.Key.Key_0.value, Qt.Key.Key_Z.value + 1)


class _KeyboardRules(QObject):
    """Two keyboard rules every screen shares (issue #18), on the widgets made here.

    - Enter on a focused button presses that button, as Space does, in a dialog or on a
      screen. Qt does that only for "auto-default" buttons, and an auto-default button in
      a dialog quietly becomes the dialog's default once it has had focus: Enter in the
      letter's agreement box then pressed the last preset button. So no button here is
      auto-default, the one primary button is the dialog's default (Enter anywhere else
      in the dialog, except in multi-line text, presses it), and this filter does the rest.
    - Alt+letter that is no access key in the window types nothing into a text box
      (Qt typed the letter: Alt+T put a "t" in a note).
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress:
            return False
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if isinstance(watched, QAbstractButton) and event.key() in _ENTER:
            if modifiers == Qt.KeyboardModifier.NoModifier:
                if watched.isEnabled():
                    watched.click()
                return True
        elif (
            isinstance(watched, QLineEdit | QPlainTextEdit)
            and modifiers == Qt.KeyboardModifier.AltModifier
            and event.key() in _LETTERS_AND_DIGITS
        ):
            return True
        return False


KEYBOARD_RULES = _KeyboardRules()


def follow_keyboard_rules(widget: QWidget) -> QWidget:
    """Apply the shared Enter and Alt rules above to a button or a text box made elsewhere."""
    if isinstance(widget, QPushButton) and not widget.isDefault():
        widget.setAutoDefault(False)
    widget.installEventFilter(KEYBOARD_RULES)
    return widget


def primary_button(text: str, accessible_name: str | None = None) -> QPushButton:
    """The one main action of a dialog or screen: Enter presses it (see _KeyboardRules)."""
    button = QPushButton(text)
    set_flag(button, "primary", True)
    button.setAccessibleName(accessible_name or plain(text))
    button.setDefault(True)
    return follow_keyboard_rules(button)


def button(text: str, accessible_name: str | None = None) -> QPushButton:
    btn = QPushButton(text)
    btn.setAccessibleName(accessible_name or plain(text))
    return follow_keyboard_rules(btn)


def line_edit(accessible_name: str, max_length: int = 200, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    follow_keyboard_rules(edit)
    edit.setAccessibleName(accessible_name)
    edit.setMaxLength(max_length)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def focus_into(page: QWidget) -> None:
    """Keyboard focus to the first Tab stop inside ``page``: where the next keystroke belongs
    after a shortcut has shown it (Ctrl+Shift+P showed the plan and left focus behind)."""
    widget, steps = page.nextInFocusChain(), 0
    while widget is not None and widget is not page and steps < 2000:
        if (
            page.isAncestorOf(widget)
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
        ):
            widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        widget, steps = widget.nextInFocusChain(), steps + 1
    page.setFocus(Qt.FocusReason.ShortcutFocusReason)


def chain_tab_order(widgets: list[QWidget]) -> None:
    """Deliberate keyboard order: top to bottom, left column before right."""
    for first, second in zip(widgets, widgets[1:], strict=False):
        QWidget.setTabOrder(first, second)


def _calendar_icon() -> QIcon:
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#212B32"))
    painter.setBrush(QColor("#FFFFFF"))
    painter.drawRoundedRect(3, 6, 26, 23, 3, 3)
    painter.fillRect(4, 7, 25, 6, QColor("#005EB8"))
    painter.setBrush(QColor("#212B32"))
    for row in (17, 23):
        for col in (8, 14, 20):
            painter.drawRect(col, row, 3, 2)
    painter.end()
    return QIcon(pixmap)


class DateField(QWidget):
    """A date typed day first (21/03/1985), with a calendar on Alt+Down or the button.

    It may be empty, which a date of birth or a first contact date needs and a
    QDateEdit cannot show. ``iso()`` gives the stored form.
    """

    changed = Signal()

    def __init__(self, accessible_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = follow_keyboard_rules(QLineEdit())
        self.edit.setPlaceholderText("DD/MM/YYYY")
        self.edit.setMaxLength(10)
        width = self.edit.fontMetrics().horizontalAdvance("00/00/00000") + 24
        self.edit.setMinimumWidth(width)
        self.edit.setMaximumWidth(width + 40)
        self.calendar_button = QToolButton()
        self.calendar_button.setObjectName("CalendarButton")
        self.calendar_button.setIcon(_calendar_icon())
        self.calendar_button.setToolTip("Choose from a calendar (Alt+Down)")
        # One tab stop per date: the button is for the mouse, Alt+Down for the keyboard.
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.calendar_button.clicked.connect(self.open_calendar)
        QShortcut(
            QKeySequence("Alt+Down"), self.edit, self.open_calendar, context=Qt.ShortcutContext.WidgetShortcut
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit)
        layout.addWidget(self.calendar_button)
        layout.addStretch(1)
        # Focusing the field focuses the edit; as ChoiceRadios, not by a focus proxy (Qt makes
        # a proxied widget a Tab stop where it sits in the chain). Its label's buddy is the edit.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setAccessibleName(accessible_name)
        self.setAccessibleDescription(dates.TYPING_HINT)
        self.edit.setToolTip(f"{dates.TYPING_HINT}. Alt+Down opens a calendar.")
        self.edit.textChanged.connect(lambda _text: self.changed.emit())
        self.edit.editingFinished.connect(self._tidy)
        self._maximum: QDate | None = None

    def focusInEvent(self, event) -> None:  # noqa: N802
        self.edit.setFocus(event.reason())

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 (Qt naming)
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)
        self.calendar_button.setAccessibleName(f"Choose {name[:1].lower()}{name[1:]} from a calendar")

    def setAccessibleDescription(self, text: str) -> None:  # noqa: N802
        super().setAccessibleDescription(text)
        self.edit.setAccessibleDescription(text)

    def set_latest(self, iso: str) -> None:
        """The calendar offers nothing after this date (things that have happened)."""
        self._maximum = QDate.fromString(iso, "yyyy-MM-dd")

    def iso(self) -> str:
        """The ISO date, '' when empty, or the raw text when it is not a date."""
        text = self.edit.text().strip()
        parsed = dates.parse_typed(text)
        return parsed.isoformat() if parsed else text

    def problem(self) -> str | None:
        """A message when something is typed that is not a real date."""
        text = self.edit.text().strip()
        if text and dates.parse_typed(text) is None:
            return f"Enter a real date, day/month/year, for example {self._example()}."
        return None

    def set_iso(self, iso: str) -> None:
        self.edit.setText(dates.for_typing(iso))

    def text(self) -> str:
        return self.edit.text()

    def _example(self) -> str:
        return "21/03/1985"

    def _tidy(self) -> None:
        parsed = dates.parse_typed(self.edit.text())
        if parsed and self.edit.text() != parsed.strftime("%d/%m/%Y"):
            self.edit.setText(parsed.strftime("%d/%m/%Y"))

    def open_calendar(self) -> None:
        menu = QMenu(self)
        calendar = QCalendarWidget(menu)
        calendar.setAccessibleName(f"Calendar for {self.accessibleName().lower()}")
        calendar.setGridVisible(True)
        if self._maximum is not None:
            calendar.setMaximumDate(self._maximum)
        current = dates.parse_typed(self.edit.text())
        if current:
            calendar.setSelectedDate(QDate(current.year, current.month, current.day))

        def chosen(qdate: QDate) -> None:
            self.set_iso(qdate.toString("yyyy-MM-dd"))
            menu.close()
            self.edit.setFocus()

        calendar.activated.connect(chosen)
        calendar.clicked.connect(chosen)
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)
        calendar.setFocus()
        menu.popup(self.edit.mapToGlobal(QPoint(0, self.edit.height())))


class ChoiceCombo(QComboBox):
    """A drop-down list of a domain vocabulary: shows labels, gives codes."""

    LONG = 36  # characters: a list with a longer choice is not sized to its longest

    def __init__(
        self,
        choices: dict[str, str],
        accessible_name: str,
        prompt: str | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        if prompt is not None:
            # No silent default for facts that must be chosen (route, reason, outcome).
            self.addItem(prompt, "")
        for code, label in choices.items():
            self.addItem(label, code)
        longest = max((len(label) for label in choices.values()), default=0)
        if longest <= self.LONG:
            self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        else:
            # A list of long choices (the lawful reasons) sized to its longest made its dialog
            # wider than a 1366x768 screen at 1.5x: it takes the room the form has, at least
            # LONG characters, and its open list is wide enough for every choice (issue #18).
            from PySide6.QtWidgets import QSizePolicy

            self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.setMinimumContentsLength(self.LONG)
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.view().setMinimumWidth(self.view().sizeHintForColumn(0) + 24)

    def code(self) -> str:
        return self.currentData() or ""

    def set_code(self, code: str) -> None:
        index = self.findData(code)
        self.setCurrentIndex(max(index, 0))


class ChoiceRadios(QWidget):
    """Radio buttons for a short vocabulary (2-4 choices), laid out in a row."""

    changed = Signal()

    def __init__(
        self,
        choices: dict[str, str],
        accessible_name: str,
        parent: QWidget | None = None,
        vertical: bool = False,
    ):
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16 if not vertical else 4)
        for code, label in choices.items():
            radio = QRadioButton(label)
            radio.setAccessibleName(label)
            radio.setAccessibleDescription(accessible_name)
            self.group.addButton(radio)
            self.buttons[code] = radio
            layout.addWidget(radio)
        if not vertical:
            layout.addStretch(1)
        self.group.buttonToggled.connect(self._toggled)
        # Its label's access key (and the error summary) focus the group: focus then goes to
        # the chosen radio button, or the first, choosing nothing. Click focus, not a focus
        # proxy: Qt makes a proxied widget a Tab stop where it sits in the chain.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    def focusInEvent(self, event) -> None:  # noqa: N802
        chosen = self.group.checkedButton() or next(iter(self.buttons.values()), None)
        if chosen is not None:
            chosen.setFocus(event.reason())

    def _toggled(self, radio: QAbstractButton, checked: bool) -> None:
        if checked:
            self.changed.emit()

    def code(self) -> str:
        for code, radio in self.buttons.items():
            if radio.isChecked():
                return code
        return ""

    def set_code(self, code: str) -> None:
        radio = self.buttons.get(code)
        if radio is not None:
            radio.setChecked(True)
        else:
            self.group.setExclusive(False)
            for each in self.buttons.values():
                each.setChecked(False)
            self.group.setExclusive(True)

    def setAccessibleDescription(self, text: str) -> None:  # noqa: N802
        super().setAccessibleDescription(text)
        for radio in self.buttons.values():
            radio.setAccessibleDescription(text or self.accessibleName())


def scroll_area(content: QWidget | None = None, parent: QWidget | None = None, *, horizontal: bool = True):
    """A frameless scroll area for a page or a dialog's fields that is taller than a small screen.

    It takes no Tab stop of its own: it only holds other widgets, and as focus moves through
    them the area scrolls each into view (QScrollArea.focusNextPrevChild), so a stop on the
    area itself was one more unnamed pane to tab past in every record dialog (issue #18).
    It scrolls sideways only when its content cannot be made narrow enough (wrapped text
    never needs to); ``horizontal=False`` forbids that, cutting off whatever is wider."""
    from PySide6.QtWidgets import QFrame, QScrollArea

    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if not horizontal:
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if content is not None:
        area.setWidget(content)
    return area


def available_width(widget: QWidget) -> int:
    """The width ``widget`` could have: inside a scroll area, what its viewport shows (the
    widget itself may be wider and scroll), else its own width."""
    from PySide6.QtWidgets import QScrollArea

    parent = widget.parentWidget()
    while parent is not None:
        if (
            isinstance(parent, QScrollArea)
            and parent.widget() is not None
            and (parent.widget() is widget or parent.widget().isAncestorOf(widget))
        ):
            content = parent.widget()
            left = 0 if content is widget else widget.mapTo(content, QPoint(0, 0)).x()
            return parent.viewport().width() - left
        parent = parent.parentWidget()
    return widget.width()


def size_to_current_page(pages) -> None:
    """A QStackedWidget or QTabWidget as small as its current page allows, not its largest.

    Qt's stacked layout asks for the largest minimum of all its pages, so an open client
    record (or the workspace behind the lock screen) kept the window too big for a small
    screen whichever page was showing (issue #18). A page not on show has its size policy
    Ignored, which the stacked layout leaves out (qSmartMinSize)."""
    from PySide6.QtWidgets import QSizePolicy

    def follow(_index: int = 0) -> None:
        current = pages.currentWidget()
        for index in range(pages.count()):
            page = pages.widget(index)
            policy = getattr(page, "_own_size_policy", None)
            if policy is None:
                policy = page._own_size_policy = page.sizePolicy()
            ignored = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            page.setSizePolicy(policy if page is current else ignored)
        pages.updateGeometry()

    pages.currentChanged.connect(follow)
    follow()


def card_page(parent: QWidget | None = None, width_in_chars: int = 62) -> tuple[QWidget, QVBoxLayout]:
    """A pale page with one white card centred on it (set-up and unlock screens).

    The card width is measured in characters of the current font, so it grows with
    the system font size instead of clipping text.
    """
    from PySide6.QtWidgets import QFrame, QSizePolicy

    page = scroll_area(parent=parent)
    page.setObjectName("Screen")
    inner = QWidget()
    inner.setObjectName("Screen")
    outer = QVBoxLayout(inner)
    outer.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    card = QFrame()
    card.setObjectName("Card")
    card.setMaximumWidth(card.fontMetrics().averageCharWidth() * width_in_chars + 64)
    card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    row.addWidget(card, 10)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(2)
    page.setWidget(inner)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(32, 28, 32, 28)
    layout.setSpacing(12)
    return page, layout


def title_label(text: str, scale: float = 1.5) -> QLabel:
    from .style import relative_font

    label = QLabel(text)
    label.setFont(relative_font(label, scale, bold=True))
    label.setWordWrap(True)
    set_role(label, "title")
    return label


def paragraph(text: str, role: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        set_role(label, role)
    return label


def section_card(heading: str) -> tuple[QWidget, QVBoxLayout]:
    """A white panel with a bold heading, for a group of related fields."""
    from PySide6.QtWidgets import QFrame

    card = QFrame()
    set_role(card, "card")
    card.setAccessibleName(heading)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(16, 12, 16, 12)
    layout.setSpacing(8)
    title = QLabel(heading)
    set_role(title, "section")
    layout.addWidget(title)
    return card, layout


class OptionChecks(QWidget):
    """Tick boxes for a vocabulary where several may apply (fit note options)."""

    changed = Signal()

    def __init__(self, choices: dict[str, str], accessible_name: str, parent: QWidget | None = None):
        from PySide6.QtWidgets import QCheckBox

        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.boxes = {}
        for code, label in choices.items():
            box = QCheckBox(label)
            box.setAccessibleName(label)
            box.toggled.connect(lambda _on: self.changed.emit())
            self.boxes[code] = box
            layout.addWidget(box)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # as ChoiceRadios

    def focusInEvent(self, event) -> None:  # noqa: N802
        first = next(iter(self.boxes.values()), None)
        if first is not None:
            first.setFocus(event.reason())

    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, box in self.boxes.items() if box.isChecked())

    def set_codes(self, codes) -> None:
        for code, box in self.boxes.items():
            box.setChecked(code in codes)


def note_edit(accessible_name: str, lines: int = 3) -> QPlainTextEdit:
    """A multi-line note where Tab moves on (as everywhere else) instead of typing a tab,
    and Enter starts a new line (Ctrl+Enter is left to the dialog)."""
    edit = follow_keyboard_rules(QPlainTextEdit())
    edit.setAccessibleName(accessible_name)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit
