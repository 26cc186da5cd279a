"""Sync coverage: when each device last synced and what it said was still waiting.

A team summary read on a team lead's laptop holds only what has reached the server
from each coach's laptops. So the server keeps, per device, its last sync request
answered in full and the count of changes it said it still had waiting after that
request's batch; and relays every team member's devices to the team's leads with
the last page of their sync, read in the same transaction as the page, so the
coverage describes exactly the data the lead has just received.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.orm import Session

from . import driver
from .auth import DeviceIdentity
from .models import Device, User, utcnow

MAX_DEVICES = 1000  # per account, as sync.wire.TeamMember allows


_RECORD_SYNC = driver.Statement(
    update(Device)
    .where(Device.id == bindparam("device"))
    .values(
        last_sync_at=bindparam("now"),
        last_seen_at=bindparam("now"),
        waiting_changes=bindparam("waiting"),
        # Only ever up: the highest cursor the device has been answered with, so a device
        # re-reading from "" a page at a time cannot lower what it was sent (the push's
        # _pulled_to judges offline work on a client that left the team by it). NULL (never
        # answered) compares unknown and takes the new cursor.
        served_cursor=case(
            (Device.served_cursor > bindparam("cursor"), Device.served_cursor),
            else_=bindparam("cursor"),
        ),
    )
)


def record_sync(session: Session, device: DeviceIdentity, waiting: int | None, cursor: str) -> None:
    """This device's sync request was answered in full (called in its transaction): one
    write, which also says when the device was last seen and the highest cursor it has been
    answered with."""
    _RECORD_SYNC.run(
        session.connection(),
        {"device": device.device_id, "now": utcnow(), "waiting": waiting, "cursor": int(cursor)},
    )


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite gives naive UTC back
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def team_coverage(session: Session, team_id: int) -> list[dict]:
    """Every account of the team with its devices that are not revoked (a revoked laptop
    has wiped itself: nothing more can come from it)."""
    members: dict[int, dict] = {}
    for user in session.scalars(select(User).where(User.team_id == team_id).order_by(User.username)):
        members[user.id] = {
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role,
            "devices": [],
        }
    if not members:
        return []
    devices = session.execute(
        select(Device.id, Device.user_id, Device.created_at, Device.last_sync_at, Device.waiting_changes)
        .where(Device.user_id.in_(list(members)), Device.revoked_at.is_(None))
        .order_by(Device.created_at, Device.id)
    )
    for device_id, user_id, created, synced, waiting in devices:
        members[user_id]["devices"].append(
            {
                "device_id": device_id,
                "registered_at": _iso(created) or "",
                "last_sync_at": _iso(synced),
                "waiting": waiting,
            }
        )
    for member in members.values():
        if len(member["devices"]) > MAX_DEVICES:
            # Keep within the wire's limit by keeping the least current laptops: a summary
            # may then look older than it is, never newer.
            member["devices"].sort(key=lambda d: (d["last_sync_at"] is not None, d["last_sync_at"] or ""))
            del member["devices"][MAX_DEVICES:]
    return list(members.values())
