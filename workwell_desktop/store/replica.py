"""The store's side of sync: what to send, and merging what arrives.

Merge rules (shared/ARCHITECTURE.md):
- facts once made (sessions, consent events, ...) arrive as creates and are added
  if not already here;
- mutable records merge field by field. An incoming field whose ``base`` stamp is
  the stamp held here builds on what this device has, and is applied. If this
  device holds a stamp the sender never saw and the values differ, both edits are
  kept: the later by clock becomes the value on every device (so devices agree) and
  the other is recorded as a conflict for a person to resolve;
- ``drop`` removes a client this device may no longer see (reassigned to another team).
Every page is applied in one transaction together with its cursor, and each change
id is remembered, so a repeated or interrupted page changes nothing twice.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from ..domain.assessments import Assessment
from ..domain.records import RECORD_TYPES, Client
from ..instruments.derived import derive_assessment
from . import audit
from .clock import is_stamp, next_stamp
from .errors import InvalidRecord
from .rows import from_row, to_row

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenConflict:
    id: str
    record_type: str
    record_id: str
    client_id: str
    field: str
    kept_value: object
    kept_actor: str
    other_value: object
    other_actor: str
    detected_at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def unsent_changes(store, limit: int) -> list[dict]:
    """The oldest changes not yet acknowledged by the server (rejected ones excluded)."""
    rows = store.rows(
        "SELECT change_id, record_type, record_id, client_id, op, payload, base, hlc, device_id,"
        " actor, created_at FROM change_log WHERE sent_at IS NULL AND rejected_reason IS NULL"
        " ORDER BY seq LIMIT ?", (limit,))
    for row in rows:
        row["payload"] = json.loads(row["payload"])
        row["base"] = json.loads(row["base"])
    return rows


def mark_sent(store, change_ids: list[str]) -> None:
    with store._write() as cur:
        cur.executemany("UPDATE change_log SET sent_at = ? WHERE change_id = ? AND sent_at IS NULL",
                        [(_now(), cid) for cid in change_ids])


def mark_rejected(store, rejections: list[tuple[str, str]]) -> None:
    """Keep a rejected change with the server's reason, for the coach and IT to see."""
    with store._write() as cur:
        cur.executemany("UPDATE change_log SET rejected_reason = ? WHERE change_id = ?",
                        [(reason, cid) for cid, reason in rejections])


def rejected_changes(store) -> list[dict]:
    return store.rows("SELECT change_id, record_type, record_id, rejected_reason FROM change_log"
                      " WHERE rejected_reason IS NOT NULL ORDER BY seq")


def get_setting(store, key: str, default: str = "") -> str:
    row = store.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_settings(store, **values: str) -> None:
    with store._write() as cur:
        cur.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items()))


def apply_remote(store, changes: list[dict], cursor: str) -> int:
    """Apply one pulled page and move the cursor, atomically. Returns conflicts found."""
    found = 0
    with store._write() as cur:
        newest = None
        for change in changes:
            if change.get("device_id") == store.device_id:
                continue  # our own change coming back: already here
            if cur.execute("SELECT 1 FROM received_change WHERE change_id = ?",
                           (change["change_id"],)).fetchone():
                continue
            found += _apply_one(cur, store, change)
            cur.execute("INSERT INTO received_change (change_id, applied_at) VALUES (?, ?)",
                        (change["change_id"], _now()))
            if is_stamp(change.get("hlc", "")):
                newest = max(newest or change["hlc"], change["hlc"])
        if newest:  # later local edits must stamp after everything seen
            last = cur.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
            stamp = next_stamp(last[0] if last else None, store.device_id, seen=newest)
            cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?)", (stamp,))
        cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('sync_cursor', ?)", (cursor,))
    return found


def replay_deferred(store) -> int:
    """Apply changes kept from a newer version once this version knows their record
    type (after an upgrade); returns how many were applied."""
    known = [r for r in store.rows("SELECT change_id, record_type, body FROM deferred_change")
             if r["record_type"] in RECORD_TYPES]
    if not known:
        return 0
    with store._write() as cur:
        for row in known:
            _apply_one(cur, store, json.loads(row["body"]))
            cur.execute("DELETE FROM deferred_change WHERE change_id = ?", (row["change_id"],))
    return len(known)


