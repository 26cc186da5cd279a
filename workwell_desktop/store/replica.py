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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlcipher3

from ..domain import change_checks
from ..domain.assessments import Assessment
from ..domain.clock import is_stamp, next_stamp, stamp_problem
from ..domain.records import Client
from ..domain.registry import RECORD_TYPES
from . import audit, causal, issued_pdfs
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
        " ORDER BY seq LIMIT ?",
        (limit,),
    )
    for row in rows:
        row["payload"] = json.loads(row["payload"])
        row["base"] = json.loads(row["base"])
    return rows


def mark_sent(store, change_ids: list[str]) -> int:
    """Acknowledged by the server: the change leaves the change log and only its id and
    client stay, as for a change received from the server (the record itself is in its
    table, and the server holds the change). Our own changes coming back are known by
    that id (``_known``); a dropped client's ids are forgotten with it, so its whole
    record comes back if it returns. A copied folder's unsent work is never touched.
    Without this the laptop that wrote the records kept every change twice (#15).

    Returns the bytes of change-log rows removed (the sync engine compacts after many)."""
    removed = 0
    now = _now()
    with store._write() as cur:
        for cid in change_ids:
            row = cur.execute(
                "SELECT client_id, length(payload) + length(base) + 200 FROM change_log"
                " WHERE change_id = ? AND sent_at IS NULL",
                (cid,),
            ).fetchone()
            if row is None:
                continue
            removed += row[1]
            cur.execute(
                "INSERT OR IGNORE INTO received_change (change_id, applied_at, client_id) VALUES (?, ?, ?)",
                (cid, now, row[0]),
            )
            cur.execute("DELETE FROM change_log WHERE change_id = ?", (cid,))
    return removed


def mark_rejected(store, rejections: list[tuple[str, str]]) -> None:
    """Keep a rejected change with the server's reason, for the coach and IT to see."""
    with store._write() as cur:
        cur.executemany(
            "UPDATE change_log SET rejected_reason = ? WHERE change_id = ?",
            [(reason, cid) for cid, reason in rejections],
        )


def rejected_changes(store) -> list[dict]:
    return store.rows(
        "SELECT change_id, record_type, record_id, rejected_reason FROM change_log"
        " WHERE rejected_reason IS NOT NULL ORDER BY seq"
    )


def get_setting(store, key: str, default: str = "") -> str:
    row = store.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_settings(store, **values: str) -> None:
    with store._write() as cur:
        cur.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items()))


def renew_device_id(store) -> str:
    """A new clock identity for this database (a copied data folder re-registering), so its
    stamps can never equal the original's."""
    device_id = uuid.uuid4().hex
    set_settings(store, device_id=device_id)
    store.device_id = device_id
    return device_id


def apply_remote(
    store, changes: list[dict], cursor: str, server_time: str = "", malformed: Sequence[tuple[dict, str]] = ()
) -> int:
    """Apply one pulled page and move the cursor, atomically. Returns conflicts found.

    Each change is checked first (``_incoming_problem``: the same domain rules the
    server applies); one that fails, or that the database refuses, is quarantined with
    its reason instead of stopping the page, so the cursor always moves on.
    ``malformed`` are changes the sync engine could not even read (shape), quarantined
    the same way. ``server_time`` (ISO) bounds stamps and dates, whatever this
    laptop's own clock says."""
    found = 0
    server_millis, today = _server_clock(server_time)
    with store._write() as cur:
        newest = None
        for raw, reason in malformed:
            _quarantine(cur, raw, reason)
        for change in changes:
            # Known by id, never by the device it names: our own changes come back (and a
            # restored backup gets back those it lost), a spoofed device id hides nothing.
            if _known(cur, change):
                continue
            applied, conflicts = _apply_checked(cur, store, change, server_millis, today)
            found += conflicts
            if applied and is_stamp(change.get("hlc", "")):
                newest = max(newest or change["hlc"], change["hlc"])
        found += _retry_quarantined(cur, store, server_millis, today)
        if newest:  # later local edits must stamp after everything seen
            last = cur.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
            stamp = next_stamp(last[0] if last else None, store.device_id, seen=newest)
            cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?)", (stamp,))
        cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('sync_cursor', ?)", (cursor,))
    return found


