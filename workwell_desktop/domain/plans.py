"""The personalised plan: goals, actions, referrals and signposting, support tier, reviews
and progress notes, with every change kept.

How the history is kept (the design choice)
-------------------------------------------
Every plan entry is an **append-only version**: a goal, action, referral or the plan's
tier-and-review settings is never edited in place. A change saves a new version that
``supersedes`` the one the coach was looking at; all versions of one entry share its
``item_id`` (the id of its first version). So:

* the coach-visible history holds the *values* before and after each change, who made
  it and when, straight from the versions, with no second table to keep in step;
* each change is one ``store.add`` - one transaction with the change log and audit
  entry - so the entry and its history can never disagree (a mutable record plus a
  separate history record would take two writes);
* sync appends versions like every other fact, so nothing is merged away. If the same
  entry is changed on two laptops while offline, both versions arrive and both stay
  *heads* (versions nothing supersedes); the later one (by ``recorded_at``) is shown and
  the other is marked in the history as made on another device without seeing it
  (``VersionedItem.unseen``). That is decided by what each version superseded, never by
  clocks: it lasts until the coach next changes that entry, whose new version
  supersedes the one shown and (``also_supersedes``) every other head they were shown.

Progress notes are facts once written: they are never changed; a correction is a new
note that supersedes the old.

Nothing here reads files: the local services directory is parsed from its content.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import ClassVar, Generic, TypeVar

from . import validation as v
from .records import Record, _collect

Errors = dict[str, str]

SUPPORT_TIERS = {
    "universal": "Universal (light touch)",
    "targeted": "Targeted (more support, social prescribing)",
    "holistic": "Holistic (most intensive)",
}

# The support areas on the services' own leaflets (shared/PRODUCT.md).
SUPPORT_AREAS = {
    "fitter_healthier": "Getting fitter and healthier",
    "mental_health_pain": "Mental health or pain",
    "money_benefits_housing": "Money, benefits or housing",
    "employer": "Talking with your employer",
    "alcohol_drugs": "Alcohol or drug problems",
    "counselling": "Counselling",
    "physiotherapy": "Physiotherapy",
    "community": "Local groups and community activities",
}

GOAL_STATUSES = {
    "active": "Working on it",
    "achieved": "Achieved",
    "dropped": "No longer a goal",
}

ACTION_OWNERS = {
    "client": "Client",
    "coach": "Coach",
    "other": "Someone else",
}

ACTION_STATUSES = {
    "open": "Open",
    "done": "Done",
    "dropped": "Dropped",
    # Set by the app when the client is discharged (journey.discharge); an undone
    # discharge opens the action again. Kept in the history like any change.
    "closed_at_discharge": "Closed at discharge",
}
# What a coach may choose for an action (the others are set by the app).
ACTION_CHOICES = {k: v for k, v in ACTION_STATUSES.items() if k != "closed_at_discharge"}

REFERRAL_KINDS = {
    "referral": "Referral (we refer the client)",
    "signposting": "Signposting (the client contacts them)",
}

REFERRAL_STATUSES = {
    "planned": "Planned",
    "made": "Made",
    "dropped": "Not going ahead",
}

NOTE_KINDS = {
    "progress": "Progress note",
    "review": "Plan review",
}


def _now_required(record) -> Errors:
    return _collect(
        recorded_by=v.check_required(record.recorded_by, "name of who made the change"),
        recorded_at=v.check_required(record.recorded_at, "time of the change"),
    )


@dataclass
class PlanEntry(Record):
    """What every versioned plan entry has (not saved on its own)."""

    mutable: ClassVar[bool] = False  # versions are appended, never edited

    client_id: str = ""
    item_id: str = ""  # the first version's id: the same for every version of an entry
    supersedes: str = ""  # the version this one replaces; "" for the first
    recorded_by: str = ""
    recorded_at: str = ""  # ISO date-time, UTC
    # Other heads of this entry the coach was shown (made elsewhere without seeing the
    # one shown): this version settles them too.
    also_supersedes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.item_id:
            self.item_id = self.id

    # Fields a coach changes (shown in the history); set by each subclass.
    history_fields: ClassVar[dict[str, str]] = {}

    def title(self) -> str:
        return ""


@dataclass
class PlanSettings(PlanEntry):
    """The plan as a whole: the support tier and its review dates."""

    record_type: ClassVar[str] = "plan"
    history_fields: ClassVar[dict[str, str]] = {
        "support_tier": "Support tier",
        "next_review_on": "Next review",
        "last_reviewed_on": "Last review",
    }

    support_tier: str = ""
    next_review_on: str = ""
    last_reviewed_on: str = ""

    def title(self) -> str:
        return "Support tier and reviews"

    def validate(self, today: date | None = None) -> Errors:
        errors = _now_required(self)
        if problem := v.check_choice(self.support_tier, SUPPORT_TIERS, "support tier"):
            errors["support_tier"] = problem
        if self.next_review_on and v.parse_date(self.next_review_on) is None:
            errors["next_review_on"] = "Enter the next review as a real date, for example 01/12/2026."
        if self.last_reviewed_on:
            if problem := v.check_not_future(self.last_reviewed_on, "date of the last review", today):
                errors["last_reviewed_on"] = problem
            elif self.next_review_on and self.next_review_on < self.last_reviewed_on:
                errors["next_review_on"] = "The next review cannot be before the last one."
        return errors


@dataclass
class PlanGoal(PlanEntry):
    record_type: ClassVar[str] = "plan_goal"
    history_fields: ClassVar[dict[str, str]] = {"text": "Goal", "status": "Status"}

    text: str = ""  # in the client's own words
    status: str = "active"

    def title(self) -> str:
        return self.text

    def validate(self, today: date | None = None) -> Errors:
        errors = _now_required(self)
        if not self.text.strip():
            errors["text"] = "Write the goal in the client's own words."
        if problem := v.check_choice(self.status, GOAL_STATUSES, "goal status"):
            errors["status"] = problem
        return errors


@dataclass
class PlanAction(PlanEntry):
    record_type: ClassVar[str] = "plan_action"
    history_fields: ClassVar[dict[str, str]] = {
        "text": "Action",
        "goal_id": "For goal",
        "owner": "Who",
        "owner_name": "Name",
        "due_on": "Due",
        "status": "Status",
    }

    text: str = ""
    goal_id: str = ""  # the item_id of the goal it serves, if any
    owner: str = "client"
    owner_name: str = ""  # who, when the owner is someone else
    due_on: str = ""
    status: str = "open"

    def title(self) -> str:
        return self.text

    def is_overdue(self, today: date | None = None) -> bool:
        return (
            self.status == "open" and bool(self.due_on) and self.due_on < (today or date.today()).isoformat()
        )

    def owner_text(self) -> str:
        if self.owner == "other" and self.owner_name.strip():
            return self.owner_name.strip()
        return ACTION_OWNERS.get(self.owner, self.owner)

    def validate(self, today: date | None = None) -> Errors:
        errors = _now_required(self)
        if not self.text.strip():
            errors["text"] = "Say what will be done."
        if problem := v.check_choice(self.owner, ACTION_OWNERS, "person who will do it"):
            errors["owner"] = problem
        elif self.owner == "other" and not self.owner_name.strip():
            errors["owner_name"] = "Name who will do it (for example the client's line manager)."
        if not self.due_on:
            errors["due_on"] = "Enter when it is due."
        elif v.parse_date(self.due_on) is None:
            errors["due_on"] = "Enter the due date as a real date, for example 01/12/2026."
        if problem := v.check_choice(self.status, ACTION_STATUSES, "action status"):
            errors["status"] = problem
        return errors


@dataclass
class PlanReferral(PlanEntry):
    """A referral or signposting to a service, usually chosen from the local directory."""

    record_type: ClassVar[str] = "plan_referral"
    history_fields: ClassVar[dict[str, str]] = {
        "support_area": "Support area",
        "service_name": "Service",
        "service_contact": "Contact",
        "kind": "Referral or signposting",
        "status": "Status",
        "made_on": "Made on",
        "note": "Note",
        "sharing_reason": "Reason to share without consent",
    }

    support_area: str = ""
    service_name: str = ""
    service_contact: str = ""
    kind: str = "signposting"
    status: str = "planned"
    made_on: str = ""
    note: str = ""
    # A referral made to a named service shares the client's information with it: it needs
    # their consent to share with that service, or else a recorded lawful reason (a code
    # of domain.consent.LAWFUL_REASONS); see plans.referral_sharing_problem.
    sharing_reason: str = ""

    def title(self) -> str:
        return self.service_name

    @property
    def shares_information(self) -> bool:
        """A referral made (we refer the client): their details go to the service."""
        return self.kind == "referral" and self.status == "made"

    def validate(self, today: date | None = None) -> Errors:
        errors = _now_required(self)
        if problem := v.check_choice(self.support_area, SUPPORT_AREAS, "support area"):
            errors["support_area"] = problem
        if not self.service_name.strip():
            errors["service_name"] = "Choose a service from the directory, or type its name."
        if problem := v.check_choice(self.kind, REFERRAL_KINDS, "referral or signposting"):
            errors["kind"] = problem
        if problem := v.check_choice(self.status, REFERRAL_STATUSES, "referral status"):
            errors["status"] = problem
        if self.status == "made":
            what = "date it was made" if self.kind == "referral" else "date the client was given the details"
            if problem := v.check_not_future(self.made_on, what, today):
                errors["made_on"] = problem
        elif self.made_on and v.parse_date(self.made_on) is None:
            errors["made_on"] = "Enter a real date, for example 01/12/2026."
        if self.sharing_reason:
            from .consent import LAWFUL_REASONS

            if self.sharing_reason not in LAWFUL_REASONS:
                errors["sharing_reason"] = "Choose a reason from the list, or none."
        return errors


@dataclass
class PlanNote(Record):
    """A progress note or the note of a plan review: never changed once written."""

    record_type: ClassVar[str] = "plan_note"
    mutable: ClassVar[bool] = False

    client_id: str = ""
    written_on: str = ""
    kind: str = "progress"
    text: str = ""
    recorded_by: str = ""
    recorded_at: str = ""
    supersedes: str = ""
    correction_reason: str = ""

    def validate(self, today: date | None = None) -> Errors:
        errors = _now_required(self)
        if problem := v.check_not_future(self.written_on, "date of the note", today):
            errors["written_on"] = problem
        if problem := v.check_choice(self.kind, NOTE_KINDS, "kind of note"):
            errors["kind"] = problem
        if not self.text.strip():
            errors["text"] = "Write the note."
        if self.supersedes and not self.correction_reason.strip():
            errors["correction_reason"] = "Say why this note is being corrected."
        return errors


PLAN_ENTRY_TYPES: tuple[type[PlanEntry], ...] = (PlanSettings, PlanGoal, PlanAction, PlanReferral)

_LABELS = {
    "support_tier": SUPPORT_TIERS,
    "status": None,
    "owner": ACTION_OWNERS,
    "support_area": SUPPORT_AREAS,
    "kind": REFERRAL_KINDS,
}
_STATUS_LABELS = {PlanGoal: GOAL_STATUSES, PlanAction: ACTION_STATUSES, PlanReferral: REFERRAL_STATUSES}


def value_label(cls: type[PlanEntry], name: str, value: str) -> str:
    """A stored code as the coach reads it ('open' -> 'Open'); other values unchanged."""
    labels = _STATUS_LABELS.get(cls) if name == "status" else _LABELS.get(name)
    return labels.get(value, value) if labels else value


# ----- versions to what the coach sees -------------------------------------------------

Entry = TypeVar("Entry", bound=PlanEntry)


@dataclass(frozen=True)
class VersionedItem(Generic[Entry]):
    """One plan entry: the version shown, all its versions (oldest first), and any other
    latest version made on another device without seeing the one shown."""

    current: Entry
    versions: tuple[Entry, ...]
    unseen: tuple[Entry, ...] = ()

    @property
    def item_id(self) -> str:
        return self.current.item_id


def _order(record: PlanEntry) -> tuple[str, str]:
    return (record.recorded_at, record.id)


def replaced_ids(records: Iterable[PlanEntry]) -> set[str]:
    """Versions some other version superseded (what it replaced, and the heads it settled)."""
    replaced = set()
    for r in records:
        if r.supersedes:
            replaced.add(r.supersedes)
        replaced.update(getattr(r, "also_supersedes", ()))
    return replaced


def versioned_items(records: Iterable[Entry]) -> list[VersionedItem[Entry]]:
    """Group versions by entry; each entry's shown version is its latest unreplaced one,
    and every other unreplaced version is ``unseen`` (whatever the clocks said).

    Oldest entry first (by when it was first recorded).
    """
    by_item: dict[str, list[Entry]] = defaultdict(list)
    records = list(records)
    replaced = replaced_ids(records)
    for record in records:
        by_item[record.item_id].append(record)
    items = []
    for versions in by_item.values():
        versions.sort(key=_order)
        heads = [r for r in versions if r.id not in replaced] or versions[-1:]
        shown = max(heads, key=_order)
        unseen = tuple(h for h in heads if h is not shown)
        items.append(VersionedItem(shown, tuple(versions), unseen))
    items.sort(key=lambda item: _order(item.versions[0]))
    return items


def current_settings(records: Iterable[PlanSettings]) -> PlanSettings | None:
    """The plan's tier and reviews: the latest version not replaced (one plan per client)."""
    records = list(records)
    replaced = replaced_ids(records)
    heads = [r for r in records if r.id not in replaced]
    return max(heads, key=_order, default=None)


