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
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ..domain.caseload import client_status
from ..domain.episodes import is_supported
from ..domain.records import Discharge, Referral
from .coverage import UNASSIGNED, Coverage
from .definitions import FOLLOW_UP_MONTHS, OUTCOME_MEASURES, OUTCOME_NAMES, measure_order

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
    name: str  # '2026-W47' or '2026-W44/2026-W47'
    label: str  # 'Week 2026-W47', 'Last 4 weeks'
    start: date
    end: date  # the last Sunday, inclusive
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

        return self.coverage.warnings(
            [s for s in self.scopes if s != SERVICE], period_end_utc(self.week_period.end)
        )

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
        periods.append(
            Period(f"{week_name(start)}/{week_name(monday)}", f"Last {weeks} weeks", start, end, weeks)
        )
    return periods


def week_period(monday: date) -> Period:
    return Period(week_name(monday), f"Week {week_name(monday)}", monday, monday + timedelta(days=6), 1)


@dataclass
class _Data:
    coach: dict[str, str]  # client id -> coach key
    clients: dict[str, tuple]  # client id -> (date_of_birth, work_status, main_health_barrier)
    referrals: dict[str, list[Referral]]  # by client
    discharges: dict[str, list[Discharge]]  # by client, standing versions only (not corrected, not undone)
    journey: dict[str, tuple]  # client id -> (every discharge version, undos, participation
    #                                        decisions): what the status needs besides referrals
    sessions: list[tuple]  # (client_id, held_on, mode), in held_on order
    assessments: list[tuple]  # (client_id, instrument_id, timepoint, completed_on, total, id, answers)
    withdrawals: list[tuple]  # (client_id, london date, scope)
    follow_ups: list[tuple]  # (client_id, suffix, contacted_on, contact_result, work_status, work_outcome,
    #                          recorded_at, id): current versions
    # status_at[(client id, n)]: the status from the client's first n journey dates (see _status)
    status_at: dict = field(default_factory=dict)
    event_days: dict[str, list[str]] = field(default_factory=dict)
    session_days: list[str] = field(default_factory=list)  # each session's held_on, in order


def _current(rows: list[tuple], id_at: int, supersedes_at: int, moved_at: int | None = None) -> list[tuple]:
    """Drop rows another row supersedes, and copies left behind by a move to another client
    (the rule of domain.caseload.current: a moved session counts once, where it went)."""
    replaced = {r[supersedes_at] for r in rows if r[supersedes_at]}
    return [r for r in rows if r[id_at] not in replaced and (moved_at is None or r[moved_at] != "out")]


def _item_index(instrument_id: str) -> dict[str, int]:
    from ..instruments import get_instrument

    try:
        return {item.id: n for n, item in enumerate(get_instrument(instrument_id).items)}
    except ValueError:
        return {}


def _grouped(store, cls, sql: str) -> dict[str, list]:
    from ..store.rows import from_row

    out: dict[str, list] = defaultdict(list)
    for row in store.rows(sql):
        out[row["client_id"]].append(from_row(cls, row))
    return out


