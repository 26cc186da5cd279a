"""The team lead's weekly caseload summary: every figure, defined here and only here. No Qt.

Periods
-------
A summary is for one ISO week, Monday to Sunday in Europe/London, named like
``2026-W47``, plus the rolling last 4 and last 13 weeks ending with that week
(named ``2026-W44/2026-W47`` and ``2026-W35/2026-W47``). Dates in the records
(``received_on``, ``held_on`` ...) are already local dates and are bucketed as they
are. Date-times (consent ``recorded_at``) are UTC and are converted to Europe/London
first, so 23:30 on a Sunday (GMT or BST, either side of the clock change) counts in
that Sunday's week and 00:30 BST on a Monday (23:30 UTC on Sunday) in the next.
"At the end of the period" means at the end of its last Sunday.

Scopes
------
Each figure is given per coach (the client's *current* ``Client.coach``; clients
with no coach are under ``unassigned``) and for the whole ``service``. Corrected
records (sessions, discharges, assessments) count only in their latest version.

Figures (measure names as exported; ``:<code>`` is a breakdown by a code of
``domain.vocabulary`` or an instrument id)
--------------------------------------------------------------------
``referrals_received``, ``referrals_received:<route>``
    Referrals whose ``received_on`` falls in the period, by referral route.
``triage_accepted``; ``triage_declined``, ``triage_declined:<reason>``
    Referrals triaged (``triaged_on``) in the period as accepted / declined, with
    the decline reason.
``first_contacts``
    Referrals whose ``first_contact_on`` falls in the period.
``starts``
    Clients with a first contact in the period (a client counts once however many
    referrals they have).
``median_days_to_first_contact``, ``p90_days_to_first_contact``
    Over the referrals first contacted in the period: days from ``received_on`` to
    ``first_contact_on``; the median (mid-point average of the middle two for an
    even count) and the 90th percentile (nearest rank: the smallest wait that at
    least 90% of them were within). Blank when there were none.
``waiting_for_first_contact``, ``longest_wait_days``
    Clients whose latest referral (received by the end of the period) had, at the
    end of the period, no first contact, was not declined and was not ended by a
    discharge; and the longest of their waits in days to the end of the period.
``active_caseload``
    Clients active at the end of the period: their latest referral had its first
    contact and no discharge on or after that referral's date has happened.
``discharges``, ``discharges:<reason>``
    Discharges dated in the period, by reason.
``work_outcome_at_discharge:<outcome>``
    The same discharges by ``Discharge.work_outcome`` (blank outcomes count as
    ``unknown``). Work outcomes at follow-up are **not** given: the record has no
    field for them (follow-up assessments hold measures, not a work outcome).
``sessions``, ``sessions:<mode>``
    Contact sessions held in the period, by mode (in person, phone, video).
``overdue_reviews``, ``overdue_actions``
    From the caseload list (``store.caseload``) worked out for the day after the
    period ends: clients whose next review date had passed, and open plan actions
    past their due date, both only for clients the service is still supporting
    (``domain.episodes.overdue`` / ``is_supported``: not declined, discharged,
    withdrawn or followed up). Plans and statuses are as
    they stand now, so for a past week this is an approximation.
``open_safety_tasks``
    From the same caseload list: risk answers (``domain.risk``) with no recorded
    action yet, per coach, as they stand now (a count of open tasks, not of clients).
    Inside the team (suppression off) every number shows.
``assessments_completed``, ``assessments_completed:<instrument>``
    Assessments completed in the period (every instrument).
``outcome_clients:<m>``, ``mean_change:<m>``, ``percent_improved:<m>``
    For each outcome measure m (phq9, gad7, wsas, swemwbs, work_ability): the clients
    whose latest score for m was completed in the period and who have a baseline
    score for m earlier than it; the mean of (latest minus baseline), to 2 decimal
    places; and the percentage (1 decimal place) who improved: a lower score for
    phq9, gad7 and wsas, a higher one for swemwbs and work_ability.
``consent_withdrawals``, ``consent_withdrawals:<scope>``
    Consent events with action ``withdrawn`` recorded (Europe/London date) in the
    period, by consent scope.

Small-number suppression (``reports.suppression``) hides counts of 1 to 4 as
``<5`` in anything leaving the team; the export says whether it is on
(measure ``suppression``, value ``on`` or ``off``).
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ..domain.episodes import is_supported
from ..domain.vocabulary import (
    CONSENT_SCOPES,
    DECLINE_REASONS,
    DISCHARGE_REASONS,
    REFERRAL_ROUTES,
    SESSION_MODES,
    WORK_OUTCOMES,
)

SERVICE = "service"
UNASSIGNED = "unassigned"
ROLLING_WEEKS = (4, 13)
# Outcome measures and whether a lower score is better.
OUTCOME_MEASURES = {"phq9": True, "gad7": True, "wsas": True, "swemwbs": False, "work_ability": False}
OUTCOME_NAMES = {"phq9": "PHQ-9", "gad7": "GAD-7", "wsas": "WSAS", "swemwbs": "SWEMWBS",
                 "work_ability": "Work ability"}

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")

Value = int | float | str | None


def parse_week(text: str) -> date:
    """'2026-W47' -> the Monday that starts it; ValueError with a plain message otherwise."""
    match = _WEEK.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not an ISO week: write it like 2026-W47")
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise ValueError(f"{text} does not exist: that year has no week {match.group(2)}") from None


def week_name(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


# ----- time zone ---------------------------------------------------------------------

def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _london_offset(moment: datetime) -> timedelta:
    """UK rule (BST from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
    Sunday of October): used only where the tz database is missing (Windows without tzdata)."""
    start = datetime.combine(_last_sunday(moment.year, 3), datetime.min.time(), UTC) + timedelta(hours=1)
    end = datetime.combine(_last_sunday(moment.year, 10), datetime.min.time(), UTC) + timedelta(hours=1)
    return timedelta(hours=1) if start <= moment < end else timedelta(0)


def _london_zone():
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/London")
    except Exception:  # no tz database on this machine
        return None


_LONDON = _london_zone()


def london_date(utc_text: str) -> str:
    """A UTC ISO date-time as its Europe/London date ('YYYY-MM-DD'); '' when unreadable.
    A time without an offset is taken as UTC."""
    try:
        moment = datetime.fromisoformat(utc_text.strip())
    except (ValueError, AttributeError):
        return ""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if _LONDON is not None:
        return moment.astimezone(_LONDON).date().isoformat()
    return (moment + _london_offset(moment)).date().isoformat()


# ----- the summary ---------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    name: str     # '2026-W47' or '2026-W44/2026-W47'
    label: str    # 'Week 2026-W47', 'Last 4 weeks'
    start: date
    end: date     # the last Sunday, inclusive
    weeks: int


@dataclass
class Summary:
    week: str
    periods: list[Period]
    scopes: list[str]  # coaches alphabetically, then unassigned, then service
    # figures[(period name, scope)] = {measure: value}, in a fixed measure order
    figures: dict[tuple[str, str], dict[str, Value]] = field(default_factory=dict)
    suppressed: bool = False

    def value(self, period: str, scope: str, measure: str) -> Value:
        return self.figures.get((period, scope), {}).get(measure)

    def rows(self) -> list[tuple[str, str, str, Value]]:
        """Tidy rows (week, scope, measure, value), the first saying whether suppression is on."""
        first = self.periods[0].name
        out: list[tuple[str, str, str, Value]] = [
            (first, SERVICE, "suppression", "on" if self.suppressed else "off")]
        for period in self.periods:
            for scope in self.scopes:
                for measure, value in self.figures.get((period.name, scope), {}).items():
                    out.append((period.name, scope, measure, value))
        return out


def periods_for(week: str) -> list[Period]:
    monday = parse_week(week)
    end = monday + timedelta(days=6)
    periods = [Period(week_name(monday), f"Week {week_name(monday)}", monday, end, 1)]
    for weeks in ROLLING_WEEKS:
        start = monday - timedelta(weeks=weeks - 1)
        periods.append(Period(f"{week_name(start)}/{week_name(monday)}", f"Last {weeks} weeks",
                              start, end, weeks))
    return periods


@dataclass
class _Data:
    coach: dict[str, str]
    # (client_id, route, received_on, outcome, reason, triaged_on, first_contact_on, id)
    referrals: list[tuple]
    discharges: list[tuple]  # (client_id, discharged_on, reason, work_outcome)
    sessions: list[tuple]    # (client_id, held_on, mode)
    assessments: list[tuple]  # (client_id, instrument_id, timepoint, completed_on, total, id)
    withdrawals: list[tuple]  # (client_id, london date, scope)


def _current(rows: list[tuple]) -> list[tuple]:
    """Drop rows another row supersedes; each row ends (id, supersedes)."""
    replaced = {r[-1] for r in rows if r[-1]}
    return [r[:-2] + (r[-2],) for r in rows if r[-2] not in replaced]


def _load(store) -> _Data:
    conn = store.connection
    coach = {cid: (name or "").strip() or UNASSIGNED
             for cid, name in conn.execute("SELECT id, coach FROM client")}
    referrals = conn.execute(
        "SELECT client_id, route, received_on, triage_outcome, decline_reason, triaged_on,"
        " first_contact_on, id FROM referral").fetchall()
    discharges = [r[:-1] for r in _current(conn.execute(
        "SELECT client_id, discharged_on, reason, work_outcome, id, supersedes FROM discharge").fetchall())]
    sessions = [r[:-1] for r in _current(conn.execute(
        "SELECT client_id, held_on, mode, id, supersedes FROM contact_session").fetchall())]
    assessments = _current(conn.execute(
        "SELECT client_id, instrument_id, timepoint, completed_on, total, id, supersedes"
        " FROM assessment").fetchall())
    withdrawals = [(cid, london_date(at), scope) for cid, at, scope in conn.execute(
        "SELECT client_id, recorded_at, scope FROM consent_event WHERE action = 'withdrawn'")]
    return _Data(coach, referrals, discharges, sessions, assessments, withdrawals)


def _median(values: list[int]) -> float | int | None:
    if not values:
        return None
    middle = statistics.median(values)
    return int(middle) if float(middle).is_integer() else float(middle)


def p90(values: list[int]) -> int | None:
    """Nearest-rank 90th percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _days(start: str, end: str) -> int:
    return (date.fromisoformat(end) - date.fromisoformat(start)).days