def current_notes(notes: Iterable[PlanNote]) -> list[PlanNote]:
    """Notes not replaced by a correction, newest first."""
    notes = list(notes)
    replaced = {n.supersedes for n in notes if n.supersedes}
    return sorted(
        (n for n in notes if n.id not in replaced), key=lambda n: (n.written_on, n.recorded_at), reverse=True
    )


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    """One change to the plan, as the History view lists it."""

    recorded_at: str
    recorded_by: str
    kind: str  # plan, plan_goal, plan_action, plan_referral, plan_note
    title: str  # the entry's wording in that version
    event: str  # "Added", "Changed", "Written", "Corrected"
    changes: tuple[FieldChange, ...] = ()
    parallel: bool = False  # made on another device without seeing the version shown
    record_id: str = ""


KIND_LABELS = {
    "plan": "Tier and reviews",
    "plan_goal": "Goal",
    "plan_action": "Action",
    "plan_referral": "Referral or signposting",
    "plan_note": "Note",
}


def _changes(
    cls: type[PlanEntry], before: PlanEntry | None, after: PlanEntry, goal_titles: dict[str, str]
) -> tuple[FieldChange, ...]:
    names = [f.name for f in fields(cls) if f.name in cls.history_fields]
    result = []

    def shown(name: str, value: str) -> str:
        if not value:
            return ""
        if name == "goal_id":  # an action names its goal by id: show the goal's words
            return goal_titles.get(value, "a goal no longer in the plan")
        return value_label(cls, name, value)

    for name in names:
        old = getattr(before, name) if before is not None else ""
        new = getattr(after, name)
        if old != new and (before is not None or new not in ("", None)):
            result.append(FieldChange(name, cls.history_fields[name], shown(name, old), shown(name, new)))
    return tuple(result)