def _load(store, coverage: Coverage) -> _Data:
    from ..domain.journey_records import DischargeUndo
    from ..domain.records import ConsentEvent

    conn = store.connection
    coach, clients = {}, {}
    # The same person entered twice and merged is one client, as on the caseload list
    # (store.caseload): the kept client alone is counted, its status from its own journey;
    # what was done under the duplicate (sessions, assessments, withdrawals, follow-ups)
    # still happened, so it counts under the kept client.
    from ..store import merges

    shown_as = merges.shown_as(conn)
    for cid, name, dob, work, barrier in conn.execute(
        "SELECT id, coach, date_of_birth, work_status, main_health_barrier FROM client"
    ):
        if cid in shown_as:
            continue
        coach[cid] = coverage.coach_key(name)
        clients[cid] = (dob, work, barrier)

    def kept(rows: list) -> list:
        return [(shown_as.get(r[0], r[0]), *r[1:]) for r in rows]

    def own(grouped: dict[str, list]) -> dict[str, list]:
        return {cid: records for cid, records in grouped.items() if cid not in shown_as}

    referrals = own(_grouped(store, Referral, "SELECT * FROM referral"))
    every_discharge = own(_grouped(store, Discharge, "SELECT * FROM discharge"))
    undos = own(_grouped(store, DischargeUndo, "SELECT * FROM discharge_undo"))
    participation = own(
        _grouped(store, ConsentEvent, "SELECT * FROM consent_event WHERE scope = 'participation'")
    )
    discharges, journey = {}, {}
    for cid in every_discharge.keys() | undos.keys() | participation.keys():
        versions = every_discharge.get(cid, [])
        journey[cid] = (versions, undos.get(cid, []), participation.get(cid, []))
        if versions:
            discharges[cid] = _standing(versions, undos.get(cid, []))
    sessions = [
        r[:3]
        for r in _current(
            kept(
                conn.execute(
                    "SELECT client_id, held_on, mode, id, supersedes, moved FROM contact_session"
                ).fetchall()
            ),
            3,
            4,
            5,
        )
    ]
    assessments = [
        r[:6] + (r[7],)
        for r in _current(
            kept(
                conn.execute(
                    "SELECT client_id, instrument_id, timepoint, completed_on, total, id, supersedes, answers"
                    " FROM assessment"
                ).fetchall()
            ),
            5,
            6,
        )
    ]
    # A corrected consent entry counts only as corrected; one moved away, where it went.
    withdrawals = [
        (cid, london_date(at), scope)
        for cid, at, scope, action, *_ in _current(
            kept(
                conn.execute(
                    "SELECT client_id, recorded_at, scope, action, id, supersedes, moved FROM consent_event"
                ).fetchall()
            ),
            4,
            5,
            6,
        )
        if action == "withdrawn"
    ]
    follow_ups = [
        (cid, timepoint.removeprefix("follow_up_"), *rest)
        for cid, timepoint, *rest in _current(
            kept(
                conn.execute(
                    "SELECT client_id, timepoint, contacted_on, contact_result, work_status, work_outcome,"
                    " recorded_at, id, supersedes FROM follow_up_outcome"
                ).fetchall()
            ),
            7,
            8,
        )
    ]
    sessions.sort(key=lambda r: r[1])
    return _Data(
        coach,
        clients,
        referrals,
        discharges,
        journey,
        sessions,
        assessments,
        withdrawals,
        [f[:8] for f in follow_ups],
        session_days=[r[1] for r in sessions],
    )


def _standing(versions: list[Discharge], undos) -> list[Discharge]:
    """The discharges that stand: not corrected by a later version, not undone (an undone
    discharge was recorded in error or support resumed: domain.episodes)."""
    replaced = {d.supersedes for d in versions if d.supersedes}
    by_id = {d.id: d for d in versions}

    def chain(first: Discharge) -> set[str]:
        ids: set[str] = set()
        d: Discharge | None = first
        while d is not None and d.id not in ids:
            ids.add(d.id)
            d = by_id.get(d.supersedes)
        return ids

    undone = {u.discharge_id for u in undos}
    return [d for d in versions if d.id not in replaced and not (chain(d) & undone)]


def _status(data: _Data, cid: str, end: str) -> str:
    """The caseload list's status (domain.caseload.client_status) at the end of ``end``.

    It depends only on which of the client's dated records are dated by then, so it is
    worked out once for each count of the client's dates on or before ``end``: exactly
    the same answer, without working out the journey again for every week of the trend."""
    days = data.event_days.get(cid)
    if days is None:
        days = data.event_days[cid] = _journey_days(data, cid)
    key = (cid, bisect_right(days, end))
    if key not in data.status_at:
        discharges, undos, consents = data.journey.get(cid, ((), (), ()))
        data.status_at[key] = client_status(
            data.referrals.get(cid, []), discharges, undos, consents, as_of=end
        )
    return data.status_at[key]


