"""Current consent, derived from the append-only consent log.

The latest event for a scope decides (events are ordered by when they were
recorded, so events synced late from another laptop still land in the right place;
events recorded in the same instant keep the order they were logged in).
Consent never asked about is "not asked", which shares nothing.

Two rules of the client's journey (issue #19) live here so every gate sees them:
- a corrected entry counts only in its latest version (a correction keeps the
  original's ``recorded_at``, so it takes the original's place in the order), and an
  entry moved to another client's record no longer counts on this one;
- while participation is withdrawn (the client has left WorkWell), every *sharing*
  consent that was given reads as ``suspended``: not current, so nothing is shared.
  Contact consents (SMS, email) are unchanged: a client who agreed to be contacted
  for follow-up may still be.
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
    state: str  # "given", "refused", "withdrawn", "suspended" or "not_asked"
    since: str  # when the deciding event was recorded; "" when not asked
    method: str
    recorded_by: str

    @property
    def is_current(self) -> bool:
        """True only while consent is given and has not been withdrawn since."""
        return self.state == "given"


# Scopes that share information with someone outside the service.
SHARING_SCOPES = frozenset({"share_gp", "share_employer", "share_service"})


def current_events(events: Iterable[ConsentEvent]) -> list[ConsentEvent]:
    """The log as it counts: corrected entries replaced, entries moved away left out."""
    events = list(events)
    replaced = {e.supersedes for e in events if e.supersedes}
    return [e for e in events if e.id not in replaced and e.moved != "out"]


def _key(event: ConsentEvent) -> tuple[str, str]:
    return (event.scope, event.service_name.strip().casefold())


def deciding_events(events: Iterable[ConsentEvent]) -> dict[tuple[str, str], ConsentEvent]:
    """The event that decides each (scope, service name): the latest counted one."""
    latest: dict[tuple[str, str], ConsentEvent] = {}
    # Stable sort: events recorded in the same instant keep their log order.
    for event in sorted(current_events(events), key=lambda e: e.recorded_at):
        latest[_key(event)] = event
    return latest


def consent_state(events: Iterable[ConsentEvent]) -> dict[tuple[str, str], ConsentStatus]:
    """The deciding status per (scope, service name); general scopes use service name ''."""
    latest = deciding_events(events)
    left = latest.get(("participation", ""))
    withdrawn = left is not None and left.action == "withdrawn"
    state = {
        key: ConsentStatus(e.scope, e.service_name,
                           "suspended" if withdrawn and e.scope in SHARING_SCOPES and e.action == "given"
                           else e.action, e.recorded_at, e.method, e.recorded_by)
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
