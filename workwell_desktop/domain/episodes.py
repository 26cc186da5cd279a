"""The client's journey: one lifecycle for an episode of support, defined once.

Used by the caseload list, the record header and discharge card, the reports and
(through the records it reads) sync. No Qt, no SQL.

An **episode of support** starts with a referral and moves through these stages::

    awaiting_triage -> declined (with a reason)                       [ended]
                    -> awaiting_first_contact -> active
                       -> discharged (reason, work outcome, note)      [ended]
                          -> followed_up (3- and 6-month outcomes)     [ended]
                       -> withdrew (participation withdrawn)           [ended]

* A **re-referral** is a later referral on the same client: it opens a new episode;
  the earlier ones stay readable (``Journey.episodes``, oldest first).
* A **discharge** ends the episode it names (``Discharge.referral_id``; older
  discharges without one end the latest referral received by their date). It can be
  **undone** (``DischargeUndo`` with a reason): the episode is open again and the
  discharge stays in the history. A **correction** of a discharge supersedes it.
* **Withdrawal**: when participation consent is withdrawn the app records a discharge
  with reason ``client_withdrew`` together with the consent event. The stage is also
  ``withdrew`` when the latest participation decision is a withdrawal made during the
  episode, even if that discharge has not arrived (yet) from another laptop.
* **Follow-ups** fall due 3 and 6 months after the discharge; each is done by a
  ``FollowUpOutcome`` (or an assessment at that timepoint, as before); they are
  *cancelled* when the discharge says the client did not agree to follow-up contact.

Every state change is a record that syncs: ``Referral`` (created; triage and first
contact are field edits), ``Discharge``, ``DischargeUndo``, ``FollowUpOutcome`` and
``ConsentEvent``. Nothing derived here is ever stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from .assessments import FollowUp, follow_ups
from .consent import deciding_events
from .journey_records import DischargeUndo, FollowUpOutcome
from .records import ConsentEvent, Discharge, Referral

STAGES = {
    "no_referral": "No referral recorded",
    "awaiting_triage": "Awaiting triage",
    "declined": "Declined",
    "awaiting_first_contact": "Awaiting first contact",
    "active": "Active",
    "discharged": "Discharged",
    "withdrew": "Withdrew",
    "followed_up": "Followed up",
}

# The service is no longer working with the client: no reviews or actions are chased.
ENDED_STAGES = frozenset({"declined", "discharged", "withdrew", "followed_up"})

WITHDREW = "client_withdrew"  # the discharge reason for a client who withdrew


@dataclass(frozen=True)
class Episode:
    number: int  # 1 for the first referral; 0 for discharges with no referral
    referral: Referral | None
    end: Discharge | None  # the current version of the discharge that ended it
    discharges: tuple[Discharge, ...]  # every discharge version for this episode, as saved
    undos: tuple[DischargeUndo, ...]
    stage: str  # a key of STAGES

    @property
    def ended_on(self) -> str:
        if self.end is not None:
            return self.end.discharged_on
        if self.stage == "declined" and self.referral is not None:
            return self.referral.triaged_on
        return ""

    def undo_of(self, discharge: Discharge) -> DischargeUndo | None:
        chain = _chain_ids(discharge, self.discharges)
        return next((u for u in self.undos if u.discharge_id in chain), None)


@dataclass(frozen=True)
class Journey:
    episodes: tuple[Episode, ...]  # oldest first
    status: str  # the stage of the current (latest) episode
    withdrawn_at: str = ""  # when participation was withdrawn, if that is the decision now
    withdrawn_by: str = ""
    follow_ups: tuple[FollowUp, ...] = ()  # after the current episode's discharge
    outcomes: tuple[FollowUpOutcome, ...] = ()  # current follow-up outcomes, all episodes

    @property
    def current(self) -> Episode | None:
        return self.episodes[-1] if self.episodes else None

    @property
    def ended(self) -> bool:
        return self.status in ENDED_STAGES

    @property
    def discharge(self) -> Discharge | None:
        """The discharge that ended the current episode, if it has ended that way."""
        return self.current.end if self.current else None

    def outcome_for(self, timepoint: str) -> FollowUpOutcome | None:
        end, current = self.discharge, self.current
        if end is None or current is None:
            return None
        chain = _chain_ids(end, current.discharges)
        found = [o for o in self.outcomes if o.discharge_id in chain and o.timepoint == timepoint]
        return max(found, key=lambda o: (o.recorded_at, o.id), default=None)


def _current(records: Iterable) -> list:
    records = list(records)
    replaced = {r.supersedes for r in records if getattr(r, "supersedes", "")}
    return [r for r in records if r.id not in replaced]


def _chain_ids(discharge: Discharge, versions: Iterable[Discharge]) -> set[str]:
    """The ids of a discharge and every version it corrects."""
    by_id = {d.id: d for d in versions}
    ids: set[str] = set()
    at: Discharge | None = discharge
    while at is not None and at.id not in ids:
        ids.add(at.id)
        at = by_id.get(at.supersedes)
    return ids


def _order(referral: Referral) -> tuple[str, str]:
    return (referral.received_on, referral.id)


def _episode_of(discharge: Discharge, referrals: list[Referral]) -> Referral | None:
    named = (
        next((r for r in referrals if r.id == discharge.referral_id), None) if discharge.referral_id else None
    )
    if named is not None:
        return named
    earlier = [r for r in referrals if r.received_on <= discharge.discharged_on]
    return max(earlier, key=_order, default=None)


def _open_stage(referral: Referral) -> str:
    if referral.triage_outcome == "pending":
        return "awaiting_triage"
    if referral.triage_outcome == "declined":
        return "declined"
    return "active" if referral.first_contact_on else "awaiting_first_contact"


def _discharge_order(d: Discharge) -> tuple[str, str, str]:
    return (d.discharged_on, d.recorded_at, d.id)


def episodes_of(
    referrals: Iterable[Referral], discharges: Iterable[Discharge], undos: Iterable[DischargeUndo] = ()
) -> list[Episode]:
    """Each referral's episode, oldest first, with the discharge that ended it (if any)."""
    referrals = sorted(referrals, key=_order)
    every = list(discharges)
    undos = list(undos)
    shown = _current(every)
    by_referral: dict[str | None, list[Discharge]] = {}
    for d in shown:
        owner = _episode_of(d, referrals)
        by_referral.setdefault(owner.id if owner else None, []).append(d)

    def versions_for(current: list[Discharge]) -> tuple[Discharge, ...]:
        ids = set().union(*(_chain_ids(d, every) for d in current)) if current else set()
        return tuple(d for d in every if d.id in ids)

    undone = {u.discharge_id for u in undos}

    def build(number: int, referral: Referral | None, open_stage: str) -> Episode:
        current = by_referral.get(referral.id if referral else None, [])
        if not current:  # most episodes on a caseload: still open
            return Episode(number, referral, None, (), (), open_stage)
        versions = versions_for(current)
        standing = [d for d in current if not (_chain_ids(d, every) & undone)]
        end = max(standing, key=_discharge_order, default=None)
        chain = set().union(*(_chain_ids(d, every) for d in current)) if current else set()
        episode_undos = tuple(u for u in undos if u.discharge_id in chain)
        stage = open_stage
        if end is not None:
            stage = "withdrew" if end.reason == WITHDREW else "discharged"
        return Episode(number, referral, end, versions, episode_undos, stage)

    episodes = [build(n, r, _open_stage(r)) for n, r in enumerate(referrals, 1)]
    if not referrals and by_referral.get(None):
        episodes.append(build(0, None, "no_referral"))
    return episodes


