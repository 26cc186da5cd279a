"""Small-number suppression: primary (<5), secondary (*) and derived figures."""

from datetime import date

from summary_team import ALEX, BEA

from workwell_desktop.reports import build_summary, suppress
from workwell_desktop.reports.figures import Summary, periods_for
from workwell_desktop.reports.suppression import _base_of

W47 = "2026-W47"


def made_up(figures_by_scope: dict[str, dict]) -> Summary:
    """The same figures in every period."""
    periods = periods_for(W47)
    summary = Summary(W47, periods, list(figures_by_scope))
    for period in periods:
        for scope, figures in figures_by_scope.items():
            summary.figures[(period.name, scope)] = dict(figures)
    return summary


def test_a_lone_small_part_hides_the_next_smallest():
    summary = made_up({"service": {
        "referrals_received": 20, "referrals_received:gp": 12, "referrals_received:self": 6,
        "referrals_received:employer": 2, "referrals_received:vcse": 0}})
    hidden = suppress(summary).figures[(W47, "service")]
    assert hidden == {"referrals_received": 20, "referrals_received:gp": 12, "referrals_received:self": "*",
                      "referrals_received:employer": "<5", "referrals_received:vcse": 0}
    assert summary.figures[(W47, "service")]["referrals_received:employer"] == 2  # the original is untouched
    assert suppress(summary).suppressed and not summary.suppressed


def test_two_small_parts_need_no_more():
    summary = made_up({"service": {"sessions": 14, "sessions:in_person": 10, "sessions:phone": 3,
                                   "sessions:video": 1}})
    assert suppress(summary).figures[(W47, "service")] == {
        "sessions": 14, "sessions:in_person": 10, "sessions:phone": "<5", "sessions:video": "<5"}


def test_a_small_total_hides_its_parts():
    summary = made_up({"service": {"discharges": 3, "discharges:completed": 3, "discharges:other": 0}})
    assert suppress(summary).figures[(W47, "service")] == {
        "discharges": "<5", "discharges:completed": "<5", "discharges:other": 0}


def test_a_coach_cannot_be_worked_out_from_the_service():
    summary = made_up({
        ALEX: {"sessions": 10, "sessions:in_person": 7, "sessions:phone": 3, "first_contacts": 6,
               "median_days_to_first_contact": 4},
        BEA: {"sessions": 3, "sessions:in_person": 3, "sessions:phone": 0, "first_contacts": 2,
              "median_days_to_first_contact": 9},
        "service": {"sessions": 13, "sessions:in_person": 10, "sessions:phone": 3, "first_contacts": 8,
                    "median_days_to_first_contact": 5}})
    result = suppress(summary)
    alex, bea, service = (result.figures[(W47, s)] for s in (ALEX, BEA, "service"))
    assert bea == {"sessions": "<5", "sessions:in_person": "<5", "sessions:phone": 0, "first_contacts": "<5",
                   "median_days_to_first_contact": "*"}  # a median of 1 to 4 people is hidden with them
    # Bea's 3 sessions = 13 - Alex's 10, so Alex's total goes, and then (their total hidden
    # with one part shown) Alex's in-person: their phone 3 was already hidden.
    assert alex["sessions"] == "*" and alex["sessions:phone"] == "<5"
    assert alex["sessions:in_person"] == "*"
    # Bea's first contacts = 8 - Alex's 6: Alex's 6 (smaller than 8) goes, with its median.
    assert alex["first_contacts"] == "*" and alex["median_days_to_first_contact"] == "*"
    assert service["sessions"] == 13 and service["first_contacts"] == 8
    assert service["sessions:phone"] == "<5"
    assert service["median_days_to_first_contact"] == 5
    # Every set that adds up has no single hidden cell left.
    for scope_figures in (alex, bea, service):
        cells = [scope_figures[m] for m in ("sessions", "sessions:in_person", "sessions:phone")]
        assert sum(isinstance(c, str) for c in cells) != 1


def test_the_team_week(team):
    result = suppress(build_summary(team, W47, today=date(2026, 11, 23)))
    service, alex, bea = (result.figures[(W47, s)] for s in ("service", ALEX, BEA))
    assert service["referrals_received"] == 5
    assert service["referrals_received:gp"] == "<5" and service["referrals_received:self"] == "<5"
    assert service["referrals_received:employer"] == 0
    assert service["active_caseload"] == 6 and alex["active_caseload"] == "<5"
    assert service["longest_wait_days"] == "*"  # 2 waiting
    assert service["mean_change:phq9"] == "*" and service["percent_improved:phq9"] == "*"
    assert service["mean_change:wsas"] is None
    assert bea["consent_withdrawals"] == "<5"
    assert ("2026-W47", "service", "suppression", "on") in result.rows()
    # No small count survives anywhere.
    for figures in result.figures.values():
        for measure, value in figures.items():
            if _base_of(measure) is None:  # a count, not a median, wait or mean
                assert not (isinstance(value, int) and 0 < value < 5), measure
