"""The caseload as a Qt table model, with instant type-ahead search and sorting.

Filtering and sorting happen here, over plain Python lists, rather than in a
QSortFilterProxyModel: a proxy calls back into Python once per row per keystroke,
while this does one list comprehension over precomputed search keys, so typing
stays instant at 5,000 clients and the view only asks for the rows it shows.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QStyle

from ..domain.caseload import CLIENT_STATUSES
from ..domain.validation import format_nhs_number
from ..store.caseload import CaseloadEntry
from . import dates
from .style import ERROR_RED

# What a coach scans for comes first (who, where they are, what is due), so that in a narrow
# window (1.5x display scale on a 1366x768 laptop) Status and Next review are on screen
# without scrolling sideways (issue #18); the identifiers follow.
COLUMNS = (
    "Name",
    "Status",
    "Next review",
    "Overdue actions",
    "NHS number",
    "Date of birth",
    "Postcode",
    "Last contact",
)
NAME, STATUS, NEXT_REVIEW, OVERDUE_ACTIONS, NHS_NUMBER, BORN, POSTCODE, LAST_CONTACT = range(len(COLUMNS))
CLIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


def _compact(text: str) -> str:
    return "".join(text.split()).casefold()


def search_key(entry: CaseloadEntry) -> str:
    """Lower case, no spaces, each part after a '|': names both ways round, NHS number
    digits, the whole postcode, then the parts a word may start (given, family, outward
    and inward postcode)."""
    given, family = _compact(entry.given_name), _compact(entry.family_name)
    postcode = entry.postcode.casefold().split()
    parts = [
        given + family,
        family + given,
        _compact(entry.nhs_number),
        "".join(postcode),
        given,
        family,
        *postcode,
    ]
    return "|" + "|".join(parts) + "|"


def matches(key: str, query: str) -> bool:
    """Typed text found anywhere, spaces ignored ('943 476', '943476', 'ca24hh', 'jane smi'),
    or several words that each start a part ('j smith', 'smith ca2')."""
    words = query.casefold().replace("|", "").split()
    if "".join(words) in key:
        return True
    return len(words) > 1 and all(f"|{word}" in key for word in words)


def _last_first(text: str) -> tuple[bool, str]:
    """Sort key that puts empty values last."""
    return (text == "", text)


def risk_marker_text(entry: CaseloadEntry) -> str:
    """'Open safety task: ...' or 'Risk answer on 1 Dec 2026'; '' with no marker."""
    if entry.open_safety_tasks:
        many = "s" if entry.open_safety_tasks > 1 else ""
        return (
            f"Risk marker: {entry.open_safety_tasks} open safety task{many}. Record what was done "
            "after the risk answer (Assessments tab)."
        )
    if entry.risk_on:
        return f"Risk marker: risk answer on {dates.for_reading(entry.risk_on)}."
    return ""


class CaseloadModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._entries: list[CaseloadEntry] = []
        self._keys: list[str] = []
        self._shown: list[int] = []  # indexes into _entries, filtered and sorted
        self._query = ""
        self._risk_only = False  # the "clients with open safety tasks" filter
        self._sort_column, self._sort_order = NAME, Qt.SortOrder.AscendingOrder
        self._today = date.today().isoformat()

    # ----- loading, searching, sorting -------------------------------------
    def load(self, entries: list[CaseloadEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self._keys = [search_key(e) for e in self._entries]
        self._today = date.today().isoformat()
        self._shown = self._filtered_sorted()
        self.endResetModel()

    def clear(self) -> None:
        """Drop every client from memory (when the app locks)."""
        self.load([])

    def set_query(self, text: str) -> None:
        query = text.strip()
        if query == self._query:
            return
        self.beginResetModel()
        self._query = query
        self._shown = self._filtered_sorted()
        self.endResetModel()

    def set_open_safety_tasks_only(self, on: bool) -> None:
        """Show only clients with an open safety task (the filter on the caseload)."""
        if on == self._risk_only:
            return
        self.beginResetModel()
        self._risk_only = on
        self._shown = self._filtered_sorted()
        self.endResetModel()

    @property
    def open_safety_tasks_only(self) -> bool:
        return self._risk_only

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort_column, self._sort_order = column, order
        self._shown = self._filtered_sorted()
        self.layoutChanged.emit()

    def _filtered_sorted(self) -> list[int]:
        if self._query:
            shown = [i for i, key in enumerate(self._keys) if matches(key, self._query)]
        else:
            shown = list(range(len(self._entries)))
        if self._risk_only:
            shown = [i for i in shown if self._entries[i].open_safety_tasks]
        sort_key = self._sort_key(self._sort_column)
        shown.sort(
            key=lambda i: sort_key(self._entries[i]), reverse=self._sort_order == Qt.SortOrder.DescendingOrder
        )
        return shown

    @staticmethod
    def _sort_key(column: int):
        return {
            NAME: lambda e: (e.family_name.casefold(), e.given_name.casefold()),
            NHS_NUMBER: lambda e: e.nhs_number,
            BORN: lambda e: _last_first(e.date_of_birth),
            POSTCODE: lambda e: e.postcode,
            STATUS: lambda e: list(CLIENT_STATUSES).index(e.status) if e.status in CLIENT_STATUSES else 99,
            NEXT_REVIEW: lambda e: _last_first(e.next_review_on),
            OVERDUE_ACTIONS: lambda e: -e.overdue_actions,
            LAST_CONTACT: lambda e: _last_first(e.last_contact_on),
        }[column]

    # ----- what the view asks ---------------------------------------------
    @property
    def total(self) -> int:
        return len(self._entries)

    @property
    def query(self) -> str:
        return self._query

    def entry(self, row: int) -> CaseloadEntry:
        return self._entries[self._shown[row]]

    def row_of(self, client_id: str) -> int:
        for row, i in enumerate(self._shown):
            if self._entries[i].client_id == client_id:
                return row
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self._entries[self._shown[index.row()]]
        column = index.column()
        if column == NAME and entry.risk_marked:
            marker = self._risk_marker(entry, role)
            if marker is not None:
                return marker
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(entry, column)
        if role == CLIENT_ID_ROLE:
            return entry.client_id
        if role == Qt.ItemDataRole.ForegroundRole and (
            column == NEXT_REVIEW
            and entry.review_overdue
            or column == OVERDUE_ACTIONS
            and entry.overdue_actions
        ):
            return QColor(ERROR_RED)
        if role == Qt.ItemDataRole.ToolTipRole and column == NEXT_REVIEW and entry.review_overdue:
            return "This review is overdue."
        return None

    def _risk_marker(self, entry: CaseloadEntry, role: int):
        """The risk marker on the name: an icon, red text, and words for the tooltip and
        a screen reader (colour alone is never the only sign)."""
        words = risk_marker_text(entry)
        if role == Qt.ItemDataRole.DecorationRole:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(ERROR_RED)
        if role == Qt.ItemDataRole.ToolTipRole:
            return words
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._text(entry, NAME)}. {words}"
        return None

    def _text(self, entry: CaseloadEntry, column: int) -> str:
        if column == NAME:
            return f"{entry.family_name}, {entry.given_name}"
        if column == NHS_NUMBER:
            return format_nhs_number(entry.nhs_number)
        if column == BORN:
            return dates.for_reading(entry.date_of_birth)
        if column == POSTCODE:
            return entry.postcode
        if column == STATUS:
            return CLIENT_STATUSES.get(entry.status, entry.status)
        if column == NEXT_REVIEW:
            text = dates.for_reading(entry.next_review_on)
            return f"{text} (overdue)" if entry.review_overdue else text
        if column == OVERDUE_ACTIONS:
            return str(entry.overdue_actions) if entry.overdue_actions else ""
        if column == LAST_CONTACT:
            return dates.for_reading(entry.last_contact_on)
        return ""