def _journey_days(data: _Data, cid: str) -> list[str]:
    """Every date domain.caseload._dated_by compares with the day asked about."""
    discharges, undos, consents = data.journey.get(cid, ((), (), ()))
    days = [
        day for r in data.referrals.get(cid, []) for day in (r.received_on, r.triaged_on, r.first_contact_on)
    ]
    days += [d.discharged_on for d in discharges]
    days += [u.recorded_at for u in undos] + [c.recorded_at for c in consents]
    return sorted(day[:10] for day in days if day)


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
_INITIAL_WORK_STATUS = {
    1: "in_work",
    2: "off_sick",
    3: "in_work",
    4: "out_of_work",
    5: "out_of_work",
    6: "other",
}
_RECORD_WORK_STATUS = {
    "in_work": "in_work",
    "self_employed": "in_work",
    "in_work_off_sick": "off_sick",
    "out_of_work": "out_of_work",
}


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
                if (
                    isinstance(answer, int)
                    and not isinstance(answer, bool)
                    and f"ons4_{item}" in OUTCOME_MEASURES
                ):
                    out.append((cid, f"ons4_{item}", day, aid, timepoint, float(answer)))
    return out


class _Counter:
    """Figures for every scope at once: each event adds to its coach and the service."""

    def __init__(self, scopes: list[str]):
        self.values: dict[str, dict[str, Value]] = {s: {} for s in scopes}
        self.lists: dict[str, dict[str, list]] = {s: defaultdict(list) for s in scopes}
        self._counts: dict[tuple[str, str], int] = defaultdict(int)

    def start(self) -> None:
        """Every measure, in definitions order: counts 0, the others blank until worked out."""
        from .definitions import figure_of

        for measure in measure_order():
            figure = figure_of(measure)
            counted = figure is not None and figure.kind in ("count", "stock")
            for figures in self.values.values():
                figures[measure] = 0 if counted else None

    def add(self, coach: str, measure: str, amount: int = 1) -> None:
        # Counted per coach first and added into the scopes once, by totals(): one dict
        # update per event (the service's figures are every coach's added up).
        self._counts[(coach, measure)] += amount

    def totals(self) -> dict[str, dict[str, Value]]:
        """The figures, every count added into its coach's scope and the service's."""
        for (coach, measure), amount in self._counts.items():
            for scope in (coach, SERVICE):
                if scope in self.values:
                    so_far = self.values[scope].get(measure) or 0
                    if isinstance(so_far, str):  # counts are numbers; only published figures say "*"
                        raise TypeError(f"{measure} is a count, not {so_far!r}")
                    self.values[scope][measure] = so_far + amount
        self._counts.clear()
        return self.values

    def collect(self, coach: str, key: str, item) -> None:
        for scope in (coach, SERVICE):
            if scope in self.lists:
                self.lists[scope][key].append(item)


@dataclass(frozen=True)
class _Window:
    """One period as ISO dates, for bucketing records' dates."""

    start: str
    end: str

    def __contains__(self, day: str) -> bool:
        return bool(day) and self.start <= day <= self.end


def _period_figures(data: _Data, period: Period, scopes: list[str], caseload, derived) -> dict[str, dict]:
    """Every measure for one period, per scope: each step counts one kind of record."""
    window = _Window(period.start.isoformat(), period.end.isoformat())
    c = _Counter(scopes)
    c.start()
    work_at_start, scores = derived
    _count_referrals(c, data, window)
    _count_starts(c, data, window, work_at_start)
    _count_discharges(c, data, window)
    _count_sessions(c, data, window)
    _count_plans_and_safety(c, data, caseload)
    _count_assessments(c, data, window)
    _count_outcome_change(c, data, window, scores)
    _count_follow_ups(c, data, window)
    _count_withdrawals(c, data, window)
    return c.totals()