def _apply_one(cur, store, change: dict) -> int:
    rtype, rid, op = change["record_type"], change["record_id"], change["op"]
    if op == "drop":
        _drop_client(cur, rid)
        audit.append(cur, change.get("actor", ""), "drop", "client", rid, "no longer visible to this device")
        return 0
    cls = RECORD_TYPES.get(rtype)
    if cls is None:
        cur.execute("INSERT OR IGNORE INTO deferred_change (change_id, record_type, body) VALUES (?, ?, ?)",
                    (change["change_id"], rtype, json.dumps(change)))
        return 0
    exists = cur.execute(f"SELECT 1 FROM {rtype} WHERE id = ?", (rid,)).fetchone()
    conflicts = 0
    if not exists:
        if op != "create" and not cls.mutable:
            return 0
        record = from_row(cls, {"id": rid, **change["payload"]})
        if isinstance(record, Assessment):
            record = _rescored(cur, record, change)
        row = to_row(record)
        cur.execute(f"INSERT INTO {rtype} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    tuple(row.values()))
        fields = list(change["payload"])
    elif not cls.mutable:
        return 0  # a fact already here: creates are idempotent
    else:
        fields, conflicts = _merge_fields(cur, cls, rid, change)
    if cls.mutable:
        cur.executemany(
            "INSERT INTO field_clock (record_type, record_id, field, hlc) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (record_type, record_id, field) DO UPDATE SET hlc = max(hlc, excluded.hlc)",
            [(rtype, rid, f, change["hlc"]) for f in change["payload"]],
        )
    audit.append(cur, change.get("actor", ""), f"received-{op}", rtype, rid, ",".join(sorted(fields)))
    return conflicts


def _rescored(cur, record: Assessment, change: dict) -> Assessment:
    """An assessment from another device, its score, band and flags worked out again
    from its answers (instruments.derived: the same function a local save uses).

    Kept re-scored rather than refused: the answers are what the client said, so
    dropping them could lose a risk answer. The discrepancy is audited (field names
    only) and logged. Answers that cannot be scored at all are refused.
    """
    try:
        derivation = derive_assessment(record)
    except ValueError as refused:
        raise InvalidRecord(
            {"answers": f"An assessment from another device could not be scored: {refused}"}) from None
    if derivation.discrepancies:
        fields = ",".join(derivation.discrepancies)
        audit.append(cur, change.get("actor", ""), "rescored", record.record_type, record.id,
                     f"stored values disagreed with the answers: {fields}")
        log.warning("assessment %s from device %s re-scored: stored %s disagreed with the answers",
                    record.id, change.get("device_id", "?"), fields)
    return derivation.record


def _merge_fields(cur, cls, rid: str, change: dict) -> tuple[list[str], int]:
    rtype, stamp, base = cls.record_type, change["hlc"], change.get("base", {})
    clocks = dict(cur.execute("SELECT field, hlc FROM field_clock WHERE record_type = ? AND record_id = ?",
                              (rtype, rid)).fetchall())
    names = [d[1] for d in cur.execute(f"PRAGMA table_info({rtype})").fetchall()]
    current = dict(zip(names, cur.execute(f"SELECT * FROM {rtype} WHERE id = ?", (rid,)).fetchone(),
                       strict=True))
    incoming = to_row(from_row(cls, {**current, **change["payload"]}))
    applied, conflicts = [], 0
    for field in change["payload"]:
        if field not in current or field == "id":
            continue
        mine = clocks.get(field)
        theirs_value, my_value = incoming[field], current[field]
        if mine is None or mine == base.get(field):
            pass  # builds on what this device has
        elif mine == stamp:
            continue  # already here
        elif theirs_value == my_value:
            continue  # same edit made twice: nothing to resolve
        else:
            conflicts += 1
            _record_conflict(cur, rtype, rid, change, field, my_value, mine, theirs_value, stamp)
            if mine > stamp:
                continue  # ours is later: it stays, theirs is kept in the conflict
        if theirs_value != my_value:
            cur.execute(f"UPDATE {rtype} SET {field} = ? WHERE id = ?", (theirs_value, rid))
            applied.append(field)
        _close_conflicts_settled_by(cur, rtype, rid, field, base.get(field), change)
    return applied, conflicts


def _record_conflict(cur, rtype, rid, change, field, my_value, my_stamp, their_value, their_stamp):
    mine_wins = my_stamp > their_stamp
    my_actor = _actor_of(cur, rtype, rid, field, my_stamp)
    kept, other = ((my_value, my_stamp, my_actor), (their_value, their_stamp, change.get("actor", "")))
    if not mine_wins:
        kept, other = other, kept
    cur.execute(
        "INSERT INTO conflict (id, record_type, record_id, client_id, field, kept_value, kept_hlc,"
        " kept_actor, other_value, other_hlc, other_actor, detected_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uuid.uuid4().hex, rtype, rid, change["client_id"], field, json.dumps(kept[0]), kept[1],
         kept[2], json.dumps(other[0]), other[1], other[2], _now()),
    )


