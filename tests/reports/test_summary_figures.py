"""Exact figures for the synthetic team (tests/reports/summary_team.py)."""

from datetime import UTC, date, datetime

import pytest
from summary_team import ALEX, BEA

from workwell_desktop.reports.figures import _uk_rule, build_summary, london_date, p90, parse_week

W47, W43 = "2026-W47", "2026-W43"
TODAY = date(2026, 11, 23)


def nonzero(summary, period, scope):
    return {m: v for m, v in summary.figures[(period, scope)].items() if v not in (0, None)}


def test_the_week_for_the_whole_service(team):
    summary = build_summary(team, W47, today=TODAY)
    assert [p.name for p in summary.periods] == [W47, "2026-W44/2026-W47", "2026-W35/2026-W47"]
    assert summary.scopes == [ALEX, BEA, "service"]
    assert nonzero(summary, W47, "service") == {
        "referrals_received": 5,
        "referrals_received:gp": 2,
        "referrals_received:self": 1,
        "referrals_received:jobcentre": 1,
        "referrals_received:vcse": 1,
        "triage_accepted": 3,
        "triage_declined": 1,
        "triage_declined:out_of_area": 1,
        "first_contacts": 4,
        "starts": 4,
        "starts_work_status:in_work": 4,
        "starts_age:35_49": 4,
        "starts_health_barrier:not_recorded": 4,
        "median_days_to_first_contact": 3.5,
        "p90_days_to_first_contact": 6,
        "waiting_for_first_contact": 2,
        "longest_wait_days": 48,
        "active_caseload": 6,
        "discharges": 1,
        "discharges:completed": 1,
        "work_outcome_at_discharge:returned_to_work": 1,
        "sessions": 4,
        "sessions:in_person": 2,
        "sessions:phone": 1,
        "sessions:video": 1,
        "overdue_reviews": 1,  # A6; the discharged A4's passed review is not chased
        "assessments_completed": 4,
        "assessments_completed:phq9": 1,
        "assessments_completed:gad7": 2,
        "assessments_completed:swemwbs": 1,
        "outcome_clients:phq9": 1,
        "mean_change:phq9": -8,
        "percent_improved:phq9": 100,
        "improved:phq9": 1,
        "outcome_clients:gad7": 1,
        "mean_change:gad7": -2,
        "percent_improved:gad7": 100,  # 13 not 20
        "improved:gad7": 1,
        "outcome_clients:swemwbs": 1,
        "mean_change:swemwbs": -3.82,  # lower SWEMWBS is worse
        "consent_withdrawals": 1,
        "consent_withdrawals:share_employer": 1,  # Sunday 23:30
    }
    figures = summary.figures[(W47, "service")]
    assert figures["percent_improved:swemwbs"] == 0
    assert figures["overdue_actions"] == 0
    assert figures["mean_change:wsas"] is None and figures["outcome_clients:wsas"] == 0


def test_the_week_per_coach(team):
    summary = build_summary(team, W47, today=TODAY)
    alex, bea = summary.figures[(W47, ALEX)], summary.figures[(W47, BEA)]
    assert (alex["referrals_received"], bea["referrals_received"]) == (4, 1)
    assert (
        alex["first_contacts"],
        alex["median_days_to_first_contact"],
        alex["p90_days_to_first_contact"],
    ) == (2, 3.5, 5)
    assert (bea["first_contacts"], bea["median_days_to_first_contact"], bea["p90_days_to_first_contact"]) == (
        2,
        3.5,
        6,
    )
    assert (alex["waiting_for_first_contact"], alex["longest_wait_days"]) == (1, 2)
    assert (bea["waiting_for_first_contact"], bea["longest_wait_days"]) == (1, 48)
    assert (alex["active_caseload"], bea["active_caseload"]) == (3, 3)
    assert (alex["sessions"], bea["sessions"]) == (3, 1)
    assert (alex["discharges"], bea["discharges"]) == (1, 0)
    assert (alex["overdue_reviews"], bea["overdue_reviews"]) == (1, 0)
    assert (alex["consent_withdrawals"], bea["consent_withdrawals"]) == (0, 1)
    assert bea["mean_change:phq9"] is None
    # Every count for the service is the sum over the coaches.
    for measure, value in summary.figures[(W47, "service")].items():
        if isinstance(value, int) and not measure.startswith(("longest", "p90", "median")):
            assert value == alex[measure] + bea[measure], measure


