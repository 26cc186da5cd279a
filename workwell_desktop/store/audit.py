"""The audit trail: who did what, when, as a keyed chain that also proves the records.

Each entry carries, besides who, what and when:

* ``client_id`` and ``record_hash``: the SHA-256 of the record version the entry
  describes, read back from its table inside the same transaction as the write. So a
  record edited outside the app (say ``UPDATE consent_event SET action='given'`` with
  the database key) no longer matches its latest entry, and a record added or deleted
  outside the app has no entry, or an entry without a record;
* ``hash``: an HMAC-SHA256 over the entry's fields and the previous entry's ``hash``,
  keyed with a key derived from the database key (:func:`chain_key`). An edited entry
  breaks its own seal, a deleted one the link of the next, and the head (last sequence
  number and seal, in ``meta``) no longer matches a removed tail.

Someone holding the raw database key can still recompute the whole chain, so the
head is also *anchored at the server* at every sync (``sync.engine``): the server keeps
the highest head each device has sent, and :func:`verify` compares the local chain
with it, which catches a rewritten chain and a truncated tail up to the last sync.

Entries name records and fields, never their values, so the trail holds no personal
data (a record hash reveals nothing about the values).

Chains written before this design (SHA-256, unkeyed, no record hashes) are upgraded on
the first unlock by :func:`upgrade_chain`, which records whether the old chain was
intact in an entry of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import UTC, datetime

GENESIS = "0" * 64
CHAIN_FORMAT = "hmac-sha256-v1"
_KEY_LABEL = b"WorkWell audit chain v1"
# The audit key of each open connection (sqlcipher3 connections cannot be weakly referenced).
_KEYS: dict[int, tuple[object, bytearray]] = {}


class AuditKeyMissing(RuntimeError):
    """A write on a connection the store did not bind an audit key to (a programming error)."""


def chain_key(database_key: bytes | bytearray) -> bytes:
    """The audit chain's HMAC key, derived from the database key (never the key itself)."""
    return hmac.new(database_key, _KEY_LABEL, hashlib.sha256).digest()


def bind(conn, database_key: bytes | bytearray) -> None:
    """Let ``append`` seal entries written on ``conn``."""
    # A buffer of its own, zeroed by unbind (lock, exit), like the database key.
    _KEYS[id(conn)] = (conn, bytearray(chain_key(database_key)))


def unbind(conn) -> None:
    bound = _KEYS.pop(id(conn), None)
    if bound is not None:
        bound[1][:] = bytes(len(bound[1]))


def _key_for(conn) -> bytearray:
    bound = _KEYS.get(id(conn))
    if bound is None or bound[0] is not conn:
        raise AuditKeyMissing("no audit key is bound to this connection")
    return bound[1]


# ----- hashes ------------------------------------------------------------------------------------


def _record_types() -> set[str]:
    from ..domain.registry import RECORD_TYPES

    return set(RECORD_TYPES)


