"""The team lead's weekly caseload summary: works out every figure. No Qt.

What each figure means is defined once, in ``reports.definitions`` (the exports'
definitions sheet and page are generated from it); this module computes exactly
those measures.

Periods
-------
A summary is for one ISO week, Monday to Sunday in Europe/London, named like
``2026-W47``, plus the rolling last 4 and last 13 weeks ending with that week
(named ``2026-W44/2026-W47`` and ``2026-W35/2026-W47``), and a trend of referrals,
starts and active caseload for each of the 13 weeks to it. Dates in the records
(``received_on``, ``held_on`` ...) are already local dates and are bucketed as they
are. Date-times (consent ``recorded_at``) are UTC and are converted to Europe/London
first, so 23:30 on a Sunday (GMT or BST, either side of the clock change) counts in
that Sunday's week and 00:30 BST on a Monday (23:30 UTC on Sunday) in the next.
"At the end of the period" means at the end of its last Sunday.

Scopes
------
Each figure is given per coach and for the whole ``service``. A coach is a server
account (username, shown by display name: ``reports.coverage``): the client's
*current* ``Client.coach``, older typed names matched to their account; clients with
no coach are under ``unassigned``. Every coach account of the team is listed, even
one with nothing here, so a coach whose laptop never synced is seen, not missed.
Corrected records count only in their latest version.
"""


from __future__ import annotations

import json
import math
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ..domain.caseload import client_status
from ..domain.episodes import is_supported
from ..domain.records import Discharge, Referral
from .coverage import UNASSIGNED, Coverage
from .definitions import OUTCOME_MEASURES, OUTCOME_NAMES, measure_order

SERVICE = "service"
ROLLING_WEEKS = (4, 13)
TREND_WEEKS = 13
TREND_MEASURES = ("referrals_received", "starts", "active_caseload")
__all__ = ["OUTCOME_MEASURES", "OUTCOME_NAMES", "SERVICE", "UNASSIGNED"]

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


def london_offset(moment: datetime) -> timedelta:
    """Europe/London's offset from UTC at a UTC instant."""
    if _LONDON is not None:
        return moment.astimezone(_LONDON).utcoffset() or timedelta(0)
    return _uk_rule(moment)


def london_offset_at(local: datetime) -> timedelta:
    """Europe/London's offset at a local (naive) time: midnight is never in a gap."""
    if _LONDON is not None:
        return local.replace(tzinfo=_LONDON).utcoffset() or timedelta(0)
    return _uk_rule(local.replace(tzinfo=UTC) - timedelta(hours=1))


def _uk_rule(moment: datetime) -> timedelta:
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
    return (moment + _uk_rule(moment)).date().isoformat()



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
    """The team's figures for a week, the rolling 4 and 13 weeks and a 13-week trend,
    per coach and for the service, with how current each coach's data is. This is the
    *team* view: every number, staff named. ``publication`` makes the commissioners' one."""

    week: str
    periods: list[Period]
    scopes: list[str]  # coaches (usernames) by name, then unassigned, then service
    service_name: str = "WorkWell service"
    # figures[(period name, scope)] = {measure: value}, in definitions order
    figures: dict[tuple[str, str], dict[str, Value]] = field(default_factory=dict)
    # trend[scope] = [(week name, {measure: value})] for the 13 weeks to this one
    trend: dict[str, list[tuple[str, dict[str, Value]]]] = field(default_factory=dict)
    coverage: Coverage | None = None
    made_at: datetime | None = None

    def value(self, period: str, scope: str, measure: str) -> Value:
        return self.figures.get((period, scope), {}).get(measure)

    def scope_name(self, scope: str) -> str:
        if scope == SERVICE:
            return "Whole service"
        return self.coverage.name(scope) if self.coverage else scope

    @staticmethod
    def trend_measures() -> tuple[str, ...]:
        return TREND_MEASURES

    @property
    def week_period(self) -> Period:
        return self.periods[0]

    def warnings(self) -> list[str]:
        """Coverage warnings for the week (see reports.coverage)."""
        if self.coverage is None:
            return []
        from .coverage import period_end_utc

        return self.coverage.warnings([s for s in self.scopes if s != SERVICE],
                                      period_end_utc(self.week_period.end))

    def as_of_rows(self) -> list[tuple[str, str, str]]:
        """(scope, data as of in UTC ISO or 'not known', changes waiting) per coach."""
        out = []
        for scope in self.scopes:
            if scope in (SERVICE, UNASSIGNED) or self.coverage is None:
                continue
            coach = self.coverage.coach(scope)
            as_of = coach.data_as_of
            shown = as_of.isoformat(timespec="minutes") if as_of else "not known"
            out.append((scope, shown, str(coach.waiting)))
        return out

    def rows(self) -> list[tuple[str, str, str, Value]]:
        """Tidy rows (period, scope, measure, value): who and what first, then the figures,
        then each coach's "data as of" and the trend."""
        first = self.periods[0].name
        out: list[tuple[str, str, str, Value]] = [
            (first, SERVICE, "service_name", self.service_name),
            (first, SERVICE, "audience", "team: every number, staff named; not for publication"),
        ]
        for scope, as_of, waiting in self.as_of_rows():
            out.append((first, scope, "data_as_of", as_of))
            out.append((first, scope, "changes_waiting_at_last_sync", int(waiting)))
        for warning in self.warnings():
            out.append((first, SERVICE, "coverage_warning", warning))
        for period in self.periods:
            for scope in self.scopes:
                for measure, value in self.figures.get((period.name, scope), {}).items():
                    out.append((period.name, scope, measure, value))
        for scope in self.scopes:
            for week, values in self.trend.get(scope, []):
                for measure, value in values.items():
                    out.append((week, scope, f"trend:{measure}", value))
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


