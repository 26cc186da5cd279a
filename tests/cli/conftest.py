"""Running ``workwell-admin`` in-process against a temporary data folder.

Builds on tests/conftest.py: ``data_dir`` (key file store forced) and ``passphrase``.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from workwell_desktop.cli import main
from workwell_desktop.store import Store, replica
from workwell_desktop.store.connection import connect
from workwell_desktop.store.keys import KeyFileKeyStore, unwrap_key

HEADER = [
    "given_name",
    "family_name",
    "nhs_number",
    "date_of_birth",
    "postcode",
    "referral_route",
    "referral_date",
]


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def admin(data_dir, passphrase, monkeypatch, capsys):
    """``admin("init", ...)`` runs the command on the test's data folder."""
    monkeypatch.setenv("WORKWELL_PASSPHRASE", passphrase)
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    monkeypatch.delenv("WORKWELL_DATA_DIR", raising=False)
    monkeypatch.delenv("WORKWELL_COACH_NAME", raising=False)

    def run(*args: str) -> Run:
        code = main(["--data-dir", str(data_dir), *args])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


@pytest.fixture
def initialised(admin):
    result = admin("init", "--coach-name", "Alex Coach")
    assert result.code == 0, result.err
    return admin


@pytest.fixture
def team_lead(initialised, open_store):
    """The laptop registered with a team lead's server account (team exports need it)."""
    store = open_store()
    try:
        replica.set_settings(store, sync_role="team_lead", sync_username="alex.coach")
    finally:
        store.close()
    return initialised


@pytest.fixture
def csv_file(tmp_path):
    """``csv_file("name.csv", rows, header=HEADER)`` writes a CSV file and returns its path."""

    def write(name: str, rows: list[list[str]], header=tuple(HEADER), encoding="utf-8") -> Path:
        path = tmp_path / name
        with open(path, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def open_store(data_dir, passphrase):
    return lambda: Store.open(data_dir, passphrase)


@pytest.fixture
def raw_db(data_dir, passphrase):
    """The database opened directly with its key, bypassing the store (to tamper with it)."""

    def open_raw():
        key = unwrap_key(KeyFileKeyStore(data_dir / "key.json").load(), passphrase)
        return connect(data_dir / "workwell.db", key)

    return open_raw
