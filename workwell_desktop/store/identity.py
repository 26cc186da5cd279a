"""Who the coach is: the server account once this laptop is registered.

Before registration a laptop knows only the name typed at set-up ("Ana Coach"); the
server knows the account ("ana", shown as its display name). Summaries group clients
by coach, so two spellings of one person would split their caseload in two. So when
a laptop registers, it takes its name and role from the account and re-stamps the
clients it made under the typed name with the username: one identity everywhere.
"""

from __future__ import annotations

from ..domain.records import Client


def adopt_account(store, username: str, display_name: str, role: str) -> int:
    """Take the account's name and role; re-stamp this laptop's own clients. Returns how
    many clients were re-stamped (each is an ordinary update, so it syncs)."""
    typed = store.coach_name
    with store._write() as cur:
        cur.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [("coach_name", display_name.strip() or username), ("coach_role", role)],
        )
    restamped = 0
    for row in store.rows("SELECT id FROM client WHERE coach = ? OR coach = ''", (typed,)):
        store.update(Client, row["id"], coach=username)
        restamped += 1
    if restamped:
        store.record_event("adopt-account", f"clients={restamped}")
    return restamped
