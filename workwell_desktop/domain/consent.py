"""Current consent, derived from the append-only consent log.

The latest event for a scope decides (events are ordered by when they were
recorded, so events synced late from another laptop still land in the right place;
events recorded in the same instant keep the order they were logged in).
Consent never asked about is "not asked", which shares nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .records import ConsentEvent
from .vocabulary import CONSENT_SCOPES


@dataclass(frozen=True)
class ConsentStatus:
    scope: str
    service_name: str
    state: str  # "given", "refused", "withdrawn" or "not_asked"
    since: str  # when the deciding event was recorded; "" when not asked
    method: str
    recorded_by: str

    @property
    def is_current(self) -> bool:
        """True only while consent is given and has not been withdrawn since."""
        return self.state == "given"


def _key(event: ConsentEvent) -> tuple[str, str]:
    return (event.scope, event.service_name.strip().casefold())


def consent_state(events: Iterable[ConsentEvent]) -> dict[tuple[str, str], ConsentStatus]:
    """The deciding status per (scope, service name); general scopes use service name ''."""
    latest: dict[tuple[str, str], ConsentEvent] = {}
    # Stable sort: events recorded in the same instant keep their log order.
    for event in sorted(events, key=lambda e: e.recorded_at):
        latest[_key(event)] = event
    state = {
        key: ConsentStatus(e.scope, e.service_name, e.action, e.recorded_at, e.method, e.recorded_by)
        for key, e in latest.items()
    }
    for scope in CONSENT_SCOPES:
        if scope != "share_service":
            state.setdefault((scope, ""), ConsentStatus(scope, "", "not_asked", "", "", ""))
    return state


def has_consent(events: Iterable[ConsentEvent], scope: str, service_name: str = "") -> bool:
    """Whether a feature that shares information may go ahead right now."""
    status = consent_state(events).get((scope, service_name.strip().casefold()))
    return bool(status and status.is_current)
