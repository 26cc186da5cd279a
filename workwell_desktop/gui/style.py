"""The NHS look: Fusion plus a modest stylesheet; text sizes stay relative to the system font."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from ..paths import resource_path

log = logging.getLogger(__name__)

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
TEXT = "#212B32"
SECONDARY_TEXT = "#4C6272"
ERROR_RED = "#D5281B"
SUCCESS_GREEN = "#007F3B"
WARNING_TEXT = "#8A4B00"  # dark amber that keeps 4.5:1 contrast on white
PALE_GREY = "#F0F4F5"


def apply(app: QApplication) -> None:
    """Fusion everywhere (the same look on NHS Windows laptops and Linux) plus our stylesheet."""
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor(NHS_BLUE))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#FFFFFF"))
    palette.setColor(QPalette.ColorRole.Link, QColor(NHS_BLUE))
    app.setPalette(palette)
    sheet = resource_path("style", "workwell.qss")
    try:
        # Images (tick, arrows) sit beside the sheet; Qt wants forward slashes, even on Windows.
        text = sheet.read_text(encoding="utf-8").replace("@STYLE@", sheet.parent.as_posix())
        app.setStyleSheet(text)
    except OSError:
        # The app works unstyled; a missing stylesheet is a packaging fault for IT, not the coach.
        log.warning("stylesheet not found at %s", sheet)


def relative_font(widget: QWidget, scale: float = 1.0, bold: bool = False) -> QFont:
    """The widget's font scaled from the system size (never a fixed pixel size)."""
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    else:
        font.setPixelSize(round(font.pixelSize() * scale))
    font.setBold(bold)
    return font


def set_role(widget: QWidget, role: str) -> None:
    """A stylesheet role (title, hint, error, inset ...), re-polished so it shows at once."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_flag(widget: QWidget, name: str, on: bool) -> None:
    if widget.property(name) == on:
        return
    widget.setProperty(name, on)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()
