"""The commissioners' publication: service level, one ISO week per file, disclosure
controlled so that no combination of its cells, nor of successive weekly files,
gives back a small number. No Qt.

Method (stated in every publication file, ``METHOD``)
-----------------------------------------------------
1. Counts of people and events follow NHS Digital's disclosure control method for
   figures below national level (Hospital Episode Statistics and ECDS, from
   September 2018; adopted for SRHAD and NCMP): 0 is shown as 0; 1 to 7 as ``*``;
   every other count rounded to the nearest 5, each total rounded from its own
   unrounded value. Means and medians are shown only when worked out from 8 or more
   people (the 90th percentile from 20 or more, so it is never one person's wait);
   percentages are worked out from the published, rounded counts. Source:
   https://digital.nhs.uk/data-and-information/data-tools-and-services/data-services/
   hospital-episode-statistics/change-to-disclosure-control-methodology-for-hes-and-ecds-from-september-2018
   (see also ONS, "Comparison of post-tabular statistical disclosure control
   methods": rounding plus a threshold, the "10-5 rule").
2. Rounding alone can be undone where parts add up to a total: a total rounded down
   and its parts rounded up can pin a ``*`` to exactly 1 (total 17 shown 15, parts 8
   and 8 shown 10 and 10: the hidden part is at most 15+2-8-8 = 1). So every file is
   audited as an attacker would read it: each published cell is an interval (``*``:
   1 to 7; a rounded R: R-2 to R+2, and at least 8; 0: exactly 0; ``x``: anything),
   and every breakdown's sum and every always-true bound (starts are at most first
   contacts; the improved at most the clients measured) is propagated until nothing
   narrows. While any ``*`` can be narrowed to fewer than 3 possible values, a
   further cell of the offending breakdown is hidden as ``x`` (complementary
   suppression: the smallest part first, then the total).
3. One period per file, an ISO week, never a rolling window: successive weekly files
   share no day, so no file can be subtracted from another. Stocks ("at the end of
   the week") are protected the same way in each file. Staff are never named: no
   per-coach figure and no coach's name appears; coverage is stated for the service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .definitions import base_of, bounds, figure_of, is_count, measure_order, relations
from .figures import SERVICE, Period, Summary, Value

SMALL = "*"
HIDDEN = "x"
THRESHOLD = 8  # 1 to 7 are hidden
BASE = 5  # the rest rounded to the nearest 5
MIN_POSSIBLE = 3  # a hidden count keeps at least this many possible values
MIN_FOR_AVERAGE = 8  # people a mean or median is worked out from
MIN_FOR_P90 = 20
INFINITY = 10**9
SOURCE = (
    "NHS Digital, Disclosure control methodology for HES and ECDS (September 2018): "
    "https://digital.nhs.uk/data-and-information/data-tools-and-services/data-services/"
    "hospital-episode-statistics/change-to-disclosure-control-methodology-for-hes-and-ecds-from-"
    "september-2018"
)
METHOD = (
    "Disclosure control: 0 is shown as 0; counts of 1 to 7 are shown as *; every other count is "
    "rounded to the nearest 5, each total rounded from its own true value, so parts may not add up "
    "to the total shown. x marks a further figure not shown so that no combination of figures in "
    "this file can narrow a * to fewer than 3 possible values (checked by working out every "
    "breakdown's bounds). Means and medians are shown only when based on 8 or more people, the 90th "
    "percentile on 20 or more; percentages are worked out from the rounded counts. Each file covers "
    "one ISO week, so successive weekly files cannot be subtracted from one another. No member of "
    f"staff is named. Method: {SOURCE}; see also ONS, Comparison of post-tabular statistical "
    "disclosure control methods."
)


def round_to_base(n: int) -> int:
    """Nearest multiple of 5 (halves cannot occur for whole numbers)."""
    return int(BASE * ((n + BASE // 2) // BASE))


def interval(published: Value) -> tuple[int, int]:
    """What a reader who knows the method can tell of a published count."""
    if published == SMALL:
        return 1, THRESHOLD - 1
    if published == HIDDEN or not isinstance(published, int):
        return 0, INFINITY
    if published == 0:
        return 0, 0
    return max(THRESHOLD, published - BASE // 2), published + BASE // 2


def propagate(
    cells: dict[str, tuple[int, int]], sums: list[tuple[str, list[str]]], pairs: list[tuple[str, str]]
) -> dict[str, tuple[int, int]]:
    """Narrow every cell's interval by the sums (total = parts) and bounds (a <= b) until
    nothing changes. Sound: the true values always stay inside."""
    box = dict(cells)
    changed = True
    while changed:
        changed = False
        if any(low > high for low, high in box.values()):
            # Parts that do not add up to their total (a code outside the vocabulary, say):
            # no true values fit, and narrowing would never end. Refuse rather than publish.
            raise ValueError("the figures are inconsistent: a breakdown does not add up to its total")
        for total, parts in sums:
            if total not in box or any(p not in box for p in parts):
                continue
            low = sum(box[p][0] for p in parts)
            high = sum(box[p][1] for p in parts)
            t_lo, t_hi = box[total]
            new_total = (max(t_lo, low), min(t_hi, high))
            if new_total != box[total]:
                box[total], changed = new_total, True
            t_lo, t_hi = box[total]
            for part in parts:
                p_lo, p_hi = box[part]
                others_lo, others_hi = low - p_lo, high - p_hi
                new = (max(p_lo, t_lo - others_hi), min(p_hi, t_hi - others_lo))
                if new != box[part]:
                    box[part], changed = new, True
                    low, high = sum(box[p][0] for p in parts), sum(box[p][1] for p in parts)
        for small, large in pairs:
            if small in box and large in box:
                (s_lo, s_hi), (l_lo, l_hi) = box[small], box[large]
                new_small, new_large = (s_lo, min(s_hi, l_hi)), (max(l_lo, s_lo), l_hi)
                if (new_small, new_large) != (box[small], box[large]):
                    box[small], box[large], changed = new_small, new_large, True
    return box


def exposed(published: dict[str, Value]) -> list[str]:
    """The ``*`` cells an attacker can narrow to fewer than MIN_POSSIBLE values."""
    cells = {m: interval(v) for m, v in published.items() if is_count(m)}
    box = propagate(cells, relations(), bounds())
    return [
        m
        for m, v in published.items()
        if v == SMALL and m in box and box[m][1] - box[m][0] + 1 < MIN_POSSIBLE
    ]


def protect(true: dict[str, Value]) -> dict[str, Value]:
    """The published counts: primary suppression, rounding, then complementary hiding until
    the audit finds nothing (see the module docstring)."""
    published: dict[str, Value] = {}
    for measure, value in true.items():
        if not is_count(measure):
            continue
        count = value or 0
        if not isinstance(count, int):
            raise TypeError(f"{measure} is a count, not {count!r}")
        published[measure] = 0 if count == 0 else SMALL if count < THRESHOLD else round_to_base(count)
    for _ in range(len(published) + 1):
        problems = exposed(published)
        if not problems:
            return published
        _hide_next(published, true, problems[0])
    raise AssertionError("disclosure control did not settle")  # every cell hidden always settles


def _hide_next(published: dict[str, Value], true: dict[str, Value], cell: str) -> None:
    """Hide one more cell of a breakdown holding ``cell``: the smallest shown part, then the
    total; where everything is hidden already, widen the total to 'not shown'."""
    for total, parts in relations():
        if cell != total and cell not in parts:
            continue
        shown = [p for p in parts if isinstance(published.get(p), int) and published[p] != 0]
        if shown:
            published[min(shown, key=lambda p: (true.get(p) or 0, p))] = HIDDEN
            return
        if published.get(total) not in (HIDDEN,):
            published[total] = HIDDEN
            return
        zeros = [p for p in parts if published.get(p) == 0]
        if zeros:
            published[zeros[0]] = HIDDEN
            return
    for small, large in bounds():  # only a bound narrowed it: hide the larger figure
        if cell == small and published.get(large) != HIDDEN:
            published[large] = HIDDEN
            return
    published[cell] = HIDDEN


def _derived(measure: str, true: dict[str, Value], published: dict[str, Value]) -> Value:
    base = base_of(measure)
    shown = published.get(base) if base else None
    if base is None or not isinstance(shown, int) or shown == 0:
        return None if true.get(measure) is None else SMALL
    people = true.get(base) or 0
    if isinstance(people, str):  # the true figures are numbers; only published ones say SMALL
        raise TypeError(f"{base} is a count, not {people!r}")
    if measure.startswith("percent_improved:"):
        improved = published.get(f"improved:{measure.partition(':')[2]}")
        return round(100 * improved / shown) if isinstance(improved, int) else SMALL
    if measure.startswith("p90_") and people < MIN_FOR_P90:
        return SMALL
    if people < MIN_FOR_AVERAGE:
        return SMALL
    value = true.get(measure)
    return round(value, 1) if isinstance(value, float) else value


@dataclass
class Publication:
    """One week's service-level figures for commissioners, disclosure controlled."""

    service_name: str
    period: Period
    values: dict[str, Value]
    coverage: list[str] = field(default_factory=list)  # service-level sentences, no names
    made_at: datetime | None = None

    def rows(self) -> list[tuple[str, str, str, Value]]:
        """Tidy rows (period, scope, measure, value); scope is always 'service'."""
        name = self.period.name
        out: list[tuple[str, str, str, Value]] = [
            (name, SERVICE, "service_name", self.service_name),
            (name, SERVICE, "audience", "publication: service level, disclosure controlled"),
            (name, SERVICE, "disclosure_control", METHOD),
        ]
        out += [(name, SERVICE, "coverage", sentence) for sentence in self.coverage]
        out += [(name, SERVICE, m, v) for m, v in self.values.items()]
        return out


