"""The status bar: sync state, the key store in use."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from ..store import Store


class StatusArea(QObject):
    """Labels added to the main window's status bar; ``refresh`` after every write."""

    def __init__(self, bar: QStatusBar, describe_sync):
        super().__init__(bar)
        self.bar = bar
        self.describe_sync = describe_sync  # SyncController.describe
        # The sync state wraps onto a second line rather than being cut off in a narrow window
        # ("Not connected to a server (WorkWell \u25b8 Co\u2026" at 1.5x display scale, issue #18).
        self.sync = QLabel()
        self.sync.setAccessibleName("Sync status")
        self.sync.setWordWrap(True)
        self.key_store = QLabel()
        self.key_store.setAccessibleName("Where the database key is kept")
        self.key_store.setWordWrap(False)  # one line, or hidden where it does not fit (_fit)
        self.key_store.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar.addWidget(self.sync, 1)
        bar.addPermanentWidget(self.key_store)
        bar.setSizeGripEnabled(True)
        self.widgets: list[QWidget] = [self.sync, self.key_store]
        bar.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.bar and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        """Where the sync state alone needs the room, the key store (also in About, and the
        sync label's tooltip) gives way: the status bar stays one or two lines high."""
        metrics = self.sync.fontMetrics()
        sync = metrics.horizontalAdvance(self.sync.text()) + 32
        both = sync + metrics.horizontalAdvance(self.key_store.text()) + 16
        self.key_store.setVisible(bool(self.key_store.text()) and self.bar.width() >= both)
        # Wrapped only when one line is not enough: a wrapping label asks for the height of
        # several lines whatever its width, which made the bar three lines tall.
        self.sync.setWordWrap(self.bar.width() < sync)

    def refresh(self, store: Store | None) -> None:
        if store is None:
            self.sync.setText("Locked")
            self.key_store.setText("")
            self._fit()
            return
        self.sync.setText(self.describe_sync(store))
        description = store.key_store.description
        short = description.split(" (")[0]
        self.key_store.setText(f"Key kept in {short}")
        self.key_store.setToolTip(f"The database key is kept in {description}.")
        self.sync.setToolTip(f"The database key is kept in {description}.")
        self._fit()
