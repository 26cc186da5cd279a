"""Every figure of the team summary, defined once: name, label, definition, and how its
parts add up. No Qt.

This is the one place a figure is defined. ``figures`` computes exactly these
measures (a test holds the two together); the on-screen labels, the XLSX
"Definitions" sheet, the PDF's definitions page and the publication's disclosure
control (which cells add up to which) are all generated from ``FIGURES``.

A *measure* is what an export row names: a figure's ``name`` (a total), or
``name:code`` for one part of its breakdown (a code of ``domain.vocabulary`` or an
instrument id). A breakdown's parts add up to the figure named by ``sums_to``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..domain.journey_records import FOLLOW_UP_CONTACT_RESULTS
from ..domain.vocabulary import (
    CONSENT_SCOPES,
    DECLINE_REASONS,
    DISCHARGE_REASONS,
    HEALTH_BARRIERS,
    REFERRAL_ROUTES,
    SESSION_MODES,
    WORK_OUTCOMES,
    WORK_STATUSES,
)

# The files a summary is written as, and who it is for: "team" shows every number and names
# staff; "publication" is the commissioners' disclosure-controlled file (``publication``).
# Here, not in ``export``, so that ``workwell-admin`` can offer them without loading the
# exporters (the sync command shares its parser and must start fast, #15).
FORMATS = ("pdf", "csv", "xlsx")
AUDIENCES = ("team", "publication")

# Outcome measures: an instrument's total, or one ONS4 item, and whether lower is better.
OUTCOME_MEASURES = {
    "phq9": True,
    "gad7": True,
    "wsas": True,
    "swemwbs": False,
    "work_ability": False,
    "ons4_life_satisfaction": False,
    "ons4_worthwhile": False,
    "ons4_happiness": False,
    "ons4_anxiety": True,
}
OUTCOME_NAMES = {
    "phq9": "PHQ-9",
    "gad7": "GAD-7",
    "wsas": "WSAS",
    "swemwbs": "SWEMWBS",
    "work_ability": "Work ability",
    "ons4_life_satisfaction": "ONS4 life satisfaction",
    "ons4_worthwhile": "ONS4 worthwhile",
    "ons4_happiness": "ONS4 happiness",
    "ons4_anxiety": "ONS4 anxiety",
}
# DWP's WorkWell management information groups employment status at the first
# appointment as in work / off sick / out of work.
WORK_STATUS_AT_START = {
    "in_work": "In work",
    "off_sick": "In work, off sick",
    "out_of_work": "Out of work",
    "other": "Other",
    "not_recorded": "Not recorded",
}
AGE_BANDS = {
    "under_16": "Under 16",
    "16_24": "16 to 24",
    "25_34": "25 to 34",
    "35_49": "35 to 49",
    "50_64": "50 to 64",
    "65_plus": "65 and over",
    "not_recorded": "Date of birth not recorded",
}
HEALTH_BARRIERS_REPORTED = {**HEALTH_BARRIERS, "not_recorded": "Not recorded yet"}
# The follow-ups after discharge (domain.journey_records.FOLLOW_UP_TIMEPOINTS), as
# measure-name suffix -> months: the programme's outcomes "beyond 12 weeks".
FOLLOW_UP_MONTHS = {"3m": 3, "6m": 6}

# Kinds: "count" (people or events in the period), "stock" (a count at the end of the
# period), "days", "mean", "percent". Counts and stocks are about people, so the
# publication's disclosure control applies to them; the others are worked out from
# the count named by ``base`` and are shown only when that count is large enough.
COUNTS = ("count", "stock")


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    definition: str
    kind: str = "count"
    parts: dict[str, str] | None = None  # code -> label, for a breakdown
    part_label: str = ""  # "Referrals: {}" (the part's label goes in)
    has_total: bool = True  # False: only the parts are measures
    sums_to: str | None = None  # the measure the parts add up to (default: name)
    base: str | None = None  # derived figures: the count they are worked out from
    publish: bool = True  # in the commissioners' publication

    def measures(self) -> list[str]:
        out = [self.name] if self.has_total else []
        out += [f"{self.name}:{code}" for code in (self.parts or {})]
        return out

    @property
    def total(self) -> str | None:
        return self.sums_to or (self.name if self.parts and self.has_total else None)


def _follow_up(suffix: str, months: int) -> tuple[Figure, ...]:
    """The outcome found at one follow-up: how the contact went, and for the clients
    reached their work status now and their work outcome since discharge (the sustained
    outcome: stayed in work, returned to work, started new work, not in work)."""
    at = f"at {months} months"
    reached = f"follow_ups_{suffix}:reached"
    return (
        Figure(
            f"follow_ups_{suffix}",
            f"Follow-ups {at}",
            f"Clients whose {months}-month follow-up after discharge has its contact date (or last "
            "attempt) in the period, by how the contact went. Each client counts once for each "
            "follow-up: a corrected outcome counts only as corrected. A client who withdrew from "
            "WorkWell is followed up (and counted) only if they agreed to be contacted.",
            parts=FOLLOW_UP_CONTACT_RESULTS,
            part_label=f"Follow-ups {at}: {{}}",
        ),
        Figure(
            f"follow_up_work_status_{suffix}",
            f"Work status {at}",
            f"The clients reached at the {months}-month follow-up by their work status then.",
            parts=WORK_STATUSES,
            part_label=f"Work status {at}: {{}}",
            has_total=False,
            sums_to=reached,
        ),
        Figure(
            f"follow_up_work_outcome_{suffix}",
            f"Sustained work outcome {at}",
            f"The clients reached at the {months}-month follow-up by their work outcome since "
            "discharge: stayed in work, returned to work, started new work, not in work, not known.",
            parts=WORK_OUTCOMES,
            part_label=f"Work outcome {at}: {{}}",
            has_total=False,
            sums_to=reached,
        ),
    )


def _instrument_names() -> dict[str, str]:
    from ..instruments import list_instruments

    return {i.id: i.short_name for i in list_instruments()}


def _per_outcome(name: str, label: str, definition: str, kind: str, publish: bool = True) -> Figure:
    return Figure(
        name,
        label,
        definition,
        kind,
        parts=OUTCOME_NAMES,
        part_label=f"{label}: {{}}",
        has_total=False,
        base="outcome_clients" if kind in ("mean", "percent") else None,
        publish=publish,
    )


@lru_cache(maxsize=1)
def figures() -> tuple[Figure, ...]:
    """Every figure, in the order exports list them."""
    return (
        Figure(
            "referrals_received",
            "Referrals received",
            "Referrals whose date received falls in the period.",
            parts=REFERRAL_ROUTES,
            part_label="Referrals: {}",
        ),
        Figure(
            "triage_accepted",
            "Triage: accepted",
            "Referrals whose triage date falls in the period and that were accepted.",
        ),
        Figure(
            "triage_declined",
            "Triage: declined",
            "Referrals whose triage date falls in the period and that were declined, by the reason "
            "fed back to the referrer.",
            parts=DECLINE_REASONS,
            part_label="Declined: {}",
        ),
        Figure(
            "first_contacts", "First contacts", "Referrals whose date of first contact falls in the period."
        ),
        Figure(
            "starts",
            "Starts (clients first contacted)",
            "Clients with a first contact in the period, each counted once however many referrals "
            "they have. The three breakdowns below each add up to it.",
        ),
        Figure(
            "starts_work_status",
            "Work status at first appointment",
            "Starts by work status at the first appointment: the answer to 'What is your work "
            "situation now?' in the client's earliest WorkWell initial assessment (employed and at "
            "work, or self-employed: in work; employed and off sick: off sick; out of work, looking "
            "or not yet: out of work; other). Without an initial assessment, the work status on the "
            "client record (in work or self-employed: in work; in work, off sick: off sick).",
            parts=WORK_STATUS_AT_START,
            part_label="Work status at first appointment: {}",
            has_total=False,
            sums_to="starts",
        ),
        Figure(
            "starts_age",
            "Age at first contact",
            "Starts by age on the day of first contact, from the date of birth.",
            parts=AGE_BANDS,
            part_label="Age at first contact: {}",
            has_total=False,
            sums_to="starts",
        ),
        Figure(
            "starts_health_barrier",
            "Main health barrier",
            "Starts by the main health barrier to work recorded on the client record.",
            parts=HEALTH_BARRIERS_REPORTED,
            part_label="Main health barrier: {}",
            has_total=False,
            sums_to="starts",
        ),
        Figure(
            "median_days_to_first_contact",
            "Days referral to first contact: median",
            "Over the referrals first contacted in the period, the days from received to first "
            "contact: the median (the mean of the middle two for an even count).",
            kind="days",
            base="first_contacts",
        ),
        Figure(
            "p90_days_to_first_contact",
            "Days referral to first contact: 90th percentile",
            "The same waits: the smallest wait that at least 90% of them were within (nearest rank).",
            kind="days",
            base="first_contacts",
        ),
        Figure(
            "waiting_for_first_contact",
            "Waiting for first contact (at end)",
            "Clients whose status at the end of the period is awaiting triage or awaiting first "
            "contact, and whose latest referral had no first contact by then: the caseload list's "
            "status (domain.caseload.client_status) worked out from what was dated by the period's "
            "last day. A referral keeps only its latest triage decision, so one decided after the "
            "period counts as awaiting triage at its end.",
            kind="stock",
        ),
        Figure(
            "longest_wait_days",
            "Longest wait so far, days (at end)",
            "Of the clients waiting for first contact at the end of the period, the longest wait in "
            "days from the referral to the period's last day. One person's figure: team only.",
            kind="days",
            base="waiting_for_first_contact",
            publish=False,
        ),
        Figure(
            "active_caseload",
            "Active caseload (at end)",
            "Clients whose status at the end of the period is Active, the caseload list's definition: "
            "their latest referral was accepted and had its first contact, and neither a decline at "
            "triage (even after contact), nor a discharge on or after that referral (unless undone "
            "by then), nor a withdrawal of consent to take part had happened.",
            kind="stock",
        ),
        Figure(
            "discharges",
            "Discharges",
            "Discharges dated in the period (a corrected discharge counts once, as corrected; an "
            "undone one, recorded in error, not at all), by reason.",
            parts=DISCHARGE_REASONS,
            part_label="Discharged: {}",
        ),
        Figure(
            "work_outcome_at_discharge",
            "Work outcome at discharge",
            "The same discharges by the work outcome recorded at discharge (blank: not known).",
            parts=WORK_OUTCOMES,
            part_label="Work outcome at discharge: {}",
            has_total=False,
            sums_to="discharges",
        ),
        Figure(
            "sessions",
            "Sessions",
            "Contact sessions held in the period (a corrected session counts once), by mode.",
            parts=SESSION_MODES,
            part_label="Sessions: {}",
        ),
        Figure(
            "overdue_reviews",
            "Overdue reviews (at end)",
            "Clients the service is still supporting (not declined, discharged, withdrawn or followed "
            "up: domain.episodes.is_supported) whose next review date (the plan's) had passed on the "
            "day after the period ended. Plans as they stand now.",
            kind="stock",
        ),
        Figure(
            "overdue_actions",
            "Overdue plan actions (at end)",
            "Open plan actions whose due date had passed on the day after the period ended. Plans as "
            "they stand now.",
            kind="stock",
        ),
        Figure(
            "open_safety_tasks",
            "Open safety tasks (now)",
            "Risk answers (domain.risk) with no recorded action yet, as they stand now: a count of "
            "open tasks, not of clients. Team view only: every number shows inside the team.",
            kind="stock",
            publish=False,
        ),
        Figure(
            "assessments_completed",
            "Assessments completed",
            "Assessments completed in the period (a corrected one counts once), by instrument.",
            parts=_instrument_names(),
            part_label="Assessments: {}",
        ),
        _per_outcome(
            "outcome_clients",
            "Clients with baseline and latest",
            "For each outcome measure, the clients whose latest score was completed in the period "
            "and who have a baseline score for it earlier than that. ONS4's four questions are "
            "scored one by one.",
            "count",
        ),
        _per_outcome(
            "improved",
            "Clients improved",
            "Of those clients, how many improved: a lower score for PHQ-9, GAD-7, WSAS and ONS4 "
            "anxiety; a higher one for SWEMWBS, work ability and the other ONS4 questions.",
            "count",
        ),
        _per_outcome(
            "mean_change",
            "Mean change since baseline",
            "Of those clients, the mean of latest minus baseline (2 decimal places; 1 in the publication).",
            "mean",
        ),
        _per_outcome(
            "percent_improved",
            "% improved",
            "Clients improved as a percentage of clients with baseline and latest (1 decimal "
            "place; in the publication worked out from the published, rounded counts).",
            "percent",
        ),
        *(f for suffix, months in FOLLOW_UP_MONTHS.items() for f in _follow_up(suffix, months)),
        Figure(
            "consent_withdrawals",
            "Consent withdrawals",
            "Consent withdrawals recorded in the period (on the Europe/London date), by consent scope.",
            parts=CONSENT_SCOPES,
            part_label="Withdrawn: {}",
        ),
    )


@lru_cache(maxsize=1)
def _by_measure() -> dict[str, tuple[Figure, str | None]]:
    found: dict[str, tuple[Figure, str | None]] = {}
    for figure in figures():
        if figure.has_total:
            found[figure.name] = (figure, None)
        for code in figure.parts or {}:
            found[f"{figure.name}:{code}"] = (figure, code)
    return found


def measure_order() -> list[str]:
    """Every measure, in export order."""
    return list(_by_measure())


def figure_of(measure: str) -> Figure | None:
    found = _by_measure().get(measure)
    return found[0] if found else None


def measure_label(measure: str) -> str:
    found = _by_measure().get(measure)
    if found is None:
        return measure
    figure, code = found
    if code is None or figure.parts is None:
        return figure.label
    return figure.part_label.format(figure.parts[code])


def measure_definition(measure: str) -> str:
    """The definition of one measure, a breakdown's part included."""
    found = _by_measure().get(measure)
    if found is None:
        return ""
    figure, code = found
    if code is None or figure.parts is None:
        return figure.definition
    return f"{figure.definition} This line: {figure.parts[code]} ({code})."


