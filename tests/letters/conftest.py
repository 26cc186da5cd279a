"""Fixtures for employer letters: a store with a client who may have consented."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from letters_support import add_client, record_consent  # noqa: E402


@pytest.fixture
def client(store):
    """A client taking part in WorkWell (participation given); nothing shared yet."""
    return add_client(store)


@pytest.fixture
def consented(store, client):
    record_consent(store, client.id, "given")
    return client