def _coach(data: _Data, cid: str) -> str:
    return data.coach.get(cid, UNASSIGNED)


def _count_referrals(c: _Counter, data: _Data, window: _Window) -> None:
    """Referrals, triage, first contacts and their waits, and each client's status at the end."""
    for cid, client_referrals in data.referrals.items():
        coach = _coach(data, cid)
        for ref in client_referrals:
            if ref.received_on in window:
                c.add(coach, "referrals_received")
                c.add(coach, f"referrals_received:{ref.route}")
            if ref.triaged_on in window and ref.triage_outcome == "accepted":
                c.add(coach, "triage_accepted")
            if ref.triaged_on in window and ref.triage_outcome == "declined":
                c.add(coach, "triage_declined")
                c.add(coach, f"triage_declined:{ref.decline_reason}")
            if ref.first_contact_on in window:
                c.add(coach, "first_contacts")
                c.collect(coach, "waits", _days(ref.received_on, ref.first_contact_on))
        # Status at the end of the period: the caseload list's one definition.
        status = _status(data, cid, window.end)
        if status == "active":
            c.add(coach, "active_caseload")
        elif status in ("awaiting_triage", "awaiting_first_contact"):
            latest = max(
                (r for r in client_referrals if r.received_on and r.received_on <= window.end),
                key=lambda r: (r.received_on, r.id),
            )
            # A referral keeps only its latest triage decision: one decided after the period
            # but contacted within it was not waiting for a first contact.
            if not (latest.first_contact_on and latest.first_contact_on <= window.end):
                c.add(coach, "waiting_for_first_contact")
                c.collect(coach, "waiting", _days(latest.received_on, window.end))
    for scope in c.values:
        waits, waiting = c.lists[scope]["waits"], c.lists[scope]["waiting"]
        c.values[scope]["median_days_to_first_contact"] = _median(waits)
        c.values[scope]["p90_days_to_first_contact"] = p90(waits)
        c.values[scope]["longest_wait_days"] = max(waiting) if waiting else None


def _count_starts(c: _Counter, data: _Data, window: _Window, work_at_start: dict[str, str]) -> None:
    """Clients first contacted in the period, once each, by work status, age and barrier."""
    for cid, client_referrals in data.referrals.items():
        days = [r.first_contact_on for r in client_referrals if r.first_contact_on in window]
        if not days:
            continue
        coach = _coach(data, cid)
        dob, _work, barrier = data.clients.get(cid, ("", "", ""))
        c.add(coach, "starts")
        c.add(coach, f"starts_work_status:{work_at_start.get(cid, 'not_recorded')}")
        c.add(coach, f"starts_age:{age_band(dob, min(days))}")
        c.add(coach, f"starts_health_barrier:{barrier or 'not_recorded'}")


def _count_discharges(c: _Counter, data: _Data, window: _Window) -> None:
    for cid, items in data.discharges.items():
        coach = _coach(data, cid)
        for discharge in items:
            if discharge.discharged_on in window:
                c.add(coach, "discharges")
                c.add(coach, f"discharges:{discharge.reason}")
                c.add(coach, f"work_outcome_at_discharge:{discharge.work_outcome or 'unknown'}")


def _count_sessions(c: _Counter, data: _Data, window: _Window) -> None:
    # Sessions are the most numerous records: held in date order, a period is a slice.
    days = data.session_days
    for cid, _day, mode in data.sessions[bisect_left(days, window.start) : bisect_right(days, window.end)]:
        coach = _coach(data, cid)
        c.add(coach, "sessions")
        c.add(coach, f"sessions:{mode}")


