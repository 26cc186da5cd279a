"""Team exports (the weekly summary, the caseload as CSV): who may make one, and what they are told.

A team export leaves the encrypted store, so it is for team leads only, and the role
comes from the server account this laptop is registered with (``sync_role``, set by
``sync.engine.register``), never from the role typed at set-up: anyone can type
"team lead". A coach's laptop, or one not registered, refuses. Every attempt is
audited: the export itself (by the code that writes it) and a refusal.

Above ``store`` (it reads the registration settings), below ``cli`` and ``gui``.
"""

from __future__ import annotations

from ..store import replica

TEAM_LEAD = "team_lead"

LEAVES_THE_STORE_WARNING = (
    "This file leaves WorkWell's encrypted store: anyone who has it can read it. Keep it only as "
    "long as you need it, share it only in the way your service allows, and delete it after."
)


class TeamExportRefused(Exception):
    """This laptop's account may not make team exports; the message says why and what to do."""


def account_role(store) -> str:
    """The role of the server account this laptop is registered with; "" when not registered."""
    return replica.get_setting(store, "sync_role")


def is_team_lead(store) -> bool:
    return account_role(store) == TEAM_LEAD


def team_export_problem(store) -> str | None:
    """Why this laptop may not make a team export, or None when it may."""
    role = account_role(store)
    if role == TEAM_LEAD:
        return None
    if not role:
        return (
            "Team exports are for team leads, and this laptop is not registered with the WorkWell "
            "server, so its role cannot be checked. Register it with a team lead's account first "
            "(workwell-admin register, or Settings in the app)."
        )
    return (
        "Team exports are for team leads only: this laptop is registered with a coach's account. "
        "Ask your team lead for the summary."
    )


def require_team_lead(store, what: str) -> None:
    """Raises TeamExportRefused (and audits the refusal) unless a team lead's laptop."""
    problem = team_export_problem(store)
    if problem:
        store.record_event("export-refused", f"what={what},role={account_role(store) or 'unregistered'}")
        raise TeamExportRefused(problem)