def _follow_ups(
    episode: Episode | None, outcomes: list[FollowUpOutcome], assessments, today: date | None
) -> tuple[FollowUp, ...]:
    if episode is None or episode.end is None:
        return ()
    end = episode.end
    chain = _chain_ids(end, episode.discharges)
    shown = []
    for follow in follow_ups(end.discharged_on, assessments, today):
        outcome = [o for o in outcomes if o.discharge_id in chain and o.timepoint == follow.timepoint]
        if outcome:
            done_on = min(o.contacted_on for o in outcome)
            follow = replace(follow, status="done", done_on=done_on)
        elif follow.status != "done" and not end.follow_up_agreed:
            follow = replace(follow, status="cancelled")
        shown.append(follow)
    return tuple(shown)


def journey(
    referrals: Iterable[Referral],
    discharges: Iterable[Discharge],
    undos: Iterable[DischargeUndo] = (),
    consents: Iterable[ConsentEvent] = (),
    outcomes: Iterable[FollowUpOutcome] = (),
    assessments: Iterable = (),
    today: date | None = None,
) -> Journey:
    """Where the client is in the service, worked out from their records every time."""
    episodes = episodes_of(referrals, discharges, undos)
    outcomes = _current(outcomes)
    # Only the participation decision matters here (the caseload asks for thousands).
    participation = deciding_events(consents).get(("participation", ""))
    withdrawn_by = ""
    withdrawn_at = ""
    if participation is not None and participation.action == "withdrawn":
        withdrawn_at, withdrawn_by = participation.recorded_at, participation.recorded_by
    withdrawn = bool(withdrawn_at)
    status = "no_referral"
    if episodes:
        last = episodes[-1]
        status = last.stage
        if (
            last.end is None
            and withdrawn
            and last.referral is not None
            and withdrawn_at[:10] >= last.referral.received_on
        ):
            status = "withdrew"  # the withdrawal's discharge may still be on its way from another laptop
            episodes[-1] = replace(last, stage=status)
    follow = _follow_ups(episodes[-1] if episodes else None, outcomes, assessments, today)
    if status == "discharged" and follow and all(f.status == "done" for f in follow):
        status = "followed_up"
        episodes[-1] = replace(episodes[-1], stage=status)
    return Journey(tuple(episodes), status, withdrawn_at, withdrawn_by, follow, tuple(outcomes))


