"""Every interactive widget on every screen has an accessible name; labels have buddies."""

from gui_demo import add_demo_caseload
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from workwell_desktop.gui.about_dialog import AboutDialog
from workwell_desktop.gui.dialogs.referral_dialog import ReferralDialog
from workwell_desktop.gui.main_window import MainWindow

INTERACTIVE = (
    QLineEdit,
    QComboBox,
    QAbstractButton,
    QAbstractSpinBox,
    QPlainTextEdit,
    QTextEdit,
    QAbstractItemView,
    QTabWidget,
)
# Parts Qt builds inside a widget (a combo's list, a spin box's editor, a table's header).
COMPOSITE = (QComboBox, QAbstractSpinBox, QTabBar, QAbstractItemView, QCalendarWidget, QScrollBar)


def unnamed_widgets(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or widget.objectName().startswith("qt_"):
            continue
        parent = widget.parentWidget()
        while parent is not None and parent is not root and not isinstance(parent, COMPOSITE):
            parent = parent.parentWidget()
        if parent is not None and parent is not root:
            continue  # an internal part of a composite widget
        if not widget.accessibleName().strip():
            text = widget.text() if hasattr(widget, "text") else ""
            missing.append(f"{type(widget).__name__} {text!r} in {type(widget.parentWidget()).__name__}")
    return missing


def labels_without_buddies(root: QWidget) -> list[str]:
    return [
        label.text()
        for label in root.findChildren(QLabel)
        if "&" in label.text().replace("&&", "") and label.buddy() is None
    ]


def check(root: QWidget) -> None:
    assert unnamed_widgets(root) == []
    assert labels_without_buddies(root) == []


def test_set_up_screen(qtbot, data_dir):
    win = MainWindow(data_dir)
    qtbot.addWidget(win)
    check(win.setup_screen)
    check(win)


def test_unlock_screen(qtbot, data_dir, store):
    store.close()
    win = MainWindow(data_dir)
    qtbot.addWidget(win)
    check(win.unlock_screen)


def test_main_window_caseload_and_every_record_tab(qtbot, window, store):
    clients = add_demo_caseload(store, 5)
    window.refresh()
    window.workspace.open_client(clients[3].id)
    check(window)


def test_every_dialog(qtbot, window, store, data_dir):
    clients = add_demo_caseload(store, 2)
    window.refresh()
    record = window.workspace.open_client(clients[0].id)
    dialogs = [
        window.workspace.new_client(),
        record.record_consent(),
        record.new_session(),
        record.add_fit_note(),
        record.discharge(),
        ReferralDialog(window.handle, record.client_id, "Ada Ashdown", window),
        AboutDialog(data_dir, window.handle, window),
    ]
    for dialog in dialogs:
        check(dialog)
        assert dialog.accessibleName()


def test_date_field_calendar_is_named(qtbot, window, store):
    clients = add_demo_caseload(store, 1)
    window.refresh()
    dialog = window.workspace.open_client(clients[0].id).new_session()
    dialog.held_on.open_calendar()
    calendars = dialog.findChildren(QCalendarWidget)
    assert calendars and calendars[0].accessibleName().startswith("Calendar for")
