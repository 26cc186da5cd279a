"""An attacker who reads published summary files and tries to get small numbers back.

Written apart from ``reports.publication`` on purpose (it does not call its audit):
it reads only the published CSV and what the file itself says about the method, and
works out *exactly* (by enumerating the total, not by propagating bounds) every
value a cell can still take given everything published:

- bounds: each published mark is what the method says it means (``*``: 1 to 7; a
  rounded R: R-2 to R+2 and at least 8; 0: 0; ``x``: anything; for the older
  method, ``<5``: 1 to 4 and ``*``: 5 or more);
- subtraction across rows: every breakdown adds up to its total, and several
  breakdowns of one total (starts by work status, age and barrier) must agree;
- always-true bounds: starts at most first contacts; improved at most measured;
- subtraction across periods and differencing successive files: any two periods
  that share a day give a difference the attacker can take.

A *finding* is a cell whose true value is 1 to 7 and that the attacker narrows to
fewer than 3 possible values, or two files whose periods overlap.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, timedelta

CAP = 5000  # "anything": no count in a weekly service file comes near it
# Breakdowns that add up to another figure than their own name (from the definitions).
SUMS_TO = {
    "starts_work_status": "starts",
    "starts_age": "starts",
    "starts_health_barrier": "starts",
    "work_outcome_at_discharge": "discharges",
    # the clients reached at a follow-up, by work status and by work outcome
    **{
        f"follow_up_{what}_{m}": f"follow_ups_{m}:reached"
        for what in ("work_status", "work_outcome")
        for m in ("3m", "6m")
    },
}
PAIRS = [("starts", "first_contacts")]
# Not counts of people (the definitions say days, means, percentages): worked out from
# published counts, so they give nothing the counts do not.
NOT_COUNTS = ("median_", "p90_", "longest_", "mean_change:", "percent_improved:")
ABOUT = ("service_name", "audience", "disclosure_control", "coverage")


def read(data: bytes) -> tuple[str, dict[str, object]]:
    """(period, {measure: published value}) from one publication CSV."""
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    periods = {r["period"] for r in rows}
    assert len(periods) == 1, f"more than one period in a file: {sorted(periods)}"
    values = {}
    for r in rows:
        text = r["value"]
        values[r["measure"]] = int(text) if text.lstrip("-").isdigit() else text
    return periods.pop(), values


def domain(value, method: str = "nhs") -> range | None:
    """The values a published count can have, as the method says; None: not a count."""
    if method == "old":  # the method this replaced: <5 for 1 to 4, * for a complement
        if value == "<5":
            return range(1, 5)
        if value == "*":
            return range(5, CAP)
    if value == "*":
        return range(1, 8)
    if value == "x":
        return range(0, CAP)
    if isinstance(value, int):
        if value == 0:
            return range(0, 1)
        if method == "old":
            return range(value, value + 1)
        return range(max(8, value - 2), value + 3)
    return None


def _families(values: dict[str, object]) -> dict[str, list[list[str]]]:
    """total -> its breakdowns (each a list of part measures)."""
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for measure in values:
        name, sep, _code = measure.partition(":")
        if not sep:
            continue
        total = SUMS_TO.get(name, name)
        if total in values and (":" not in total or name in SUMS_TO):
            groups[total][name].append(measure)
    return {total: list(parts.values()) for total, parts in groups.items()}


def feasible(values: dict[str, object], method: str = "nhs") -> dict[str, set[int]]:
    """Every value each count can still take, exactly for each breakdown, given the whole
    file; repeated until nothing narrows, so what one breakdown learns about a total that
    is itself a part (the follow-ups reached) is used by the others."""
    doms = {
        m: domain(v, method) for m, v in values.items() if not m.startswith(NOT_COUNTS) and m not in ABOUT
    }
    doms = {m: d for m, d in doms.items() if d is not None}
    for _ in range(20):
        out = _feasible_once(values, doms)
        narrowed = {m: range(min(v), max(v) + 1) for m, v in out.items() if v}
        if all(narrowed.get(m, d) == d for m, d in doms.items()):
            return out
        doms = {**doms, **narrowed}
    return out


def _feasible_once(values: dict[str, object], doms: dict[str, range]) -> dict[str, set[int]]:
    out = {m: set(d) if len(d) < CAP else set(range(0, CAP)) for m, d in doms.items()}
    for total, breakdowns in _families(values).items():
        if total not in doms or any(p not in doms for parts in breakdowns for p in parts):
            continue
        totals = set()
        parts_seen: dict[str, set[int]] = defaultdict(set)
        limit = min(doms[total].stop, CAP)
        for small, large in PAIRS:
            if small == total and large in doms:
                limit = min(limit, doms[large].stop)
        for t in range(doms[total].start, limit):
            ok = True
            candidates = {}
            for parts in breakdowns:
                low = sum(doms[p].start for p in parts)
                high = sum(doms[p].stop - 1 for p in parts)
                if not low <= t <= high:
                    ok = False
                    break
                for p in parts:
                    rest_low, rest_high = low - doms[p].start, high - (doms[p].stop - 1)
                    candidates[p] = range(
                        max(doms[p].start, t - rest_high), min(doms[p].stop - 1, t - rest_low) + 1
                    )
            if not ok:
                continue
            totals.add(t)
            for p, values_of_p in candidates.items():
                parts_seen[p].update(values_of_p)
        out[total] = totals
        for p, seen in parts_seen.items():
            out[p] = seen
    for small, large in PAIRS:
        if small in out and large in out and out[small]:
            out[large] = {v for v in out[large] if v >= min(out[small])}
    for m in [f"improved:{code}" for code in {m.partition(":")[2] for m in out if m.startswith("improved:")}]:
        measured = f"outcome_clients:{m.partition(':')[2]}"
        if measured in out and out[measured]:
            out[m] = {v for v in out[m] if v <= max(out[measured])}
            if out[m]:
                out[measured] = {v for v in out[measured] if v >= min(out[m])}
    return out


def findings(
    files: list[bytes], truth: list[dict[str, object]] | None = None, method: str = "nhs", protect: int = 3
) -> list[str]:
    """Everything the attacker learns about a small number from these files."""
    found = []
    periods = []
    for n, data in enumerate(files):
        period, values = read(data)
        periods.append(period)
        for measure, options in feasible(values, method).items():
            true = truth[n].get(measure) if truth else None
            small = (1 <= true <= 7) if isinstance(true, int) else values[measure] in ("*", "<5")
            if small and len(options) < protect:
                found.append(f"{period} {measure}: can only be {sorted(options)}")
    for a in range(len(periods)):
        for b in range(a + 1, len(periods)):
            if _days(periods[a]) & _days(periods[b]):
                found.append(f"{periods[a]} and {periods[b]} overlap: one can be subtracted from the other")
    return found


def _days(period: str) -> set[date]:
    first, _, last = period.partition("/")
    last = last or first
    start = date.fromisocalendar(int(first[:4]), int(first[6:8]), 1)
    end = date.fromisocalendar(int(last[:4]), int(last[6:8]), 7)
    return {start + timedelta(days=n) for n in range((end - start).days + 1)}