# ----- what the caseload, header and reports show -------------------------------------


@dataclass(frozen=True)
class Overdue:
    review: bool  # the next review date has passed
    actions: int  # open plan actions past their due date


def is_supported(status: str) -> bool:
    """Whether the service is still working with a client in this stage (reviews and
    actions are chased, and counted in the team's overdue figures)."""
    return status not in ENDED_STAGES


def next_review(status: str, plan_review: str, legacy_review: str = "") -> str:
    """The one next-review date: the plan's. ``legacy_review`` is the date kept on the
    client's details before the plan owned it, shown only until the plan has one. An
    episode that has ended has no next review."""
    if not is_supported(status):
        return ""
    return plan_review or legacy_review


def overdue(status: str, next_review_on: str, overdue_actions: int, today: str) -> Overdue:
    """What is overdue for one client on ``today`` (ISO): nothing once support has ended."""
    if not is_supported(status):
        return Overdue(False, 0)
    return Overdue(bool(next_review_on) and next_review_on < today, overdue_actions)


def participation_banner(journey: Journey, has_participation: bool, withdrawn_on_text: str = "") -> str:
    """The warning over the record about taking part, in words that fit what happened
    ("" when there is nothing to say). ``withdrawn_on_text`` is the date as the reader reads it."""
    if journey.withdrawn_at:
        return (
            f"The client withdrew from WorkWell on {withdrawn_on_text or journey.withdrawn_at[:10]}. "
            "Sharing their information is suspended. Record their consent again only if they "
            "choose to come back."
        )
    if has_participation or journey.ended:
        return ""  # nothing to ask of someone support has ended for
    return (
        "Consent to take part in WorkWell has not been recorded as given. "
        "Record it on the Consent tab before support starts."
    )


def contact_warning(journey: Journey, withdrawn_on_text: str = "") -> str:
    """Said before a new session or assessment for a client who withdrew ("" otherwise)."""
    if journey.status != "withdrew" and not journey.withdrawn_at:
        return ""
    when = (
        withdrawn_on_text
        or journey.withdrawn_at[:10]
        or (journey.discharge.discharged_on if journey.discharge else "")
    )
    return (
        f"This client withdrew from WorkWell on {when}. Record a session or assessment only if they "
        "have agreed to it (for example a follow-up they asked for)."
    )