def week_period(monday: date) -> Period:
    return Period(week_name(monday), f"Week {week_name(monday)}", monday, monday + timedelta(days=6), 1)


@dataclass
class _Data:
    # status_at[end] = {client id: status at the end of that day}: the week and the rolling
    # periods share their last day, and the trend's last week too, so each is worked out once.
    status_at: dict
    coach: dict[str, str]                  # client id -> coach key
    clients: dict[str, tuple]              # client id -> (date_of_birth, work_status, main_health_barrier)
    referrals: dict[str, list[Referral]]   # by client
    discharges: dict[str, list[Discharge]]  # by client, current versions only
    sessions: list[tuple]    # (client_id, held_on, mode)
    assessments: list[tuple]  # (client_id, instrument_id, timepoint, completed_on, total, id, answers)
    withdrawals: list[tuple]  # (client_id, london date, scope)


def _current(rows: list[tuple], id_at: int, supersedes_at: int) -> list[tuple]:
    """Drop rows another row supersedes."""
    replaced = {r[supersedes_at] for r in rows if r[supersedes_at]}
    return [r for r in rows if r[id_at] not in replaced]


def _item_index(instrument_id: str) -> dict[str, int]:
    from ..instruments import get_instrument

    try:
        return {item.id: n for n, item in enumerate(get_instrument(instrument_id).items)}
    except ValueError:
        return {}


def _load(store, coverage: Coverage) -> _Data:
    from ..store.rows import from_row

    conn = store.connection
    coach, clients = {}, {}
    for cid, name, dob, work, barrier in conn.execute(
            "SELECT id, coach, date_of_birth, work_status, main_health_barrier FROM client"):
        coach[cid] = coverage.coach_key(name)
        clients[cid] = (dob, work, barrier)
    referrals: dict[str, list[Referral]] = defaultdict(list)
    for row in store.rows("SELECT * FROM referral"):
        referrals[row["client_id"]].append(from_row(Referral, row))
    discharges: dict[str, list[Discharge]] = defaultdict(list)
    for row in store.rows("SELECT * FROM discharge"):
        discharges[row["client_id"]].append(from_row(Discharge, row))
    for cid, items in discharges.items():
        replaced = {d.supersedes for d in items if d.supersedes}
        discharges[cid] = [d for d in items if d.id not in replaced]
    sessions = [r[:3] for r in _current(conn.execute(
        "SELECT client_id, held_on, mode, id, supersedes FROM contact_session").fetchall(), 3, 4)]
    assessments = [r[:6] + (r[7],) for r in _current(conn.execute(
        "SELECT client_id, instrument_id, timepoint, completed_on, total, id, supersedes, answers"
        " FROM assessment").fetchall(), 5, 6)]
    withdrawals = [(cid, london_date(at), scope) for cid, at, scope in conn.execute(
        "SELECT client_id, recorded_at, scope FROM consent_event WHERE action = 'withdrawn'")]
    return _Data({}, coach, clients, referrals, dict(discharges), sessions, assessments, withdrawals)


