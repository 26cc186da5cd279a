"""Current consent, derived from the append-only consent log, and the one sharing gate.

The latest event for a scope decides. Events are ordered by the *instant* they were
recorded (``recorded_at`` read as an ISO 8601 time with its offset and compared in
UTC, never as text: ``10:30+01:00`` is before ``10:00Z``), so events synced late from
another laptop land in the right place. Two events in the same instant are ordered
by a rule every laptop applies alike: the more restrictive decision wins (withdrawn
over refused over given), then the event id. So the log reads the same on every
laptop whatever order its events arrived in. Consent never asked about is "not
asked", which shares nothing.

Every way information leaves the laptop (issuing or exporting an employer letter, a
referral made to a named service, a team export naming clients) asks
:func:`sharing_problem` / :func:`check_sharing`: sharing needs the client's current
participation *and* the specific consent. Withdrawing participation therefore
suspends every sharing consent without touching them.

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
from datetime import UTC, datetime

from .records import ConsentEvent, parse_moment
from .vocabulary import CONSENT_SCOPES

PARTICIPATION = "participation"
# Same instant: the higher rank sorts later, so it decides.
_RESTRICTIVENESS = {"given": 0, "refused": 1, "withdrawn": 2}
# An event whose time cannot be read (a damaged or hostile record from elsewhere):
# a refusal or withdrawal still counts, as if made last; a "given" counts for nothing.
_UNREADABLE_LAST = datetime.max.replace(tzinfo=UTC)

# Reasons that allow an export after consent was withdrawn (UK GDPR Articles 15 and 6;
# https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/individual-rights/
# right-of-access/). Each is recorded in the audit trail with the export.
LAWFUL_REASONS = {
    "subject_access": "The client's own subject access request (a copy for the client)",
    "legal_obligation": "A legal obligation, such as a court order",
    "safeguarding": "Safeguarding: to protect the client or someone else from serious harm",
}


class SharingRefused(Exception):
    """The client's consent does not allow this sharing; the message says why."""


@dataclass(frozen=True)
class ConsentStatus:
    scope: str
    service_name: str
    state: str  # "given", "refused", "withdrawn", "suspended" or "not_asked"
    since: str  # when the deciding event was recorded (UTC); "" when not asked
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


def _order(event: ConsentEvent) -> tuple[datetime, int, str]:
    moment = parse_moment(event.recorded_at) or _UNREADABLE_LAST
    return (moment, _RESTRICTIVENESS.get(event.action, 3), event.id)


def ordered_events(events: Iterable[ConsentEvent]) -> list[ConsentEvent]:
    """The log in deciding order (oldest first): by UTC instant, then restrictiveness, then id."""
    readable = [e for e in events if parse_moment(e.recorded_at) or e.action != "given"]
    return sorted(readable, key=_order)


def deciding_events(events: Iterable[ConsentEvent]) -> dict[tuple[str, str], ConsentEvent]:
    """The event that decides each (scope, service name): the latest counted one."""
    latest: dict[tuple[str, str], ConsentEvent] = {}
    for event in ordered_events(current_events(events)):
        latest[_key(event)] = event
    return latest


def consent_state(events: Iterable[ConsentEvent]) -> dict[tuple[str, str], ConsentStatus]:
    """The deciding status per (scope, service name); general scopes use service name ''.

    The one derivation of consent: the app, the letters, the reports and sync all use it.
    """
    latest = deciding_events(events)
    left = latest.get(("participation", ""))
    withdrawn = left is not None and left.action == "withdrawn"
    state = {}
    for key, e in latest.items():
        moment = parse_moment(e.recorded_at)
        since = moment.isoformat(timespec="microseconds") if moment else ""
        action = "suspended" if withdrawn and e.scope in SHARING_SCOPES and e.action == "given" else e.action
        state[key] = ConsentStatus(e.scope, e.service_name, action, since, e.method, e.recorded_by)
    for scope in CONSENT_SCOPES:
        if scope != "share_service":
            state.setdefault((scope, ""), ConsentStatus(scope, "", "not_asked", "", "", ""))
    return state


