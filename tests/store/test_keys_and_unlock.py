"""Unlocking: passphrase, key stores, and faults that must leave the database untouched."""

import hashlib
import json

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from workwell_desktop.domain.records import Client
from workwell_desktop.store import (
    AlreadyInitialised,
    DatabaseUnreadable,
    KeyMissing,
    KeyNotSaved,
    NotInitialised,
    Store,
    WeakPassphrase,
    WrongPassphrase,
)
from workwell_desktop.store.keys import keyring_usable

PASSPHRASE = "correct horse battery staple"  # the shared store fixture's


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_client(store):
    return store.add(
        Client(
            given_name="Wren",
            family_name="Ashdown",
            date_of_birth="1975-06-01",
            nhs_number="9434765919",
            postcode="CA2 4HH",
            phone="07700900001",
        )
    )


def test_reopen_with_the_passphrase_reads_the_data(store, data_dir):
    client = add_client(store)
    store.close()
    again = Store.open(data_dir, PASSPHRASE)
    assert again.get(Client, client.id).family_name == "Ashdown"
    again.close()


def test_wrong_passphrase_fails_cleanly_and_changes_nothing(store, data_dir):
    add_client(store)
    store.close()
    before = {p.name: digest(p) for p in data_dir.iterdir() if p.is_file()}
    with pytest.raises(WrongPassphrase, match="not right") as caught:
        Store.open(data_dir, "battery staple horse correct")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert {p.name: digest(p) for p in data_dir.iterdir() if p.is_file()} == before


def test_missing_key_file_is_reported_and_database_untouched(store, data_dir):
    store.close()
    db_before = digest(data_dir / "workwell.db")
    (data_dir / "key.json").unlink()
    with pytest.raises(KeyMissing, match="missing"):
        Store.open(data_dir, PASSPHRASE)
    assert digest(data_dir / "workwell.db") == db_before


def test_database_from_elsewhere_is_refused_untouched(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    first, second = tmp_path / "a", tmp_path / "b"
    Store.create(first, PASSPHRASE, "Alex").close()
    Store.create(second, PASSPHRASE, "Sam").close()
    # copy laptop B's database into laptop A's folder: A's key cannot read it
    (first / "workwell.db").write_bytes((second / "workwell.db").read_bytes())
    before = digest(first / "workwell.db")
    with pytest.raises(DatabaseUnreadable, match="left untouched"):
        Store.open(first, PASSPHRASE)
    assert digest(first / "workwell.db") == before


def test_corrupt_database_is_refused_untouched(store, data_dir):
    store.close()
    db = data_dir / "workwell.db"
    db.write_bytes(b"\x00garbage" * 512)
    before = digest(db)
    with pytest.raises(DatabaseUnreadable):
        Store.open(data_dir, PASSPHRASE)
    assert digest(db) == before


def test_not_initialised_and_double_init(data_dir):
    with pytest.raises(NotInitialised, match="workwell-admin init"):
        Store.open(data_dir, PASSPHRASE)
    Store.create(data_dir, PASSPHRASE, "Alex").close()
    with pytest.raises(AlreadyInitialised):
        Store.create(data_dir, PASSPHRASE, "Alex")


def test_weak_passphrase_refused_before_anything_is_written(data_dir):
    with pytest.raises(WeakPassphrase):
        Store.create(data_dir, "short", "Alex")
    assert not data_dir.exists() or not any(data_dir.iterdir())


def test_key_file_holds_only_the_wrapped_key(store, data_dir):
    doc = json.loads((data_dir / "key.json").read_text())
    assert doc["kdf"] == "argon2id" and set(doc) >= {"salt", "nonce", "sealed_key"}
    assert (data_dir / "key.json").stat().st_mode & 0o077 == 0


class MemoryKeyring(KeyringBackend):
    """A stand-in for Windows Credential Manager / Secret Service."""

    priority = 5

    def __init__(self):
        super().__init__()
        self.items = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring(monkeypatch):
    monkeypatch.delenv("WORKWELL_KEY_STORE", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_keyring_is_used_when_available(memory_keyring, tmp_path):
    assert keyring_usable()
    store = Store.create(tmp_path / "d", PASSPHRASE, "Alex")
    assert "credential store" in store.key_store.description
    assert not (tmp_path / "d" / "key.json").exists()
    [(service, _account)] = memory_keyring.items
    assert service == "WorkWell Desktop"
    store.close()
    Store.open(tmp_path / "d", PASSPHRASE).close()
    with pytest.raises(WrongPassphrase):
        Store.open(tmp_path / "d", "not the passphrase at all")
    memory_keyring.items.clear()
    with pytest.raises(KeyMissing, match="credential store"):
        Store.open(tmp_path / "d", PASSPHRASE)


def test_without_a_keyring_backend_the_key_file_is_used(monkeypatch, tmp_path):
    monkeypatch.delenv("WORKWELL_KEY_STORE", raising=False)
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert not keyring_usable()
        store = Store.create(tmp_path / "d", PASSPHRASE, "Alex")
        assert "key file" in store.key_store.description
        assert (tmp_path / "d" / "key.json").exists()
        store.close()
        Store.open(tmp_path / "d", PASSPHRASE).close()
    finally:
        keyring.set_keyring(previous)


def test_plaintext_keyring_is_never_used(monkeypatch):
    class PlaintextKeyring(MemoryKeyring):
        priority = 5

    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        assert not keyring_usable()
    finally:
        keyring.set_keyring(previous)


def test_a_credential_store_that_refuses_the_key_is_reported_and_nothing_is_lost(
    memory_keyring, tmp_path, monkeypatch
):
    from workwell_desktop.store import keys

    with monkeypatch.context() as m:  # a wrap made at a lower cost: the next unlock re-makes it
        m.setattr(keys, "CURRENT_KDF", keys.Argon2idParams(1, keys.ARGON2_MEMORY_KIB_RANGE[0], 1))
        Store.create(tmp_path / "d", PASSPHRASE, "Alex").close()
    monkeypatch.setattr(keys, "CURRENT_KDF", keys.Argon2idParams(2, keys.ARGON2_MEMORY_KIB_RANGE[0], 1))
    [old] = memory_keyring.items.values()

    def refuse(service, username, password):
        raise keyring.errors.PasswordSetError("locked")

    monkeypatch.setattr(memory_keyring, "set_password", refuse)
    store = Store.open(tmp_path / "d", PASSPHRASE)  # unlocks; the re-wrap waits for next time
    with pytest.raises(KeyNotSaved, match="credential store did not accept"):
        store.change_passphrase(PASSPHRASE, "kettle river blue moon")
    store.close()
    assert list(memory_keyring.items.values()) == [old]
    Store.open(tmp_path / "d", PASSPHRASE).close()  # the passphrase kept before still opens it
    with pytest.raises(KeyNotSaved):
        Store.create(tmp_path / "new", PASSPHRASE, "Alex")
    assert not (tmp_path / "new" / "workwell.json").exists()