def _known(cur, change: dict) -> bool:
    """Applied here already: received before, or made here (unless its client was dropped
    since, so a client that comes back gets its whole record again)."""
    change_id = change["change_id"]
    if cur.execute("SELECT 1 FROM received_change WHERE change_id = ?", (change_id,)).fetchone():
        return True
    return (
        cur.execute(
            "SELECT 1 FROM change_log WHERE change_id = ? AND client_id NOT IN"
            " (SELECT client_id FROM dropped_client)",
            (change_id,),
        ).fetchone()
        is not None
    )


def _apply_checked(cur, store, change: dict, server_millis: int | None, today: date) -> tuple[bool, int]:
    """(applied, conflicts found); quarantines the change instead when it cannot be applied."""
    reason = _incoming_problem(cur, change, server_millis, today)
    if reason:
        _quarantine(cur, change, reason)
        return False, 0
    cur.execute("SAVEPOINT incoming")
    try:
        conflicts = _apply_one(cur, store, change)
    except _UNAPPLICABLE as exc:  # what the change holds, not an interruption: that aborts the page
        cur.execute("ROLLBACK TO incoming")
        cur.execute("RELEASE incoming")
        _quarantine(cur, change, f"could not be applied here ({type(exc).__name__})")
        return False, 0
    cur.execute("RELEASE incoming")
    cur.execute(
        "INSERT OR IGNORE INTO received_change (change_id, applied_at, client_id) VALUES (?, ?, ?)",
        (change["change_id"], _now(), change["client_id"]),
    )
    cur.execute("DELETE FROM quarantined_change WHERE change_id = ?", (change["change_id"],))
    return True, conflicts


# The database refusing a change's content (a constraint, a value of the wrong kind), or
# a shape the checks did not foresee. Anything else (disk, interruption) aborts the page.
_UNAPPLICABLE = (
    sqlcipher3.IntegrityError,
    sqlcipher3.InterfaceError,
    ValueError,
    TypeError,
    KeyError,
    InvalidRecord,
)  # InvalidRecord: an assessment whose answers cannot be scored


