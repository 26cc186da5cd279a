"""What a person could not read or reach in a window as it is shown now (issue #18).

``window_problems(window, name)`` returns one sentence per problem:
- the window's minimum size (what its layout needs) is larger than the screen's available area,
  or the window itself is larger, or lies partly off the screen;
- a label shorter than its wrapped text needs at the width it was given, or narrower than its
  one-line text (cut off);
- a button narrower than its text, outside its window, off the screen, or cut off by whatever
  holds it (unless it is in a scroll area, where it scrolls into view like the rest);
- a text field or drop-down list squashed narrower than Qt's minimum for it;
- two labels, buttons or fields overlapping (as clipped by the widgets they sit in);
- a table column narrower than its header or its cells' text, so Qt elides it ("20 Nov 2026
  (overd…") - except a column the table marks as a preview of longer text (``preview_columns``
  dynamic property: the full text is in the row's dialog and tooltip).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QScrollBar,
    QTabBar,
    QTableView,
    QTextEdit,
    QWidget,
)

SLACK = 1  # pixels of rounding Qt's fractional scaling may leave


def _in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _clip(widget: QWidget, window: QWidget) -> QRect:
    """The part of ``widget`` its ancestors let show (window coordinates)."""
    rect = _in_window(widget, window)
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        rect = rect.intersected(_in_window(parent, window))
        parent = parent.parentWidget()
    return rect.intersected(QRect(QPoint(0, 0), window.size()))


def _cut_at_the_side(widget: QWidget) -> bool:
    """In a scroll area that cannot scroll sideways, and wider than what it shows."""
    parent = widget.parentWidget()
    while parent is not None:
        if (
            isinstance(parent, QScrollArea)
            and parent.widget() is not None
            and (parent.widget() is widget or parent.widget().isAncestorOf(widget))
        ):
            if parent.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
                return False
            viewport = parent.viewport()
            left = widget.mapTo(viewport, QPoint(0, 0)).x()
            return left + widget.width() > viewport.width() + SLACK
        parent = parent.parentWidget()
    return False


def _scrolled(widget: QWidget, window: QWidget) -> bool:
    """Inside the content of a scroll area (it scrolls into view), not the area's own frame."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if (
            isinstance(parent, QScrollArea)
            and parent.widget() is not None
            and (parent.widget() is widget or parent.widget().isAncestorOf(widget))
        ):
            return True
        parent = parent.parentWidget()
    return False


def _inside_item_view(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractItemView | QComboBox | QAbstractSpinBox):
            return True
        parent = parent.parentWidget()
    return False


def _label_text(widget: QWidget) -> str:
    text = widget.text() if hasattr(widget, "text") else ""
    return (text or widget.accessibleName() or type(widget).__name__)[:45].replace("\n", " ")


