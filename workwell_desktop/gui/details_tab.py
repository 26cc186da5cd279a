"""The Details tab: edit the client's details; messages as on every form (form_fields)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ..domain.records import Client
from ..store import InvalidRecord, StoreError
from .client_form import ClientForm
from .form_fields import ErrorSummary
from .record_store import RecordStore
from .style import set_role
from .widgets import button, chain_tab_order, paragraph, primary_button, scroll_area


class DetailsTab(QWidget):
    saved = Signal()

    def __init__(self, handle: RecordStore, client_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Details")
        self.handle, self.client_id = handle, client_id
        self.baseline: Client | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = scroll_area()
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(12, 12, 12, 12)
        # No next review here: the plan owns the one next-review date (issue #19).
        self.form = ClientForm()
        layout.addWidget(self.form.fields.attach_summary(ErrorSummary()))
        layout.addWidget(self.form)
        bar = QHBoxLayout()
        self.save_button = primary_button("Sa&ve changes")
        self.save_button.clicked.connect(self.save)
        self.undo_button = button("&Undo changes", "Undo changes")
        self.undo_button.clicked.connect(self.undo)
        self.status = paragraph("")
        self.status.setAccessibleName("Details save status")
        bar.addWidget(self.save_button)
        bar.addWidget(self.undo_button)
        bar.addSpacing(12)
        bar.addWidget(self.status, 1)
        layout.addLayout(bar)
        layout.addStretch(1)
        scroll.setWidget(inner)
        outer.addWidget(scroll)
        chain_tab_order([*self.form.tab_order(), self.save_button, self.undo_button])
        self.form.edited.connect(self.refresh)

    def load(self, client: Client) -> None:
        self.baseline = client
        self.form.set_values(client)
        self.form.fields.start_over()
        self.status.setText("")
        self.refresh()

    def reload(self) -> None:
        if not self.is_dirty():  # never overwrite what the coach is typing
            self.load(self.handle.store.get(Client, self.client_id))

    def changes(self) -> dict:
        """Fields whose stored form would change ('943 476 5919' is no change to 9434765919)."""
        if self.baseline is None:
            return {}
        typed = replace(self.baseline, **self.form.values()).normalised()
        return {
            k: getattr(typed, k) for k in self.form.values() if getattr(self.baseline, k) != getattr(typed, k)
        }

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def refresh(self) -> dict[str, str]:
        if self.baseline is None:
            return {}
        errors = self.form.errors_for(replace(self.baseline, **self.form.values()))
        self.form.fields.show(errors)
        dirty = self.is_dirty()
        self.undo_button.setEnabled(dirty)
        if dirty:
            self._say("You have changes that are not saved yet.", "hint")
        elif self.status.property("role") != "success":
            self._say("", "hint")
        return errors

    def _say(self, text: str, role: str) -> None:
        self.status.setText(text)
        set_role(self.status, role)

    def save(self) -> None:
        errors = self.refresh()
        if errors:
            self.form.fields.reveal(errors)
            return
        if not self.is_dirty():
            self._say("Nothing to save: no details have changed.", "hint")
            return
        try:
            updated = self.handle.update(Client, self.client_id, **self.changes())
        except InvalidRecord as refused:
            self.form.fields.reveal(refused.errors)
            return
        except StoreError as failed:
            self._say(f"Not saved. {failed}", "error")
            return
        self.load(updated)
        self._say("Saved.", "success")
        self.saved.emit()

    def undo(self) -> None:
        if self.baseline is not None:
            self.load(self.baseline)
