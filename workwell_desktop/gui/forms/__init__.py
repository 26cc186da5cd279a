"""Screens laid out in Qt Designer: the ui_*.py modules are compiled from ui/*.ui by
packaging/build_forms.py (never edit them by hand). Each screen uses its form by
composition, ``self.ui = Ui_X(); self.ui.setupUi(self)``, then ``finish(self)``.

Record forms are not here: their fields and choices come from the domain vocabularies,
so they are built in code from that one source (see README, Architecture)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..style import relative_font


def finish(root: QWidget) -> None:
    """What Designer cannot say in a .ui: a title's font relative to the system size
    (dynamic property ``title_scale``), a button's accessible name without its
    access key ampersand when the form gave none, and the keyboard rules every screen
    follows (widgets.follow_keyboard_rules): the button marked ``primary`` is the default,
    so Enter presses it; no other button is auto-default (issue #18)."""
    from PySide6.QtWidgets import QAbstractButton, QLineEdit, QPlainTextEdit, QPushButton, QTextEdit

    from ..widgets import follow_keyboard_rules, plain

    for widget in [root, *root.findChildren(QWidget)]:
        scale = widget.property("title_scale")
        if scale:
            widget.setFont(relative_font(widget, float(scale), bold=True))
        if isinstance(widget, QAbstractButton) and widget.text() and not widget.accessibleName():
            widget.setAccessibleName(plain(widget.text()))
        if isinstance(widget, QPushButton):
            widget.setDefault(bool(widget.property("primary")))
            follow_keyboard_rules(widget)
        elif isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
            follow_keyboard_rules(widget)
