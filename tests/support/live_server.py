"""The real sync server on a loopback port, and registered laptops syncing with it.

``serving(app)`` runs an app under uvicorn on a free loopback port (real HTTP, gzip);
``live`` is the two-team server (tests/server/conftest.py) served that way, and
``laptop("ann")`` a desktop database registered with it for that coach. Registered in
tests/conftest.py, so server tests take these by name instead of importing fixtures
from another test module. ``add_client`` and ``everything`` are plain helpers.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from workwell_desktop.domain.records import Client, Referral
from workwell_desktop.store import Store
from workwell_desktop.sync import engine

PASSPHRASE = "correct horse battery staple"


@contextmanager
def serving(app) -> Iterator[str]:
    """``app`` listening on a free loopback port until the block ends; yields its base URL."""
    import uvicorn  # only when a test serves (the non-server tests load this module too)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


@pytest.fixture
def live(two_teams):
    """The two-team server listening on a loopback port (``live.base_url``)."""
    with serving(two_teams.app) as base_url:
        two_teams.base_url = base_url
        yield two_teams


@pytest.fixture
def laptop(live, tmp_path, monkeypatch):
    """``laptop("ann")``: a registered desktop database for that coach."""
    from server_helpers import PASSWORD  # tests/server's helpers (on sys.path there)

    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    made = []

    def make(username: str) -> Store:
        store = Store.create(tmp_path / f"{username}-{len(made)}", PASSPHRASE, f"{username.title()} Coach")
        engine.register(store, live.base_url, username, PASSWORD, "test laptop")
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def add_client(store: Store, nhs: str = "9434765919", **kw) -> Client:
    """A client (with a GP referral) on ``store``; ``kw`` overrides the Client fields."""
    fields = dict(
        given_name="Wren",
        family_name="Ashdown",
        date_of_birth="1975-06-01",
        nhs_number=nhs,
        postcode="CA2 4HH",
        phone="07700900001",
    )
    fields.update(kw)
    client = Client(**fields)
    store.add_together([client, Referral(client_id=client.id, route="gp", received_on="2026-11-01")])
    return store.get(Client, client.id)


def everything(store: Store) -> dict:
    """Every record on the device, for comparing two devices."""
    return {
        name: sorted(store.rows(f"SELECT * FROM {name}"), key=lambda r: r["id"])
        for name in ("client", "referral", "contact_session", "consent_event")
    }
