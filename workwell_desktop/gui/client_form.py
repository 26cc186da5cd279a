"""The client's details as a form: used by New client and by the record's Details tab."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QCheckBox, QComboBox, QFormLayout, QWidget

from ..domain.records import Client
from ..domain.validation import format_nhs_number
from ..domain.vocabulary import CONTACT_METHODS, HEALTH_BARRIERS, WORK_STATUSES
from . import dates
from .form_fields import FieldSet, date_problems
from .widgets import ChoiceCombo, DateField, available_width, line_edit, section_card

TEXT_FIELDS = (
    "given_name",
    "family_name",
    "nhs_number",
    "postcode",
    "phone",
    "email",
    "preferred_language",
    "gp_practice",
    "employer",
)


def new_form_layout() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setVerticalSpacing(6)
    return form


class ClientForm(QWidget):
    """Two panels, 'About the client' and 'Contact and work'; ``edited`` after any change."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.fields = FieldSet(self)
        # Side by side, or one above the other where the two do not fit (2x display scale).
        self._row = row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)

        about, about_layout = section_card("About the client")
        form = new_form_layout()
        f = self.fields
        self.given_name = f.row(form, "given_name", "&Given name", line_edit("Given name", 80))
        self.family_name = f.row(form, "family_name", "Famil&y name", line_edit("Family name", 80))
        self.date_of_birth = f.row(form, "date_of_birth", "Date of &birth", DateField("Date of birth"))
        self.date_of_birth.set_latest(dates.today_iso())
        self.nhs_number = f.row(
            form,
            "nhs_number",
            "&NHS number",
            line_edit("NHS number", 12),
            hint="10 digits, for example 943 476 5919.",
        )
        self.postcode = f.row(
            form, "postcode", "P&ostcode", line_edit("Postcode", 8), hint="For example CA1 1AB."
        )
        for short, sample in ((self.nhs_number, "000 000 00000"), (self.postcode, "CA10 1QAXX")):
            short.setMaximumWidth(short.fontMetrics().horizontalAdvance(sample) + 40)
        self.gp_practice = f.row(form, "gp_practice", "G&P practice", line_edit("GP practice", 120))
        about_layout.addLayout(form)
        about_layout.addStretch(1)

        contact, contact_layout = section_card("Contact and work")
        form = new_form_layout()
        self.phone = f.row(form, "phone", "P&hone", line_edit("Phone", 20))
        self.phone.setMaximumWidth(self.phone.fontMetrics().horizontalAdvance("+44 07700 900000") + 40)
        self.email = f.row(form, "email", "Em&ail", line_edit("Email", 120))
        self.preferred_contact = f.row(
            form, "preferred_contact", "Preferred &contact", ChoiceCombo(CONTACT_METHODS, "Preferred contact")
        )
        self.preferred_language = f.row(
            form, "preferred_language", "&Language", line_edit("Preferred language", 60)
        )
        self.interpreter_needed = QCheckBox("Needs an &interpreter")
        self.interpreter_needed.setAccessibleName("Needs an interpreter")
        f.row(form, "interpreter_needed", "Interpreter", self.interpreter_needed)
        self.work_status = f.row(
            form, "work_status", "&Work status", ChoiceCombo(WORK_STATUSES, "Work status")
        )
        self.employer = f.row(form, "employer", "&Employer", line_edit("Employer", 120))
        self.main_health_barrier = f.row(
            form,
            "main_health_barrier",
            "&Main health barrier",
            ChoiceCombo(HEALTH_BARRIERS, "Main health barrier", prompt="Not asked yet"),
            hint="What makes work hardest for them. Ask at the first appointment.",
        )
        # Never wider than the card: the list opens as wide as its longest choice.
        self.main_health_barrier.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.main_health_barrier.setMinimumContentsLength(16)
        contact_layout.addLayout(form)
        contact_layout.addStretch(1)

        row.addWidget(about, 1)
        row.addWidget(contact, 1)
        self._panels = (about, contact)
        self.set_values(Client())
        self.fields.touched.clear()
        self.fields.edited.connect(self.edited)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.window().installEventFilter(self)  # the window's width decides, not the form's
        self._arrange()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.window() and event.type() == QEvent.Type.Resize:
            self._arrange()
        return False

    def _arrange(self) -> None:
        """Side by side where both panels fit the width on offer (the scroll area's, in a
        dialog or tab that scrolls), else one above the other."""
        room = available_width(self)
        side_by_side = sum(p.minimumSizeHint().width() for p in self._panels) + self._row.spacing()
        direction = (
            QBoxLayout.Direction.LeftToRight if room >= side_by_side else QBoxLayout.Direction.TopToBottom
        )
        if self._row.direction() != direction:
            self._row.setDirection(direction)

    def tab_order(self) -> list[QWidget]:
        order = [
            self.given_name,
            self.family_name,
            self.date_of_birth.edit,
            self.nhs_number,
            self.postcode,
            self.gp_practice,
            self.phone,
            self.email,
            self.preferred_contact,
            self.preferred_language,
            self.interpreter_needed,
            self.work_status,
            self.employer,
            self.main_health_barrier,
        ]
        return order

    def _date_fields(self) -> dict[str, DateField]:
        return {"date_of_birth": self.date_of_birth}

    def values(self) -> dict:
        """The form as Client field values (dates ISO)."""
        values = {name: getattr(self, name).text() for name in TEXT_FIELDS}
        values.update(
            date_of_birth=self.date_of_birth.iso(),
            preferred_contact=self.preferred_contact.code(),
            work_status=self.work_status.code(),
            main_health_barrier=self.main_health_barrier.code(),
            interpreter_needed=self.interpreter_needed.isChecked(),
        )
        return values

    def set_values(self, client: Client) -> None:
        with self.fields.loading():
            for name in TEXT_FIELDS:
                getattr(self, name).setText(getattr(client, name))
            self.nhs_number.setText(format_nhs_number(client.nhs_number))  # read aloud 3-3-4
            self.date_of_birth.set_iso(client.date_of_birth)
            self.preferred_contact.set_code(client.preferred_contact)
            self.work_status.set_code(client.work_status)
            self.main_health_barrier.set_code(client.main_health_barrier)
            self.interpreter_needed.setChecked(client.interpreter_needed)

    def errors_for(self, client: Client) -> dict[str, str]:
        """Domain messages, with 'not a date' from the date fields taking precedence."""
        errors = client.validate()
        errors.update(date_problems(self._date_fields()))
        return errors
