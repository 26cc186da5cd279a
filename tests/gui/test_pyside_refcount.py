"""Guards the PySide6 pin in pyproject.toml.

PySide6-Essentials 6.12.0 on CPython 3.11 drops a reference to None on every
beginResetModel/endResetModel; the caseload resets its model on each keystroke of
a search, so the app aborted ("deallocating None") after a few thousand keys.
"""

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex


class EmptyModel(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):  # noqa: B008
        return 0

    def columnCount(self, parent=QModelIndex()):  # noqa: B008
        return 0

    def data(self, index, role=0):
        return None


def test_model_resets_do_not_leak_references_to_none(qapp):
    model = EmptyModel()
    before = sys.getrefcount(None)
    for _ in range(1000):
        model.beginResetModel()
        model.endResetModel()
    assert abs(sys.getrefcount(None) - before) < 50
