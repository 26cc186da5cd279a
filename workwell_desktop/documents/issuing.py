"""Preparing, issuing and exporting employer letters: used by the app, the CLI and the tests.

Consent is checked when a letter is prepared and again at the moment it is issued,
since it can be withdrawn in between. An issued letter is saved like every record
(change log, audit trail, sync); saving its PDF outside the app is a separate,
audited export, because a file on disk is not protected by the encrypted database.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from ..domain.letters import (
    EmployerLetter,
    LetterAdjustment,
    LetterDraft,
    LetterNotReady,
    employer_consent_problem,
    new_reference,
    require_employer_consent,
)
from ..domain.records import Client, ConsentEvent, FitNote
from ..domain.vocabulary import COACH_ROLES
from .catalogue import AdjustmentCatalogue, load_catalogue
from .letter import protect_pdf, render_letter

NOT_ENCRYPTED_WARNING = (
    "The exported PDF is not protected by WorkWell's encryption: anyone who has the file can read "
    "it. Keep it only as long as you need it, and send it only in the way the client agreed."
)
PASSWORD_ADVICE = "Give the employer the password separately, for example by phone, never in the same email."


def consent_problem(store, client_id: str) -> str | None:
    """Why no letter can be prepared for this client now, or None when consent is current."""
    return employer_consent_problem(store.for_client(ConsentEvent, client_id))


def letters_for(store, client_id: str) -> list[EmployerLetter]:
    """The client's issued letters, newest first."""
    return list(reversed(store.for_client(EmployerLetter, client_id)))


def superseded_by(letters: list[EmployerLetter]) -> dict[str, EmployerLetter]:
    """For each letter that a later one corrects, the letter that supersedes it."""
    return {letter.supersedes: letter for letter in letters if letter.supersedes}


def coach_role_label(store) -> str:
    return COACH_ROLES.get(store.coach_role, store.coach_role or "Work and health coach")


def new_draft(store, client_id: str, catalogue: AdjustmentCatalogue | None = None) -> LetterDraft:
    """A starting point: the employer from the client's details, the sign-off from this
    coach, and the functional effects and fit-note options of their latest fit note."""
    catalogue = catalogue or load_catalogue()
    client = store.get(Client, client_id)
    draft = LetterDraft(client_name=client.full_name, client_first_name=client.given_name,
                        employer_name=client.employer, coach_name=store.coach_name,
                        coach_role=coach_role_label(store))
    notes = sorted(store.for_client(FitNote, client_id), key=lambda n: n.issued_on)
    if notes:
        latest = notes[-1]
        draft.functional_effects = latest.functional_effects
        for code in latest.options:  # fit-note options share their codes with the catalogue
            template = catalogue.get(code)
            if template:
                draft.adjustments.append(
                    LetterAdjustment(code, template.title, template.wording_for(client.given_name)))
    return draft


def for_client(store, client_id: str, draft: LetterDraft) -> LetterDraft:
    """The draft naming the client as their record does (a letter is always about them)."""
    client = store.get(Client, client_id)
    return replace(draft, client_name=client.full_name, client_first_name=client.given_name)


def issue_letter(store, client_id: str, draft: LetterDraft, *, supersedes: str = "",
                 today: date | None = None) -> EmployerLetter:
    """Issue and keep the letter; returns it as stored.

    Raises ConsentRequired when consent to share with the employer is not current (checked
    again just before saving), LetterNotReady with per-part messages when the draft is
    incomplete, and the store's errors when the record cannot be saved.
    """
    today = today or date.today()
    require_employer_consent(store.for_client(ConsentEvent, client_id))
    draft = for_client(store, client_id, draft)
    errors = draft.validate(today)
    if supersedes:
        earlier = store.get(EmployerLetter, supersedes)
        if earlier.client_id != client_id:
            errors["supersedes"] = "A letter can only correct an earlier letter for the same client."
    if errors:
        raise LetterNotReady(errors)
    taken = {r["reference"] for r in store.rows(
        "SELECT reference FROM employer_letter WHERE issued_on = ?", (today.isoformat(),))}
    reference = new_reference(today, taken)
    pdf = render_letter(draft, reference, today)
    recipient = ", ".join(part for part in (draft.recipient_name.strip(), draft.recipient_role.strip())
                          if part)
    letter = EmployerLetter(
        client_id=client_id, reference=reference, issued_on=today.isoformat(), issued_by=store.coach_name,
        employer=draft.employer_name.strip(), recipient=recipient,
        content=json.dumps(draft.content(), ensure_ascii=False, separators=(",", ":")),
        pdf=base64.b64encode(pdf).decode("ascii"), supersedes=supersedes,
    )
    # Consent may have been withdrawn (on this laptop or by a sync) while the letter was prepared.
    require_employer_consent(store.for_client(ConsentEvent, client_id))
    return store.add(letter)


def export_letter(store, letter_id: str, path: Path, password: str | None = None) -> Path:
    """Write an issued letter's PDF to ``path`` (optionally password-protected) and audit it.

    The file is written whole or not at all. Raises RecordNotFound for an unknown id.
    """
    letter = store.get(EmployerLetter, letter_id)
    data = letter.pdf_bytes()
    if password:
        data = protect_pdf(data, password)
    path = Path(path)
    _write_atomically(path, data)
    store.record_event("export-letter", f"letter={letter.id}")
    return path


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".workwell-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
