"""Fixtures for employer letters: a store with a client who may have consented.

Closing a changed letter asks first: tests/support/dialogs.py answers every question
(Discard unless a test sets ``message_boxes.answer``), so none blocks on a modal box."""

import pytest
from letters_support import add_client, record_consent


@pytest.fixture
def client(store):
    """A client taking part in WorkWell (participation given); nothing shared yet."""
    return add_client(store)


@pytest.fixture
def consented(store, client):
    record_consent(store, client.id, "given")
    return client
