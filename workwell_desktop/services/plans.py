"""Saving and reading a client's personalised plan (see domain/plans.py for the design).

Every change is a new version saved with ``store.add`` (one transaction with the change
log and audit trail). Like ``workwell_desktop.assessments`` this sits above ``domain``
and ``store`` because it also reads the service's local directory from resources.

``store`` below is anything with ``add``, ``add_together``, ``for_client`` and
``coach_name``: a Store, or the GUI's RecordStore, which announces saves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from ..domain.consent import SharingRefused, check_sharing
from ..domain.episodes import next_review as next_review_on
from ..domain.episodes import overdue
from ..domain.plans import (
    Entry,
    PlanAction,
    PlanEntry,
    PlanGoal,
    PlanNote,
    PlanReferral,
    PlanSettings,
    ServiceDirectory,
    VersionedItem,
    current_notes,
    current_settings,
    plan_history,
    replaced_ids,
    versioned_items,
)
from ..domain.records import Client, ConsentEvent, new_id
from ..paths import resource_path
from ..store.errors import InvalidRecord
from .journey import load_journey


def directory_path() -> Path:
    return resource_path("services", "directory.json")


@lru_cache(maxsize=4)
def _directory_from(path: str, mtime: float) -> ServiceDirectory:
    return ServiceDirectory.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def load_directory(path: Path | None = None) -> ServiceDirectory:
    """The local services directory (resources/services/directory.json), which the
    service edits; read again whenever the file changes. ValueError for a broken file."""
    path = Path(path or directory_path())
    try:
        return _directory_from(str(path), path.stat().st_mtime)
    except (OSError, json.JSONDecodeError) as problem:
        raise ValueError(f"The services directory {path} could not be read: {problem}") from None


def now_iso() -> str:
    # Microseconds: two quick changes on one laptop keep their order in the history.
    return datetime.now(UTC).isoformat(timespec="microseconds")


def referral_sharing_problem(store, version: PlanReferral, earlier: PlanReferral | None = None) -> str | None:
    """Why this referral may not be marked made to its service now, or None.

    The one consent gate (domain.consent.check_sharing): a referral made to a named service
    needs current participation and consent to share with that service, or a recorded
    lawful reason. Checked when a referral becomes made or is made to another service.
    """
    if not version.shares_information:
        return None
    if (
        earlier is not None
        and earlier.shares_information
        and earlier.service_name.strip().casefold() == version.service_name.strip().casefold()
    ):
        return None  # already made to this service: nothing new leaves
    try:
        check_sharing(
            store.for_client(ConsentEvent, version.client_id),
            "share_service",
            version.service_name,
            lawful_reason=version.sharing_reason,
        )
    except SharingRefused as refused:
        return (
            f"{refused} Record their consent to share with {version.service_name.strip()} first, or "
            "choose the lawful reason for sharing without it."
        )
    return None


def _check_referral(store, version: PlanEntry, earlier: PlanEntry | None = None) -> None:
    if isinstance(version, PlanReferral):
        problem = referral_sharing_problem(
            store, version, earlier if isinstance(earlier, PlanReferral) else None
        )
        if problem:
            raise InvalidRecord({"status": problem})


def add_entry(store, entry: Entry) -> Entry:
    """Save the first version of a goal, action, referral or the plan's settings."""
    stamped = replace(
        entry,
        recorded_by=store.coach_name,
        recorded_at=now_iso(),
        supersedes="",
        item_id=entry.item_id or entry.id,
    )
    _check_referral(store, stamped)
    return store.add(stamped)


def change_entry(store, shown: Entry, **changes) -> Entry:
    """Save a new version of ``shown`` with ``changes``; the old version is kept.

    Refuses (InvalidRecord) when nothing changed, and when ``shown`` has already been
    replaced (changed elsewhere since it was read), so no edit builds on a stale view.
    """
    cls = type(shown)
    not_allowed = set(changes) - set(cls.history_fields)
    if not_allowed:
        raise InvalidRecord({name: "This cannot be changed." for name in not_allowed})
    if all(getattr(shown, k) == val for k, val in changes.items()):
        raise InvalidRecord({"changes": "Nothing has changed."})
    if shown.id in replaced_ids(store.for_client(cls, shown.client_id)):
        raise InvalidRecord(
            {
                "supersedes": "This was changed since you opened it (perhaps on another "
                "laptop). Close it and look again."
            }
        )
    version = replace(
        shown,
        id=new_id(),
        item_id=shown.item_id,
        supersedes=shown.id,
        also_supersedes=_other_heads(store, shown),
        recorded_by=store.coach_name,
        recorded_at=now_iso(),
        **changes,
    )
    _check_referral(store, version, shown)
    return store.add(version)


def _other_heads(store, shown: PlanEntry) -> tuple[str, ...]:
    """The entry's other current versions, shown to the coach beside ``shown``: the new
    version settles them too (see domain.plans)."""
    versions = [r for r in store.for_client(type(shown), shown.client_id) if r.item_id == shown.item_id]
    replaced = replaced_ids(versions)
    return tuple(sorted(r.id for r in versions if r.id not in replaced and r.id != shown.id))