def _status(data: _Data, cid: str, end: str) -> str:
    known = data.status_at.setdefault(end, {})
    if cid not in known:
        known[cid] = client_status(data.referrals[cid], data.discharges.get(cid, []), as_of=end)
    return known[cid]


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


def age_band(date_of_birth: str, on: str) -> str:
    """The AGE_BANDS code for someone's age on a day."""
    try:
        born, day = date.fromisoformat(date_of_birth), date.fromisoformat(on)
    except (TypeError, ValueError):
        return "not_recorded"
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    for limit, band in ((16, "under_16"), (25, "16_24"), (35, "25_34"), (50, "35_49"), (65, "50_64")):
        if age < limit:
            return band
    return "65_plus"


# The WorkWell initial assessment's work_status options -> DWP's grouping.
_INITIAL_WORK_STATUS = {1: "in_work", 2: "off_sick", 3: "in_work", 4: "out_of_work", 5: "out_of_work",
                        6: "other"}
_RECORD_WORK_STATUS = {"in_work": "in_work", "self_employed": "in_work", "in_work_off_sick": "off_sick",
                       "out_of_work": "out_of_work"}


def _answers(text) -> list:
    try:
        answers = json.loads(text) if isinstance(text, str) else []
    except ValueError:
        return []
    return answers if isinstance(answers, list) else []


def _work_status_at_start(data: _Data) -> dict[str, str]:
    """Each client's WORK_STATUS_AT_START code (see the definition)."""
    index = _item_index("workwell_initial").get("work_status")
    earliest: dict[str, tuple[str, str, str]] = {}
    for cid, instrument, _tp, day, _total, aid, answers in data.assessments:
        if instrument != "workwell_initial" or index is None:
            continue
        values = _answers(answers)
        answer = values[index] if index < len(values) else None
        code = _INITIAL_WORK_STATUS.get(answer) if isinstance(answer, int) else None
        if code and (cid not in earliest or (day, aid) < earliest[cid][:2]):
            earliest[cid] = (day, aid, code)
    out = {}
    for cid, (_dob, work, _barrier) in data.clients.items():
        out[cid] = earliest[cid][2] if cid in earliest else _RECORD_WORK_STATUS.get(work, "not_recorded")
    return out


def _scores(data: _Data) -> list[tuple[str, str, str, str, str, float]]:
    """(client, outcome measure, completed_on, id, timepoint, score) for every outcome score:
    instrument totals, and each ONS4 question's answer."""
    ons4 = _item_index("ons4")
    out = []
    for cid, instrument, timepoint, day, total, aid, answers in data.assessments:
        if instrument in OUTCOME_MEASURES and total is not None:
            out.append((cid, instrument, day, aid, timepoint, float(total)))
        elif instrument == "ons4":
            values = _answers(answers)
            for item, n in ons4.items():
                answer = values[n] if n < len(values) else None
                if isinstance(answer, int) and not isinstance(answer, bool) \
                        and f"ons4_{item}" in OUTCOME_MEASURES:
                    out.append((cid, f"ons4_{item}", day, aid, timepoint, float(answer)))
    return out


class _Counter:
    """Figures for every scope at once: each event adds to its coach and the service."""

    def __init__(self, scopes: list[str]):
        self.values: dict[str, dict[str, Value]] = {s: {} for s in scopes}
        self.lists: dict[str, dict[str, list]] = {s: defaultdict(list) for s in scopes}

    def start(self) -> None:
        """Every measure, in definitions order: counts 0, the others blank until worked out."""
        from .definitions import figure_of

        for measure in measure_order():
            figure = figure_of(measure)
            counted = figure is not None and figure.kind in ("count", "stock")
            for figures in self.values.values():
                figures[measure] = 0 if counted else None

    def count(self, scope: str, measure: str) -> int | float:
        """A counted figure so far (0 before the first); counts are numbers, never text."""
        so_far = self.values[scope].get(measure) or 0
        if isinstance(so_far, str):
            raise TypeError(f"{measure} is a count, not {so_far!r}")
        return so_far

    def add(self, coach: str, measure: str, amount: int = 1) -> None:
        for scope in (coach, SERVICE):
            if scope in self.values:
                self.values[scope][measure] = self.count(scope, measure) + amount

    def collect(self, coach: str, key: str, item) -> None:
        for scope in (coach, SERVICE):
            if scope in self.lists:
                self.lists[scope][key].append(item)


