"""The NHS-blue bar across the top: the app's name, who is signed in, and Lock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from ..domain.vocabulary import COACH_ROLES
from .style import relative_font
from .widgets import button


class HeaderBar(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("HeaderBar")
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        self.title = QLabel("WorkWell")
        self.title.setFont(relative_font(self.title, 1.6, bold=True))
        self.subtitle = QLabel("Work and health support")
        self.subtitle.setFont(relative_font(self.subtitle, 1.0))
        self.coach = QLabel()
        self.coach.setAccessibleName("Signed in as")
        self.coach.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.lock_button = button("Lock", "Lock WorkWell")
        self.lock_button.setToolTip("Lock now and hide client information (Ctrl+L)")
        # Not a Tab stop: one Tab too many after the record's tabs locked the app by accident.
        # Ctrl+L locks from the keyboard; a click still works.
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lock_button.hide()
        layout.addWidget(self.title)
        layout.addSpacing(12)
        layout.addWidget(self.subtitle, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addStretch(1)
        layout.addWidget(self.coach)
        layout.addSpacing(12)
        layout.addWidget(self.lock_button)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """In a narrow window the strapline gives way first, then the name and role wrap,
        before Lock is pushed off the window (2x display scale, issue #18). One line each
        wherever they fit: a wrapping label is given less than one line's width."""

        def wide(label: QLabel) -> int:
            return label.fontMetrics().horizontalAdvance(label.text()) + 8

        fixed = (
            wide(self.title)
            + (self.lock_button.sizeHint().width() + 12 if not self.lock_button.isHidden() else 0)
            + 60
        )
        room = self.width() - fixed - wide(self.coach)
        self.subtitle.setVisible(room >= wide(self.subtitle) + 12)
        self.coach.setWordWrap(room < 0)

    def signed_in(self, coach_name: str | None, coach_role: str = "") -> None:
        if coach_name:
            role = COACH_ROLES.get(coach_role, "")
            self.coach.setText(f"{coach_name}" + (f" \u00b7 {role}" if role else ""))
        else:
            self.coach.setText("")
        self.lock_button.setVisible(bool(coach_name))
        self._fit()

    def set_locked(self, locked: bool) -> None:
        self.lock_button.setVisible(not locked and bool(self.coach.text()))
        self._fit()