def _server_clock(server_time: str) -> tuple[int | None, date]:
    try:
        moment = datetime.fromisoformat(server_time.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None, datetime.now(UTC).date()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # The later of the two dates: a laptop whose clock is behind still accepts today's work.
    return int(moment.timestamp() * 1000), max(moment.astimezone(UTC).date(), datetime.now(UTC).date())


def _incoming_problem(cur, change: dict, server_millis: int | None, today: date) -> str:
    """ "" when ``change`` may be applied here, else why not (field names only, never values)."""
    rtype, rid, op, client_id = change["record_type"], change["record_id"], change["op"], change["client_id"]
    stamp = change.get("hlc", "")
    if not is_stamp(stamp):
        return "invalid hlc"
    if server_millis is not None and stamp_problem(stamp, server_millis):
        return "hlc ahead of the server's clock"
    if op == "drop":
        return "" if rtype == "client" and rid == client_id else "a drop must name a client"
    cls = RECORD_TYPES.get(rtype)
    if cls is None:
        return ""  # a newer version's record type: kept as deferred, applied after an upgrade
    if cls is Client and rid != client_id:
        return "a client record's client_id must be its own record_id"
    row = _current_row(cur, rtype, rid)
    if row is not None and cls is not Client and row["client_id"] != client_id:
        return "record belongs to another client here"
    if row is not None and op == "create":
        # Already here: a fact's create is idempotent, so it is judged as the create it is; a
        # mutable record's is merged field by field, so its fields are judged as an update of
        # the record held. (Only its shape was checked: a relayed create could move a referral
        # to another client, or bring NHS number "123" or a client merged into themselves.)
        as_update = cls.mutable
        errors = change_checks.check_change(
            rtype,
            "update" if as_update else "create",
            rid,
            client_id,
            change["payload"],
            row if as_update else None,
            today,
        )
    else:
        as_update = op == "update"
        errors = change_checks.check_change(rtype, op, rid, client_id, change["payload"], row, today)
    if as_update:
        # The server judged the update against the record as it held it; here the record
        # may also carry this laptop's own edits not yet sent (which the server will judge
        # in turn). So only problems with the fields the update itself brings hold it back:
        # a cross-field rule broken by a local edit must not make this laptop diverge.
        brought = {*change["payload"], "change", "client_id"}
        errors = {k: m for k, m in errors.items() if k in brought}
    if errors:
        # The checks' own words for the change as a whole; for fields only their names,
        # because a field's message can quote its value.
        return errors.get("change") or "invalid record: " + ", ".join(sorted(errors))
    if cls is not Client and not cur.execute("SELECT 1 FROM client WHERE id = ?", (client_id,)).fetchone():
        return "its client is not on this laptop"
    merged_into = change["payload"].get("merged_into") if cls is Client else None
    if merged_into:
        target = cur.execute("SELECT nhs_number FROM client WHERE id = ?", (merged_into,)).fetchone()
        mine = change["payload"].get("nhs_number", row["nhs_number"] if row else None)
        if target is not None and target[0] != mine:
            return "merged_into names a client with another NHS number"
    for name, target in change_checks.references(change["payload"], rtype):
        if target == rid:
            continue
        table = "plan_goal" if name == "goal_id" else rtype
        column = "item_id" if name == "goal_id" else "id"
        held = cur.execute(f"SELECT client_id FROM {table} WHERE {column} = ? LIMIT 1", (target,)).fetchone()
        if held is not None and held[0] != client_id:
            return f"{name} names another client's record"
    return ""


def _current_row(cur, rtype: str, rid: str) -> dict | None:
    got = cur.execute(f"SELECT * FROM {rtype} WHERE id = ?", (rid,))
    row = got.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in got.description], row, strict=True))


def _quarantine(cur, change: dict, reason: str) -> None:
    """Keep a change this laptop will not apply, with the reason; tell IT without personal data."""

    def text(name: str) -> str:
        value = change.get(name) if isinstance(change, dict) else None
        return value[:64] if isinstance(value, str) else ""

    change_id = text("change_id") or uuid.uuid4().hex
    try:
        body = json.dumps(change, separators=(",", ":"))
    except (TypeError, ValueError):
        body = "{}"
    cur.execute(
        "INSERT OR REPLACE INTO quarantined_change (change_id, record_type, record_id, client_id,"
        " reason, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (change_id, text("record_type"), text("record_id"), text("client_id"), reason, body, _now()),
    )
    log.warning("quarantined change %s (%s): %s", change_id, text("record_type") or "?", reason)


def _retry_quarantined(cur, store, server_millis: int | None, today: date, limit: int = 200) -> int:
    """Apply quarantined changes that can be applied now (what they built on has arrived)."""
    found = 0
    rows = cur.execute("SELECT body FROM quarantined_change ORDER BY received_at LIMIT ?", (limit,))
    for (body,) in rows.fetchall():
        change = json.loads(body)
        if not _is_change(change) or _known(cur, change):
            continue
        if _incoming_problem(cur, change, server_millis, today):
            continue
        applied, conflicts = _apply_checked(cur, store, change, server_millis, today)
        found += conflicts
    return found


def _is_change(change) -> bool:
    names = ("change_id", "record_type", "record_id", "client_id", "op", "hlc")
    return (
        isinstance(change, dict)
        and all(isinstance(change.get(n), str) for n in names)
        and isinstance(change.get("payload"), dict)
    )


