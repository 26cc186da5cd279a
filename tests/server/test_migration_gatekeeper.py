"""Migrating a server that already holds changes binds their records and keeps their state,
so the gatekeeper judges later updates against what the laptops hold."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from alembic import command
from server_helpers import PASSWORD, Server, valid_payload
from sqlalchemy import text
from sqlalchemy.orm import Session

from workwell_desktop.server import admin, db


def test_existing_changes_are_bound_and_folded(empty_database_url):
    engine = db.make_engine(empty_database_url)
    command.upgrade(db.alembic_config(engine), "0001")
    client_id, referral_id = uuid.uuid4().hex, uuid.uuid4().hex
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO team (name, created_at) VALUES ('A', :t)"), {"t": now})
        conn.execute(
            text("INSERT INTO client (id, team_id, created_at) VALUES (:c, 1, :t)"),
            {"c": client_id, "t": now},
        )
        rows = [
            ("client", client_id, "create", valid_payload("client", client_id), "1700000000000-000000-a"),
            (
                "referral",
                referral_id,
                "create",
                valid_payload("referral", client_id),
                "1700000000001-000000-a",
            ),
            (
                "client",
                client_id,
                "update",
                {"phone": "", "preferred_contact": "letter"},
                "1700000000003-000000-b",
            ),
            ("client", client_id, "update", {"phone": "07700900999"}, "1700000000002-000000-a"),
        ]
        for rtype, rid, op, payload, hlc in rows:
            conn.execute(
                text(
                    "INSERT INTO change (change_id, client_id, record_type, record_id, op, payload, base,"
                    " hlc, device_id, actor, created_at, received_at)"
                    " VALUES (:id, :c, :t, :r, :op, :p, '{}', :h, 'd', 'x', '2025-01-01', :at)"
                ),
                {
                    "id": uuid.uuid4().hex,
                    "c": client_id,
                    "t": rtype,
                    "r": rid,
                    "op": op,
                    "p": json.dumps(payload),
                    "h": hlc,
                    "at": now,
                },
            )
    db.migrate(engine)
    with engine.connect() as conn:
        state = json.loads(
            conn.execute(text("SELECT state FROM record WHERE id = :c"), {"c": client_id}).scalar_one()
        )
        assert (
            conn.execute(text("SELECT client_id FROM record WHERE id = :r"), {"r": referral_id}).scalar_one()
            == client_id
        )
    # The later stamp wins per field, whatever order the changes arrived in.
    assert (state["phone"], state["preferred_contact"]) == ("", "letter")
    engine.dispose()

    server = Server(empty_database_url)
    try:
        with Session(server.engine) as s:
            admin.create_user(s, "ann", "A", "coach", PASSWORD, "Ann")
        ann = server.device("ann")
        to_phone = ann.change(client_id, op="update", preferred_contact="phone")  # but no phone held
        to_email = ann.change(client_id, op="update", preferred_contact="email", email="ann@example.org")
        reply = ann.sync([to_phone, to_email])
        assert reply["accepted"] == [to_email["change_id"]]
        assert "phone" in reply["rejected"][0]["reason"]
        reused = ann.change(uuid.uuid4().hex, "referral", record_id=referral_id)
        assert "cannot be reused" in ann.sync([reused])["rejected"][0]["reason"]
    finally:
        server.close()
