"""What every record dialog shares: Save always enabled, an error summary when it is refused,
messages by each field, Enter saves (except in a note), Escape asks before losing typing."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from ...store import InvalidRecord, StoreError
from ..form_fields import ErrorSummary, FieldSet
from ..record_store import RecordStore
from ..widgets import button, may_discard, paragraph, primary_button, scroll_area, title_label

log = logging.getLogger(__name__)


class RecordDialog(QDialog):
    """Subclasses build their fields into ``self.body``, implement ``current_errors``
    (validate what is typed), ``write`` (save it) and ``snapshot`` (what is typed, to
    ask before throwing it away), and call ``ready()`` at the end of ``__init__``.

    A dialog that can "Correct…" a record sets ``correcting`` (the record) before
    ``__init__``, calls ``add_correction_reason``, and gives ``corrected_fields`` and
    ``typed()`` (the record as typed); ``refresh`` then adds the correction's own checks
    and ``save`` saves the correction (``services.journey.correct``) instead of ``write``,
    so ``current_errors`` and ``write`` deal only with the dialog's fields."""

    save_text = "&Save"
    width_in_chars = 84  # wide enough that messages under fields wrap onto one or two lines

    def __init__(
        self, handle: RecordStore, title: str, parent: QWidget | None = None, intro: str | None = None
    ):
        super().__init__(parent)
        self.handle = handle
        self.setWindowTitle(f"{title} \u2013 WorkWell")
        self.setAccessibleName(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.fields = FieldSet(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.setSpacing(10)
        outer.addWidget(title_label(title, 1.3))
        if intro:
            outer.addWidget(paragraph(intro, role="hint"))
        self.error_summary = self.fields.attach_summary(ErrorSummary())
        outer.addWidget(self.error_summary)
        # The fields scroll if messages make them taller than a small laptop screen.
        self.scroll = scroll_area()
        self._inner = QWidget()
        self._inner.setObjectName("Screen")
        self.body = QVBoxLayout(self._inner)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(10)
        self.scroll.setWidget(self._inner)
        outer.addWidget(self.scroll, 1)
        wanted = self.fontMetrics().averageCharWidth() * self.width_in_chars
        self.setMinimumWidth(min(wanted, int(self.screen().availableGeometry().width() * 0.95)))
        # Why a save failed when no field is at fault (the store refused it, a disk error).
        self.summary = paragraph("", role="error-summary")
        self.summary.setAccessibleName("Why it was not saved")
        self.summary.hide()
        outer.addWidget(self.summary)
        bar = QHBoxLayout()
        self.save_button = primary_button(self.save_text)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = button("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        bar.addWidget(self.save_button)
        bar.addWidget(self.cancel_button)
        bar.addStretch(1)
        outer.addLayout(bar)
        self.fields.edited.connect(self.refresh)
        self._initial: object = None
        self._saved = False

    # ----- for subclasses ---------------------------------------------------
    def current_errors(self) -> dict[str, str]:
        raise NotImplementedError

    def write(self) -> None:
        raise NotImplementedError

    def snapshot(self) -> object:
        raise NotImplementedError

    def ready(self) -> None:
        """Call once the fields are built and filled: check them and remember the start."""
        self._initial = self.snapshot()
        self.body.addStretch(1)
        self.refresh()
        self.fit_to_screen()

    def fit_to_screen(self, grow_only: bool = False) -> None:
        """Big enough for the fields plus room for messages; never taller than the screen.

        Call again with ``grow_only`` when fields appear (fit note options)."""
        self.layout().activate()
        inner = self._inner.sizeHint()
        chrome = self.sizeHint().height() - self.scroll.sizeHint().height()
        available = self.screen().availableGeometry()
        # The margins and the vertical scroll bar besides the fields: without the bar's width
        # the fields were a few pixels too wide and scrolled sideways (issue #18).
        margins = self.layout().contentsMargins()
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        chrome_width = margins.left() + margins.right() + bar + 8
        width = min(max(self.minimumWidth(), inner.width() + chrome_width), int(available.width() * 0.95))
        room_for_messages = self.fontMetrics().lineSpacing() * 3
        height = min(chrome + inner.height() + room_for_messages, int(available.height() * 0.9))
        if grow_only:
            width, height = max(width, self.width()), max(height, self.height())
        self.resize(width, height)

    def is_dirty(self) -> bool:
        return not self._saved and self.snapshot() != self._initial

    # ----- corrections (a new version that supersedes, with the reason) ----------
    correcting = None  # the record being corrected, or None for a new one
    corrected_fields: tuple[str, ...] = ()  # what a correction may change

    def typed(self):
        """The record as typed (dialogs that correct)."""
        raise NotImplementedError

    def add_correction_reason(self, what: str) -> None:
        """The required reason, first in the dialog, when ``self.correcting`` is set."""
        from ..client_form import new_form_layout
        from ..widgets import note_edit, section_card

        card, layout = section_card("Why it is being corrected")
        form = new_form_layout()
        self.reason_edit = self.fields.row(
            form,
            "correction_reason",
            "Wh&y",
            note_edit("Reason for the correction", 2),
            hint=f"Kept in the history with the original {what}, which is not changed.",
        )
        layout.addLayout(form)
        self.body.addWidget(card)

    def correction_reason(self) -> str:
        return self.reason_edit.toPlainText().strip() if self.correcting is not None else ""

    def correction_changes(self) -> dict:
        """The corrected fields as typed that differ from the record being corrected."""
        typed = self.typed()
        return {
            n: getattr(typed, n)
            for n in self.corrected_fields
            if getattr(typed, n) != getattr(self.correcting, n)
        }

    def correction_errors(self) -> dict[str, str]:
        if self.correcting is None:
            return {}
        changes = self.correction_changes()
        errors = {}
        if not self.correction_reason():
            errors["correction_reason"] = "Say why this is being corrected: it is kept in the history."
        if not changes:
            errors["changes"] = "Change what was wrong: nothing differs from the original yet."
        return errors

    def save_correction(self) -> None:
        from ...services.journey import correct

        correct(self.handle, self.correcting, self.correction_reason(), **self.correction_changes())

    # ----- shared behaviour ---------------------------------------------
    def refresh(self) -> dict[str, str]:
        """Re-check what is typed: messages by the fields the coach has been to (and, once a
        save was refused, the error summary). Save stays enabled (form_fields)."""
        errors = self.current_errors()
        errors.update(self.correction_errors())
        self.fields.show(errors)
        return errors

    def save(self) -> None:
        errors = self.refresh()
        if errors:
            self.summary.hide()
            self.fields.reveal(errors)
            return
        try:
            if self.correcting is not None:
                self.save_correction()
            else:
                self.write()
        except InvalidRecord as refused:
            # The store's own checks (a duplicate NHS number): the same summary, typing kept.
            self.fields.reveal(refused.errors)
            return
        except StoreError as failed:
            log.warning("save failed: %s", type(failed).__name__)
            self._refused(f"Not saved. {failed}")
            return
        self._saved = True
        self.accept()

    def _refused(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.show()

    def reject(self) -> None:
        if self.is_dirty() and not may_discard(self):
            return
        super().reject()
