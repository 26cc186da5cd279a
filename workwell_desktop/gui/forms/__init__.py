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
    (dynamic property ``title_scale``), and a button's accessible name without its
    access key ampersand when the form gave none."""
    from PySide6.QtWidgets import QAbstractButton

    for widget in [root, *root.findChildren(QWidget)]:
        scale = widget.property("title_scale")
        if scale:
            widget.setFont(relative_font(widget, float(scale), bold=True))
        if isinstance(widget, QAbstractButton) and widget.text() and not widget.accessibleName():
            from ..widgets import plain

            widget.setAccessibleName(plain(widget.text()))
