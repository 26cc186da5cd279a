"""What the keyboard can reach in a window: its access keys (Alt+letter) and its tab chain.

Used by tests/gui/test_keyboard.py. An access key is live when the widget carrying it is
visible in the window: a button's or tick box's text, a label's (it moves to the buddy),
a tab of a visible tab bar, a group box title, or a menu bar title.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenuBar, QTabBar, QWidget

from workwell_desktop.gui.widgets import access_key


@dataclass
class AccessKey:
    key: str
    text: str
    owner: QWidget  # the widget carrying the text
    tab_index: int = -1  # for a tab bar: which tab
    action: object = None  # for a menu bar: the menu's action

    def __repr__(self) -> str:
        return f"Alt+{self.key} {self.text!r} ({type(self.owner).__name__})"


def _shown(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.window() is root.window()


def access_keys(root: QWidget) -> list[AccessKey]:
    """Every live access key in ``root``'s window."""
    found: list[AccessKey] = []
    window = root.window()
    for widget in window.findChildren(QWidget):
        if not _shown(widget, window):
            continue
        if isinstance(widget, QAbstractButton) and (key := access_key(widget.text())):
            found.append(AccessKey(key, widget.text(), widget))
        elif isinstance(widget, QLabel) and widget.buddy() is not None and (key := access_key(widget.text())):
            found.append(AccessKey(key, widget.text(), widget))
        elif isinstance(widget, QGroupBox) and (key := access_key(widget.title())):
            found.append(AccessKey(key, widget.title(), widget))
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.isTabVisible(i) and (key := access_key(widget.tabText(i))):
                    found.append(AccessKey(key, widget.tabText(i), widget, tab_index=i))
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                if action.isVisible() and (key := access_key(action.text())):
                    found.append(AccessKey(key, action.text(), widget, action=action))
    return found


def clashes(root: QWidget) -> dict[str, list[AccessKey]]:
    by_key: dict[str, list[AccessKey]] = {}
    for each in access_keys(root):
        by_key.setdefault(each.key, []).append(each)
    return {k: v for k, v in sorted(by_key.items()) if len(v) > 1}