def _period_figures(data: _Data, period: Period, scopes: list[str], caseload, derived) -> dict[str, dict]:
    start, end = period.start.isoformat(), period.end.isoformat()
    c = _Counter(scopes)
    c.start()
    coach_of = data.coach
    work_at_start, scores = derived

    def inside(day: str) -> bool:
        return bool(day) and start <= day <= end

    started: dict[str, str] = {}  # client -> first contact day in the period
    for cid, client_referrals in data.referrals.items():
        coach = coach_of.get(cid, UNASSIGNED)
        for ref in client_referrals:
            if inside(ref.received_on):
                c.add(coach, "referrals_received")
                c.add(coach, f"referrals_received:{ref.route}")
            if inside(ref.triaged_on) and ref.triage_outcome == "accepted":
                c.add(coach, "triage_accepted")
            if inside(ref.triaged_on) and ref.triage_outcome == "declined":
                c.add(coach, "triage_declined")
                c.add(coach, f"triage_declined:{ref.decline_reason}")
            if inside(ref.first_contact_on):
                c.add(coach, "first_contacts")
                c.collect(coach, "waits", _days(ref.received_on, ref.first_contact_on))
                if cid not in started or ref.first_contact_on < started[cid]:
                    started[cid] = ref.first_contact_on
        # Status at the end of the period: the caseload list's one definition.
        status = _status(data, cid, end)
        if status == "active":
            c.add(coach, "active_caseload")
        elif status in ("awaiting_triage", "awaiting_first_contact"):
            latest = max((r for r in client_referrals if r.received_on and r.received_on <= end),
                         key=lambda r: (r.received_on, r.id))
            # A referral keeps only its latest triage decision: one decided after the period
            # but contacted within it was not waiting for a first contact.
            if not (latest.first_contact_on and latest.first_contact_on <= end):
                c.add(coach, "waiting_for_first_contact")
                c.collect(coach, "waiting", _days(latest.received_on, end))
    for cid, first_day in started.items():
        coach = coach_of.get(cid, UNASSIGNED)
        dob, _work, barrier = data.clients.get(cid, ("", "", ""))
        c.add(coach, "starts")
        c.add(coach, f"starts_work_status:{work_at_start.get(cid, 'not_recorded')}")
        c.add(coach, f"starts_age:{age_band(dob, first_day)}")
        c.add(coach, f"starts_health_barrier:{barrier or 'not_recorded'}")
    for scope in scopes:
        waits = c.lists[scope]["waits"]
        c.values[scope]["median_days_to_first_contact"] = _median(waits)
        c.values[scope]["p90_days_to_first_contact"] = p90(waits)
        waiting = c.lists[scope]["waiting"]
        c.values[scope]["longest_wait_days"] = max(waiting) if waiting else None

    for cid, items in data.discharges.items():
        coach = coach_of.get(cid, UNASSIGNED)
        for discharge in items:
            if inside(discharge.discharged_on):
                c.add(coach, "discharges")
                c.add(coach, f"discharges:{discharge.reason}")
                c.add(coach, f"work_outcome_at_discharge:{discharge.work_outcome or 'unknown'}")

    for cid, day, mode in data.sessions:
        if inside(day):
            coach = coach_of.get(cid, UNASSIGNED)
            c.add(coach, "sessions")
            c.add(coach, f"sessions:{mode}")

    for entry in caseload:
        coach = coach_of.get(entry.client_id, UNASSIGNED)
        if not is_supported(entry.status):
            continue  # support has ended: nothing of theirs is overdue
        if entry.review_overdue:
            c.add(coach, "overdue_reviews")
        if entry.overdue_actions:
            c.add(coach, "overdue_actions", entry.overdue_actions)

    for entry in caseload:
        if entry.open_safety_tasks:
            c.add(coach_of.get(entry.client_id, UNASSIGNED), "open_safety_tasks", entry.open_safety_tasks)

    for cid, instrument, _tp, day, _total, _aid, _answers_text in data.assessments:
        if inside(day):
            coach = coach_of.get(cid, UNASSIGNED)
            c.add(coach, "assessments_completed")
            c.add(coach, f"assessments_completed:{instrument}")
    by_client: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for cid, measure, day, aid, timepoint, score in scores:
        if day and day <= end:
            by_client[(cid, measure)].append((day, aid, timepoint, score))
    for (cid, measure), points in by_client.items():
        points.sort()
        last = points[-1]
        base = next((p for p in points if p[2] == "baseline"), None)
        if base is None or base is last or not inside(last[0]):
            continue
        change = last[3] - base[3]
        improved = change < 0 if OUTCOME_MEASURES[measure] else change > 0
        coach = coach_of.get(cid, UNASSIGNED)
        c.add(coach, f"outcome_clients:{measure}")
        if improved:
            c.add(coach, f"improved:{measure}")
        c.collect(coach, f"change:{measure}", change)
    for scope in scopes:
        for measure in OUTCOME_MEASURES:
            changes = c.lists[scope].get(f"change:{measure}")
            if changes:
                c.values[scope][f"mean_change:{measure}"] = round(sum(changes) / len(changes), 2)
                c.values[scope][f"percent_improved:{measure}"] = round(
                    100 * c.count(scope, f"improved:{measure}") / len(changes), 1)

    for cid, day, consent_scope in data.withdrawals:
        if inside(day):
            coach = coach_of.get(cid, UNASSIGNED)
            c.add(coach, "consent_withdrawals")
            c.add(coach, f"consent_withdrawals:{consent_scope}")
    return c.values