def _plan_owns_the_review(store, client_id: str) -> None:
    """The next review is the plan's alone (issue #19): once the plan has been saved, a
    date left on the client's details from before is cleared so it never comes back."""
    client = store.get(Client, client_id)
    if client.next_review_on:
        store.update(Client, client_id, next_review_on="")


def save_settings(store, client_id: str, **values) -> PlanSettings:
    """Set the support tier and review dates: the first plan version or a new one."""
    shown = current_settings(store.for_client(PlanSettings, client_id))
    if shown is None:
        saved = add_entry(store, PlanSettings(client_id=client_id, **values))
    else:
        changed = {k: val for k, val in values.items() if getattr(shown, k) != val}
        saved = change_entry(store, shown, **changed) if changed else shown
    _plan_owns_the_review(store, client_id)
    return saved


def record_review(
    store, client_id: str, reviewed_on: str, next_review_on: str, note: str, support_tier: str | None = None
) -> tuple[PlanSettings, PlanNote]:
    """A plan review held: the review note and the new review dates saved together."""
    shown = current_settings(store.for_client(PlanSettings, client_id))
    stamp = now_iso()
    tier = support_tier or (shown.support_tier if shown else "")
    settings = PlanSettings(
        client_id=client_id,
        support_tier=tier,
        next_review_on=next_review_on,
        last_reviewed_on=reviewed_on,
        recorded_by=store.coach_name,
        recorded_at=stamp,
    )
    if shown is not None:
        if shown.id in replaced_ids(store.for_client(PlanSettings, client_id)):
            raise InvalidRecord({"supersedes": "The plan was changed since you opened it. Look again."})
        settings = replace(
            settings, item_id=shown.item_id, supersedes=shown.id, also_supersedes=_other_heads(store, shown)
        )
    review = PlanNote(
        client_id=client_id,
        written_on=reviewed_on,
        kind="review",
        text=note.strip(),
        recorded_by=store.coach_name,
        recorded_at=stamp,
    )
    saved = store.add_together([settings, review])
    _plan_owns_the_review(store, client_id)
    return saved[0], saved[1]


def add_note(
    store, client_id: str, text: str, written_on: str | None = None, kind: str = "progress"
) -> PlanNote:
    return store.add(
        PlanNote(
            client_id=client_id,
            written_on=written_on or date.today().isoformat(),
            kind=kind,
            text=text.strip(),
            recorded_by=store.coach_name,
            recorded_at=now_iso(),
        )
    )


def correct_note(store, original: PlanNote, text: str, reason: str) -> PlanNote:
    """A corrected note that supersedes the original, which is kept."""
    return store.add(
        PlanNote(
            client_id=original.client_id,
            written_on=original.written_on,
            kind=original.kind,
            text=text.strip(),
            recorded_by=store.coach_name,
            recorded_at=now_iso(),
            supersedes=original.id,
            correction_reason=reason.strip(),
        )
    )


# ----- reading: what the Plan tab shows ------------------------------------------------


@dataclass(frozen=True)
class PlanView:
    client_id: str
    settings: PlanSettings | None
    goals: tuple[VersionedItem, ...]
    actions: tuple[VersionedItem, ...]
    referrals: tuple[VersionedItem, ...]
    notes: tuple[PlanNote, ...]  # current notes, newest first
    history: tuple  # HistoryEntry, newest first
    next_review_on: str  # the one next review (domain.episodes.next_review)
    today: str
    status: str = ""  # the episode's stage (domain.episodes)

    @property
    def overdue_actions(self) -> list[PlanAction]:
        when = date.fromisoformat(self.today)
        return [i.current for i in self.actions if i.current.is_overdue(when)]

    @property
    def review_overdue(self) -> bool:
        return overdue(self.status, self.next_review_on, 0, self.today).review

    def goal_text(self, goal_item_id: str) -> str:
        for goal in self.goals:
            if goal.item_id == goal_item_id:
                return goal.current.text
        return ""


def load_plan(store, client_id: str, today: date | None = None, client: Client | None = None) -> PlanView:
    """The whole plan with its history, and the episode's stage (which decides whether
    there is a next review at all)."""
    settings_versions = store.for_client(PlanSettings, client_id)
    goals = store.for_client(PlanGoal, client_id)
    actions = store.for_client(PlanAction, client_id)
    referrals = store.for_client(PlanReferral, client_id)
    notes = store.for_client(PlanNote, client_id)
    settings = current_settings(settings_versions)
    client = client or store.get(Client, client_id)
    status = load_journey(store, client_id, today).status
    next_review = next_review_on(status, settings.next_review_on if settings else "", client.next_review_on)
    return PlanView(
        client_id,
        settings,
        tuple(versioned_items(goals)),
        tuple(versioned_items(actions)),
        tuple(versioned_items(referrals)),
        tuple(current_notes(notes)),
        tuple(plan_history([*settings_versions, *goals, *actions, *referrals], notes)),
        next_review,
        (today or date.today()).isoformat(),
        status,
    )
