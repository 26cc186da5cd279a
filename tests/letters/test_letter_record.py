"""Issued letters are immutable records kept (and synced) with the exact PDF."""

import base64
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from letters_support import PASSPHRASE, agreed, make_draft, record_consent

from workwell_desktop.domain.letters import MAX_PDF_BYTES, EmployerLetter, LetterNotReady
from workwell_desktop.domain.records import FitNote
from workwell_desktop.domain.registry import RECORD_TYPES
from workwell_desktop.services.letters import export_letter, issue_letter, letter_pdf, letters_for, new_draft
from workwell_desktop.store import ImmutableRecord, InvalidRecord, RecordNotFound, Store


def test_registered_as_a_record_type():
    assert RECORD_TYPES["employer_letter"] is EmployerLetter
    assert EmployerLetter.mutable is False


def test_an_issued_letter_cannot_be_edited(store, consented):
    letter = issue_letter(store, consented.id, make_draft())
    with pytest.raises(ImmutableRecord):
        store.update(EmployerLetter, letter.id, employer="Someone else")
    assert store.get(EmployerLetter, letter.id).employer == "Eden Valley Bakery Ltd"


def test_round_trips_through_the_database_byte_identical(store, consented, tmp_path):
    letter = issue_letter(store, consented.id, make_draft())
    original = letter_pdf(store, letter)
    data_dir = store.data_dir
    store.close()
    reopened = Store.open(data_dir, PASSPHRASE)
    try:
        again = reopened.get(EmployerLetter, letter.id)
        assert letter_pdf(reopened, again) == original
        assert again == letter
        assert again.draft() == letter.draft()
    finally:
        reopened.close()


def test_issue_goes_through_the_change_log_and_audit(store, consented):
    letter = issue_letter(store, consented.id, make_draft())
    change = [c for c in store.changes() if c["record_type"] == "employer_letter"]
    assert len(change) == 1 and change[0]["client_id"] == consented.id and change[0]["op"] == "create"
    payload = json.loads(change[0]["payload"])
    # The letter travels as its content and the issued PDF's hash; the PDF stays here.
    assert "pdf" not in payload
    assert payload["pdf_sha256"] == hashlib.sha256(letter_pdf(store, letter)).hexdigest()
    assert len(change[0]["payload"].encode()) < 10_000
    audit = [a for a in store.audit_trail() if a["record_type"] == "employer_letter"]
    assert audit[0]["record_id"] == letter.id and "pdf_sha256" in audit[0]["detail"]
    assert "Eden" not in json.dumps(store.audit_trail())  # the audit names fields, never values


def test_content_records_the_agreement_and_choices(store, consented):
    letter = issue_letter(store, consented.id, make_draft())
    content = json.loads(letter.content)
    assert content["client_agreed"] is True
    assert content["agreed_recorded_by"] == "Alex Coach" and content["agreed_at"]
    assert content["share_condition"] is False and content["condition"] == ""
    assert [a["code"] for a in content["adjustments"]] == ["phased_return", "more_breaks", "flexible_hours"]
    assert len(content["phased_return"]) == 4
    assert letter.issued_by == "Alex Coach"
    assert letter.recipient == "Jo Barker, Operations Manager"


def test_a_draft_must_be_complete_and_agreed(store, consented):
    draft = make_draft(client_agreed=False, adjustments=[], review_on="", employer_name="")
    with pytest.raises(LetterNotReady) as refused:
        issue_letter(store, consented.id, draft)
    assert set(refused.value.errors) >= {"client_agreed", "adjustments", "review_on", "employer_name"}
    assert letters_for(store, consented.id) == []


def test_phased_return_needs_weeks(store, consented):
    with pytest.raises(LetterNotReady) as refused:
        issue_letter(store, consented.id, make_draft(phased_return=[]))
    assert "phased_return" in refused.value.errors


def test_validate_refuses_a_damaged_record(store, consented):
    letter = issue_letter(store, consented.id, make_draft())
    from dataclasses import replace

    for broken in (
        replace(letter, pdf="not base64!"),
        replace(letter, content="{"),
        replace(letter, reference="12345"),
        replace(letter, pdf=base64.b64encode(b"%PDF-" + b"0" * MAX_PDF_BYTES).decode()),
    ):
        with pytest.raises(InvalidRecord):
            store.add(replace(broken, id=EmployerLetter().id))


def test_a_correction_supersedes_the_earlier_letter(store, consented):
    first = issue_letter(store, consented.id, make_draft())
    second = issue_letter(store, consented.id, make_draft(recipient_name="Kim Hale"), supersedes=first.id)
    assert second.supersedes == first.id
    assert [x.id for x in letters_for(store, consented.id)] == [second.id, first.id]


def test_export_writes_the_pdf_and_audits_it(store, consented, tmp_path):
    letter = issue_letter(store, consented.id, make_draft())
    out = export_letter(store, letter.id, tmp_path / "letter.pdf")
    assert hashlib.sha256(out.read_bytes()).hexdigest() == letter.pdf_sha256
    events = [a for a in store.audit_trail() if a["action"] == "export-letter"]
    assert events[-1]["detail"] == f"letter={letter.id},basis=consent,protected=no"
    with pytest.raises(RecordNotFound):
        export_letter(store, "no-such-letter", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_new_draft_starts_from_the_client_and_latest_fit_note(store, consented):
    store.add(
        FitNote(
            client_id=consented.id,
            issued_on="2026-01-05",
            valid_from="2026-01-05",
            valid_to="2026-02-05",
            status="may_be_fit",
            options=("phased_return", "amended_duties"),
            functional_effects="Cannot lift more than 5 kg.",
        )
    )
    draft = new_draft(store, consented.id)
    assert draft.employer_name == "Eden Valley Bakery Ltd"
    assert draft.coach_name == "Alex Coach" and draft.coach_role == "Work and health coach"
    assert draft.functional_effects == "Cannot lift more than 5 kg."
    assert [a.code for a in draft.adjustments] == ["phased_return", "amended_duties"]
    assert "Sam" in draft.adjustments[0].wording


def test_schema_v3_database_upgrades_to_hold_letters(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    fixture = Path(__file__).parents[1] / "store" / "fixtures" / "schema-v3"
    shutil.copytree(fixture, tmp_path / "data")
    store = Store.open(tmp_path / "data", "fixture passphrase for tests")
    try:
        client = store.client_by_nhs_number("9990000026")
        record_consent(store, client.id, "given", scope="participation")
        record_consent(store, client.id, "given")
        letter = issue_letter(store, client.id, agreed(make_draft(), client.full_name, client.given_name))
        assert store.get(EmployerLetter, letter.id).reference == letter.reference
    finally:
        store.close()


def test_letters_core_never_imports_qt():
    import subprocess
    import sys

    code = (
        "import sys, workwell_desktop.domain.letters, workwell_desktop.services.letters, "
        "workwell_desktop.cli.letters; print([m for m in sys.modules if m.startswith('PySide6')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