def _count_plans_and_safety(c: _Counter, data: _Data, caseload) -> None:
    """Overdue reviews and actions (while support lasts) and open safety tasks, from the
    caseload list as it stood the day after the period."""
    for entry in caseload:
        coach = _coach(data, entry.client_id)
        if entry.open_safety_tasks:
            c.add(coach, "open_safety_tasks", entry.open_safety_tasks)
        if not is_supported(entry.status):
            continue  # support has ended: nothing of theirs is overdue
        if entry.review_overdue:
            c.add(coach, "overdue_reviews")
        if entry.overdue_actions:
            c.add(coach, "overdue_actions", entry.overdue_actions)


def _count_assessments(c: _Counter, data: _Data, window: _Window) -> None:
    for cid, instrument, _tp, day, _total, _aid, _answers_text in data.assessments:
        if day in window:
            coach = _coach(data, cid)
            c.add(coach, "assessments_completed")
            c.add(coach, f"assessments_completed:{instrument}")


def _count_outcome_change(c: _Counter, data: _Data, window: _Window, scores) -> None:
    """For each outcome measure: clients whose latest score is in the period and who have an
    earlier baseline; how many improved, the mean change and the percentage improved."""
    by_client: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for cid, measure, day, aid, timepoint, score in scores:
        if day and day <= window.end:
            by_client[(cid, measure)].append((day, aid, timepoint, score))
    for (cid, measure), points in by_client.items():
        points.sort()
        last = points[-1]
        base = next((p for p in points if p[2] == "baseline"), None)
        if base is None or base is last or last[0] not in window:
            continue
        change = last[3] - base[3]
        improved = change < 0 if OUTCOME_MEASURES[measure] else change > 0
        coach = _coach(data, cid)
        c.add(coach, f"outcome_clients:{measure}")
        if improved:
            c.add(coach, f"improved:{measure}")
        c.collect(coach, f"change:{measure}", (change, improved))
    for scope in c.values:
        for measure in OUTCOME_MEASURES:
            changes = c.lists[scope].get(f"change:{measure}")
            if changes:
                mean = sum(d for d, _ in changes) / len(changes)
                c.values[scope][f"mean_change:{measure}"] = round(mean, 2)
                c.values[scope][f"percent_improved:{measure}"] = round(
                    100 * sum(1 for _, better in changes if better) / len(changes), 1
                )


def _count_follow_ups(c: _Counter, data: _Data, window: _Window) -> None:
    """The 3- and 6-month follow-ups contacted in the period: each client once per follow-up
    (the latest recorded outcome, should two laptops have recorded one each)."""
    latest: dict[tuple[str, str], tuple] = {}
    for follow in data.follow_ups:
        cid, suffix, contacted_on, _result, _status_now, _outcome, recorded_at, fid = follow
        if suffix not in FOLLOW_UP_MONTHS or contacted_on not in window:
            continue
        known = latest.get((cid, suffix))
        if known is None or (recorded_at, fid) > (known[6], known[7]):
            latest[(cid, suffix)] = follow
    for cid, suffix, _on, result, status_now, outcome, _at, _id in latest.values():
        coach = _coach(data, cid)
        c.add(coach, f"follow_ups_{suffix}")
        c.add(coach, f"follow_ups_{suffix}:{result}")
        if result == "reached":
            c.add(coach, f"follow_up_work_status_{suffix}:{status_now}")
            c.add(coach, f"follow_up_work_outcome_{suffix}:{outcome}")


def _count_withdrawals(c: _Counter, data: _Data, window: _Window) -> None:
    for cid, day, consent_scope in data.withdrawals:
        if day in window:
            coach = _coach(data, cid)
            c.add(coach, "consent_withdrawals")
            c.add(coach, f"consent_withdrawals:{consent_scope}")


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


def build_summary(
    store, week: str, coach: str | None = None, today: date | None = None, coverage: Coverage | None = None
) -> Summary:
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
    summary = Summary(
        week=periods[0].name,
        periods=periods,
        scopes=scopes,
        service_name=_service_name(),
        coverage=coverage,
        made_at=datetime.now(UTC),
    )
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