def coverage_statement(summary: Summary) -> list[str]:
    """How complete the week's data is, for the service, naming nobody."""
    if summary.coverage is None or summary.coverage.received_at is None:
        return [
            "Completeness could not be checked: the laptop that made this file had no sync "
            "coverage from the server."
        ]
    from .coverage import london_text, period_end_utc

    end = period_end_utc(summary.week_period.end)
    coaches = [s for s in summary.scopes if s not in (SERVICE, "unassigned")]
    behind = [k for k in coaches if summary.coverage.coach(k).problem(end)]
    dates = [summary.coverage.coach(k).data_as_of for k in coaches]
    known = [d for d in dates if d is not None]
    out = [
        f"Data as of: the work of {len(coaches) - len(behind)} of {len(coaches)} coaches had reached "
        "the server after the week ended."
    ]
    if behind:
        oldest = f" (the oldest data as of {london_text(min(known))})" if known else ""
        out.append(
            f"{len(behind)} of {len(coaches)} coaches had not synced since the week ended or "
            f"could not be checked{oldest}: these figures may be incomplete."
        )
    return out


def publication(summary: Summary) -> Publication:
    """The commissioners' file for the summary's week (see the module docstring)."""
    period = summary.week_period
    true = {m: summary.value(period.name, SERVICE, m) for m in measure_order()}
    published = protect(true)
    values: dict[str, Value] = {}
    for measure in measure_order():
        figure = figure_of(measure)
        if figure is None or not figure.publish:
            continue
        values[measure] = published[measure] if is_count(measure) else _derived(measure, true, published)
    return Publication(summary.service_name, period, values, coverage_statement(summary), summary.made_at)
