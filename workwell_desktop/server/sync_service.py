"""Push and pull: store each change once, feed it to the team that may read it.

No FastAPI here: the functions take a SQLAlchemy ``Session`` and plain data, so the
CLI (``admin move-client``) and the HTTP layer share them.

Ordering guarantee: every insert into a team's feed happens while holding that
team's row lock (``SELECT ... FOR UPDATE``; SQLite serialises all writers anyway).
So a team's feed rows commit in ``seq`` order and a reader that has seen ``seq`` N
has seen every earlier row of that team: a cursor never skips a late commit.
"""

from __future__ import annotations

import functools
import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import (
    String,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from workwell_desktop.domain import change_checks
from workwell_desktop.domain.clock import is_stamp, next_stamp, stamp_problem
from workwell_desktop.sync import wire

from . import auth, driver, scope
from .auth import DeviceIdentity
from .models import (
    AuditAnchor,
    AuditAnchorPast,
    Change,
    Client,
    ClientShare,
    Device,
    Feed,
    Record,
    ServerSetting,
    Team,
    User,
    utcnow,
)

RECORD_TYPE = re.compile(r"[a-z_]{1,64}")
SERVER_DEVICE = "server"
_TEXT_FIELDS = (
    "change_id",
    "record_type",
    "record_id",
    "client_id",
    "hlc",
    "device_id",
    "actor",
    "created_at",
)


class BadCursor(ValueError):
    pass


@dataclass
class PushResult:
    accepted: list[str] = field(default_factory=list)
    rejected: list[wire.Rejection] = field(default_factory=list)
    moved_clients: int = 0
    forwarded: list[str] = field(default_factory=list)  # accepted, for a client now with another team


class _Overtaken(Exception):
    """A concurrent request changed what this one read before it could write: run it again
    (``retrying``)."""


class _ClientMoved(_Overtaken):
    """A client of the batch changed team between reading and locking: push again."""


@dataclass
class Page:
    changes: list[str]  # each change as its JSON text, spliced into the reply (``pull``)
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


# --- clocks and server-made changes --------------------------------------------------------------


def server_stamp(after: str | None) -> str:
    """An HLC stamp later than ``after`` and now, made by the server (moves, coach notes)."""
    return next_stamp(after if is_stamp(after or "") else None, SERVER_DEVICE)


def _base_problem(base: dict[str, Any]) -> str:
    for name, parents in base.items():
        stamps = parents if isinstance(parents, list) else [parents]
        if not isinstance(name, str) or len(stamps) > 64 or not all(is_stamp(p) for p in stamps):
            return "invalid base: each field names the stamps the edit built on"
    return ""


def _server_change(session: Session, client_id: str, op: str, payload: dict[str, Any], actor: str) -> dict:
    last = session.scalar(select(func.max(Change.hlc)).where(Change.client_id == client_id))
    base: dict[str, str] = {}
    stamp = server_stamp(last)
    record = session.get(Record, client_id)
    if record is not None and op == "update":
        # Built on what the server holds, so laptops apply it without a (false) conflict.
        state, stamps = json.loads(record.state), json.loads(record.stamps)
        base = {name: stamps[name] for name in payload if name in stamps}
        entry = {"state": state, "stamps": stamps, "dirty": False}
        fold_state(entry, payload, stamp)
        record.state, record.stamps = json.dumps(entry["state"]), json.dumps(entry["stamps"])
    return {
        "change_id": uuid.uuid4().hex,
        "client_id": client_id,
        "record_type": "client",
        "record_id": client_id,
        "op": op,
        "payload": json.dumps(payload, separators=(",", ":")),
        "base": json.dumps(base, separators=(",", ":")),
        "hlc": stamp,
        "device_id": SERVER_DEVICE,
        "actor": actor,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "pushed_by": None,
        "received_at": utcnow(),
    }


def lock_teams(session: Session, team_ids: Iterable[int]) -> None:
    """Take the feed lock of each team, always in id order so two movers cannot deadlock."""
    ids = sorted(set(team_ids))
    if ids:
        _LOCK_TEAMS.rows(session.connection(), {"ids": ids})


def _locking_teams(which) -> driver.Statement:
    """The feed locks of the teams ``which`` selects. Rows are locked in the order the
    statement returns them, so always by id; FOR NO KEY UPDATE does not block inserts that
    merely reference the team (users, clients)."""
    return driver.Statement(select(Team.id).where(which).order_by(Team.id).with_for_update(key_share=True))


_LOCK_TEAMS = _locking_teams(driver.listed(Team.id, bindparam("ids")))
# A push's: the device's own team and the teams its clients belong to.
_LOCK_TEAMS_OF = _locking_teams(
    or_(
        Team.id == bindparam("team"),
        Team.id.in_(select(Client.team_id).where(driver.listed(Client.id, bindparam("ids")))),
    )
)


# --- reassignment ------------------------------------------------------------------------------


def move_client(session: Session, client_id: str, to_team: int, coach_user_id: int | None) -> None:
    """Give a client to another team: the old team gets a ``drop``, the new one the full history.

    The caller holds the locks of both teams (``lock_teams``) and has flushed every
    change of the client it wants included.
    """
    old_team, old_coach = session.execute(
        select(Client.team_id, Client.coach_user_id).where(Client.id == client_id)
    ).one()
    session.execute(
        update(Client).where(Client.id == client_id).values(team_id=to_team, coach_user_id=coach_user_id)
    )
    if old_team == to_team:
        scope.coach_changed(session, client_id, old_coach, coach_user_id)
        return
    # Shares were with colleagues in the old team.
    session.execute(delete(ClientShare).where(ClientShare.client_id == client_id))
    # Rows still waiting in the old team's feed are no longer theirs to read; rows left
    # in the new team's feed from an earlier visit are superseded by the full history.
    session.execute(delete(Feed).where(Feed.client_id == client_id, Feed.team_id.in_([old_team, to_team])))
    drop = _server_change(session, client_id, "drop", {}, SERVER_DEVICE)
    session.execute(insert(Change), [drop])
    session.execute(
        insert(Feed),
        [
            {
                "team_id": old_team,
                "client_id": client_id,
                "change_id": drop["change_id"],
                "skip_device_id": None,
            }
        ],
    )
    history = history_of(session, client_id)
    if history:
        session.execute(
            insert(Feed),
            [
                {"team_id": to_team, "client_id": client_id, "change_id": cid, "skip_device_id": None}
                for cid in history
            ],
        )


def history_of(session: Session, client_id: str) -> list[str]:
    """Every change of a client but drops, in stamp order (causal order: an edit's stamp is
    after the stamps of everything its laptop had seen)."""
    return list(
        session.scalars(
            select(Change.change_id)
            .where(Change.client_id == client_id, Change.op != "drop")
            .order_by(Change.hlc, Change.change_id)
        )
    )


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
    session.execute(
        insert(Feed),
        [
            {
                "team_id": old_team,
                "client_id": client_id,
                "change_id": note["change_id"],
                "skip_device_id": None,
            }
        ],
    )
    move_client(session, client_id, coach.team_id, coach.id)
    teams = select(Team.id, Team.name).where(Team.id.in_([old_team, coach.team_id]))
    names = dict(session.execute(teams).all())
    return names[old_team], names[coach.team_id]


# --- push --------------------------------------------------------------------------------------


def push(
    session: Session, device: DeviceIdentity, raw_changes: list[Any], attempts: int = 3, cursor: str = ""
) -> PushResult:
    """Store a batch: each good change once, each bad one rejected with a reason. Commits.

    ``cursor`` is the device's pull cursor: offline work on a client moved to another team
    since this device last pulled is forwarded to that team rather than refused."""
    return retrying(session, lambda: push_uncommitted(session, device, raw_changes, cursor), attempts)


def push_uncommitted(
    session: Session, device: DeviceIdentity, raw_changes: list[Any], cursor: str = ""
) -> PushResult:
    """``push`` inside the caller's transaction: run it through ``retrying``."""
    return _push_once(session, device, raw_changes, _pulled_to(device, parse_cursor(cursor)))


def _pulled_to(device: DeviceIdentity, claimed: int) -> int | None:
    """How far the device has pulled, to judge what it had seen when it worked offline: the
    cursor the server last answered it with (what it was sent), never less than the cursor it
    sends. Not the sent cursor alone: an old one (or "") would let a device write to any client
    that ever left its team. None (nothing is forwarded) until the server has answered it once."""
    return None if device.served_cursor is None else max(claimed, device.served_cursor)


T = TypeVar("T")


def retrying(session: Session, work: Callable[[], T], attempts: int = 3) -> T:
    """Run ``work`` in one transaction and commit it, again from the start when a concurrent
    request overtook it: another stored the same change or created the same client at the
    same moment (IntegrityError), a client of the batch changed team between reading and
    locking, or another sync of the device moved its audit anchor first (``_Overtaken``).
    A retry sees the other's committed rows.

    Also again, on a fresh connection, when the database connection was cut (PostgreSQL
    restarted: see db.PING_AFTER_IDLE_SECONDS). Safe even when the cut came during the
    commit and the commit took: a push stored is acknowledged again as a replay, a pull
    is read again, an anchor already moved is kept."""
    for attempt in range(attempts):
        try:
            result = work()
            session.commit()
            return result
        except (IntegrityError, _Overtaken):
            session.rollback()
            if attempt == attempts - 1:
                raise
        except DBAPIError as e:
            session.rollback()
            if not e.connection_invalidated or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _push_once(
    session: Session, device: DeviceIdentity, raw_changes: list[Any], seen_seq: int | None
) -> PushResult:
    result = PushResult()
    verdicts: dict[str, str] = {}  # change_id -> "" accepted, or the rejection reason
    candidates: list[tuple[wire.Change, str]] = []
    now_millis = int(time.time() * 1000)
    for raw in raw_changes:
        change, payload, reason = validate_change(raw)
        if change is not None:
            reason = stamp_problem(change.hlc, now_millis) or _base_problem(change.base)
        if change is None or reason:
            cid = raw.get("change_id") if isinstance(raw, dict) else None
            cid = cid if isinstance(cid, str) and storable(cid) else ""
            if cid not in verdicts:
                result.rejected.append(wire.Rejection(change_id=cid[:64], reason=reason))
            continue
        if change.change_id in verdicts:  # the same change twice in one batch
            continue
        verdicts[change.change_id] = ""
        candidates.append((change, payload))
    if not candidates:
        return result

    # Every team a change may be fed to is locked up front, in id order (see lock_teams): the
    # device's own and those its clients belong to, found and locked in one statement.
    client_ids = sorted({c.client_id for c, _ in candidates})
    core = session.connection()
    locked = {team for (team,) in _LOCK_TEAMS_OF.rows(core, {"team": device.team_id, "ids": client_ids})}
    held = _HeldNow(core, candidates, client_ids)
    fresh = []
    for c, p in candidates:
        stored = held.changes.get(c.change_id)
        if stored is None:
            fresh.append((c, p))
        elif stored != (c.record_type, c.record_id, c.client_id, c.op, c.hlc):
            # Not a replay: another change (any device, any team) already has this id. Acknowledging
            # it would make the laptop forget a change the server never stored.
            verdicts[c.change_id] = "change_id already names another change on the server"
        # else a replay of what is stored: acknowledged again
    book = _Ledger(session, fresh, held, device, seen_seq)
    if not set(book.client_team.values()) <= locked:
        raise _ClientMoved()
    author = device.author
    today = datetime.now(UTC).date()

    for change, payload in fresh:
        reason = book.admit(change, device, today)
        if reason:
            verdicts[change.change_id] = reason
            continue
        if change.record_type == "client" and change.op == "create":
            book.new_client(change.client_id, device)
        book.bind(change)
        # Who and which device come from the token, never from what the device wrote.
        row = change.model_dump(exclude={"payload", "base"})
        row.update(device_id=device.device_id, actor=author)
        book.new_changes.append(
            {
                **row,
                "payload": payload,
                "pushed_by": device.device_id,
                "base": json.dumps(change.base, separators=(",", ":")),
                "received_at": utcnow(),
            }
        )
        book.new_feed.append(
            {
                "team_id": book.client_team[change.client_id],
                "client_id": change.client_id,
                "change_id": change.change_id,
                "skip_device_id": None,
            }
        )
        if change.record_type == "client" and "coach" in change.payload and change.op == "update":
            book.coach_changes[change.client_id] = book.coach_ids[change.change_id]
    book.flush()
    for change_id, reason in verdicts.items():
        if reason:
            result.rejected.append(wire.Rejection(change_id=change_id, reason=reason))
        else:
            result.accepted.append(change_id)
    result.forwarded = [cid for cid in result.accepted if cid in book.forwarded]
    return result


# The hot path's statements, built once (Core, bound parameters) and run on the driver's
# cursor (server.driver): a sync runs them all.
#
# What a push reads once its teams are locked, in one statement (a statement is about 3% of a
# sync's CPU, #15), one row per thing found, tagged by kind and all text:
# - "change": a change the server holds under an id of the batch, what identifies it (to tell
#   a replay, acknowledged again, from another change reusing the id, refused);
# - "client": a client of the batch and its team (read now the teams are locked: a client
#   moved in between shows here);
# - "record": a record the batch names (its own or a reference) as the server holds it.
_CHANGE, _CLIENT, _RECORD = "change", "client", "record"


def _kind(name: str):
    return literal_column(f"'{name}'", String)  # a constant in the SQL, not a bound value


_HELD = driver.Statement(
    union_all(
        select(
            _kind(_CHANGE),
            Change.change_id,
            Change.record_type,
            Change.record_id,
            Change.client_id,
            Change.op,
            Change.hlc,
        ).where(driver.listed(Change.change_id, bindparam("change_ids"))),
        select(_kind(_CLIENT), Client.id, cast(Client.team_id, String), null(), null(), null(), null()).where(
            driver.listed(Client.id, bindparam("client_ids"))
        ),
        select(
            _kind(_RECORD),
            Record.id,
            Record.record_type,
            Record.client_id,
            Record.state,
            Record.stamps,
            null(),
        ).where(driver.listed(Record.id, bindparam("record_ids"))),
    )
)


class _HeldNow:
    """What the server holds of a batch (``_HELD``), read once its teams are locked. Read
    for every candidate change, replays included: a replay's client and records are
    then read too, never parsed (``_Ledger``) and never written. The trade, measured: a
    re-sent batch of 499 stored changes (a lost acknowledgement) costs up to 9 ms more CPU
    on PostgreSQL and 15 ms on SQLite (of 40-55) than when the ids were looked up first;
    every push of new changes, nearly all of them, runs two statements fewer."""

    def __init__(self, core, batch: list[tuple[wire.Change, str]], client_ids: list[str]):
        """``client_ids``: the batch's clients, sorted (as the push locked their teams)."""
        # change_id -> the records it names: its own and its references. A reference
        # PostgreSQL cannot even hold (a NUL) names no record: not looked up, so the change is
        # refused with a reason (``_Ledger.admit``) instead of failing the sync.
        self.named: dict[str, set[str]] = {
            c.change_id: {c.record_id}
            | {target for _, target in change_checks.references(c.payload, c.record_type) if storable(target)}
            for c, _ in batch
        }
        self.changes: dict[str, tuple] = {}  # change_id -> (record_type, record_id, client_id, op, hlc)
        self.client_team: dict[str, int] = {}
        self.records: dict[str, tuple[str, str, str, str]] = {}  # id -> (type, client_id, state, stamps)
        params = {
            "change_ids": [c.change_id for c, _ in batch],
            "client_ids": client_ids,
            "record_ids": sorted(set().union(*self.named.values())),
        }
        for kind, key, *values in _HELD.rows(core, params):
            if kind == _CHANGE:
                self.changes[key] = tuple(values)
            elif kind == _CLIENT:
                self.client_team[key] = int(values[0])
            else:
                self.records[key] = tuple(values[:4])


_MOVED_SINCE_PULL = driver.Statement(
    select(Feed.client_id)
    .join(Change, Change.change_id == Feed.change_id)
    .where(
        Feed.team_id == bindparam("team"),
        Feed.seq > bindparam("seen"),
        Change.op == "drop",
        driver.listed(Feed.client_id, bindparam("ids")),
    )
)


class _Ledger:
    """What one push needs to judge its changes: the records, clients and references they
    name (read once, ``_HeldNow``), and the rows to write (written once, at the end)."""

    def __init__(
        self,
        session: Session,
        batch: list[tuple[wire.Change, str]],
        held: _HeldNow,
        device: DeviceIdentity,
        seen_seq: int | None,
    ):
        self.session = session
        self.forwarded: set[str] = set()
        self.client_team = held.client_team
        # Clients this device's team gave up after the device's last pull: its offline
        # work on them has not seen the move, and is passed on to the new team. Only a
        # client now in another team can be one (usually none: no query then).
        elsewhere = sorted(cid for cid, team in self.client_team.items() if team != device.team_id)
        self.moved_since_pull = (
            {
                client_id
                for (client_id,) in _MOVED_SINCE_PULL.rows(
                    session.connection(), {"team": device.team_id, "seen": seen_seq, "ids": elsewhere}
                )
            }
            if elsewhere and seen_seq is not None
            else set()
        )
        # Only the records ``batch`` (the changes not stored yet) names are parsed: a replay's
        # may be large, and a whole batch is replayed whenever an acknowledgement was lost.
        named = set().union(*(held.named[c.change_id] for c, _ in batch))
        self.records: dict[str, dict[str, Any]] = {
            record_id: {
                "record_type": record_type,
                "client_id": client_id,
                "state": json.loads(state),
                "stamps": json.loads(stamps),
                "new": False,
                "dirty": False,
            }
            for record_id, (record_type, client_id, state, stamps) in held.records.items()
            if record_id in named
        }
        self.new_clients: list[dict] = []
        self.new_changes: list[dict] = []
        self.new_feed: list[dict] = []
        self.coach_ids: dict[str, int] = {}  # change_id -> the coach a lead named
        self.coach_changes: dict[str, int] = {}  # client_id -> new coach user id

    def admit(self, change: wire.Change, device: DeviceIdentity, today) -> str:
        """ "" when ``change`` may be stored, else the reason it may not (in plain words)."""
        bound = self.records.get(change.record_id)
        if bound is not None and (
            bound["client_id"] != change.client_id or bound["record_type"] != change.record_type
        ):
            return "record_id already belongs to another record or client; it cannot be reused"
        team = self.client_team.get(change.client_id)
        if change.record_type == "client":
            if change.op == "create" and team is not None and bound is None:
                return "a client with this id already exists on the server"
        elif team is None:
            return "the client is not known to the server: its client record must be sent first"
        if team is not None and team != device.team_id:
            if change.client_id not in self.moved_since_pull:
                return "client belongs to another team; this device may not change it"
            if change.record_type == "client" and "coach" in change.payload:
                return "the client has moved to another team: only that team can change its coach"
            self.forwarded.add(change.change_id)
        cls = change_checks.record_class(change.record_type)
        if cls is None:
            return f"unknown record type {change.record_type!r}: this server cannot check it"
        current = bound["state"] if bound is not None else None
        if bound is not None and not cls.mutable:
            current = {}  # a fact: it exists, that is all a create needs to know
        errors = change_checks.check_change(
            change.record_type, change.op, change.record_id, change.client_id, change.payload, current, today
        )
        if errors:
            return "invalid record: " + change_checks.summary(errors)
        for name, target in change_checks.references(change.payload, change.record_type):
            if target == change.record_id:
                continue
            ref = self.records.get(target)
            if ref is None or ref["client_id"] != change.client_id:
                return f"{name} names a record this client does not have"
        merged_into = change.payload.get("merged_into") if change.record_type == "client" else None
        if merged_into:
            # A merge joins two clients of one team; never a way to reach another team's client.
            # (A name PostgreSQL cannot even hold, a NUL, names no client: not looked up.)
            target_team = (
                self.session.scalar(select(Client.team_id).where(Client.id == merged_into))
                if storable(merged_into)
                else None
            )
            if target_team is None or target_team != self.client_team.get(change.client_id):
                return "merged_into must name another client of the same team"
            # Read as this batch has left it (an earlier change of the batch may have merged it).
            held_target = self.records.get(merged_into)
            if held_target is not None:
                kept: dict[str, Any] | None = held_target["state"]
            else:
                stored_target = self.session.get(Record, merged_into)
                kept = json.loads(stored_target.state) if stored_target is not None else None
            # Only the same person: a merge shows one client's history under the other's.
            mine = {**(bound["state"] if bound else {}), **change.payload}
            if kept is None or kept.get("nhs_number") != mine.get("nhs_number"):
                return "merged_into must name a client with the same NHS number"
            # Never into a client that is itself merged: A into B then B into A would hide both
            # (and every risk marker of the person) on every laptop. Pushes of a team are
            # serialised by its lock, so no cycle can form; a chain (into a client others were
            # merged into) is followed by the laptops (store.merges).
            if kept.get("merged_into"):
                return "merged_into must name a client that has not been merged itself"
        if change.record_type == "client" and change.op == "update" and "coach" in change.payload:
            return self._coach_change(change, device)
        return ""

    def _coach_change(self, change: wire.Change, device: DeviceIdentity) -> str:
        # A client changes hands only by an authorised act: a team lead within the team here,
        # IT across teams (``admin move-client``). Never as a side effect of a data field.
        name = change.payload["coach"]
        # A name PostgreSQL cannot even hold (a NUL) is no coach's: not looked up.
        coach = (
            self.session.execute(
                select(User.id).where(
                    User.team_id == device.team_id, or_(User.username == name, User.display_name == name)
                )
            ).first()
            if storable(name)
            else None
        )
        if device.role != "team_lead":
            # A coach may only relabel their own client with their own account (a laptop
            # registering stamps its clients with the username): that moves nothing.
            own = self.session.scalar(select(Client.coach_user_id).where(Client.id == change.client_id))
            if coach is None or coach[0] != device.user_id or own not in (None, device.user_id):
                return "only a team lead can give a client to another coach (or IT, with move-client)"
        if coach is None:
            return "the new coach must be a coach of your team (their username or name)"
        self.coach_ids[change.change_id] = coach[0]
        return ""

    def new_client(self, client_id: str, device: DeviceIdentity) -> None:
        self.client_team[client_id] = device.team_id
        self.new_clients.append(
            {
                "id": client_id,
                "team_id": device.team_id,
                "coach_user_id": device.user_id,
                "created_at": utcnow(),
            }
        )

    def bind(self, change: wire.Change) -> None:
        cls = change_checks.record_class(change.record_type)
        record = self.records.get(change.record_id)
        if record is None:
            record = self.records[change.record_id] = {
                "record_type": change.record_type,
                "client_id": change.client_id,
                "state": {},
                "stamps": {},
                "new": True,
                "dirty": True,
            }
        if cls is not None and cls.mutable:
            row, _ = change_checks.check_payload(cls, change.payload)
            fold_state(record, row, change.hlc)

    def flush(self) -> None:
        session, core = self.session, self.session.connection()
        new = [
            {
                "id": rid,
                "record_type": r["record_type"],
                "client_id": r["client_id"],
                "state": json.dumps(r["state"]),
                "stamps": json.dumps(r["stamps"]),
            }
            for rid, r in self.records.items()
            if r["new"]
        ]
        changed = [
            {"id": rid, "state": json.dumps(r["state"]), "stamps": json.dumps(r["stamps"])}
            for rid, r in self.records.items()
            if r["dirty"] and not r["new"]
        ]
        # Every table's rows in one statement, one round trip, on PostgreSQL (server.driver):
        # they read nothing back.
        driver.write(
            core,
            driver.Rows(Client, self.new_clients),
            driver.Rows(Record, new),
            driver.Rows(Record, changed, key="id"),
            driver.Rows(Change, self.new_changes),
            driver.Rows(Feed, self.new_feed),
        )
        for client_id, coach_id in self.coach_changes.items():
            old_coach = session.scalar(select(Client.coach_user_id).where(Client.id == client_id))
            session.execute(update(Client).where(Client.id == client_id).values(coach_user_id=coach_id))
            scope.coach_changed(session, client_id, old_coach, coach_id)


def fold_state(record: dict[str, Any], row: dict[str, Any], stamp: str) -> None:
    """Apply a change's fields to the server's copy: the later stamp wins, as on the laptops."""
    for name, value in row.items():
        if stamp > record["stamps"].get(name, ""):
            record["state"][name], record["stamps"][name] = value, stamp
            record["dirty"] = True


# --- audit anchors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """What a sync reads about its caller besides who it is, in the same statement
    (``caller``): the server's scope setting and this device's anchored audit head."""

    scope: str
    anchor: wire.AuditAnchor | None


# The device lookup (auth.IDENTIFY) with the scope and the device's anchor added: one
# statement where a sync would otherwise run two.
_CALLER = driver.Statement(
    auth.IDENTIFY.add_columns(
        select(ServerSetting.value).where(ServerSetting.key == "scope").scalar_subquery(),
        AuditAnchor.seq,
        AuditAnchor.hash,
        AuditAnchor.anchored_at,
    ).outerjoin(AuditAnchor, AuditAnchor.device_id == Device.id)
)


def caller(session: Session, token: str) -> tuple[DeviceIdentity | None, Standing]:
    """The device holding ``token`` and its standing; None and no standing to speak of
    when no device holds it (``requests.admitted`` refuses the request then)."""
    row = auth.lookup(session, token, _CALLER)
    if row is None:
        return None, Standing(scope=scope.valid(None), anchor=None)
    setting, seq, hash_, anchored_at = row[auth.IDENTITY_COLUMNS :]
    return auth.identity(row), Standing(
        scope=scope.valid(setting), anchor=None if seq is None else _wire_anchor(seq, hash_, anchored_at)
    )


def anchor_audit(
    session: Session,
    device: DeviceIdentity,
    head: wire.AuditAnchor | None,
    continues: wire.AuditAnchor | None,
    held: wire.AuditAnchor | None,
) -> wire.AuditAnchor | None:
    """Keep the device's audit chain head when it moves forward; return the one now held
    (``held``: the one held when the request began, from ``caller``).

    The first head is taken as sent. After that the anchor moves only forward, and only
    when ``continues`` shows the laptop still holds the anchored entry unchanged: so a
    truncated chain cannot lower it and a rewritten one cannot replace it. Does not commit.
    """
    follows = held is None or (
        continues is not None and continues.seq == held.seq and continues.hash == held.hash
    )
    if head is None or not follows or (held is not None and head.seq <= held.seq):
        return held
    now = utcnow()
    values = {"device_id": device.device_id, "seq": head.seq, "hash": head.hash, "anchored_at": now}
    core = session.connection()
    if held is None:  # two first syncs at once: the second fails on the key and runs again
        driver.write(core, driver.Rows(AuditAnchor, [values]), driver.Rows(AuditAnchorPast, [values]))
    else:
        moved = _MOVE_ANCHOR.run(core, {**values, "held_seq": held.seq, "held_hash": held.hash})
        if moved != 1:
            raise _Overtaken()  # another sync of this device moved it first: judge again
        # Kept for good: ``continues`` is the laptop's word, and a rewritten chain can give it.
        driver.write(core, driver.Rows(AuditAnchorPast, [values]))
    return _wire_anchor(head.seq, head.hash, now)


_MOVE_ANCHOR = driver.Statement(
    update(AuditAnchor)
    .where(
        AuditAnchor.device_id == bindparam("device_id"),
        AuditAnchor.seq == bindparam("held_seq"),
        AuditAnchor.hash == bindparam("held_hash"),
    )
    .values(seq=bindparam("seq"), hash=bindparam("hash"), anchored_at=bindparam("anchored_at"))
)


def _wire_anchor(seq: int, hash_: str, anchored_at: datetime) -> wire.AuditAnchor:
    return wire.AuditAnchor(seq=seq, hash=hash_, anchored_at=anchored_at.isoformat(timespec="seconds"))


def device_anchor(session: Session, device: DeviceIdentity) -> wire.AuditAnchor | None:
    held = session.get(AuditAnchor, device.device_id)
    return None if held is None else _wire_anchor(held.seq, held.hash, held.anchored_at)


def past_anchors(session: Session, device: DeviceIdentity) -> list[wire.AuditAnchor]:
    """Every head this device's anchor has held, oldest first (``AuditAnchorPast``)."""
    rows = session.execute(
        select(AuditAnchorPast.seq, AuditAnchorPast.hash, AuditAnchorPast.anchored_at)
        .where(AuditAnchorPast.device_id == device.device_id)
        .order_by(AuditAnchorPast.seq)
    )
    return [_wire_anchor(seq, hash_, at) for seq, hash_, at in rows]


# --- pull --------------------------------------------------------------------------------------


def parse_cursor(cursor: str) -> int:
    if cursor == "":
        return 0
    if not (cursor.isascii() and cursor.isdigit()) or len(cursor) > 18:
        raise BadCursor('invalid cursor: send the cursor of the last page applied, or "" to restore')
    return int(cursor)


def pull(
    session: Session,
    device: DeviceIdentity,
    cursor: str,
    page_size: int,
    just_pushed: Iterable[str] = (),
    scope_setting: str | None = None,
) -> Page:
    """The next page of changes this device may read, after ``cursor``, in server order.

    ``just_pushed``: changes this device sent in the same request; it holds them, so they
    are left out of the page (the cursor still moves past them). Its changes from any
    earlier request do come back, which is what a restored laptop needs. ``scope_setting``:
    the server's scope, when the caller has read it already (``caller``)."""
    skip = set(just_pushed)
    after = parse_cursor(cursor)
    wide = scope.sees_whole_team(device, scope_setting or scope.current(session))
    found = _pull_statement(wide).rows(
        session.connection(),
        {"team": device.team_id, "after": after, "user": device.user_id, "limit": page_size + 1},
    )
    head = found[0][0] if found else None
    rows = [r for r in found if r[1] is not None]  # (head, seq, *envelope, payload, base)
    more = len(rows) > page_size
    rows = rows[:page_size]
    # Sized by bytes too: the page ends after the change that takes it past PAGE_BYTES.
    size = 0
    for index, row in enumerate(rows):
        size += len(row[-2]) + len(row[-1]) + 200  # payload, base, the envelope's ids and stamps
        if size > wire.PAGE_BYTES and index + 1 < len(rows):
            rows, more = rows[: index + 1], True
            break
    last = rows[-1][1] if rows else after
    next_cursor = last if more else max(last, head or 0, after)
    kept = [row[2:] for row in rows if row[2] not in skip]
    return Page(changes=_wire_changes(kept), cursor=str(next_cursor), more=more)


def _wire_changes(rows: list[tuple]) -> list[str]:
    """Each change (its envelope's fields, payload, base) as the JSON text of a wire.Change.

    The payload and base are spliced in as stored: they are JSON the server wrote itself
    (``validate_change``, ``_server_change``), so parsing and writing them again for every
    page would only cost time. The envelope's fields are text (never NULL), each a JSON
    string as json.dumps writes it (ASCII, escaped). Nearly always every one of them is
    printable ASCII with no quote or backslash (ids, stamps, names), which json.dumps writes
    as it is: checked once for the whole page, so then each is only quoted (#15)."""
    fields = "".join([value for row in rows for value in row[:-2]])
    if fields.isascii() and fields.isprintable() and '"' not in fields and "\\" not in fields:
        return [_WIRE_CHANGE_PLAIN % row for row in rows]
    return [_WIRE_CHANGE % (*map(_json_string, row[:-2]), *row[-2:]) for row in rows]


# What a change carries on the wire besides its payload and base (wire.Change).
_ENVELOPE = (
    "change_id",
    "record_type",
    "record_id",
    "client_id",
    "op",
    "hlc",
    "device_id",
    "actor",
    "created_at",
)
_WIRE_CHANGE = "{" + ",".join(f'"{name}":%s' for name in _ENVELOPE) + ',"payload":%s,"base":%s}'
_WIRE_CHANGE_PLAIN = "{" + ",".join(f'"{name}":"%s"' for name in _ENVELOPE) + ',"payload":%s,"base":%s}'
_json_string = json.encoder.encode_basestring_ascii


@functools.cache
def _pull_statement(whole_team: bool) -> driver.Statement:
    """The page after a cursor and the team's head, built once per kind of reader."""
    page = (
        select(Feed.seq, *(getattr(Change, name) for name in _ENVELOPE), Change.payload, Change.base)
        .join(Change, Change.change_id == Feed.change_id)
        # Its own changes too: a laptop restored from a backup, or a copied data folder,
        # gets back everything in its scope (it skips the change ids it already holds).
        .where(
            Feed.team_id == bindparam("team"),
            Feed.seq > bindparam("after"),
            scope.readable_by(bindparam("user"), whole_team),
        )
        .order_by(Feed.seq)
        .limit(bindparam("limit"))
        .subquery("page")
    )
    # The team's head comes from the same statement, so from the same snapshot as the rows:
    # every row of the team up to it is committed (see module doc) and either on this page
    # or out of the device's scope. (Read apart, a head read later could pass rows committed
    # in between, which would never be sent.) The head's row is there even when no change is.
    head = select(func.max(Feed.seq).label("head")).where(Feed.team_id == bindparam("team")).subquery()
    return driver.Statement(
        select(head.c.head, page).select_from(head.outerjoin(page, true())).order_by(page.c.seq)
    )
