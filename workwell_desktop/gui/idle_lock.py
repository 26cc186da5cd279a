"""Lock after a spell with no keyboard or mouse input anywhere in the app."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleLock(QObject):
    """Emits ``idle`` after ``minutes`` without input while running.

    An application event filter sees input for every window and dialog; each
    input restarts one single-shot timer, which is cheap.
    """

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None):
        super().__init__(parent)
        self.minutes = _checked(minutes)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, round(minutes * 60_000)))
        self._timer.timeout.connect(self._expired)
        self._running = False

    def set_minutes(self, minutes: float) -> None:
        """A new idle time (from Settings), taking effect from now."""
        self.minutes = _checked(minutes)
        self._timer.setInterval(max(1, round(minutes * 60_000)))
        if self._running:
            self._timer.start()

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        if not self._running:
            QApplication.instance().installEventFilter(self)
            self._running = True
        self._timer.start()

    def stop(self) -> None:
        if self._running:
            QApplication.instance().removeEventFilter(self)
            self._running = False
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in _INPUT:
            self._timer.start()
        return False

    def _expired(self) -> None:
        self.stop()
        self.idle.emit()


def _checked(minutes: float) -> float:
    # There is no "off": the settings allow 1 to 120 minutes and arguments may only shorten it.
    if not minutes > 0:
        raise ValueError(f"the idle lock must be more than 0 minutes, not {minutes!r}")
    return minutes