def plan_history(entries: Iterable[PlanEntry], notes: Iterable[PlanNote] = ()) -> list[HistoryEntry]:
    """Every version of every plan entry and every note, newest first, with what changed."""
    entries = list(entries)
    by_id = {e.id: e for e in entries}
    items = versioned_items(entries)
    unseen_ids = {u.id for item in items for u in item.unseen}
    goal_titles = {i.item_id: i.current.title() for i in items if isinstance(i.current, PlanGoal)}
    history = []
    for entry in entries:
        parent = by_id.get(entry.supersedes)
        history.append(
            HistoryEntry(
                entry.recorded_at,
                entry.recorded_by,
                entry.record_type,
                entry.title(),
                "Changed" if entry.supersedes else "Added",
                _changes(type(entry), parent, entry, goal_titles),
                entry.id in unseen_ids,
                entry.id,
            )
        )
    for note in notes:
        history.append(
            HistoryEntry(
                note.recorded_at,
                note.recorded_by,
                note.record_type,
                note.text,
                "Corrected" if note.supersedes else "Written",
                (FieldChange("correction_reason", "Reason", "", note.correction_reason),)
                if note.supersedes
                else (),
                False,
                note.id,
            )
        )
    history.sort(key=lambda h: (h.recorded_at, h.record_id), reverse=True)
    return history


