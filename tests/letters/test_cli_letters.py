"""``workwell-admin letters`` and ``export-letter``, run through their own argument parser."""

import argparse
import hashlib

import pytest
from letters_support import NHS_NUMBER, PASSPHRASE, add_client, make_draft, record_consent

from workwell_desktop.cli.letters import add_letter_commands
from workwell_desktop.services.letters import issue_letter
from workwell_desktop.store import Store


@pytest.fixture
def admin(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    monkeypatch.setenv("WORKWELL_PASSPHRASE", PASSPHRASE)
    data_dir = tmp_path / "data"
    store = Store.create(data_dir, PASSPHRASE, "Alex Coach")
    client = add_client(store)
    record_consent(store, client.id, "given")
    letter = issue_letter(store, client.id, make_draft())
    store.close()
    parser = argparse.ArgumentParser(prog="workwell-admin")
    add_letter_commands(parser.add_subparsers(dest="command", required=True))

    def run(*argv):
        args = parser.parse_args(list(argv))
        code = args.handler(args, data_dir)
        out, err = capsys.readouterr()
        return code, out, err

    run.letter = letter
    run.data_dir = data_dir
    return run


def test_lists_a_clients_letters(admin):
    code, out, err = admin("letters", "--client", "943 476 5919")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "id\treference\tissued_on\temployer"
    assert lines[1].split("\t") == [
        admin.letter.id,
        admin.letter.reference,
        admin.letter.issued_on,
        "Eden Valley Bakery Ltd",
    ]


def test_unknown_client_exits_1(admin):
    code, out, err = admin("letters", "--client", "9990000026")
    assert code == 1 and out == ""
    assert "no client" in err and "9990000026" not in err


def test_invalid_nhs_number_exits_1(admin):
    code, _out, err = admin("letters", "--client", "123")
    assert code == 1 and "10 digits" in err


def test_exports_a_letter_with_a_warning(admin, tmp_path):
    out_file = tmp_path / "out.pdf"
    code, out, err = admin("export-letter", "--id", admin.letter.id, "--out", str(out_file))
    assert code == 0, err
    assert hashlib.sha256(out_file.read_bytes()).hexdigest() == admin.letter.pdf_sha256  # as issued
    assert "NOT encrypted" in err
    assert admin.letter.reference in out
    store = Store.open(admin.data_dir, PASSPHRASE)
    try:
        wanted = f"letter={admin.letter.id},basis=consent,protected=no"
        assert any(a["action"] == "export-letter" and a["detail"] == wanted for a in store.audit_trail())
    finally:
        store.close()


def test_unknown_letter_exits_1(admin, tmp_path):
    code, _out, err = admin("export-letter", "--id", "nope", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and "no employer letter" in err
    assert not (tmp_path / "x.pdf").exists()


def test_a_client_without_letters(admin):
    store = Store.open(admin.data_dir, PASSPHRASE)
    add_client(store, "Ada", "Quill", nhs_number="9990000026")
    store.close()
    code, out, err = admin("letters", "--client", "9990000026")
    assert code == 0 and out.splitlines() == ["id\treference\tissued_on\temployer"]
    assert "No employer letters" in err
    assert NHS_NUMBER not in out


def test_export_after_consent_is_withdrawn_is_refused_without_a_lawful_reason(admin, tmp_path):
    """Issue #14: export-letter exported after withdrawal, with no warning."""
    store = Store.open(admin.data_dir, PASSPHRASE)
    try:
        record_consent(store, admin.letter.client_id, "withdrawn")
    finally:
        store.close()
    out_file = tmp_path / "out.pdf"
    code, out, err = admin("export-letter", "--id", admin.letter.id, "--out", str(out_file))
    assert code == 1
    assert "withdrew consent" in err and "lawful reason" in err
    assert not out_file.exists()
    code, out, err = admin(
        "export-letter", "--id", admin.letter.id, "--out", str(out_file), "--lawful-reason", "subject_access"
    )
    assert code == 0, err
    assert "NOT encrypted" in err and "subject access" in err
    store = Store.open(admin.data_dir, PASSPHRASE)
    try:
        details = [a["detail"] for a in store.audit_trail() if a["action"] == "export-letter"]
    finally:
        store.close()
    assert details == [f"letter={admin.letter.id},basis=reason:subject_access,protected=no"]
