"""The laptop checks what the server relays: a change it cannot apply is quarantined with
its reason, and never stops the page, the cursor or a new laptop's restore."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from support.live_server import add_client, everything

from workwell_desktop.domain.clock import next_stamp
from workwell_desktop.domain.records import ContactSession
from workwell_desktop.server.models import Change, Feed, Team
from workwell_desktop.store import replica
from workwell_desktop.sync import engine


def inject(server, team: str, **change) -> str:
    """A change stored and fed as an older, unchecking server would have done."""
    row = {
        "change_id": uuid.uuid4().hex,
        "record_type": "referral",
        "record_id": uuid.uuid4().hex,
        "op": "update",
        "payload": "{}",
        "base": "{}",
        "hlc": next_stamp(None, "old"),
        "device_id": "somewhere",
        "actor": "Somebody",
        "created_at": "2026-01-01",
        "received_at": datetime.now(UTC),
        **change,
    }
    with Session(server.engine) as s:
        team_id = s.scalar(select(Team.id).where(Team.name == team))
        s.execute(insert(Change), [row])
        s.execute(
            insert(Feed),
            [
                {
                    "team_id": team_id,
                    "client_id": row["client_id"],
                    "change_id": row["change_id"],
                    "skip_device_id": None,
                }
            ],
        )
        s.commit()
    return row["change_id"]


def test_a_poison_change_is_quarantined_and_sync_carries_on(laptop, live, caplog):  # noqa: F811
    ann, bob = laptop("ann"), laptop("bob")
    client = add_client(ann, given_name="Wren")
    engine.sync(ann)
    engine.sync(bob)
    poison = [
        # The one from issue 12: an update of a record nobody holds, no client_id in its payload.
        inject(live, "A", client_id=client.id, payload=json.dumps({"triage_outcome": "accepted"})),
        # A consent event whose payload names another client.
        inject(
            live,
            "A",
            client_id=client.id,
            record_type="consent_event",
            op="create",
            payload=json.dumps(
                {
                    "client_id": uuid.uuid4().hex,
                    "scope": "share_employer",
                    "action": "given",
                    "method": "verbal",
                    "recorded_by": "X",
                    "recorded_at": "2026-01-01T00:00:00+00:00",
                }
            ),
        ),
        # Something the laptop cannot even read as a change.
        inject(live, "A", client_id=client.id, payload="[1, 2]"),
        # A session that fails the laptop's own rules.
        inject(
            live,
            "A",
            client_id=client.id,
            record_type="contact_session",
            op="create",
            payload=json.dumps(
                {
                    "client_id": client.id,
                    "held_on": "2026-01-01",
                    "mode": "phone",
                    "duration_minutes": 0,
                    "recorded_by": "X",
                }
            ),
        ),
    ]
    after = ann.add(
        ContactSession(
            client_id=client.id,
            held_on="2026-11-20",
            mode="phone",
            duration_minutes=30,
            note="after the poison",
        )
    )
    engine.sync(ann)

    caplog.set_level(logging.WARNING)
    report = engine.sync(bob)  # an existing laptop: no exception, the page applied
    assert bob.get(ContactSession, after.id).note == "after the poison"
    assert report.quarantined == 4
    held = {q["change_id"]: q["reason"] for q in replica.quarantined_changes(bob)}
    assert set(held) == set(poison)
    assert "does not exist" in held[poison[0]]
    assert "client_id" in held[poison[1]]
    assert "unreadable" in held[poison[2]]
    assert "duration_minutes" in held[poison[3]]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert all(cid in logged for cid in poison) and "Wren" not in logged and client.id not in logged

    lee = laptop("lee")  # a new laptop restores the whole team despite the poison
    engine.sync(lee)
    assert everything(lee) == everything(ann) == everything(bob)
    assert len(replica.quarantined_changes(lee)) == 4
    assert engine.sync(lee).pulled == 0  # the cursor moved past them for good

    from workwell_desktop.gui.sync_controller import SyncController

    words = SyncController.describe(type("C", (), {"state": "up_to_date", "message": ""})(), lee)
    assert "4 changes from the server could not be applied: contact IT" in words