def test_rolling_weeks(team):
    summary = build_summary(team, W47, today=TODAY)
    four, thirteen = (
        summary.figures[("2026-W44/2026-W47", "service")],
        summary.figures[("2026-W35/2026-W47", "service")],
    )
    assert four["referrals_received"] == 7  # A1-A5, B1, B4
    assert thirteen["referrals_received"] == 10  # everyone
    assert thirteen["first_contacts"] == 7  # all but A3, B3 (waiting) and A5 (declined)
    # Waits A1 2, A2 5, A4 3, A6 8, B1 1, B2 3, B4 6: sorted 1 2 3 3 5 6 8.
    assert thirteen["median_days_to_first_contact"] == 3
    assert thirteen["p90_days_to_first_contact"] == 8  # the 7th of 7 (ceil(0.9 * 7) = 7)
    assert thirteen["consent_withdrawals"] == 4
    assert four["consent_withdrawals"] == 2  # W46 and W47
    assert four["active_caseload"] == thirteen["active_caseload"] == 6  # both at the end of W47


def test_an_empty_week(team):
    summary = build_summary(team, "2026-W10", today=TODAY)
    for period in summary.periods:
        for scope in summary.scopes:
            assert nonzero(summary, period.name, scope) == {}


def test_the_week_the_clocks_go_back(team):
    w43 = build_summary(team, W43, today=TODAY).figures[(W43, "service")]
    # 2026-10-18T23:30Z is 00:30 BST on Monday 19 Oct; 2026-10-25T23:30Z is 23:30 GMT on Sunday 25 Oct.
    assert w43["consent_withdrawals"] == 2
    assert (w43["consent_withdrawals:contact_sms"], w43["consent_withdrawals:share_gp"]) == (1, 1)
    assert (w43["first_contacts"], w43["median_days_to_first_contact"]) == (1, 8)  # A6: 12 -> 20 Oct
    assert w43["active_caseload"] == 2  # B2 and A6
    w42 = build_summary(team, "2026-W42", today=TODAY).figures[("2026-W42", "service")]
    assert w42["consent_withdrawals"] == 0
    assert (w42["referrals_received"], w42["triage_accepted"]) == (1, 1)  # A6: 12 and 13 Oct
    w46 = build_summary(team, "2026-W46", today=TODAY).figures[("2026-W46", "service")]
    assert w46["consent_withdrawals"] == 1  # Sunday 15 Nov 23:30 GMT


def test_one_coach_only(team):
    summary = build_summary(team, W47, coach=BEA, today=TODAY)
    assert summary.scopes == [BEA]
    assert summary.figures[(W47, BEA)]["referrals_received"] == 1


@pytest.mark.parametrize(
    ("utc", "local"),
    [
        ("2026-11-22T23:30:00Z", "2026-11-22"),
        ("2026-10-18T23:30:00+00:00", "2026-10-19"),  # BST
        ("2026-10-25T00:30:00Z", "2026-10-25"),  # 01:30 BST, before the change
        ("2026-10-25T23:30:00", "2026-10-25"),  # no offset: taken as UTC
        ("2026-03-29T00:59:00Z", "2026-03-29"),
        ("2026-03-28T23:30:00Z", "2026-03-28"),  # GMT, the night before the clocks go forward
        ("not a time", ""),
    ],
)
def test_london_dates(utc, local):
    assert london_date(utc) == local


def test_the_uk_rule_used_without_a_tz_database():
    assert _uk_rule(datetime(2026, 10, 25, 0, 59, tzinfo=UTC)).seconds == 3600
    assert _uk_rule(datetime(2026, 10, 25, 1, 0, tzinfo=UTC)).seconds == 0
    assert _uk_rule(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)).seconds == 0
    assert _uk_rule(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)).seconds == 3600


def test_weeks_and_percentiles():
    assert parse_week("2026-W47") == date(2026, 11, 16)
    assert parse_week("2020-W53") == date(2020, 12, 28)
    for bad in ("2026-47", "2026-W60", "2026-W00", "W47"):
        with pytest.raises(ValueError):
            parse_week(bad)
    assert p90([]) is None
    assert p90([5]) == 5
    assert p90(list(range(1, 11))) == 9
    assert p90(list(range(1, 12))) == 10