def _visible(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.width() > 0 and widget.height() > 0


def window_problems(window: QWidget, name: str) -> list[str]:
    QApplication.processEvents()
    problems: list[str] = []
    area = (window.screen() or QApplication.primaryScreen()).availableGeometry()
    needed = window.minimumSize().expandedTo(window.minimumSizeHint())
    if needed.width() > area.width() or needed.height() > area.height():
        problems.append(
            f"{name}: its minimum size {needed.width()}x{needed.height()} is larger than the "
            f"screen {area.width()}x{area.height()}"
        )
    frame = window.frameGeometry()
    if not area.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(frame):
        problems.append(f"{name}: the window {frame.getRect()} is not all on the screen {area.getRect()}")
    whole = QRect(QPoint(0, 0), window.size())

    solid = []  # (widget, clipped rect) of everything that must not overlap
    for widget in window.findChildren(QWidget):
        if not _visible(widget, window) or widget.window() is not window or _inside_item_view(widget):
            continue
        if isinstance(widget, QScrollBar):
            continue
        clipped = _clip(widget, window)
        scrolled = _scrolled(widget, window)
        if (
            scrolled
            and isinstance(widget, QLabel | QAbstractButton | QLineEdit | QComboBox)
            and _cut_at_the_side(widget)
        ):
            problems.append(
                f"{name}: {_label_text(widget)!r} is cut off at the side of a scroll area "
                "that cannot scroll sideways"
            )
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                wanted = widget.heightForWidth(widget.width())
                if wanted > widget.height() + SLACK:
                    problems.append(
                        f"{name}: label {_label_text(widget)!r} is {widget.height()}px high but "
                        f"needs {wanted}px at its width {widget.width()}"
                    )
            elif widget.sizeHint().width() > widget.width() + SLACK and widget.pixmap().isNull():
                problems.append(
                    f"{name}: label {_label_text(widget)!r} is cut off ({widget.width()}px "
                    f"wide, needs {widget.sizeHint().width()}px)"
                )
            if not scrolled and clipped.size() != widget.size() and not clipped.isEmpty():
                problems.append(f"{name}: label {_label_text(widget)!r} is partly hidden by what holds it")
            solid.append((widget, clipped))
        elif isinstance(widget, QAbstractButton) and not isinstance(widget.parentWidget(), QTabBar):
            if widget.minimumSizeHint().width() > widget.width() + SLACK and widget.text():
                problems.append(f"{name}: button {_label_text(widget)!r} is narrower than its text")
            if not scrolled:
                rect = _in_window(widget, window)
                on_screen = QRect(window.mapToGlobal(rect.topLeft()), rect.size())
                if not whole.contains(rect) or clipped.size() != widget.size():
                    problems.append(
                        f"{name}: button {_label_text(widget)!r} is cut off or outside the window"
                    )
                elif not area.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(on_screen):
                    problems.append(
                        f"{name}: button {_label_text(widget)!r} is off the screen at {on_screen.getRect()}"
                    )
            solid.append((widget, clipped))
        elif isinstance(widget, QLineEdit | QComboBox | QAbstractSpinBox):
            if widget.width() + SLACK < widget.minimumSizeHint().width():
                problems.append(
                    f"{name}: field {widget.accessibleName()!r} is squashed to "
                    f"{widget.width()}px (needs {widget.minimumSizeHint().width()}px)"
                )
            solid.append((widget, clipped))
        elif isinstance(widget, QPlainTextEdit | QTextEdit | QAbstractItemView):
            solid.append((widget, clipped))
        if isinstance(widget, QTableView):
            problems += _elided_columns(widget, name) + _rows_shown(widget, name)
    for i, (a, ra) in enumerate(solid):
        if ra.isEmpty():
            continue
        for b, rb in solid[i + 1 :]:
            if rb.isEmpty() or a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            common = ra.intersected(rb)
            if common.width() > 2 and common.height() > 2:
                problems.append(f"{name}: {_label_text(a)!r} overlaps {_label_text(b)!r}")
    return problems + scroll_areas_in_tab_chain(window, name)


def _elided_columns(table: QTableView, name: str) -> list[str]:
    """Columns narrower than their header text or any shown cell's text."""
    model, header = table.model(), table.horizontalHeader()
    if model is None or header.sectionResizeMode(0) == QHeaderView.ResizeMode.Custom:
        return []
    previews = set(table.property("preview_columns") or [])
    rows_fit = table.verticalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents
    if table.wordWrap() and rows_fit:
        return []  # its cells wrap onto as many lines as they need
    problems = []
    rows = min(model.rowCount(), 40)
    for column in range(model.columnCount()):
        if table.isColumnHidden(column) or column in previews:
            continue
        width = header.sectionSize(column)
        heading = str(model.headerData(column, header.orientation()) or "")
        if header.sectionSizeFromContents(column).width() > width + SLACK:
            problems.append(
                f"{name}: the {table.accessibleName()!r} column {heading!r} is narrower than "
                f"its heading ({width}px)"
            )
            continue
        for row in range(rows):
            index = model.index(row, column)
            wanted = table.itemDelegate(index).sizeHint(_option(table), index).width()
            if wanted > width + SLACK:
                problems.append(
                    f"{name}: the {table.accessibleName()!r} column {heading!r} cuts off "
                    f"{str(model.data(index) or '')[:40]!r} ({width}px, needs {wanted}px)"
                )
                break
    return problems


def _rows_shown(table: QTableView, name: str) -> list[str]:
    """A list shows at least three of its rows (or all, when fewer) before it scrolls: the
    plan's goals showed 1.3 rows, the second goal cut in half (issue #18)."""
    model = table.model()
    rows = min(model.rowCount(), 3) if model is not None else 0
    if rows == 0:
        return []
    needed = sum(table.rowHeight(row) for row in range(rows))
    shown = table.viewport().height()
    if shown + SLACK < needed:
        return [
            f"{name}: the {table.accessibleName()!r} list shows {shown}px of rows, "
            f"less than its first {rows} ({needed}px)"
        ]
    return []


def popup_problems(combo: QComboBox, name: str) -> list[str]:
    """An open drop-down list shows every choice, or as many as it may (maxVisibleItems),
    each whole: it showed 2 to 6 with the last cut in half (issue #18)."""
    view = combo.view()
    rows = min(combo.count(), combo.maxVisibleItems())
    if not view.isVisible() or rows == 0:
        return [f"{name}: the {combo.accessibleName()!r} list did not open"]
    row = view.sizeHintForRow(0)
    shown = view.viewport().height()
    area = (combo.screen() or QApplication.primaryScreen()).availableGeometry()
    popup = view.window().frameGeometry()
    problems = []
    if shown + SLACK < rows * row and popup.height() < area.height() - 2 * row:
        problems.append(
            f"{name}: the {combo.accessibleName()!r} list shows {shown}px, less than its "
            f"{rows} choices ({rows * row}px)"
        )
    if shown % row > 2 and shown < combo.count() * row:
        problems.append(f"{name}: the {combo.accessibleName()!r} list cuts its last visible choice in half")
    if not area.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(popup):
        problems.append(f"{name}: the {combo.accessibleName()!r} list is partly off the screen")
    return problems


def _option(table: QTableView):
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.initFrom(table)
    option.font = table.font()
    return option


def scroll_areas_in_tab_chain(window: QWidget, name: str) -> list[str]:
    """A scroll area that only holds other widgets must not take a Tab stop of its own (a screen
    reader announces it as an unnamed pane); its content scrolls as focus moves through it."""
    return [
        f"{name}: a scroll area ({s.accessibleName() or 'unnamed'}) takes a Tab stop"
        for s in window.findChildren(QScrollArea)
        if s.isVisibleTo(window) and s.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]