class _Counter:
    """Figures for every scope at once: each event adds to its coach and the service."""

    def __init__(self, scopes: list[str]):
        self.values: dict[str, dict[str, Value]] = {s: {} for s in scopes}
        self.lists: dict[str, dict[str, list]] = {s: defaultdict(list) for s in scopes}

    def zero(self, measure: str) -> None:
        for figures in self.values.values():
            figures[measure] = 0

    def blank(self, measure: str) -> None:
        for figures in self.values.values():
            figures[measure] = None

    def add(self, coach: str, measure: str, amount: int = 1) -> None:
        for scope in (coach, SERVICE):
            if scope in self.values:
                self.values[scope][measure] = (self.values[scope].get(measure) or 0) + amount

    def collect(self, coach: str, key: str, item) -> None:
        for scope in (coach, SERVICE):
            if scope in self.lists:
                self.lists[scope][key].append(item)


def _period_figures(data: _Data, period: Period, scopes: list[str], caseload) -> dict[str, dict]:
    start, end = period.start.isoformat(), period.end.isoformat()
    c = _Counter(scopes)
    coach_of = data.coach

    def inside(day: str) -> bool:
        return bool(day) and start <= day <= end

    # Referrals received, triage and first contacts.
    c.zero("referrals_received")
    for route in REFERRAL_ROUTES:
        c.zero(f"referrals_received:{route}")
    c.zero("triage_accepted")
    c.zero("triage_declined")
    for reason in DECLINE_REASONS:
        c.zero(f"triage_declined:{reason}")
    c.zero("first_contacts")
    c.zero("starts")
    c.blank("median_days_to_first_contact")
    c.blank("p90_days_to_first_contact")
    c.zero("waiting_for_first_contact")
    c.blank("longest_wait_days")
    c.zero("active_caseload")
    latest: dict[str, tuple] = {}
    started: dict[str, set] = {s: set() for s in scopes}
    for ref in data.referrals:
        cid, route, received, outcome, reason, triaged, first, rid = ref
        coach = coach_of.get(cid, UNASSIGNED)
        if inside(received):
            c.add(coach, "referrals_received")
            c.add(coach, f"referrals_received:{route}")
        if inside(triaged) and outcome == "accepted":
            c.add(coach, "triage_accepted")
        if inside(triaged) and outcome == "declined":
            c.add(coach, "triage_declined")
            c.add(coach, f"triage_declined:{reason}")
        if inside(first):
            c.add(coach, "first_contacts")
            c.collect(coach, "waits", _days(received, first))
            for scope in (coach, SERVICE):
                if scope in started:
                    started[scope].add(cid)
        if received and received <= end:
            key = (received, rid)
            if cid not in latest or key > (latest[cid][2], latest[cid][7]):
                latest[cid] = ref
    for scope in scopes:
        c.values[scope]["starts"] = len(started[scope])
        waits = c.lists[scope]["waits"]
        c.values[scope]["median_days_to_first_contact"] = _median(waits)
        c.values[scope]["p90_days_to_first_contact"] = p90(waits)

    last_discharge: dict[str, str] = {}
    c.zero("discharges")
    for reason in DISCHARGE_REASONS:
        c.zero(f"discharges:{reason}")
    for outcome in WORK_OUTCOMES:
        c.zero(f"work_outcome_at_discharge:{outcome}")
    for cid, day, reason, work in data.discharges:
        coach = coach_of.get(cid, UNASSIGNED)
        if day and day <= end and day > last_discharge.get(cid, ""):
            last_discharge[cid] = day
        if inside(day):
            c.add(coach, "discharges")
            c.add(coach, f"discharges:{reason}")
            c.add(coach, f"work_outcome_at_discharge:{work or 'unknown'}")

    # Status at the end of the period, from each client's latest referral by then.
    for cid, ref in latest.items():
        _, _, received, outcome, _, triaged, first, _ = ref
        coach = coach_of.get(cid, UNASSIGNED)
        if last_discharge.get(cid, "") >= received:
            continue
        if first and first <= end:
            c.add(coach, "active_caseload")
        elif not (outcome == "declined" and triaged and triaged <= end):
            c.add(coach, "waiting_for_first_contact")
            c.collect(coach, "waiting", _days(received, end))
    for scope in scopes:
        waiting = c.lists[scope]["waiting"]
        c.values[scope]["longest_wait_days"] = max(waiting) if waiting else None

    c.zero("sessions")
    for mode in SESSION_MODES:
        c.zero(f"sessions:{mode}")
    for cid, day, mode in data.sessions:
        if inside(day):
            coach = coach_of.get(cid, UNASSIGNED)
            c.add(coach, "sessions")
            c.add(coach, f"sessions:{mode}")

    c.zero("overdue_reviews")
    c.zero("overdue_actions")
    for entry in caseload:
        coach = (entry.coach or "").strip() or UNASSIGNED
        if not is_supported(entry.status):
            continue  # support has ended: nothing of theirs is overdue
        if entry.review_overdue:
            c.add(coach, "overdue_reviews")
        if entry.overdue_actions:
            c.add(coach, "overdue_actions", entry.overdue_actions)

    c.zero("open_safety_tasks")
    for entry in caseload:
        if entry.open_safety_tasks:
            c.add((entry.coach or "").strip() or UNASSIGNED, "open_safety_tasks", entry.open_safety_tasks)

    c.zero("assessments_completed")
    instruments = sorted({a[1] for a in data.assessments})
    for instrument in instruments:
        c.zero(f"assessments_completed:{instrument}")
    scores: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for cid, instrument, timepoint, day, total, aid in data.assessments:
        coach = coach_of.get(cid, UNASSIGNED)
        if inside(day):
            c.add(coach, "assessments_completed")
            c.add(coach, f"assessments_completed:{instrument}")
        if instrument in OUTCOME_MEASURES and total is not None and day and day <= end:
            scores[(cid, instrument)].append((day, aid, timepoint, float(total)))
    for measure in OUTCOME_MEASURES:
        c.zero(f"outcome_clients:{measure}")
        c.blank(f"mean_change:{measure}")
        c.blank(f"percent_improved:{measure}")
    for (cid, measure), points in scores.items():
        points.sort()
        last = points[-1]
        base = next((p for p in points if p[2] == "baseline"), None)
        if base is None or base is last or not inside(last[0]):
            continue
        change = last[3] - base[3]
        improved = change < 0 if OUTCOME_MEASURES[measure] else change > 0
        coach = coach_of.get(cid, UNASSIGNED)
        c.add(coach, f"outcome_clients:{measure}")
        c.collect(coach, f"change:{measure}", (change, improved))
    for scope in scopes:
        for measure in OUTCOME_MEASURES:
            changes = c.lists[scope].get(f"change:{measure}")
            if changes:
                c.values[scope][f"mean_change:{measure}"] = round(
                    sum(ch for ch, _ in changes) / len(changes), 2)
                c.values[scope][f"percent_improved:{measure}"] = round(
                    100 * sum(1 for _, better in changes if better) / len(changes), 1)

    c.zero("consent_withdrawals")
    for scope_code in CONSENT_SCOPES:
        c.zero(f"consent_withdrawals:{scope_code}")
    for cid, day, consent_scope in data.withdrawals:
        if inside(day):
            coach = coach_of.get(cid, UNASSIGNED)
            c.add(coach, "consent_withdrawals")
            c.add(coach, f"consent_withdrawals:{consent_scope}")
    return c.values


def build_summary(store, week: str, coach: str | None = None, today: date | None = None) -> Summary:
    """Every figure for ``week`` ('2026-W47') and the rolling 4 and 13 weeks to it, per
    coach and for the service (or for one coach only). Unsuppressed: see suppression."""
    from ..store.caseload import caseload

    periods = periods_for(week)
    data = _load(store)
    coaches = sorted(set(data.coach.values()) - {UNASSIGNED}, key=str.casefold)
    if UNASSIGNED in data.coach.values():
        coaches.append(UNASSIGNED)
    if coach is not None:
        scopes = [coach]
    else:
        scopes = [*coaches, SERVICE]
    as_of = min(periods[0].end + timedelta(days=1), (today or date.today()) + timedelta(days=1))
    entries = caseload(store, today=as_of)
    summary = Summary(week=periods[0].name, periods=periods, scopes=scopes)
    for period in periods:
        by_scope = _period_figures(data, period, scopes, entries)
        for scope in scopes:
            summary.figures[(period.name, scope)] = by_scope[scope]
    return summary
