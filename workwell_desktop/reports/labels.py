"""Plain-English names for the summary's measures, for the PDF, XLSX and screen. No Qt."""

from __future__ import annotations

from ..domain.vocabulary import (
    CONSENT_SCOPES,
    DECLINE_REASONS,
    DISCHARGE_REASONS,
    REFERRAL_ROUTES,
    SESSION_MODES,
    WORK_OUTCOMES,
)
from .figures import OUTCOME_NAMES

MEASURE_NAMES = {
    "suppression": "Small-number suppression",
    "referrals_received": "Referrals received",
    "triage_accepted": "Triage: accepted",
    "triage_declined": "Triage: declined",
    "first_contacts": "First contacts",
    "starts": "Starts (clients first contacted)",
    "median_days_to_first_contact": "Days referral to first contact: median",
    "p90_days_to_first_contact": "Days referral to first contact: 90th percentile",
    "waiting_for_first_contact": "Waiting for first contact (at end)",
    "longest_wait_days": "Longest wait so far, days (at end)",
    "active_caseload": "Active caseload (at end)",
    "discharges": "Discharges",
    "sessions": "Sessions",
    "overdue_reviews": "Overdue reviews (at end)",
    "overdue_actions": "Overdue plan actions (at end)",
    "open_safety_tasks": "Open safety tasks (now)",
    "assessments_completed": "Assessments completed",
    "consent_withdrawals": "Consent withdrawals",
}
_BREAKDOWNS = {
    "referrals_received": ("Referrals", REFERRAL_ROUTES),
    "triage_declined": ("Declined", DECLINE_REASONS),
    "discharges": ("Discharged", DISCHARGE_REASONS),
    "work_outcome_at_discharge": ("Work outcome at discharge", WORK_OUTCOMES),
    "sessions": ("Sessions", SESSION_MODES),
    "assessments_completed": ("Assessments", OUTCOME_NAMES),
    "consent_withdrawals": ("Withdrawn", CONSENT_SCOPES),
    "outcome_clients": ("Clients with baseline and latest", OUTCOME_NAMES),
    "mean_change": ("Mean change since baseline", OUTCOME_NAMES),
    "percent_improved": ("% improved", OUTCOME_NAMES),
}


def measure_label(measure: str) -> str:
    if measure in MEASURE_NAMES:
        return MEASURE_NAMES[measure]
    base, _, key = measure.partition(":")
    if base in _BREAKDOWNS:
        prefix, names = _BREAKDOWNS[base]
        return f"{prefix}: {names.get(key, key)}"
    return measure


def is_breakdown(measure: str) -> bool:
    return ":" in measure


def value_text(value) -> str:
    """A figure as printed: blank for none, up to 2 decimal places, suppression marks as they are."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text.replace("-", "\u2212")
    if isinstance(value, int):
        return str(value).replace("-", "\u2212")
    return str(value)
