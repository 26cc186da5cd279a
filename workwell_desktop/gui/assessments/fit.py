"""Dialogs that fit the screen they are on: the content scrolls, the buttons never do.

The safety prompt and the assessment's result page were cut off in a real window
(issue #13): a word-wrapped label in a plain dialog layout is given the height of
one width, then squeezed to another, and at 1.5x text scale the dialog was taller
than the screen with its buttons out of reach. Here the content sits in a scroll
area (which gives each wrapped label its height for the width it really gets) and
the button bar below it, outside the scroll; the dialog asks for the height its
content needs at its width, capped by the screen's available area.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QScrollArea, QVBoxLayout, QWidget

from ..widgets import scroll_area

# Room left around a dialog for the window manager's title bar and frame.
_FRAME_ALLOWANCE = 48


def scrolling_body(dialog: QDialog, outer: QVBoxLayout) -> tuple[QScrollArea, QWidget, QVBoxLayout]:
    """A scroll area added to ``outer`` holding a content widget; add the content to
    the returned layout and the buttons to ``outer`` after it."""
    scroll = scroll_area(parent=dialog)
    content = QWidget()
    content.setObjectName("scrolledContent")
    layout = QVBoxLayout(content)
    layout.setContentsMargins(0, 0, 4, 0)
    scroll.setWidget(content)
    outer.addWidget(scroll, 1)
    return scroll, content, layout


def available_area(widget: QWidget) -> QRect:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(
    dialog: QDialog, scroll: QScrollArea, preferred_width: int, *, grow_only: bool = False
) -> None:
    """Resize ``dialog`` to show all of its scrolled content at ``preferred_width``
    where the screen allows, else as much as fits (the rest scrolls). Call after the
    content is built, and again when it changes (``grow_only``: never shrink while the
    person is using it, so the buttons do not jump). A shown dialog is kept on screen."""
    area = available_area(dialog)
    width = max(min(preferred_width, area.width() - 16), dialog.minimumSizeHint().width())
    width = min(width, area.width() - 16)
    content = scroll.widget()
    outer = dialog.layout()
    margins = outer.contentsMargins()
    inner = width - margins.left() - margins.right() - scroll.verticalScrollBar().sizeHint().width()
    content_layout = content.layout()
    needed = (
        content_layout.totalHeightForWidth(inner)
        if content_layout.hasHeightForWidth()
        else content.sizeHint().height()
    )
    chrome = dialog.sizeHint().height() - scroll.sizeHint().height()
    height = min(max(needed + chrome, dialog.minimumSizeHint().height()), area.height() - _FRAME_ALLOWANCE)
    if grow_only:
        width, height = max(width, dialog.width()), max(height, dialog.height())
    dialog.resize(width, height)
    if dialog.isVisible():
        keep_on_screen(dialog)
    else:  # Qt places a new dialog over its parent when it shows; check once it has
        QTimer.singleShot(0, lambda: keep_on_screen(dialog))


def keep_on_screen(dialog: QDialog) -> None:
    """Move the dialog so the whole of it (title bar allowance included) is on screen;
    a dialog already on screen stays where it is."""
    import shiboken6

    if not shiboken6.isValid(dialog):
        return
    area = available_area(dialog)
    frame = dialog.frameGeometry()
    if area.contains(frame):
        return
    x = min(max(frame.x(), area.left()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.top()), area.bottom() - dialog.height() - _FRAME_ALLOWANCE // 2)
    dialog.move(max(x, area.left()), max(y, area.top()))
