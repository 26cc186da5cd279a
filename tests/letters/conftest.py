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


@pytest.fixture(autouse=True)
def no_blocking_questions(monkeypatch):
    """Closing a changed letter asks first (a modal question would hang the test): answer
    Discard, as a coach closing it would. Tests that check the question replace this."""
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Discard)
