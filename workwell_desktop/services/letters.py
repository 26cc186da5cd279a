"""Preparing, issuing and exporting employer letters: used by the app, the CLI and the tests.

Consent is checked when a letter is prepared and again at the moment it is issued,
since it can be withdrawn in between. An issued letter is saved like every record
(change log, audit trail, sync); saving its PDF outside the app is a separate,
audited export, because a file on disk is not protected by the encrypted database.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import date
from pathlib import Path

from ..documents.catalogue import AdjustmentCatalogue, load_catalogue
from ..documents.disclosure import (
    DisclosureContext,
    agreed_text_hash,
    file_name,
    findings_message,
    letter_findings,
    load_lexicon,
)
from ..documents.letter import (
    LetterNotVerified,
    encoded_pdf,
    issued_pdf,
    protect_pdf,
    render_letter,
)
from ..domain.assessments import Assessment
from ..domain.consent import LAWFUL_REASONS, SharingRefused, check_sharing, sharing_problem
from ..domain.disclosure import ClientIdentifiers, Finding
from ..domain.letters import (
    EMPLOYER_SCOPE,
    ConsentRequired,
    EmployerLetter,
    LetterAdjustment,
    LetterDraft,
    LetterNotReady,
    employer_consent_problem,
    new_reference,
    pdf_sha256,
    require_employer_consent,
)
from ..domain.records import Client, ConsentEvent, FitNote
from ..domain.vocabulary import COACH_ROLES
from ..hardening import write_private_bytes
from ..store import issued_pdfs

log = logging.getLogger(__name__)

# The initial assessment's answer naming the client's health conditions.
HEALTH_CONDITIONS_ITEM = "health_conditions"


class DisclosureRefused(LetterNotReady):
    """The letter would name a condition the client kept private, or identify them;
    ``findings`` says exactly which words, where."""

    def __init__(self, findings: list[Finding]):
        self.findings = list(findings)
        super().__init__({"disclosure": findings_message(self.findings)})


NOT_ENCRYPTED_WARNING = (
    "The exported PDF is not protected by WorkWell's encryption: anyone who has the file can read "
    "it. Keep it only as long as you need it, and send it only in the way the client agreed."
)
PASSWORD_ADVICE = "Give the employer the password separately, for example by phone, never in the same email."


def consent_problem(store, client_id: str) -> str | None:
    """Why no letter can be prepared for this client now, or None when consent is current."""
    return employer_consent_problem(store.for_client(ConsentEvent, client_id))


def disclosure_context(store, client_id: str) -> DisclosureContext:
    """What a letter for this client must not reveal: the lexicon, the conditions recorded
    for them (fit notes, the initial assessment) and their own identifiers."""
    client = store.get(Client, client_id)
    recorded = [n.condition for n in store.for_client(FitNote, client_id) if n.condition.strip()]
    for assessment in store.for_client(Assessment, client_id):
        try:
            answers = json.loads(assessment.responses) if assessment.responses else {}
        except ValueError:
            continue
        answer = answers.get(HEALTH_CONDITIONS_ITEM) if isinstance(answers, dict) else None
        if isinstance(answer, str) and answer.strip():
            recorded.append(answer)
    return DisclosureContext(
        lexicon=load_lexicon(),
        recorded_conditions=recorded,
        client=ClientIdentifiers(
            client.nhs_number, client.date_of_birth, client.postcode, client.phone, client.email
        ),
        employer=client.employer,
    )


def draft_findings(store, client_id: str, draft: LetterDraft, today: date | None = None) -> list[Finding]:
    """What the draft would disclose (as the builder shows it, and as issuing refuses it)."""
    return letter_findings(
        for_client(store, client_id, draft), disclosure_context(store, client_id), today=today
    )


def agreement_hash(store, client_id: str, draft: LetterDraft) -> str:
    """The hash the client's agreement is recorded against (see disclosure.agreed_text_hash)."""
    return agreed_text_hash(for_client(store, client_id, draft))


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
    draft = LetterDraft(
        client_name=client.full_name,
        client_first_name=client.given_name,
        employer_name=client.employer,
        coach_name=store.coach_name,
        coach_role=coach_role_label(store),
    )
    notes = sorted(store.for_client(FitNote, client_id), key=lambda n: n.issued_on)
    if notes:
        latest = notes[-1]
        draft.functional_effects = latest.functional_effects
        for code in latest.options:  # fit-note options share their codes with the catalogue
            template = catalogue.get(code)
            if template:
                draft.adjustments.append(
                    LetterAdjustment(code, template.title, template.wording_for(client.given_name))
                )
    return draft


def for_client(store, client_id: str, draft: LetterDraft) -> LetterDraft:
    """The draft naming the client as their record does (a letter is always about them)."""
    client = store.get(Client, client_id)
    return replace(draft, client_name=client.full_name, client_first_name=client.given_name)


