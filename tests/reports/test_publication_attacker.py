"""The commissioners' publication against an attacker (tests/reports/attacker.py): bounds,
subtraction across rows and periods, differencing successive weeks. It must find the
attacks of issue #16 in the files the old method made, and nothing in ours."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from attacker import findings
from summary_team import add_client, session

from workwell_desktop.reports.definitions import OUTCOME_NAMES, figures, is_count, measure_order
from workwell_desktop.reports.export import render
from workwell_desktop.reports.figures import SERVICE, Summary, build_summary, periods_for
from workwell_desktop.reports.publication import HIDDEN, SMALL, publication

HEADER = "period,scope,measure,value\n"


def csv_file(period: str, cells: dict[str, object]) -> bytes:
    return (HEADER + "".join(f"{period},service,{m},{v}\n" for m, v in cells.items())).encode()


# ----- the attacker finds what the issue found ------------------------------------------


def test_it_pins_a_small_number_from_bounds():
    # Issue #16: "total 7, self 5, so gp and employer are both 1".
    old = csv_file(
        "2026-W47",
        {
            "referrals_received": 7,
            "referrals_received:self": 5,
            "referrals_received:gp": "<5",
            "referrals_received:employer": "<5",
        },
    )
    found = findings([old], method="old")
    assert any("referrals_received:gp: can only be [1]" in f for f in found)
    assert any("referrals_received:employer: can only be [1]" in f for f in found)


def test_it_pins_a_star_that_rounding_alone_leaves_open():
    # Rounding to 5 without an audit: 17 -> 15, parts 8 -> 10 and 8 -> 10, the third part is 1.
    rounded = csv_file(
        "2026-W47",
        {
            "referrals_received": 15,
            "referrals_received:gp": 10,
            "referrals_received:self": 10,
            "referrals_received:employer": "*",
        },
    )
    assert any("employer: can only be [1]" in f for f in findings([rounded]))


def test_it_subtracts_overlapping_periods():
    # The old files carried the week and the rolling 4 weeks; successive weeks overlap.
    files = [csv_file("2026-W44/2026-W47", {"sessions": 13}), csv_file("2026-W45/2026-W48", {"sessions": 12})]
    assert any("overlap" in f for f in findings(files))


# ----- and nothing in ours ----------------------------------------------------------------


def busy_service(store, weeks: list[date], seed: int = 7) -> None:
    """A few dozen clients a week, so each file holds zeros, small numbers and rounded ones."""
    rng = random.Random(seed)
    routes = ["gp", "gp", "gp", "self", "self", "employer", "jobcentre", "vcse", "occupational_health"]
    for monday in weeks:
        for n in range(rng.randint(9, 26)):
            received = monday + timedelta(days=rng.randint(0, 6))
            first = received + timedelta(days=rng.randint(0, 9)) if rng.random() < 0.7 else None
            declined = rng.random() < 0.12
            cid = add_client(
                store,
                rng.choice(["Alex Coach", "Bea Lead"]),
                received.isoformat(),
                rng.choice(routes),
                "declined" if declined else "accepted",
                received.isoformat(),
                first.isoformat() if first and first <= date(2026, 11, 29) else "",
                reason="out_of_area" if declined else "",
            )
            if first and n % 2 and first <= date(2026, 11, 29):
                session(store, cid, first.isoformat(), rng.choice(["in_person", "phone", "video"]))


@pytest.fixture
def busy(team):
    weeks = [date(2026, 11, 2) + timedelta(weeks=n) for n in range(4)]
    busy_service(team, weeks)
    return team


def published_weeks(store, weeks: list[str]):
    files, truth = [], []
    for week in weeks:
        summary = build_summary(store, week, today=date(2026, 11, 30))
        files.append(render(publication(summary), "csv"))
        truth.append(summary.figures[(week, SERVICE)])
    return files, truth


def test_nothing_in_one_publication(busy):
    files, truth = published_weeks(busy, ["2026-W47"])
    assert findings(files, truth) == []
    text = files[0].decode()
    assert ",*\n" in text and any(f",{n}\n" in text for n in (10, 15, 20, 25, 30))  # both kinds present


def test_nothing_in_three_successive_weekly_publications(busy):
    files, truth = published_weeks(busy, ["2026-W45", "2026-W46", "2026-W47"])
    assert findings(files, truth) == []


def _random_week(rng: random.Random) -> dict[str, object]:
    """A consistent set of true figures: parts add up, starts split three ways, bounds hold."""
    values: dict[str, object] = dict.fromkeys(measure_order(), 0)
    # Half the weeks are "tight": a few parts just over the threshold beside a small one,
    # where rounding alone gives a small number away (a total rounded down, parts up).
    tight = rng.random() < 0.5
    choices = [1, 2, 8, 8, 9, 12, 13] if tight else [0, 0, 1, 2, 3, 5, 7, 8, 9, 12, 13, 17, 22, 40]

    def small_or_not() -> int:
        return rng.choice(choices)

    def split(total: int, parts: list[str]) -> None:
        for _ in range(total):
            values[rng.choice(parts)] += 1

    for figure in figures():
        if figure.parts and figure.has_total and figure.name != "starts":
            parts = figure.measures()[1:]
            for part in parts:
                values[part] = small_or_not() if rng.random() < (0.3 if tight else 0.5) else 0
            values[figure.name] = sum(values[p] for p in parts)
    starts = small_or_not()
    values["starts"], values["first_contacts"] = starts, starts + rng.choice([0, 0, 1, 3])
    # Breakdowns of another figure's total or part (starts by work status, age and barrier;
    # discharges by work outcome; the follow-ups reached by work status and outcome).
    for figure in figures():
        if figure.parts and not figure.has_total and figure.sums_to:
            split(values[figure.sums_to], figure.measures())
    for m in OUTCOME_NAMES:
        n = small_or_not()
        values[f"outcome_clients:{m}"], values[f"improved:{m}"] = n, rng.randint(0, n)
        values[f"mean_change:{m}"] = round(rng.uniform(-5, 5), 2) if n else None
        values[f"percent_improved:{m}"] = round(100 * values[f"improved:{m}"] / n, 1) if n else None
    for measure in ("median_days_to_first_contact", "p90_days_to_first_contact"):
        values[measure] = rng.randint(0, 30) if values["first_contacts"] else None
    return values


def test_nothing_in_any_of_300_random_weeks():
    rng = random.Random(16)
    period = periods_for("2026-W47")
    complements = 0
    for _ in range(300):
        true = _random_week(rng)
        summary = Summary("2026-W47", period, [SERVICE], figures={("2026-W47", SERVICE): true})
        report = publication(summary)
        complements += sum(1 for v in report.values.values() if v == HIDDEN)
        assert findings([render(report, "csv")], [true]) == []
        for measure, value in report.values.items():  # no small number is ever printed as it is
            if is_count(measure) and 1 <= (true.get(measure) or 0) <= 7:
                assert value in (SMALL, HIDDEN) or not isinstance(value, int), measure
    assert complements > 0  # the audit had work to do, and did it


def test_rounding_alone_would_give_small_numbers_away(monkeypatch):
    """The attack the audit exists for: without it, the random weeks above leak."""
    import workwell_desktop.reports.publication as method

    monkeypatch.setattr(method, "exposed", lambda published: [])
    with pytest.raises(AssertionError, match="can only be"):
        test_nothing_in_any_of_300_random_weeks()
