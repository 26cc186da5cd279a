"""The audit trail: who did what, when, as a hash chain.

Each entry's hash covers its own fields and the previous entry's hash, and the head
of the chain (last sequence number and hash) is kept in ``meta`` and moved in the
same transaction. So an edited entry breaks its own hash, a deleted entry breaks
the link of the one after it, and a deleted tail no longer matches the head.
Entries name records and fields, never their values, so the trail holds no
personal data.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64


def entry_hash(seq: int, at: str, actor: str, action: str, record_type: str,
               record_id: str, detail: str, prev_hash: str) -> str:
    body = json.dumps([seq, at, actor, action, record_type, record_id, detail, prev_hash],
                      separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(cur, actor: str, action: str, record_type: str = "", record_id: str = "",
           detail: str = "") -> None:
    """Add one entry inside the caller's transaction."""
    head = dict(cur.execute(
        "SELECT key, value FROM meta WHERE key IN ('audit_head_seq', 'audit_head_hash')"
    ).fetchall())
    seq = int(head.get("audit_head_seq", 0)) + 1
    prev = head.get("audit_head_hash", GENESIS)
    at = datetime.now(UTC).isoformat(timespec="milliseconds")
    digest = entry_hash(seq, at, actor, action, record_type, record_id, detail, prev)
    cur.execute(
        "INSERT INTO audit (seq, at, actor, action, record_type, record_id, detail, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, record_type, record_id, detail, prev, digest),
    )
    cur.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [("audit_head_seq", str(seq)), ("audit_head_hash", digest)],
    )


def verify(conn) -> list[str]:
    """Every break in the chain, in plain words; an empty list means it is intact."""
    problems: list[str] = []
    expected_seq, prev = 1, GENESIS
    rows = conn.execute(
        "SELECT seq, at, actor, action, record_type, record_id, detail, prev_hash, hash"
        " FROM audit ORDER BY seq"
    )
    for seq, at, actor, action, rtype, rid, detail, prev_hash, digest in rows:
        if seq != expected_seq:
            problems.append(f"entries {expected_seq} to {seq - 1} are missing (deleted)")
        if prev_hash != prev:
            problems.append(f"entry {seq} does not follow on from the entry before it")
        if entry_hash(seq, at, actor, action, rtype, rid, detail, prev_hash) != digest:
            problems.append(f"entry {seq} has been altered since it was written")
        expected_seq, prev = seq + 1, digest
    head = dict(conn.execute(
        "SELECT key, value FROM meta WHERE key IN ('audit_head_seq', 'audit_head_hash')"
    ).fetchall())
    head_seq = int(head.get("audit_head_seq", 0))
    if head_seq != expected_seq - 1 or head.get("audit_head_hash", GENESIS) != prev:
        problems.append(
            f"the trail ends at entry {expected_seq - 1} but should end at entry {head_seq}"
            " (entries removed from the end)"
        )
    return problems
