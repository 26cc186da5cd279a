"""Helpers for the employer letter tests (imported by conftest and the tests)."""

import io
import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from workwell_desktop.documents.catalogue import load_catalogue
from workwell_desktop.domain.letters import LetterAdjustment, LetterDraft
from workwell_desktop.domain.records import Client, ConsentEvent

PASSPHRASE = "correct horse battery staple"
NHS_NUMBER = "9434765919"
RENDERS = Path(__file__).resolve().parents[2] / "renders"
_clock = itertools.count()
_START = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


def add_client(store, given="Sam", family="Taylor", nhs_number=NHS_NUMBER, participating=True) -> Client:
    """A client; ``participating``: they have consented to take part (nothing shared yet)."""
    client = store.add(
        Client(
            given_name=given,
            family_name=family,
            date_of_birth="1984-05-17",
            nhs_number=nhs_number,
            postcode="CA1 1AB",
            phone="07700900001",
            email="sam.taylor@example.org",
            employer="Eden Valley Bakery Ltd",
        )
    )
    if participating:
        record_consent(store, client.id, "given", scope="participation")
    return client


def record_consent(
    store, client_id: str, action: str, scope: str = "share_employer", service_name: str = ""
) -> ConsentEvent:
    """A consent event (by default for sharing with the employer), later than every earlier one."""
    moment = (_START + timedelta(seconds=next(_clock))).isoformat()
    return store.add(
        ConsentEvent(
            client_id=client_id,
            scope=scope,
            service_name=service_name,
            action=action,
            method="verbal",
            recorded_by="Alex Coach",
            recorded_at=moment,
        )
    )


def agreed(draft: LetterDraft, client_name: str = "Sam Taylor", first_name: str = "Sam") -> LetterDraft:
    """The draft with the client's agreement recorded against its exact text."""
    from dataclasses import replace

    from workwell_desktop.documents.disclosure import agreed_text_hash

    named = replace(draft, client_name=client_name, client_first_name=first_name)
    return replace(draft, agreed_text_hash=agreed_text_hash(named))


def make_draft(
    codes=("phased_return", "more_breaks", "flexible_hours"), weeks_preset="4-week phased return", **changes
) -> LetterDraft:
    catalogue = load_catalogue()
    preset = next(p for p in catalogue.presets if p.name == weeks_preset)
    values = dict(
        employer_name="Eden Valley Bakery Ltd",
        employer_address="Unit 4, Kingstown Industrial Estate\nCarlisle\nCA3 0AA",
        recipient_name="Jo Barker",
        recipient_role="Operations Manager",
        functional_effects="Sam tires quickly and finds it hard to concentrate for long periods.",
        adjustments=[
            LetterAdjustment(c, catalogue.get(c).title, catalogue.get(c).wording_for("Sam")) for c in codes
        ],
        phased_return=list(preset.weeks),
        review_on=(date.today() + timedelta(days=42)).isoformat(),
        coach_name="Alex Coach",
        coach_role="Work and health coach",
        client_agreed=True,
        agreed_recorded_by="Alex Coach",
        agreed_at="2026-01-02T09:00:00+00:00",
    )
    values.update(changes)
    draft = LetterDraft(**values)
    return agreed(draft) if draft.client_agreed and "agreed_text_hash" not in changes else draft


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Whitespace collapsed, so wrapped lines compare with the typed wording."""
    return " ".join(text.split())
