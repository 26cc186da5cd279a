"""The caseload list: one row per client with what a coach scans for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..domain.assessments import Assessment
from ..domain.episodes import journey, next_review, overdue
from ..domain.journey_records import DischargeUndo, FollowUpOutcome
from ..domain.records import ConsentEvent, Discharge, Referral
from . import merges
from .rows import from_row


@dataclass(frozen=True)
class CaseloadEntry:
    client_id: str
    given_name: str
    family_name: str
    nhs_number: str
    postcode: str
    date_of_birth: str
    status: str  # a key of domain.caseload.CLIENT_STATUSES
    next_review_on: str  # "" when none is set
    last_contact_on: str  # latest session, or first contact; "" when none yet
    coach: str
    # From the plan: open actions past their due date, and whether the next review
    # (the plan's; see domain.episodes.next_review) has passed. Both from
    # domain.episodes.overdue: nothing is overdue once support has ended.
    overdue_actions: int = 0
    review_overdue: bool = False
    # The risk marker (domain.risk): open safety tasks, and the date of a recent risk
    # answer ("" when none within the service's risk_marker_days).
    open_safety_tasks: int = 0
    risk_on: str = ""

    @property
    def risk_marked(self) -> bool:
        return self.open_safety_tasks > 0 or bool(self.risk_on)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


# Plan entries are append-only versions (domain/plans.py): the current version of an
# entry is the latest one (by recorded_at, then id) that no other version supersedes,
# the same rule as domain.plans.versioned_items / current_settings.
# "Replaced" is also being settled by a version's also_supersedes (domain.plans.replaced_ids).
_OVERDUE_ACTIONS = """
SELECT a.client_id, count(DISTINCT a.item_id) FROM plan_action a
WHERE a.status = 'open' AND a.due_on != '' AND a.due_on < ?
  AND NOT EXISTS (SELECT 1 FROM plan_action b WHERE b.supersedes = a.id
                  OR a.id IN (SELECT value FROM json_each(b.also_supersedes)))
  AND NOT EXISTS (  -- a later unreplaced version of the same action (changed on another laptop)
      SELECT 1 FROM plan_action c
      WHERE c.item_id = a.item_id AND (c.recorded_at, c.id) > (a.recorded_at, a.id)
        AND NOT EXISTS (SELECT 1 FROM plan_action d WHERE d.supersedes = c.id
                        OR c.id IN (SELECT value FROM json_each(d.also_supersedes))))
GROUP BY a.client_id"""

_PLAN_NEXT_REVIEW = """
SELECT client_id, next_review_on FROM (
    SELECT p.client_id, p.next_review_on, row_number() OVER (
        PARTITION BY p.client_id ORDER BY p.recorded_at DESC, p.id DESC) AS latest
    FROM plan p
    WHERE NOT EXISTS (SELECT 1 FROM plan q WHERE q.supersedes = p.id
                      OR p.id IN (SELECT value FROM json_each(q.also_supersedes)))
) WHERE latest = 1 AND next_review_on != ''"""

# What the journey needs besides referrals and discharges, in as few columns as it
# reads: participation decisions (a withdrawal ends the episode), undone discharges,
# follow-up outcomes, and the timepoints of assessments (a follow-up measure counts).
_JOURNEY_READS = (
    ("SELECT * FROM discharge_undo", DischargeUndo),
    ("SELECT * FROM follow_up_outcome", FollowUpOutcome),
    (
        "SELECT id, client_id, scope, service_name, action, method, recorded_by, recorded_at,"
        " supersedes, moved FROM consent_event WHERE scope = 'participation'",
        ConsentEvent,
    ),
    ("SELECT id, client_id, timepoint, completed_on, supersedes FROM assessment", Assessment),
)


def caseload(store, today: date | None = None) -> list[CaseloadEntry]:
    """Every client on this device, sorted by family then given name.

    A fixed number of queries, whatever the caseload size: clients with their latest
    session date; referrals, discharges and the other journey records grouped in
    memory; overdue plan actions counted per client; each plan's current next review.
    Status, next review and overdue come from domain.episodes, as everywhere else.
    """
    conn = store.connection
    today_iso = (today or date.today()).isoformat()
    overdue_actions = dict(conn.execute(_OVERDUE_ACTIONS, (today_iso,)).fetchall())
    plan_reviews = dict(conn.execute(_PLAN_NEXT_REVIEW).fetchall())
    grouped: dict[type, dict[str, list]] = {}
    for sql, cls in (
        ("SELECT * FROM referral", Referral),
        ("SELECT * FROM discharge", Discharge),
        *_JOURNEY_READS,
    ):
        into = grouped.setdefault(cls, defaultdict(list))
        # Text-only columns need no conversion: build the records directly (several
        # times faster than from_row at 5,000 clients); the discharge has a flag.
        # (Columns another version added are left out, as from_row does.)
        names = set(cls.field_names())
        for row in store.rows(sql):
            record = (
                from_row(cls, row)
                if cls is Discharge
                else cls(**{k: v for k, v in row.items() if k in names})
            )
            into[row["client_id"]].append(record)
    referrals = grouped[Referral]
    cur = conn.execute(
        "SELECT c.id, c.given_name, c.family_name, c.nhs_number, c.postcode, c.date_of_birth,"
        " c.next_review_on, c.coach, (SELECT max(held_on) FROM contact_session s"
        " WHERE s.client_id = c.id) FROM client c"
        " ORDER BY c.family_name COLLATE NOCASE,"
        " c.given_name COLLATE NOCASE"
    )
    entries = []
    # A client merged into another is shown (with its history) under that one (store.merges).
    merged_away = merges.shown_as(conn)
    for cid, given, family, nhs, postcode, dob, review, coach, last_session in cur.fetchall():
        if cid in merged_away:
            continue
        client_referrals = referrals.get(cid, [])
        first_contacts = [r.first_contact_on for r in client_referrals if r.first_contact_on]
        last_contact = max([d for d in (last_session, *first_contacts) if d], default="")
        g = grouped
        status = journey(
            client_referrals,
            g[Discharge].get(cid, []),
            g[DischargeUndo].get(cid, []),
            g[ConsentEvent].get(cid, []),
            g[FollowUpOutcome].get(cid, []),
            g[Assessment].get(cid, []),
            today=today,
        ).status
        review = next_review(status, plan_reviews.get(cid, ""), review)
        late = overdue(status, review, overdue_actions.get(cid, 0), today_iso)
        entries.append(
            CaseloadEntry(
                cid,
                given,
                family,
                nhs,
                postcode,
                dob,
                status,
                review,
                last_contact,
                coach,
                late.actions,
                late.review,
            )
        )
    return _with_risk(store, entries, today)


def _with_risk(store, entries: list[CaseloadEntry], today: date | None) -> list[CaseloadEntry]:
    """Add the risk marker from the one rule in domain.risk (two more reads)."""
    from dataclasses import replace

    from ..services.safety import risk_statuses

    risk = risk_statuses(store, today)
    return [
        replace(e, open_safety_tasks=risk[e.client_id].open_tasks, risk_on=risk[e.client_id].last_risk_on)
        if e.client_id in risk
        else e
        for e in entries
    ]
