"""What each edit of a field had seen: the causal merge of mutable records.

Each field of a mutable record (client details, referral and triage) holds a set of
**heads**: the edits of it that no later edit has superseded. An edit names, as its
``base``, the heads it saw (every concurrent value, not just the one shown); applying
it removes exactly those and adds itself. So:

* two edits made without seeing each other both stay heads: a **conflict**, open on
  every laptop whatever order the edits arrive in and whatever the clocks say;
* it closes only when an edit that had seen every head supersedes them - the coach
  choosing in the conflicts dialog, or simply editing that field again;
* the value shown is the head with the latest stamp, the same on every laptop (and on
  the server, which keeps the later stamp too). A skewed clock can change which value
  is *shown* first, never whether the conflict is seen.

Stamps an edit superseded are remembered (``field_superseded``), so an older edit
arriving late is recognised and changes nothing. A laptop upgraded from the clock
merge has no heads yet: its ``field_clock`` stamp and any open conflict's other value
are taken as the heads (``heads``), so nothing it held is lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Head:
    hlc: str
    value: object
    actor: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def heads(cur, rtype: str, rid: str, field: str) -> list[Head]:
    rows = cur.execute(
        "SELECT hlc, value, actor FROM field_head WHERE record_type = ? AND record_id = ? AND field = ?",
        (rtype, rid, field),
    ).fetchall()
    if rows:
        return [Head(h, json.loads(v), a) for h, v, a in rows]
    # Upgraded from the clock merge: the stamp held, plus any conflict still open.
    clock = cur.execute(
        "SELECT hlc FROM field_clock WHERE record_type = ? AND record_id = ? AND field = ?",
        (rtype, rid, field),
    ).fetchone()
    if clock is None:
        return []
    value = cur.execute(f"SELECT {field} FROM {rtype} WHERE id = ?", (rid,)).fetchone()
    found = {clock[0]: Head(clock[0], value[0] if value else None, "")}
    for other_hlc, other_value, other_actor in cur.execute(
        "SELECT other_hlc, other_value, other_actor FROM conflict WHERE record_type = ? AND record_id = ?"
        " AND field = ? AND resolved_at IS NULL",
        (rtype, rid, field),
    ).fetchall():
        found.setdefault(other_hlc, Head(other_hlc, json.loads(other_value), other_actor))
    return list(found.values())


def base_of(cur, rtype: str, rid: str, fields) -> dict[str, list[str]]:
    """For a local edit: each field's heads, which the edit supersedes."""
    base = {}
    for field in fields:
        stamps = sorted(h.hlc for h in heads(cur, rtype, rid, field))
        if stamps:
            base[field] = stamps
    return base


def parents(base: dict, field: str) -> set[str]:
    got = base.get(field)
    if isinstance(got, str):  # an older laptop's single stamp
        return {got}
    return {p for p in got if isinstance(p, str)} if isinstance(got, list) else set()


def receive(
    cur,
    rtype: str,
    rid: str,
    client_id: str,
    field: str,
    stamp: str,
    value: object,
    actor: str,
    seen: set[str],
) -> Head | None:
    """Apply one edit of one field; returns the head now shown, or None when the edit was
    already here or already superseded (nothing changes)."""
    current = heads(cur, rtype, rid, field)
    superseded = cur.execute(
        "SELECT 1 FROM field_superseded WHERE record_type = ? AND record_id = ? AND field = ? AND hlc = ?",
        (rtype, rid, field, stamp),
    ).fetchone()
    if superseded or any(h.hlc == stamp for h in current):
        return None
    cur.executemany(
        "INSERT OR IGNORE INTO field_superseded (record_type, record_id, field, hlc) VALUES (?, ?, ?, ?)",
        [(rtype, rid, field, p) for p in seen],
    )
    kept = [h for h in current if h.hlc not in seen] + [Head(stamp, value, actor)]
    cur.execute(
        "DELETE FROM field_head WHERE record_type = ? AND record_id = ? AND field = ?", (rtype, rid, field)
    )
    cur.executemany(
        "INSERT INTO field_head (record_type, record_id, field, hlc, value, actor) VALUES (?, ?, ?, ?, ?, ?)",
        [(rtype, rid, field, h.hlc, json.dumps(h.value), h.actor) for h in kept],
    )
    shown = max(kept, key=lambda h: h.hlc)
    # field_clock is not written: the heads say everything (it is read only for a field
    # last edited before schema 6, and its row goes once the field has heads; migration 8).
    cur.execute(
        "DELETE FROM field_clock WHERE record_type = ? AND record_id = ? AND field = ?", (rtype, rid, field)
    )
    _settle_conflicts(cur, rtype, rid, client_id, field, kept, shown, actor)
    return shown


def _settle_conflicts(cur, rtype, rid, client_id, field, kept: list[Head], shown: Head, actor: str) -> None:
    """Make the open conflicts of a field say exactly what its heads say: one row per head
    whose value differs from the one shown. Rows for heads now superseded close, settled
    by whoever superseded them."""
    others = {h.hlc: h for h in kept if h.value != shown.value}
    open_rows = cur.execute(
        "SELECT id, kept_hlc, other_hlc, detected_at FROM conflict WHERE record_type = ?"
        " AND record_id = ? AND field = ? AND resolved_at IS NULL",
        (rtype, rid, field),
    ).fetchall()
    still = set()
    for row_id, kept_hlc, other_hlc, _detected in open_rows:
        if kept_hlc == shown.hlc and other_hlc in others:
            still.add(other_hlc)  # unchanged
        elif not others:
            cur.execute(
                "UPDATE conflict SET resolved_at = ?, resolved_by = ? WHERE id = ?", (_now(), actor, row_id)
            )
        else:  # the conflict goes on between other values: replaced below
            cur.execute("DELETE FROM conflict WHERE id = ?", (row_id,))
    for other in others.values():
        if other.hlc in still:
            continue
        cur.execute(
            "INSERT OR REPLACE INTO conflict (id, record_type, record_id, client_id, field, kept_value,"
            " kept_hlc, kept_actor, other_value, other_hlc, other_actor, detected_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f"{rtype}:{rid}:{field}:{other.hlc}",
                rtype,
                rid,
                client_id,
                field,
                json.dumps(shown.value),
                shown.hlc,
                shown.actor,
                json.dumps(other.value),
                other.hlc,
                other.actor,
                _now(),
            ),
        )


def forget(cur, rtype: str, record_ids: list[str]) -> None:
    """A dropped client's records: their heads and superseded stamps go with them."""
    for table in ("field_head", "field_superseded"):
        cur.executemany(
            f"DELETE FROM {table} WHERE record_type = ? AND record_id = ?",
            [(rtype, rid) for rid in record_ids],
        )