def has_consent(events: Iterable[ConsentEvent], scope: str, service_name: str = "") -> bool:
    """Whether this one scope's consent is current (sharing also needs participation:
    use :func:`sharing_problem` before anything leaves the laptop)."""
    status = consent_state(events).get((scope, service_name.strip().casefold()))
    return bool(status and status.is_current)


def participation_ended(events: Iterable[ConsentEvent]) -> bool:
    """The client withdrew or refused taking part: nothing about them is shared, even
    within a team file (see ``sharing_problem`` for sharing beyond the service)."""
    return consent_state(events)[(PARTICIPATION, "")].state in ("withdrawn", "refused")


def _scope_words(scope: str, service_name: str) -> str:
    if scope == "share_service":
        return f"share information with {service_name.strip() or 'that service'}"
    if scope == PARTICIPATION:
        return "take part in WorkWell"
    return CONSENT_SCOPES.get(scope, scope).replace("Sharing", "share").replace("Contact", "be contacted")


def _status_problem(status: ConsentStatus | None, scope: str, service_name: str) -> str | None:
    """The fact, in one sentence, when this consent is not current."""
    words = _scope_words(scope, service_name)
    if status is None or status.state == "not_asked":
        return f"The client has not been asked for consent to {words}."
    if status.is_current:
        return None
    verb = "withdrew" if status.state == "withdrawn" else "refused"
    return f"The client {verb} consent to {words} on {status.since[:10] or 'a date that cannot be read'}."


def sharing_problem(
    events: Iterable[ConsentEvent], scope: str, service_name: str = "", consequence: str = ""
) -> str | None:
    """Why information cannot be shared under ``scope`` now, or None when it can.

    The one consent gate: sharing needs current participation and the scope's own
    consent (for ``share_service``, consent naming that service). ``consequence`` (for
    example "So a letter cannot be issued.") goes between the fact and what to do.
    """
    state = consent_state(list(events))
    fact = _status_problem(state.get((PARTICIPATION, "")), PARTICIPATION, "")
    if fact:
        fact += " Nothing is shared while they are not taking part."
    elif scope != PARTICIPATION:
        fact = _status_problem(state.get((scope, service_name.strip().casefold())), scope, service_name)
    if not fact:
        return None
    advice = "Record their consent on the Consent tab first." if "not been asked" in fact else ""
    return " ".join(part for part in (fact, consequence, advice) if part)


def check_sharing(
    events: Iterable[ConsentEvent], scope: str, service_name: str = "", *, lawful_reason: str = ""
) -> str:
    """The basis for sharing: ``"consent"``, or ``"reason:<code>"`` when consent does not
    allow it and a recorded lawful reason (one of LAWFUL_REASONS) does.

    Raises SharingRefused with the consent problem when neither allows it, and for an
    unknown reason code.
    """
    problem = sharing_problem(events, scope, service_name)
    if problem is None:
        return "consent"
    if not lawful_reason:
        raise SharingRefused(problem)
    if lawful_reason not in LAWFUL_REASONS:
        raise SharingRefused(
            f"{lawful_reason!r} is not a recorded lawful reason. Choose one of: "
            + ", ".join(LAWFUL_REASONS)
            + "."
        )
    return f"reason:{lawful_reason}"


def moment_after(events: Iterable[ConsentEvent], now: datetime) -> str:
    """A recorded-at stamp for a new event: ``now`` in UTC, or just after the latest
    event when a synced-in event carries a clock slightly ahead of this laptop's."""
    latest = max((m for e in events if (m := parse_moment(e.recorded_at))), default=None)
    moment = now.astimezone(UTC)
    if latest and moment <= latest:
        from datetime import timedelta

        moment = latest + timedelta(microseconds=1)
    return moment.isoformat(timespec="microseconds")
