"""Push and pull: store each change once, feed it to the team that may read it.

No FastAPI here: the functions take a SQLAlchemy ``Session`` and plain data, so the
CLI (``admin move-client``) and the HTTP layer share them.

Ordering guarantee: every insert into a team's feed happens while holding that
team's row lock (``SELECT ... FOR UPDATE``; SQLite serialises all writers anyway).
So a team's feed rows commit in ``seq`` order and a reader that has seen ``seq`` N
has seen every earlier row of that team: a cursor never skips a late commit.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workwell_desktop.sync import wire

from .auth import DeviceIdentity
from .models import AuditAnchor, Change, Client, Feed, Team, User, utcnow

RECORD_TYPE = re.compile(r"[a-z_]{1,64}")
SERVER_DEVICE = "server"
_TEXT_FIELDS = ("change_id", "record_type", "record_id", "client_id", "hlc", "device_id", "actor",
                "created_at")


class BadCursor(ValueError):
    pass


@dataclass
class PushResult:
    accepted: list[str] = field(default_factory=list)
    rejected: list[wire.Rejection] = field(default_factory=list)
    moved_clients: int = 0


@dataclass
class Page:
    changes: list[dict[str, Any]]
    cursor: str
    more: bool


# --- validation -------------------------------------------------------------------------------

def storable(text: str) -> bool:
    # PostgreSQL text cannot hold NUL, and lone surrogates cannot be encoded as UTF-8.
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _reason(error: ValidationError) -> str:
    parts = []
    for e in error.errors(include_url=False, include_input=False)[:3]:
        loc = ".".join(str(x) for x in e["loc"]) or "change"
        parts.append(f"{loc}: {e['msg']}")
    return "invalid change: " + "; ".join(parts)


def validate_change(raw: Any) -> tuple[wire.Change | None, str, str]:
    """(change, payload JSON text, "") when acceptable on its own, else (None, "", reason)."""
    if not isinstance(raw, dict):
        return None, "", "invalid change: not a JSON object"
    try:
        change = wire.Change.model_validate(raw)
    except ValidationError as e:
        return None, "", _reason(e)
    if not all(storable(getattr(change, name)) for name in _TEXT_FIELDS):
        return None, "", "invalid change: text contains a NUL character or invalid Unicode"
    if not RECORD_TYPE.fullmatch(change.record_type):
        return None, "", "invalid record_type: lower-case letters and underscores only, at most 64"
    if change.op == "drop":
        return None, "", "op 'drop' is sent by the server only"
    if change.record_type == "client" and change.record_id != change.client_id:
        return None, "", "a client record's client_id must be its own record_id"
    # ASCII-escaped JSON: safe for any database text column whatever the payload holds.
    try:
        payload = json.dumps(change.payload, separators=(",", ":"), allow_nan=False)
    except (ValueError, RecursionError):
        return None, "", "invalid change: payload is not plain JSON or is nested too deeply"
    if len(payload) > wire.MAX_PAYLOAD_BYTES:
        return None, "", f"payload too large: {len(payload)} bytes, limit {wire.MAX_PAYLOAD_BYTES}"
    return change, payload, ""


def _named_coach(change: wire.Change) -> str | None:
    coach = change.payload.get("coach") if change.record_type == "client" else None
    return coach if isinstance(coach, str) and coach else None


# --- clocks and server-made changes --------------------------------------------------------------

def server_stamp(after: str | None) -> str:
    """An HLC stamp (client format ``millis-counter-device``) later than ``after`` and now."""
    now = int(time.time() * 1000)
    millis, counter = now, 0
    try:
        last_millis, last_counter, _ = (after or "").split("-", 2)
        if (int(last_millis), int(last_counter)) >= (now, 0):
            millis, counter = int(last_millis), int(last_counter) + 1
    except ValueError:
        pass
    return f"{millis:015d}-{counter:06d}-{SERVER_DEVICE}"


def _server_change(session: Session, client_id: str, op: str, payload: dict[str, Any], actor: str) -> dict:
    last = session.scalar(select(func.max(Change.hlc)).where(Change.client_id == client_id))
    return {
        "change_id": uuid.uuid4().hex, "client_id": client_id, "record_type": "client",
        "record_id": client_id, "op": op, "payload": json.dumps(payload, separators=(",", ":")),
        "base": "{}", "hlc": server_stamp(last), "device_id": SERVER_DEVICE, "actor": actor,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "pushed_by": None,
        "received_at": utcnow(),
    }


def lock_teams(session: Session, team_ids: Iterable[int]) -> None:
    """Take the feed lock of each team, always in id order so two movers cannot deadlock."""
    ids = sorted(set(team_ids))
    if ids:
        # FOR NO KEY UPDATE: does not block inserts that merely reference the team (users, clients).
        session.execute(select(Team.id).where(Team.id.in_(ids)).order_by(Team.id)
                        .with_for_update(key_share=True))


# --- reassignment ------------------------------------------------------------------------------

def move_client(session: Session, client_id: str, to_team: int, coach_user_id: int | None) -> None:
    """Give a client to another team: the old team gets a ``drop``, the new one the full history.

    The caller holds the locks of both teams (``lock_teams``) and has flushed every
    change of the client it wants included.
    """
    old_team = session.scalar(select(Client.team_id).where(Client.id == client_id))
    session.execute(update(Client).where(Client.id == client_id)
                    .values(team_id=to_team, coach_user_id=coach_user_id))
    if old_team == to_team:
        return
    # Rows still waiting in the old team's feed are no longer theirs to read; rows left
    # in the new team's feed from an earlier visit are superseded by the full history.
    session.execute(delete(Feed).where(Feed.client_id == client_id, Feed.team_id.in_([old_team, to_team])))
    drop = _server_change(session, client_id, "drop", {}, SERVER_DEVICE)
    session.execute(insert(Change), [drop])
    session.execute(insert(Feed), [{"team_id": old_team, "client_id": client_id,
                                    "change_id": drop["change_id"], "skip_device_id": None}])
    history = session.scalars(
        select(Change.change_id).where(Change.client_id == client_id, Change.op != "drop")
        .order_by(Change.hlc, Change.change_id)
    ).all()
    if history:
        session.execute(insert(Feed), [{"team_id": to_team, "client_id": client_id, "change_id": cid,
                                        "skip_device_id": None} for cid in history])


def admin_move_client(session: Session, client_id: str, username: str) -> tuple[str, str]:
    """Make ``username`` the client's coach, moving the client to their team if it differs.

    Records the new coach as a server-made client change, so every device sees it.
    Returns (old team name, new team name).
    """
    client = session.get(Client, client_id)
    if client is None:
        raise LookupError(f"No client with id {client_id} on this server.")
    coach = session.scalar(select(User).where(User.username == username))
    if coach is None:
        raise LookupError(f"No user called {username}.")
    old_team = client.team_id
    lock_teams(session, [old_team, coach.team_id])
    note = _server_change(session, client_id, "update", {"coach": username}, "admin")
    session.execute(insert(Change), [note])
    session.execute(insert(Feed), [{"team_id": old_team, "client_id": client_id,
                                    "change_id": note["change_id"], "skip_device_id": None}])
    move_client(session, client_id, coach.team_id, coach.id)
    teams = select(Team.id, Team.name).where(Team.id.in_([old_team, coach.team_id]))
    names = dict(session.execute(teams).all())
    return names[old_team], names[coach.team_id]


# --- push --------------------------------------------------------------------------------------

def push(session: Session, device: DeviceIdentity, raw_changes: list[Any], attempts: int = 3) -> PushResult:
    """Store a batch: each good change once, each bad one rejected with a reason. Commits."""
    for attempt in range(attempts):
        try:
            result = _push_once(session, device, raw_changes)
            session.commit()
            return result
        except IntegrityError:
            # Another request stored the same change or created the same client at the
            # same moment; a retry sees its committed rows and treats them as known.
            session.rollback()
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _push_once(session: Session, device: DeviceIdentity, raw_changes: list[Any]) -> PushResult:
    result = PushResult()
    verdicts: dict[str, str] = {}  # change_id -> "" accepted, or the rejection reason
    candidates: list[tuple[wire.Change, str]] = []
    for raw in raw_changes:
        change, payload, reason = validate_change(raw)
        if change is None:
            cid = raw.get("change_id") if isinstance(raw, dict) else None
            cid = cid if isinstance(cid, str) and storable(cid) else ""
            result.rejected.append(wire.Rejection(change_id=cid[:64], reason=reason))
            continue
        if change.change_id in verdicts:  # the same change twice in one batch
            continue
        verdicts[change.change_id] = ""
        candidates.append((change, payload))
    if not candidates:
        return result

    # A client change naming a user as coach hands the client over, maybe to another team,
    # whose feed lock is then needed too. Names that are not usernames are just data.
    coach_names = {name for c, _ in candidates if (name := _named_coach(c))}
    coaches: dict[str, tuple[int, int]] = {}
    if coach_names:
        rows = session.execute(select(User.username, User.id, User.team_id)
                               .where(User.username.in_(coach_names)))
        coaches = {username: (user_id, team_id) for username, user_id, team_id in rows}
    lock_teams(session, [device.team_id, *(team for _, team in coaches.values())])

    ids = [c.change_id for c, _ in candidates]
    known = set(session.scalars(select(Change.change_id).where(Change.change_id.in_(ids))))
    client_ids = {c.client_id for c, _ in candidates}
    client_team = dict(session.execute(
        select(Client.id, Client.team_id).where(Client.id.in_(client_ids))).all())

    new_clients: list[dict] = []
    new_changes: list[dict] = []
    new_feed: list[dict] = []

    def flush() -> None:
        for model, rows in ((Client, new_clients), (Change, new_changes), (Feed, new_feed)):
            if rows:
                session.execute(insert(model), rows)
                rows.clear()

    for change, payload in candidates:
        if change.change_id in known:
            continue  # a replay: acknowledged again, nothing changes
        team = client_team.get(change.client_id)
        if team is None:
            team = client_team[change.client_id] = device.team_id
            new_clients.append({"id": change.client_id, "team_id": team, "coach_user_id": device.user_id,
                                "created_at": utcnow()})
        elif team != device.team_id:
            verdicts[change.change_id] = "client belongs to another team; this device may not change it"
            continue
        row = change.model_dump(exclude={"payload", "base"})
        new_changes.append({**row, "payload": payload, "pushed_by": device.device_id,
                            "base": json.dumps(change.base, separators=(",", ":")),
                            "received_at": utcnow()})
        new_feed.append({"team_id": team, "client_id": change.client_id, "change_id": change.change_id,
                         "skip_device_id": device.device_id})
        coach = coaches.get(_named_coach(change) or "")
        if coach is not None:
            coach_id, coach_team = coach
            flush()
            if coach_team == team:
                session.execute(update(Client).where(Client.id == change.client_id)
                                .values(coach_user_id=coach_id))
            else:
                move_client(session, change.client_id, coach_team, coach_id)
                client_team[change.client_id] = coach_team
                result.moved_clients += 1
    flush()
    for change_id, reason in verdicts.items():
        if reason:
            result.rejected.append(wire.Rejection(change_id=change_id, reason=reason))
        else:
            result.accepted.append(change_id)
    return result


# --- audit anchors ------------------------------------------------------------------------------

def anchor_audit(session: Session, device: DeviceIdentity, head: wire.AuditAnchor | None,
                 continues: wire.AuditAnchor | None = None) -> wire.AuditAnchor | None:
    """Keep the device's audit chain head when it moves forward; return the one now held.

    The first head is taken as sent. After that the anchor moves only forward, and only
    when ``continues`` shows the laptop still holds the anchored entry unchanged: so a
    truncated chain cannot lower it and a rewritten one cannot replace it. Does not commit.
    """
    held = session.get(AuditAnchor, device.device_id)
    follows = held is None or (continues is not None and continues.seq == held.seq
                               and continues.hash == held.hash)
    if head is not None and follows and (held is None or head.seq > held.seq):
        if held is None:
            held = AuditAnchor(device_id=device.device_id, seq=head.seq, hash=head.hash,
                               anchored_at=utcnow())
            session.add(held)
        else:
            held.seq, held.hash, held.anchored_at = head.seq, head.hash, utcnow()
        session.flush()
    return audit_anchor_of(held)


def audit_anchor_of(held: AuditAnchor | None) -> wire.AuditAnchor | None:
    if held is None:
        return None
    return wire.AuditAnchor(seq=held.seq, hash=held.hash,
                            anchored_at=held.anchored_at.isoformat(timespec="seconds"))


def device_anchor(session: Session, device: DeviceIdentity) -> wire.AuditAnchor | None:
    return audit_anchor_of(session.get(AuditAnchor, device.device_id))


# --- pull --------------------------------------------------------------------------------------

def parse_cursor(cursor: str) -> int:
    if cursor == "":
        return 0
    if not (cursor.isascii() and cursor.isdigit()) or len(cursor) > 18:
        raise BadCursor("invalid cursor: send the cursor of the last page applied, or \"\" to restore")
    return int(cursor)


def pull(session: Session, device: DeviceIdentity, cursor: str, page_size: int) -> Page:
    """The next page of changes this device may read, after ``cursor``, in server order."""
    after = parse_cursor(cursor)
    # Read the head first: every row of the team up to it is committed (see module doc),
    # so when the page is not full the cursor may jump to it past this device's own rows.
    head = session.scalar(select(func.max(Feed.seq)).where(Feed.team_id == device.team_id)) or 0
    rows = session.execute(
        select(Feed.seq, Change.change_id, Change.record_type, Change.record_id, Change.client_id, Change.op,
               Change.payload, Change.base, Change.hlc, Change.device_id, Change.actor, Change.created_at)
        .join(Change, Change.change_id == Feed.change_id)
        .where(Feed.team_id == device.team_id, Feed.seq > after,
               or_(Feed.skip_device_id.is_(None), Feed.skip_device_id != device.device_id))
        .order_by(Feed.seq)
        .limit(page_size + 1)
    ).all()
    more = len(rows) > page_size
    rows = rows[:page_size]
    last = rows[-1].seq if rows else after
    next_cursor = last if more else max(last, head, after)
    changes = [{
        "change_id": r.change_id, "record_type": r.record_type, "record_id": r.record_id,
        "client_id": r.client_id, "op": r.op, "payload": json.loads(r.payload),
        "base": json.loads(r.base), "hlc": r.hlc,
        "device_id": r.device_id, "actor": r.actor, "created_at": r.created_at,
    } for r in rows]
    return Page(changes=changes, cursor=str(next_cursor), more=more)
