"""New client: referral intake. The client and their referral are saved together or not at all."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ...domain.records import Client, Referral, new_id
from ..client_form import ClientForm
from ..record_store import RecordStore
from ..referral_fields import ReferralFields
from ..widgets import chain_tab_order
from .base import RecordDialog


class NewClientDialog(RecordDialog):
    save_text = "&Save client"
    width_in_chars = 150
    client_added = Signal(str)

    def __init__(self, handle: RecordStore, parent: QWidget | None = None):
        super().__init__(
            handle,
            "New client",
            parent,
            intro="Add a client from a referral. Everything here can be changed later in their record.",
        )
        self._client_id = new_id()  # fixed, so the referral points at this client
        self.client_form = ClientForm()
        self.referral_fields = ReferralFields("Referral")
        self.body.addWidget(self.client_form)
        self.body.addWidget(self.referral_fields)
        # One FieldSet for the whole dialog, so Save and the summary see every field.
        for part in (self.client_form.fields, self.referral_fields.fields):
            for name, field in part.fields.items():
                self.fields.fields[name] = field
            part.edited.connect(self._part_edited)
        chain_tab_order(
            [
                *self.client_form.tab_order(),
                *self.referral_fields.tab_order(),
                self.save_button,
                self.cancel_button,
            ]
        )
        self.ready()
        self.client_form.given_name.setFocus()

    def _part_edited(self) -> None:
        self.fields.touched |= self.client_form.fields.touched | self.referral_fields.fields.touched
        self.refresh()

    def snapshot(self) -> object:
        return (self.client_form.values(), self.referral_fields.values())

    def _records(self) -> tuple[Client, Referral]:
        client = Client(id=self._client_id, **self.client_form.values())
        referral = Referral(client_id=self._client_id, **self.referral_fields.values())
        return client, referral

    def current_errors(self) -> dict[str, str]:
        client, referral = self._records()
        errors = self.client_form.errors_for(client)
        errors.update(self.referral_fields.errors_for(referral))
        return errors

    def write(self) -> None:
        client, referral = self._records()
        self.handle.add_together([client, referral])
        self.client_added.emit(self._client_id)
