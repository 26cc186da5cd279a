"""The team's sync coverage, as the server last told this (team lead's) laptop.

The server relays it with the last page of every team lead's sync (see
``sync.wire.SyncResponse.coverage``): each team member and, per laptop, the last
successful sync and how many changes the laptop said were still waiting. Kept in
the encrypted database (``meta``) as JSON; ``reports.coverage`` reads and checks it.
"""

from __future__ import annotations

import json

KEY = "team_coverage"


def save_coverage(store, members, server_time: str) -> None:
    """Keep the latest coverage (wire models or plain dicts) with the server's time."""
    plain = [m.model_dump() if hasattr(m, "model_dump") else m for m in members]
    body = json.dumps({"received_at": server_time, "members": plain}, separators=(",", ":"))
    with store._write() as cur:
        cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (KEY, body))


def load_coverage(store) -> dict | None:
    """The kept coverage as plain data, or None when this laptop never received any."""
    row = store.connection.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
    if not row:
        return None
    try:
        data = json.loads(row[0])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