def quarantined_changes(store) -> list[dict]:
    """Changes from the server this laptop could not apply, with why (for IT and the status bar)."""
    return store.rows(
        "SELECT change_id, record_type, record_id, reason, received_at FROM quarantined_change"
        " ORDER BY received_at"
    )


def replay_deferred(store) -> int:
    """Apply changes kept from a newer version once this version knows their record
    type (after an upgrade); returns how many were applied."""
    known = [
        r
        for r in store.rows("SELECT change_id, record_type, body FROM deferred_change")
        if r["record_type"] in RECORD_TYPES
    ]
    if not known:
        return 0
    with store._write() as cur:
        for row in known:
            # Checked like any incoming change: quarantined, not applied, if it fails.
            _apply_checked(cur, store, json.loads(row["body"]), None, datetime.now(UTC).date())
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
        cur.execute(
            "INSERT OR IGNORE INTO deferred_change (change_id, record_type, body) VALUES (?, ?, ?)",
            (change["change_id"], rtype, json.dumps(change)),
        )
        return 0
    # Row form (booleans 0/1, lists as JSON text), as the checks above saw it.
    change = {**change, "payload": change_checks.check_payload(cls, change["payload"])[0]}
    exists = cur.execute(f"SELECT 1 FROM {rtype} WHERE id = ?", (rid,)).fetchone()
    conflicts = 0
    if not exists:
        if op != "create":
            return 0  # refused by the checks already; never turned into a half-empty row
        record = from_row(cls, {"id": rid, **change["payload"]})
        if isinstance(record, Assessment):
            record = _rescored(cur, record, change)
        record = issued_pdfs.kept_apart(cur, record)  # a letter from a version that sent PDFs
        row = to_row(record)
        cur.execute(
            f"INSERT INTO {rtype} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
        fields = list(change["payload"])
        if cls.mutable:
            for name in fields:
                causal.receive(
                    cur,
                    rtype,
                    rid,
                    change["client_id"],
                    name,
                    change["hlc"],
                    row[name],
                    change.get("actor", ""),
                    set(),
                )
    elif not cls.mutable:
        return 0  # a fact already here: creates are idempotent
    else:
        fields, conflicts = _merge_fields(cur, cls, rid, change)
    audit.append(cur, change.get("actor", ""), f"received-{op}", rtype, rid, ",".join(sorted(fields)))
    return conflicts


def _rescored(cur, record: Assessment, change: dict) -> Assessment:
    """An assessment from another device, its score, band and flags worked out again
    from its answers (instruments.derived: the same function a local save uses).

    Kept re-scored rather than refused: the answers are what the client said, so
    dropping them could lose a risk answer. The discrepancy is audited (field names
    only) and logged. Answers that cannot be scored at all are refused.
    """
    from ..instruments.derived import derive_assessment  # loaded when an assessment first arrives

    try:
        derivation = derive_assessment(record)
    except ValueError as refused:
        raise InvalidRecord(
            {"answers": f"An assessment from another device could not be scored: {refused}"}
        ) from None
    if derivation.discrepancies:
        fields = ",".join(derivation.discrepancies)
        audit.append(
            cur,
            change.get("actor", ""),
            "rescored",
            record.record_type,
            record.id,
            f"stored values disagreed with the answers: {fields}",
        )
        log.warning(
            "assessment %s from device %s re-scored: stored %s disagreed with the answers",
            record.id,
            change.get("device_id", "?"),
            fields,
        )
    return derivation.record


def _merge_fields(cur, cls, rid: str, change: dict) -> tuple[list[str], int]:
    """Each field of an incoming edit through the causal merge (see store.causal)."""
    rtype, stamp, base = cls.record_type, change["hlc"], change.get("base", {})
    names = [d[1] for d in cur.execute(f"PRAGMA table_info({rtype})").fetchall()]
    current = dict(
        zip(names, cur.execute(f"SELECT * FROM {rtype} WHERE id = ?", (rid,)).fetchone(), strict=True)
    )
    incoming = to_row(from_row(cls, {**current, **change["payload"]}))
    applied, conflicts = [], 0
    for field in change["payload"]:
        if field not in current or field == "id":
            continue
        before = cur.execute(
            "SELECT count(*) FROM conflict WHERE record_type = ? AND record_id = ?"
            " AND field = ? AND resolved_at IS NULL",
            (rtype, rid, field),
        ).fetchone()[0]
        shown = causal.receive(
            cur,
            rtype,
            rid,
            change["client_id"],
            field,
            stamp,
            incoming[field],
            change.get("actor", ""),
            causal.parents(base, field),
        )
        if shown is None:
            continue  # already here, or superseded by an edit this laptop holds
        after = cur.execute(
            "SELECT count(*) FROM conflict WHERE record_type = ? AND record_id = ?"
            " AND field = ? AND resolved_at IS NULL",
            (rtype, rid, field),
        ).fetchone()[0]
        conflicts += max(0, after - before)
        if shown.value != current[field]:
            cur.execute(f"UPDATE {rtype} SET {field} = ? WHERE id = ?", (shown.value, rid))
            applied.append(field)
    return applied, conflicts


def _drop_client(cur, client_id: str) -> None:
    for cls in RECORD_TYPES.values():
        if cls is not Client:
            ids = [
                r[0]
                for r in cur.execute(
                    f"SELECT id FROM {cls.record_type} WHERE client_id = ?", (client_id,)
                ).fetchall()
            ]
            cur.executemany(
                "DELETE FROM field_clock WHERE record_type = ? AND record_id = ?",
                [(cls.record_type, i) for i in ids],
            )
            causal.forget(cur, cls.record_type, ids)
            cur.execute(f"DELETE FROM {cls.record_type} WHERE client_id = ?", (client_id,))
    cur.execute("DELETE FROM field_clock WHERE record_type = 'client' AND record_id = ?", (client_id,))
    causal.forget(cur, "client", [client_id])
    cur.execute("DELETE FROM conflict WHERE client_id = ?", (client_id,))
    cur.execute("DELETE FROM client WHERE id = ?", (client_id,))
    cur.execute("DELETE FROM received_change WHERE client_id = ?", (client_id,))
    cur.execute("DELETE FROM quarantined_change WHERE client_id = ?", (client_id,))
    cur.execute(
        "INSERT OR REPLACE INTO dropped_client (client_id, dropped_at) VALUES (?, ?)", (client_id, _now())
    )


def open_conflicts(store, client_id: str | None = None) -> list[OpenConflict]:
    sql = (
        "SELECT id, record_type, record_id, client_id, field, kept_value, kept_actor, other_value,"
        " other_actor, detected_at FROM conflict WHERE resolved_at IS NULL"
    )
    params: tuple = ()
    if client_id:
        sql += " AND client_id = ?"
        params = (client_id,)
    rows = store.rows(sql + " ORDER BY detected_at", params)
    return [
        OpenConflict(
            **{**r, "kept_value": json.loads(r["kept_value"]), "other_value": json.loads(r["other_value"])}
        )
        for r in rows
    ]


def resolve_conflict(store, conflict_id: str, keep_other: bool) -> None:
    """The coach chose: keep the current value, or take the other edit. Either way the
    choice is a new edit that supersedes every value of the field this laptop holds, so
    it syncs and settles the conflict on every device (see store.causal)."""
    [row] = store.rows("SELECT * FROM conflict WHERE id = ?", (conflict_id,))
    cls = RECORD_TYPES[row["record_type"]]
    value = json.loads(row["other_value"] if keep_other else row["kept_value"])
    record = store.get(cls, row["record_id"])
    with store._write() as cur:
        if to_row(record)[row["field"]] != value:
            cur.execute(
                f"UPDATE {cls.record_type} SET {row['field']} = ? WHERE id = ?", (value, row["record_id"])
            )
        # Written even when the value stays: the decision is what settles other devices.
        store._record_change(cur, record, "update", {row["field"]: value})