def base_of(measure: str) -> str | None:
    """The count a derived measure is worked out from (its own code for per-outcome ones)."""
    found = _by_measure().get(measure)
    if found is None or found[0].base is None:
        return None
    figure, code = found
    return figure.base if code is None else f"{figure.base}:{code}"


def is_count(measure: str) -> bool:
    figure = figure_of(measure)
    return figure is not None and figure.kind in COUNTS


def relations() -> list[tuple[str, list[str]]]:
    """(total, parts) for every breakdown: the parts add up exactly to the total."""
    out = []
    for figure in figures():
        if figure.parts and figure.total:
            out.append((figure.total, [f"{figure.name}:{code}" for code in figure.parts]))
    return out


def bounds() -> list[tuple[str, str]]:
    """(smaller, larger) pairs that always hold: a client starts once per first contact
    at most, and the improved are some of the clients with a baseline."""
    pairs = [("starts", "first_contacts")]
    pairs += [(f"improved:{m}", f"outcome_clients:{m}") for m in OUTCOME_NAMES]
    return pairs


# Rows of an export that are not figures: what the file is and how current it is.
ABOUT_ROWS = {
    "service_name": ("Service", "The service the figures are for (resources/letters/service.json)."),
    "audience": (
        "Audience",
        "Who the file is for: the team (every number, staff named; not for "
        "publication) or commissioners (service level, disclosure controlled).",
    ),
    "data_as_of": (
        "Data as of",
        "Per coach: the oldest last successful sync among their laptops, as the "
        "server reported it to this laptop; work done after it may be missing. "
        "'not known': a laptop never synced, or the name is not a server account.",
    ),
    "changes_waiting_at_last_sync": (
        "Changes waiting at last sync",
        "Per coach: the changes their laptops said were still unsent at their last syncs.",
    ),
    "coverage_warning": ("Coverage warning", "A coach whose data may be incomplete for the period, and why."),
    "coverage": (
        "Coverage",
        "How many coaches' work had reached the server after the week ended, naming nobody.",
    ),
    "disclosure_control": ("Disclosure control", "The method used to protect small numbers, and its source."),
}


def describe(measure: str) -> tuple[str, str]:
    """(label, definition) for any row an export can hold, trend rows included."""
    if measure in ABOUT_ROWS:
        return ABOUT_ROWS[measure]
    if measure.startswith("trend:"):
        inner = measure.partition(":")[2]
        return (
            f"Trend: {measure_label(inner)}",
            f"For each of the 13 weeks to this one, on its own: {measure_definition(inner)}",
        )
    return measure_label(measure), measure_definition(measure)
