"""Add a referral to an existing client (a re-referral opens a new episode)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ...domain.records import Referral
from ..record_store import RecordStore
from ..referral_fields import ReferralFields
from ..widgets import chain_tab_order
from .base import RecordDialog


class ReferralDialog(RecordDialog):
    save_text = "&Save referral"

    def __init__(
        self,
        handle: RecordStore,
        client_id: str,
        client_name: str,
        parent: QWidget | None = None,
        re_referral: bool = False,
    ):
        super().__init__(
            handle,
            "Re-referral" if re_referral else "Add a referral",
            parent,
            intro=f"A re-referral for {client_name}: it opens a new episode of support; the "
            "earlier one stays readable on the Referral and triage tab."
            if re_referral
            else f"A new referral for {client_name}.",
        )
        self.client_id = client_id
        self.referral_fields = ReferralFields("Referral")
        self.body.addWidget(self.referral_fields)
        self.fields.fields.update(self.referral_fields.fields.fields)
        self.referral_fields.edited.connect(self._part_edited)
        chain_tab_order([*self.referral_fields.tab_order(), self.save_button, self.cancel_button])
        self.ready()
        self.referral_fields.route.setFocus()

    def _part_edited(self) -> None:
        self.fields.touched |= self.referral_fields.fields.touched
        self.refresh()

    def _referral(self) -> Referral:
        return Referral(client_id=self.client_id, **self.referral_fields.values())

    def snapshot(self) -> object:
        return self.referral_fields.values()

    def current_errors(self) -> dict[str, str]:
        return self.referral_fields.errors_for(self._referral())

    def write(self) -> None:
        self.handle.add(self._referral())
