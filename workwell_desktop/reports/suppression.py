"""Small-number suppression for summaries that leave the team. No Qt.

Primary: a count of 1 to 4 is shown as ``<5`` (0 is shown: it identifies nobody).

Secondary: where figures add up (a total and its breakdown, e.g. ``referrals_received``
and ``referrals_received:<route>``; and each count for the ``service`` against the
same count for every coach), a single hidden cell could be worked out from the
others. So while any such set has exactly one hidden cell, the smallest other
non-zero cell of the set is hidden too (a breakdown cell before the total on a tie),
shown as ``*`` (it is 5 or more). This repeats until no set has a lone hidden cell.

Derived figures are hidden (``*``) with the count they are worked out from:
``median_days_to_first_contact`` and ``p90_days_to_first_contact`` with
``first_contacts``; ``longest_wait_days`` with ``waiting_for_first_contact``;
``mean_change:<m>`` and ``percent_improved:<m>`` with ``outcome_clients:<m>``.

Sets that overlap in time (a week inside the rolling 4 and 13 weeks) are not
protected against each other: publish one period at a time where that matters.
"""

from __future__ import annotations

import copy

from .figures import SERVICE, Summary

PRIMARY = "<5"
SECONDARY = "*"
THRESHOLD = 5

# total -> the prefixes of the breakdowns that add up to it
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "referrals_received": ("referrals_received:",),
    "triage_declined": ("triage_declined:",),
    "discharges": ("discharges:", "work_outcome_at_discharge:"),
    "sessions": ("sessions:",),
    "assessments_completed": ("assessments_completed:",),
    "consent_withdrawals": ("consent_withdrawals:",),
}
DERIVED: dict[str, str] = {
    "median_days_to_first_contact": "first_contacts",
    "p90_days_to_first_contact": "first_contacts",
    "longest_wait_days": "waiting_for_first_contact",
    "mean_change:": "outcome_clients:",
    "percent_improved:": "outcome_clients:",
}


def _base_of(measure: str) -> str | None:
    for derived, base in DERIVED.items():
        if derived.endswith(":") and measure.startswith(derived):
            return base + measure[len(derived):]
        if measure == derived:
            return base
    return None


def _constraints(summary: Summary) -> list[tuple[tuple, list[tuple]]]:
    sets = []
    coaches = [s for s in summary.scopes if s != SERVICE]
    for period in summary.periods:
        for scope in summary.scopes:
            figures = summary.figures[(period.name, scope)]
            for total, prefixes in BREAKDOWNS.items():
                for prefix in prefixes:
                    parts = [(period.name, scope, m) for m in figures if m.startswith(prefix)]
                    sets.append(((period.name, scope, total), parts))
        if SERVICE in summary.scopes and coaches:
            for measure, value in summary.figures[(period.name, SERVICE)].items():
                if isinstance(value, int) and _base_of(measure) is None:
                    sets.append(((period.name, SERVICE, measure),
                                 [(period.name, coach, measure) for coach in coaches]))
    return sets


def suppress(summary: Summary) -> Summary:
    """A copy of ``summary`` with small numbers hidden (see the module docstring)."""
    result = copy.deepcopy(summary)
    values = {(p, s, m): v for (p, s), figures in result.figures.items() for m, v in figures.items()}
    primary = {k for k, v in values.items()
               if isinstance(v, int) and _base_of(k[2]) is None and 0 < v < THRESHOLD}
    hidden = set(primary)
    sets = _constraints(result)
    changed = True
    while changed:
        changed = False
        for total, parts in sets:
            cells = [*parts, total]
            if sum(1 for k in cells if k in hidden) != 1:
                continue
            candidates = [k for k in cells if k not in hidden and isinstance(values.get(k), int)
                          and values[k] > 0]
            if candidates:
                hidden.add(min(candidates, key=lambda k: (values[k], k == total)))
                changed = True
    for (period, scope), figures in result.figures.items():
        for measure in figures:
            key = (period, scope, measure)
            base = _base_of(measure)
            if key in primary:
                figures[measure] = PRIMARY
            elif key in hidden:
                figures[measure] = SECONDARY
            elif base is not None and (period, scope, base) in hidden and figures[measure] is not None:
                figures[measure] = SECONDARY
    result.suppressed = True
    return result