def issue_letter(
    store, client_id: str, draft: LetterDraft, *, supersedes: str = "", today: date | None = None
) -> EmployerLetter:
    """Issue and keep the letter; returns it as stored.

    Raises ConsentRequired when participation or consent to share with the employer is not
    current (checked again just before saving), LetterNotReady with per-part messages when
    the draft is incomplete or changed since the client agreed it, DisclosureRefused with the
    exact words when it would name a condition not shared or identify the client, and the
    store's errors when the record cannot be saved.
    """
    today = today or date.today()
    require_employer_consent(store.for_client(ConsentEvent, client_id))
    draft = for_client(store, client_id, draft)
    errors = draft.validate(today)
    if draft.client_agreed and draft.agreed_text_hash != agreed_text_hash(draft):
        errors["client_agreed"] = (
            "The letter has changed since the client agreed it. Show them the "
            "final wording and record their agreement again."
        )
    if supersedes:
        earlier = store.get(EmployerLetter, supersedes)
        if earlier.client_id != client_id:
            errors["supersedes"] = "A letter can only correct an earlier letter for the same client."
    if errors:
        raise LetterNotReady(errors)
    findings = letter_findings(draft, disclosure_context(store, client_id), today=today)
    if findings:
        raise DisclosureRefused(findings)
    taken = {
        r["reference"]
        for r in store.rows("SELECT reference FROM employer_letter WHERE issued_on = ?", (today.isoformat(),))
    }
    reference = new_reference(today, taken)
    pdf = render_letter(draft, reference, today)
    recipient = ", ".join(
        part for part in (draft.recipient_name.strip(), draft.recipient_role.strip()) if part
    )
    letter = EmployerLetter(
        client_id=client_id,
        reference=reference,
        issued_on=today.isoformat(),
        issued_by=store.coach_name,
        employer=draft.employer_name.strip(),
        recipient=recipient,
        content=json.dumps(draft.content(), ensure_ascii=False, separators=(",", ":")),
        pdf=encoded_pdf(pdf),
        pdf_sha256=pdf_sha256(pdf),
        supersedes=supersedes,
    )
    # Consent may have been withdrawn (on this laptop or by a sync) while the letter was prepared.
    require_employer_consent(store.for_client(ConsentEvent, client_id))
    return store.add(letter)


def export_problem(store, letter_id: str) -> str | None:
    """Why this letter may not leave the laptop on consent alone, or None when it may."""
    letter = store.get(EmployerLetter, letter_id)
    return sharing_problem(store.for_client(ConsentEvent, letter.client_id), EMPLOYER_SCOPE)


def export_letter(
    store, letter_id: str, path: Path, password: str | None = None, *, lawful_reason: str = ""
) -> Path:
    """Write an issued letter's PDF to ``path`` (optionally password-protected) and audit it.

    The one consent gate decides: current participation and consent to share with the
    employer, or else a recorded lawful reason (``LAWFUL_REASONS``, e.g. the client's own
    subject access request), which is audited with the export. A letter that would now
    disclose a condition or identifier (one issued by an older version, or synced in) is
    refused except as the client's own copy. The file is written whole or not at all.
    Raises RecordNotFound for an unknown id, ConsentRequired when nothing allows it,
    LetterNotVerified for a synced letter whose rendering here is not the PDF issued.
    """
    letter = store.get(EmployerLetter, letter_id)
    # The client's own copy, because they asked for it, is theirs whatever they agreed with
    # the employer: audited as that, never as "consent" (with consent current the consent
    # would otherwise be the basis, and an undisclosed condition would pass as a letter the
    # employer may have).
    own_copy = lawful_reason == "subject_access"
    try:
        basis = (
            "reason:subject_access"
            if own_copy
            else check_sharing(
                store.for_client(ConsentEvent, letter.client_id), EMPLOYER_SCOPE, lawful_reason=lawful_reason
            )
        )
    except SharingRefused as refused:
        raise ConsentRequired(
            f"{refused} Export it only with a recorded lawful reason ({', '.join(LAWFUL_REASONS)})."
        ) from None
    # Only the client's own copy may show what the client already knows about themselves.
    if not own_copy:
        try:
            findings = letter_findings(
                letter.draft(), disclosure_context(store, letter.client_id), reference=letter.reference
            )
        except (ValueError, KeyError, TypeError):
            findings = []  # content unreadable: the PDF is what was issued and agreed
        if findings:
            raise DisclosureRefused(findings)
    try:
        data = letter_pdf(store, letter)
    except LetterNotVerified:
        # Synced without its PDF and not reproducible here: never passed off as the one issued.
        store.record_event("letter-not-verified", f"letter={letter.id}")
        raise
    if password:
        data = protect_pdf(data, password)
    path = Path(path)
    # Audited before the file exists: no export goes unrecorded.
    store.record_event(
        "export-letter", f"letter={letter.id},basis={basis},protected={'yes' if password else 'no'}"
    )
    write_private_bytes(path, data)  # atomic, 0600: it holds client information
    return path


def letter_pdf(store, letter: EmployerLetter) -> bytes:
    """The exact PDF that was issued: the copy this laptop keeps (the issuing laptop's,
    store.issued_pdfs), else rendered again and checked against its hash (documents.letter.
    issued_pdf). A kept copy that no longer matches its hash is not used either.

    Raises LetterNotVerified when neither gives the issued PDF."""
    try:
        kept = issued_pdfs.kept(store, letter.pdf_sha256)
    except issued_pdfs.KeptPdfDamaged as damaged:
        log.error("letter %s: %s", letter.id, damaged)
        kept = None
    return kept if kept is not None else issued_pdf(letter)


def suggested_file_name(letter: EmployerLetter) -> str:
    """The file name offered when saving a letter: its reference only (checked like the text)."""
    return file_name(letter.reference)
