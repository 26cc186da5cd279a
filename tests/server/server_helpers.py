"""Test helpers for the server: an httpx client on the ASGI app, devices, changes."""

from __future__ import annotations

import asyncio
import uuid
from itertools import count
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.orm import Session

from workwell_desktop.server import admin, db
from workwell_desktop.server.app import create_app

PASSWORD = "a long enough password"
_ticks = count()


class Api:
    """A synchronous httpx client on the ASGI app; ``peer`` is the caller's address."""

    def __init__(
        self, app, peer: tuple[str, int] = ("127.0.0.1", 50000), base_url: str = "http://testserver"
    ):
        self.loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=app, client=peer)
        self.http = httpx.AsyncClient(transport=transport, base_url=base_url)

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        return self.loop.run_until_complete(self.http.request(method, url, **kwargs))

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.http.aclose())
        self.loop.close()


class Device:
    def __init__(self, server: Server, device_id: str, token: str, username: str = ""):
        self.server, self.id, self.token, self.username = server, device_id, token, username
        self.cursor = ""

    def relayed(self, change: dict[str, Any]) -> dict[str, Any]:
        """``change`` (pushed by this device) as the server relays it: who and which device
        come from this device's token, not from what it wrote."""
        return {**change, "device_id": self.id, "actor": self.username.title()}

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def sync(
        self,
        changes: list[dict] | None = None,
        cursor: str | None = None,
        page_size: int | None = None,
        expect: int = 200,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"cursor": self.cursor if cursor is None else cursor, "changes": changes or []}
        if page_size:
            body["page_size"] = page_size
        r = self.server.api.post("/api/v1/sync", json=body, headers=self.auth)
        assert r.status_code == expect, r.text
        return r.json()

    def pull_all(self, own: bool = False) -> list[dict]:
        """Pull every page after the stored cursor, advancing it. The server relays a
        device's own changes back too; they are left out unless ``own``."""
        got = []
        while True:
            reply = self.sync()
            got += [c for c in reply["changes"] if own or c["device_id"] != self.id]
            self.cursor = reply["cursor"]
            if not reply["more"]:
                return got

    def change(
        self,
        client_id: str,
        record_type: str = "client",
        record_id: str | None = None,
        op: str = "create",
        **fields,
    ) -> dict[str, Any]:
        return make_change(client_id, record_type, record_id, None, self.id, op, **fields)


def valid_payload(record_type: str, client_id: str) -> dict[str, Any]:
    """A complete, valid record of the type (row form, as laptops send it), minus its id."""
    from workwell_desktop.domain.registry import RECORD_TYPES
    from workwell_desktop.store.rows import to_row

    samples: dict[str, dict[str, Any]] = {
        "client": {
            "given_name": "Test",
            "family_name": "Client",
            "date_of_birth": "1980-01-01",
            "nhs_number": "9990000018",
            "postcode": "CA1 1AB",
            "phone": "07700900123",
            "coach": "Test Coach",
        },
        "referral": {"client_id": client_id, "route": "gp", "received_on": "2025-01-01"},
        "contact_session": {
            "client_id": client_id,
            "held_on": "2025-01-02",
            "mode": "phone",
            "duration_minutes": 30,
            "recorded_by": "Test Coach",
        },
        "consent_event": {
            "client_id": client_id,
            "scope": "share_employer",
            "action": "given",
            "method": "verbal",
            "recorded_by": "Test Coach",
            "recorded_at": "2025-01-02T10:00:00+00:00",
        },
        "plan_note": {
            "client_id": client_id,
            "written_on": "2025-01-02",
            "kind": "progress",
            "text": "Walked to work twice.",
            "recorded_by": "Test Coach",
            "recorded_at": "2025-01-02T10:00:00+00:00",
        },
    }
    if record_type not in samples:
        return {}
    row = to_row(RECORD_TYPES[record_type](**samples[record_type]))
    row.pop("id")
    return row


def make_change(
    client_id: str,
    record_type: str = "client",
    record_id: str | None = None,
    payload: dict | None = None,
    device_id: str = "dev",
    op: str = "create",
    **fields,
) -> dict[str, Any]:
    """A change as a laptop sends it; a create's payload is a valid record with ``fields`` over it."""
    if payload is None:
        payload = {**(valid_payload(record_type, client_id) if op == "create" else {}), **fields}
    return {
        "change_id": uuid.uuid4().hex,
        "record_type": record_type,
        "record_id": record_id or (client_id if record_type == "client" else uuid.uuid4().hex),
        "client_id": client_id,
        "op": op,
        "payload": payload,
        "base": {},
        "hlc": f"{1_700_000_000_000 + next(_ticks):015d}-000000-{device_id.replace('-', '')}",
        "device_id": device_id,
        "actor": "Test Coach",
        "created_at": "2025-01-01T10:00:00Z",
    }


class Server:
    """A migrated database, the app on it and helpers to make teams, users and devices."""

    def __init__(self, database_url: str, trusted_proxies=(), scope: str = "team"):
        """``scope``: most tests share clients across a team (the setting a server upgraded
        in place keeps); tests/server/test_scope.py covers the caseload default."""
        self.url = database_url
        self.engine = db.make_engine(database_url)
        from workwell_desktop.server import scope as scopes

        with Session(self.engine) as s:
            scopes.set_scope(s, scope)
            s.commit()
        self.app = create_app(self.engine, trusted_proxies)
        self.api = Api(self.app)

    def team(self, name: str) -> str:
        with Session(self.engine) as s:
            admin.create_team(s, name)
        return name

    def user(self, username: str, team: str, role: str = "coach") -> str:
        with Session(self.engine) as s:
            admin.create_user(s, username, team, role, PASSWORD, username.title())
        return username

    def register(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return self.api.post(
            "/api/v1/devices", json={"username": username, "password": password, "device_name": "laptop"}
        )

    def device(self, username: str) -> Device:
        r = self.register(username)
        assert r.status_code == 201, r.text
        return Device(self, r.json()["device_id"], r.json()["token"], username)

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()

    def close(self) -> None:
        self.api.close()
        self.engine.dispose()