# ----- the local services directory ---------------------------------------------------


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    support_area: str
    contact: str
    area_covered: str
    description: str = ""


@dataclass(frozen=True)
class ServiceDirectory:
    services: tuple[ServiceEntry, ...]
    example_data: bool = False
    notice: str = ""
    updated_on: str = ""

    def in_area(self, support_area: str) -> list[ServiceEntry]:
        """Services for one support area ('' for all), A to Z."""
        chosen = [s for s in self.services if not support_area or s.support_area == support_area]
        return sorted(chosen, key=lambda s: s.name.casefold())

    @classmethod
    def from_dict(cls, data: dict) -> ServiceDirectory:
        """Parse the directory file's content; ValueError names the entry that is wrong."""
        if not isinstance(data, dict) or not isinstance(data.get("services"), list):
            raise ValueError("the services directory must be a JSON object with a 'services' list")
        services = []
        for number, entry in enumerate(data["services"], 1):
            if not isinstance(entry, dict):
                raise ValueError(f"service {number} must be an object")
            missing = [
                k
                for k in ("name", "support_area", "contact", "area_covered")
                if not str(entry.get(k, "")).strip()
            ]
            if missing:
                name = entry.get("name", "no name")
                raise ValueError(f"service {number} ({name}) needs: {', '.join(missing)}")
            if entry["support_area"] not in SUPPORT_AREAS:
                raise ValueError(
                    f"service {number} ({entry['name']}): unknown support area {entry['support_area']!r}; "
                    f"use one of {', '.join(SUPPORT_AREAS)}"
                )
            services.append(
                ServiceEntry(
                    str(entry["name"]),
                    entry["support_area"],
                    str(entry["contact"]),
                    str(entry["area_covered"]),
                    str(entry.get("description", "")),
                )
            )
        return cls(
            tuple(services),
            bool(data.get("example_data")),
            str(data.get("notice", "")),
            str(data.get("updated_on", "")),
        )