def _trend_figures(data: _Data, period: Period, scopes: list[str]) -> dict[str, dict]:
    """Only the trend's measures for one week, by the same definitions as above (a
    cheaper pass: the trend is 13 weeks)."""
    start, end = period.start.isoformat(), period.end.isoformat()
    values = {scope: dict.fromkeys(TREND_MEASURES, 0) for scope in scopes}

    def add(coach: str, measure: str) -> None:
        for scope in (coach, SERVICE):
            if scope in values:
                values[scope][measure] += 1

    for cid, client_referrals in data.referrals.items():
        coach = data.coach.get(cid, UNASSIGNED)
        started = False
        for ref in client_referrals:
            if start <= ref.received_on <= end:
                add(coach, "referrals_received")
            if ref.first_contact_on and start <= ref.first_contact_on <= end:
                started = True
        if started:
            add(coach, "starts")
        if _status(data, cid, end) == "active":
            add(coach, "active_caseload")
    return values


def _service_name() -> str:
    try:
        from ..documents.catalogue import load_service

        return load_service().service_name
    except Exception:  # a broken service.json must not stop the summary
        return "WorkWell service"


def build_summary(store, week: str, coach: str | None = None, today: date | None = None,
                  coverage: Coverage | None = None) -> Summary:
    """Every figure for ``week`` ('2026-W47') and the rolling 4 and 13 weeks to it, per
    coach and for the service (or for one coach only), with the 13-week trend and each
    coach's coverage. The team view: nothing is hidden (see ``publication``)."""
    from ..store.caseload import caseload
    from .coverage import load

    coverage = coverage if coverage is not None else load(store)
    periods = periods_for(week)
    data = _load(store, coverage)
    keys = set(data.coach.values()) | set(coverage.roster())
    coaches = sorted(keys - {UNASSIGNED}, key=lambda k: (coverage.name(k).casefold(), k))
    if UNASSIGNED in keys:
        coaches.append(UNASSIGNED)
    scopes = [coverage.coach_key(coach)] if coach is not None else [*coaches, SERVICE]
    today = today or date.today()
    as_of = min(periods[0].end + timedelta(days=1), today + timedelta(days=1))
    entries = caseload(store, today=as_of)
    derived = (_work_status_at_start(data), _scores(data))
    summary = Summary(week=periods[0].name, periods=periods, scopes=scopes, service_name=_service_name(),
                      coverage=coverage, made_at=datetime.now(UTC))
    for period in periods:
        by_scope = _period_figures(data, period, scopes, entries, derived)
        for scope in scopes:
            summary.figures[(period.name, scope)] = by_scope[scope]
    monday = periods[0].start
    for back in range(TREND_WEEKS - 1, -1, -1):
        one = week_period(monday - timedelta(weeks=back))
        by_scope = _trend_figures(data, one, scopes)
        for scope in scopes:
            summary.trend.setdefault(scope, []).append((one.name, by_scope[scope]))
    return summary