def row_hash(row: dict) -> str:
    """SHA-256 of one table row, as stored (column names sorted, values as SQLite holds them)."""
    body = json.dumps(sorted(row.items()), separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record_version(cur, record_type: str, record_id: str) -> tuple[str, str]:
    """(client id, hash) of the record as it is now; hash "" when there is no such row."""
    if not record_type or not record_id or record_type not in _record_types():
        return "", ""
    result = cur.execute(f"SELECT * FROM {record_type} WHERE id = ?", (record_id,))
    names = [d[0] for d in result.description]
    found = result.fetchone()
    if found is None:
        return (record_id if record_type == "client" else ""), ""
    row = dict(zip(names, found, strict=True))
    return str(row.get("client_id", row["id"])), row_hash(row)


def entry_seal(
    key: bytes | bytearray,
    seq: int,
    at: str,
    actor: str,
    action: str,
    record_type: str,
    record_id: str,
    detail: str,
    client_id: str,
    record_hash: str,
    prev_hash: str,
) -> str:
    body = json.dumps(
        [seq, at, actor, action, record_type, record_id, detail, client_id, record_hash, prev_hash],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def legacy_entry_hash(
    seq: int, at: str, actor: str, action: str, record_type: str, record_id: str, detail: str, prev_hash: str
) -> str:
    """The unkeyed SHA-256 of chains written before CHAIN_FORMAT (read only, to upgrade them)."""
    body = json.dumps(
        [seq, at, actor, action, record_type, record_id, detail, prev_hash],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# ----- writing -----------------------------------------------------------------------------------


def _head(cur) -> tuple[int, str]:
    head = dict(
        cur.execute(
            "SELECT key, value FROM meta WHERE key IN ('audit_head_seq', 'audit_head_hash')"
        ).fetchall()
    )
    return int(head.get("audit_head_seq", 0)), head.get("audit_head_hash", GENESIS)


def append(
    cur, actor: str, action: str, record_type: str = "", record_id: str = "", detail: str = ""
) -> None:
    """Add one entry inside the caller's transaction, after the record was written."""
    key = _key_for(cur.connection)
    last_seq, prev = _head(cur)
    seq = last_seq + 1
    at = datetime.now(UTC).isoformat(timespec="milliseconds")
    client_id, version = record_version(cur, record_type, record_id)
    seal = entry_seal(key, seq, at, actor, action, record_type, record_id, detail, client_id, version, prev)
    cur.execute(
        "INSERT INTO audit (seq, at, actor, action, record_type, record_id, detail, client_id, record_hash,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, record_type, record_id, detail, client_id, version, prev, seal),
    )
    cur.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [("audit_head_seq", str(seq)), ("audit_head_hash", seal), ("audit_chain", CHAIN_FORMAT)],
    )


def head(conn) -> tuple[int, str]:
    """The chain's head (last sequence number and seal): what is anchored at the server."""
    return _head(conn.cursor())


# ----- upgrading an old chain --------------------------------------------------------------------


def upgrade_chain(conn) -> bool:
    """Re-seal a chain written before CHAIN_FORMAT with the keyed HMAC, and give each record's
    latest entry the hash of the record as it is now. Returns True when it upgraded.

    The old chain is checked first and the result recorded in a new entry, so upgrading
    never hides an earlier break.
    """
    cur = conn.cursor()
    fmt = cur.execute("SELECT value FROM meta WHERE key = 'audit_chain'").fetchone()
    if fmt and fmt[0] == CHAIN_FORMAT:
        return False
    key = _key_for(conn)
    cur.execute("BEGIN IMMEDIATE")
    try:
        rows = cur.execute(
            "SELECT seq, at, actor, action, record_type, record_id, detail, prev_hash, hash"
            " FROM audit ORDER BY seq"
        ).fetchall()
        problems = _legacy_problems(cur, rows)
        latest: dict[tuple[str, str], int] = {}
        for seq, _at, _actor, _action, rtype, rid, *_ in rows:
            if rtype and rid:
                latest[(rtype, rid)] = seq
        prev = GENESIS
        for seq, at, actor, action, rtype, rid, detail, _old_prev, _old in rows:
            client_id, version = record_version(cur, rtype, rid)
            if latest.get((rtype, rid)) != seq:
                version = ""  # an earlier version: its hash is not known any more
            seal = entry_seal(key, seq, at, actor, action, rtype, rid, detail, client_id, version, prev)
            cur.execute(
                "UPDATE audit SET client_id = ?, record_hash = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (client_id, version, prev, seal, seq),
            )
            prev = seal
        last = rows[-1][0] if rows else 0
        cur.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [("audit_head_seq", str(last)), ("audit_head_hash", prev), ("audit_chain", CHAIN_FORMAT)],
        )
        detail = (
            "earlier chain intact"
            if not problems
            else "earlier chain had problems: " + "; ".join(problems)[:1500]
        )
        append(cur, "WorkWell", "audit-chain-upgraded", detail=detail)
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    cur.execute("COMMIT")
    return True


def _legacy_problems(cur, rows) -> list[str]:
    problems, expected, prev = [], 1, GENESIS
    for seq, at, actor, action, rtype, rid, detail, prev_hash, digest in rows:
        if seq != expected:
            problems.append(f"entries {expected} to {seq - 1} were missing")
        sealed = legacy_entry_hash(seq, at, actor, action, rtype, rid, detail, prev_hash)
        if prev_hash != prev or sealed != digest:
            problems.append(f"entry {seq} had been altered")
        expected, prev = seq + 1, digest
    last_seq, last_hash = _head(cur)
    if last_seq != expected - 1 or (rows and last_hash != prev):
        problems.append(f"the trail ended at entry {expected - 1} but should have ended at entry {last_seq}")
    return problems


# ----- checking ----------------------------------------------------------------------------------


def verify(conn, anchors: Sequence[tuple[int, str]] = ()) -> list[str]:
    """Every break found, in plain words; an empty list means the trail and records agree.

    Checks the chain's seals and links, its head, every record against its latest entry,
    and (when given) the server's anchors ``(seq, seal)`` for this device: every head it
    has anchored, oldest first, the current one last.
    """
    key = _key_for(conn)
    problems: list[str] = []
    expected_seq, prev = 1, GENESIS
    seals: dict[int, str] = {}
    latest: dict[tuple[str, str], tuple[int, str, str, str]] = {}  # -> (seq, action, client, hash)
    dropped: dict[str, int] = {}  # client id -> seq of its latest drop
    rows = conn.execute(
        "SELECT seq, at, actor, action, record_type, record_id, detail, client_id, record_hash, prev_hash,"
        " hash FROM audit ORDER BY seq"
    )
    for seq, at, actor, action, rtype, rid, detail, client_id, version, prev_hash, seal in rows:
        if seq != expected_seq:
            problems.append(f"entries {expected_seq} to {seq - 1} are missing (deleted)")
        if prev_hash != prev:
            problems.append(f"entry {seq} does not follow on from the entry before it")
        if entry_seal(key, seq, at, actor, action, rtype, rid, detail, client_id, version, prev_hash) != seal:
            problems.append(f"entry {seq} has been altered since it was written")
        if rtype and rid:
            latest[(rtype, rid)] = (seq, action, client_id, version)
            if action == "drop" and rtype == "client":
                dropped[rid] = seq
        seals[seq] = seal
        expected_seq, prev = seq + 1, seal
    last = expected_seq - 1
    head_seq, head_seal = head(conn)
    if head_seq != last or head_seal != prev:
        problems.append(
            f"the trail ends at entry {last} but should end at entry {head_seq}"
            " (entries removed from the end)"
        )
    problems += _record_problems(conn, latest, dropped)
    for number, anchor in enumerate(reversed(anchors)):
        found = _anchor_problems(
            anchor, seals, last, "at the last sync" if number == 0 else "at an earlier sync"
        )
        problems += [p for p in found if p not in problems]
        if found:
            break  # the latest broken anchor says it; older ones would say the same again
    return problems


def _record_problems(conn, latest, dropped) -> list[str]:
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for rtype in sorted(_record_types()):
        result = conn.execute(f"SELECT * FROM {rtype}")
        names = [d[0] for d in result.description]
        for values in result:
            row = dict(zip(names, values, strict=True))
            rid = str(row["id"])
            seen.add((rtype, rid))
            entry = latest.get((rtype, rid))
            label = f"{rtype.replace('_', ' ')} {rid}"
            if entry is None:
                problems.append(f"{label} has no audit entry: it was added outside the app")
            elif entry[3] and entry[3] != row_hash(row):
                problems.append(
                    f"{label} differs from the version recorded in audit entry {entry[0]}: "
                    "it was changed outside the app"
                )
    for (rtype, rid), (seq, action, client_id, version) in sorted(latest.items(), key=lambda i: i[1][0]):
        if (rtype, rid) in seen or not version or action == "drop":
            continue
        if dropped.get(client_id, 0) > seq or dropped.get(rid, 0) > seq:
            continue  # the client moved to another team: their records left with them
        problems.append(
            f"{rtype.replace('_', ' ')} {rid} (audit entry {seq}) is missing: it was deleted outside the app"
        )
    return problems


def _anchor_problems(anchor: tuple[int, str], seals: dict[int, str], last: int, when: str) -> list[str]:
    seq, seal = anchor
    if seq == 0:
        return []
    if seq > last:
        return [
            f"the server's anchor for this laptop is at entry {seq}, but the trail here ends at "
            f"entry {last} (entries removed from the end since the last sync)"
        ]
    if seals.get(seq) != seal:
        return [
            f"entry {seq} is not the one anchored at the server {when}: the trail has been rewritten since"
        ]
    return []
