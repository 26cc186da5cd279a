"""Where a referral came from: route, date received, referrer (intake and re-referral)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..domain.records import Referral
from ..domain.vocabulary import REFERRAL_ROUTES
from . import dates
from .client_form import new_form_layout
from .form_fields import FieldSet, date_problems
from .widgets import ChoiceCombo, DateField, line_edit, section_card


class ReferralFields(QWidget):
    edited = Signal()

    def __init__(self, heading: str = "Referral", parent: QWidget | None = None):
        super().__init__(parent)
        self.fields = FieldSet(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        card, layout = section_card(heading)
        form = new_form_layout()
        f = self.fields
        self.route = f.row(
            form,
            "route",
            "Referral ro&ute",
            ChoiceCombo(REFERRAL_ROUTES, "Referral route", prompt="Choose how they were referred"),
        )
        self.received_on = f.row(form, "received_on", "Date recei&ved", DateField("Date received"))
        self.received_on.set_latest(dates.today_iso())
        with f.loading():
            self.received_on.set_iso(dates.today_iso())
        self.referrer = f.row(
            form,
            "referrer",
            "&Referrer",
            line_edit("Referrer", 160),
            hint="Who to tell the triage decision. Optional.",
        )
        layout.addLayout(form)
        outer.addWidget(card)
        f.edited.connect(self.edited)

    def tab_order(self) -> list[QWidget]:
        return [self.route, self.received_on.edit, self.referrer]

    def values(self) -> dict:
        return {
            "route": self.route.code(),
            "received_on": self.received_on.iso(),
            "referrer": self.referrer.text().strip(),
        }

    def errors_for(self, referral: Referral) -> dict[str, str]:
        errors = {k: m for k, m in referral.validate().items() if k in self.fields.fields}
        errors.update(date_problems({"received_on": self.received_on}))
        return errors
