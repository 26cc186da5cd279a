"""Shared fixtures: an unlocked store in a temporary data folder."""

import os

# Qt tests anywhere in the suite draw offscreen, never on the developer's screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

# The one store fixture (store, data_dir, passphrase, handle), the one message-box stub,
# and synchronous background work: tests/support/.
pytest_plugins = ["support.store", "support.dialogs", "support.tasks", "support.live_server"]


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, monkeypatch):
    """No test reads or writes the machine's policy or the user's own settings."""
    folder = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("WORKWELL_POLICY_FILE", str(folder / "policy.json"))
    monkeypatch.setenv("WORKWELL_SETTINGS_FILE", str(folder / "settings.json"))


@pytest.fixture(autouse=True)
def restore_umask():
    """Entry points run in-process set umask 077 (workwell_desktop.hardening); keep that from
    leaking into later tests, which make files (and bundles) under the runner's umask."""
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


@pytest.fixture(autouse=True)
def quick_key_wrapping(monkeypatch):
    """Hundreds of tests set up and unlock databases: wrap their keys with Argon2id at one
    pass over 8 MiB (the least a key.json may hold) instead of three over 64 MiB, which
    would add minutes to the suite. Only the test process is changed;
    tests/store/test_hardened_keys.py uses ``real_kdf``."""
    from workwell_desktop.store import keys

    monkeypatch.setattr(keys, "CURRENT_KDF", keys.Argon2idParams(1, keys.ARGON2_MEMORY_KIB_RANGE[0], 1))


@pytest.fixture
def real_kdf(monkeypatch):
    from workwell_desktop.store import keys

    monkeypatch.setattr(keys, "CURRENT_KDF", keys.RFC_9106_LOW_MEMORY)
