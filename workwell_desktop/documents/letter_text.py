"""What an employer letter says, section by section, in the order it is printed.

One source for the PDF and for the builder's on-screen preview, so the coach and
client agree exactly the words the employer will read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..domain.letters import LetterAdjustment, LetterDraft, PhaseWeek
from ..domain.validation import parse_date
from .catalogue import LetterWording, ServiceDetails

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(when: date | str) -> str:
    """'2027-03-21' -> '21 March 2027', as letters write dates."""
    if isinstance(when, str):
        parsed = parse_date(when)
        if parsed is None:
            return when
        when = parsed
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    adjustments: list[LetterAdjustment] = field(default_factory=list)
    schedule: list[PhaseWeek] = field(default_factory=list)
    after: list[str] = field(default_factory=list)  # paragraphs after the list or table


@dataclass
class LetterText:
    subject: str
    salutation: str
    recipient_lines: list[str]  # name first
    sections: list[Section]
    closing: list[str]
    sign_off: str
    signature_lines: list[str]  # coach name first


def paragraphs_of(text: str) -> list[str]:
    """Typed text as paragraphs: a blank line starts a new one, single line breaks stay."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def letter_text(draft: LetterDraft, service: ServiceDetails, wording: LetterWording) -> LetterText:
    """The letter's words. The condition appears only when the client chose to share it;
    no identifier other than the client's name is ever included (see render_letter)."""
    values = {
        "first_name": draft.client_first_name.strip() or draft.client_name.strip(),
        "client_name": draft.client_name.strip(),
        "service_name": service.service_name,
        "review_date": long_date(draft.review_on),
    }
    effects = []
    if draft.disclosed_condition:
        effects.append(
            wording.entries["condition_shared"].format(
                **values, condition=draft.disclosed_condition.rstrip(".")
            )
        )
    effects += paragraphs_of(draft.functional_effects)
    sections = [
        Section(wording.text("about_heading", **values), wording.paragraphs("about_paragraphs", **values)),
        Section(wording.text("effects_heading", **values), effects),
        Section(
            wording.text("adjustments_heading", **values),
            [wording.text("adjustments_intro", **values)],
            adjustments=list(draft.adjustments),
        ),
    ]
    if draft.phased_return:
        sections.append(
            Section(
                wording.text("phased_return_heading", **values),
                [wording.text("phased_return_intro", **values)],
                schedule=list(draft.phased_return),
                after=[wording.text("phased_return_note", **values)],
            )
        )
    sections += [
        Section(wording.text("review_heading", **values), wording.paragraphs("review_paragraphs", **values)),
        Section(
            wording.text("access_to_work_heading", **values),
            wording.paragraphs("access_to_work_paragraphs", **values),
        ),
    ]
    recipient = [
        draft.recipient_name.strip(),
        draft.recipient_role.strip(),
        draft.employer_name.strip(),
        *draft.address_lines,
    ]
    return LetterText(
        subject=wording.text("subject", **values),
        salutation=f"Dear {draft.recipient_name.strip()},",
        recipient_lines=[line for line in recipient if line],
        sections=sections,
        closing=wording.paragraphs("closing_paragraphs", **values),
        sign_off=wording.text("sign_off", **values),
        signature_lines=[draft.coach_name.strip(), draft.coach_role.strip(), service.service_name],
    )
