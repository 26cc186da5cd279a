"""Letters off the wire: an issued letter syncs as its content and the issued PDF's hash;
another laptop renders the PDF again and trusts it only when it is byte for byte the one issued."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from datetime import date
from pathlib import Path

import pytest
from support.live_server import add_client

from workwell_desktop.documents.letter import LetterNotVerified, issued_pdf, render_letter
from workwell_desktop.domain.letters import EmployerLetter
from workwell_desktop.domain.records import ConsentEvent
from workwell_desktop.services.letters import export_letter, issue_letter, letter_pdf
from workwell_desktop.store import replica
from workwell_desktop.sync import engine

sys.path.insert(0, str(Path(__file__).parents[1] / "letters"))
from letters_support import make_draft  # noqa: E402


def _consented_client(store):
    client = add_client(store, employer="Eden Valley Bakery Ltd", given_name="Sam", family_name="Taylor")
    for scope in ("participation", "share_employer"):
        store.add(
            ConsentEvent(
                client_id=client.id,
                scope=scope,
                action="given",
                method="verbal",
                recorded_by="Ann Coach",
                recorded_at="2026-11-02T10:00:00+00:00",
            )
        )
    return client


def test_two_renders_are_byte_identical():
    draft = make_draft(client_name="Sam Taylor", client_first_name="Sam")
    first = render_letter(draft, "WW-20261102-ABCD", date(2026, 11, 2))
    assert render_letter(draft, "WW-20261102-ABCD", date(2026, 11, 2)) == first
    assert render_letter(draft, "WW-20261102-ABCE", date(2026, 11, 2)) != first


def test_a_synced_letter_is_rendered_again_and_matches_the_issued_pdf(laptop, tmp_path):  # noqa: F811
    ann, other = laptop("ann"), laptop("ann")
    client = _consented_client(ann)
    letter = issue_letter(ann, client.id, make_draft())
    engine.sync(ann)
    report = engine.sync(other)
    assert report.quarantined == 0
    received = other.get(EmployerLetter, letter.id)
    assert received.pdf == "" and received.pdf_sha256 == letter.pdf_sha256
    issued = letter_pdf(ann, letter)  # the issuing laptop's kept copy
    assert hashlib.sha256(issued).hexdigest() == letter.pdf_sha256
    assert issued_pdf(received) == issued  # byte for byte what was issued
    out = export_letter(other, letter.id, tmp_path / "letter.pdf")
    assert out.read_bytes() == issued
    # The consent gate still decides on the receiving laptop.
    other.add(
        ConsentEvent(
            client_id=client.id,
            scope="share_employer",
            action="withdrawn",
            method="verbal",
            recorded_by="Ann Coach",
            recorded_at="2026-11-03T10:00:00+00:00",
        )
    )
    with pytest.raises(Exception, match="consent|lawful"):
        export_letter(other, letter.id, tmp_path / "again.pdf")


def test_a_letter_whose_content_does_not_give_the_issued_pdf_is_not_trusted(laptop, tmp_path):  # noqa: F811
    ann, other = laptop("ann"), laptop("ann")
    client = _consented_client(ann)
    issue_letter(ann, client.id, make_draft())
    changes = replica.unsent_changes(ann, 1000)
    # The content as relayed is not what was issued (altered on the way, or by another version).
    for change in changes:
        if change["record_type"] == "employer_letter":
            content = json.loads(change["payload"]["content"])
            content["recipient_name"] = "Someone Else"
            change["payload"]["content"] = json.dumps(content)
    replica.apply_remote(other, changes, "1")
    (received,) = other.all(EmployerLetter)
    with pytest.raises(LetterNotVerified):
        issued_pdf(received)
    with pytest.raises(LetterNotVerified):
        export_letter(other, received.id, tmp_path / "forged.pdf")
    assert not (tmp_path / "forged.pdf").exists()
    assert other.audit_trail()[-1]["action"] == "letter-not-verified"


def test_a_letter_with_a_pdf_that_is_not_the_issued_one_is_quarantined(laptop):  # noqa: F811
    ann, other = laptop("ann"), laptop("ann")
    client = _consented_client(ann)
    issue_letter(ann, client.id, make_draft())
    changes = replica.unsent_changes(ann, 1000)
    other_pdf = render_letter(
        make_draft(recipient_name="Someone Else"), "WW-20261102-ABCD", date(2026, 11, 2)
    )
    for change in changes:
        if change["record_type"] == "employer_letter":
            change["payload"]["pdf"] = base64.b64encode(other_pdf).decode("ascii")
    replica.apply_remote(other, changes, "1")
    assert other.all(EmployerLetter) == []
    assert [q["record_type"] for q in replica.quarantined_changes(other)] == ["employer_letter"]