def _actor_of(cur, rtype, rid, field, stamp) -> str:
    row = cur.execute("SELECT actor FROM change_log WHERE record_type = ? AND record_id = ? AND hlc = ?",
                      (rtype, rid, stamp)).fetchone()
    return row[0] if row else ""


def _close_conflicts_settled_by(cur, rtype, rid, field, base_stamp, change) -> None:
    """An edit made after seeing both sides of a conflict settles it everywhere."""
    if not base_stamp:
        return
    cur.execute(
        "UPDATE conflict SET resolved_at = ?, resolved_by = ? WHERE record_type = ? AND record_id = ?"
        " AND field = ? AND resolved_at IS NULL AND kept_hlc <= ? AND other_hlc <= ?",
        (_now(), change.get("actor", ""), rtype, rid, field, base_stamp, base_stamp),
    )


def _drop_client(cur, client_id: str) -> None:
    for cls in RECORD_TYPES.values():
        if cls is not Client:
            ids = [r[0] for r in cur.execute(f"SELECT id FROM {cls.record_type} WHERE client_id = ?",
                                             (client_id,)).fetchall()]
            cur.executemany("DELETE FROM field_clock WHERE record_type = ? AND record_id = ?",
                            [(cls.record_type, i) for i in ids])
            cur.execute(f"DELETE FROM {cls.record_type} WHERE client_id = ?", (client_id,))
    cur.execute("DELETE FROM field_clock WHERE record_type = 'client' AND record_id = ?", (client_id,))
    cur.execute("DELETE FROM conflict WHERE client_id = ?", (client_id,))
    cur.execute("DELETE FROM client WHERE id = ?", (client_id,))


def open_conflicts(store, client_id: str | None = None) -> list[OpenConflict]:
    sql = ("SELECT id, record_type, record_id, client_id, field, kept_value, kept_actor, other_value,"
           " other_actor, detected_at FROM conflict WHERE resolved_at IS NULL")
    params: tuple = ()
    if client_id:
        sql += " AND client_id = ?"
        params = (client_id,)
    rows = store.rows(sql + " ORDER BY detected_at", params)
    return [OpenConflict(**{**r, "kept_value": json.loads(r["kept_value"]),
                            "other_value": json.loads(r["other_value"])}) for r in rows]


def resolve_conflict(store, conflict_id: str, keep_other: bool) -> None:
    """The coach chose: keep the current value, or take the other edit. Either way the
    choice is a new edit that syncs, and settles the conflict on every device."""
    [row] = store.rows("SELECT * FROM conflict WHERE id = ?", (conflict_id,))
    cls = RECORD_TYPES[row["record_type"]]
    value = json.loads(row["other_value"] if keep_other else row["kept_value"])
    record = store.get(cls, row["record_id"])
    with store._write() as cur:
        if to_row(record)[row["field"]] != value:
            cur.execute(f"UPDATE {cls.record_type} SET {row['field']} = ? WHERE id = ?",
                        (value, row["record_id"]))
        # Written even when the value stays: the decision is what settles other devices.
        store._record_change(cur, record, "update", {row["field"]: value})
        cur.execute("UPDATE conflict SET resolved_at = ?, resolved_by = ? WHERE id = ?",
                    (_now(), store.coach_name, conflict_id))
