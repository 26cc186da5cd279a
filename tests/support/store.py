"""The one store fixture: an unlocked store in a temporary data folder, and the app's
DatabaseHandle open on it (what the screens take)."""

import pytest

from workwell_desktop.store import Store

PASSPHRASE = "correct horse battery staple"
COACH = "Alex Coach"


@pytest.fixture
def passphrase():
    return PASSPHRASE


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    # The machine running the tests may have a real keyring; tests of the key file
    # fallback must not depend on it, and must never write to the user's keyring.
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    return tmp_path / "data"


@pytest.fixture
def store(data_dir):
    s = Store.create(data_dir, PASSPHRASE, COACH)
    yield s
    s.close()


@pytest.fixture
def handle(store, qapp):
    """The GUI's RecordStore open on ``store``: screens under test get this, as in the app."""
    opened = handle_on(store)
    yield opened
    opened._store = None  # ``store`` closes it


def handle_on(store):
    """A DatabaseHandle (the app's RecordStore) open on ``store``, for a screen under test."""
    from workwell_desktop.gui.database_handle import DatabaseHandle

    opened = DatabaseHandle()
    opened.open(store)
    return opened
