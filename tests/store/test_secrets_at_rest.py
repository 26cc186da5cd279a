"""Nothing readable reaches the disk: not the client's details, not the database key."""

import subprocess
import sys

from workwell_desktop.domain.records import Client, ConsentEvent, ContactSession, Referral
from workwell_desktop.logs import configure
from workwell_desktop.store import Store
from workwell_desktop.store.keys import KeyFileKeyStore, unwrap_key

SECRETS = ["Zebediah", "Quillfeather", "9434765919", "Thistlewood", "confided about debts"]


def files_containing(root, needles):
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            for needle in needles:
                for form in (needle.encode(), needle.encode("utf-16-le")):
                    if form in blob:
                        hits.append((path.name, needle))
    return hits


def test_no_plaintext_or_key_under_the_data_folder(data_dir, passphrase):
    configure(data_dir)
    store = Store.create(data_dir, passphrase, "Alex Coach")
    c = store.add(
        Client(
            given_name="Zebediah",
            family_name="Quillfeather",
            date_of_birth="1975-06-01",
            nhs_number="9434765919",
            postcode="CA2 4HH",
            phone="07700900001",
            employer="Thistlewood Farm",
        )
    )
    store.add(Referral(client_id=c.id, route="gp", received_on="2026-11-01"))
    store.add(
        ContactSession(
            client_id=c.id,
            held_on="2026-11-20",
            mode="phone",
            duration_minutes=40,
            note="Client confided about debts",
        )
    )
    store.add(
        ConsentEvent(
            client_id=c.id,
            scope="participation",
            action="given",
            method="verbal",
            recorded_by="Alex Coach",
            recorded_at="2026-11-20T10:00:00+00:00",
        )
    )
    # while the database is open (WAL and shared memory present) and after it is closed
    assert files_containing(data_dir, SECRETS) == []
    store.close()
    Store.open(data_dir, passphrase).close()
    assert files_containing(data_dir, SECRETS) == []
    key = unwrap_key(KeyFileKeyStore(data_dir / "key.json").load(), passphrase)
    assert files_containing(data_dir, [key.hex(), key.hex().upper()]) == []
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert key not in path.read_bytes()


def test_the_scan_would_find_plaintext(tmp_path):
    (tmp_path / "plain.txt").write_text("Zebediah Quillfeather", encoding="utf-16-le")
    assert files_containing(tmp_path, SECRETS) == [("plain.txt", "Zebediah"), ("plain.txt", "Quillfeather")]


def test_core_packages_never_import_qt():
    code = (
        "import sys, workwell_desktop.domain.records, workwell_desktop.domain.consent, "
        "workwell_desktop.store, workwell_desktop.store.caseload; "
        "print([m for m in sys.modules if m.startswith('PySide6')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
