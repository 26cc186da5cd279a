"""The turning points of a client's journey, saved (see domain/episodes.py for the rules).

Each turning point is one ``store.add_together``: one transaction with the change log
and audit trail, so the discharge and the plan actions it closes, or a withdrawal and
the discharge it makes, are never saved apart (and sync apart only as a unit).

``store`` is anything with ``add``, ``add_together``, ``update``, ``get``,
``for_client`` and ``coach_name``: a Store, or the GUI's RecordStore (its DatabaseHandle),
which announces saves.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, date, datetime

from ..domain.assessments import Assessment
from ..domain.corrections import BOOKKEEPING
from ..domain.episodes import WITHDREW, Journey, journey
from ..domain.journey_records import (
    FOLLOW_UP_TIMEPOINTS,
    MOVABLE_RECORD_TYPES,
    DischargeUndo,
    FollowUpOutcome,
)
from ..domain.plans import PlanAction, PlanSettings, current_settings, versioned_items
from ..domain.records import (
    Client,
    ConsentEvent,
    ContactSession,
    Discharge,
    FitNote,
    Record,
    Referral,
    client_id_of,
    new_id,
    new_version,
)
from ..store.errors import InvalidRecord

CORRECTABLE = (ContactSession, FitNote, Discharge, ConsentEvent, FollowUpOutcome)
CLOSED_AT_DISCHARGE = "closed_at_discharge"
# Fields a correction may not change: who the record is about, and its bookkeeping.
_FIXED = BOOKKEEPING | {"discharge_id"}


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def load_journey(store, client_id: str, today: date | None = None) -> Journey:
    """The client's journey, worked out from their records (six reads)."""
    return journey(
        store.for_client(Referral, client_id),
        store.for_client(Discharge, client_id),
        store.for_client(DischargeUndo, client_id),
        store.for_client(ConsentEvent, client_id),
        store.for_client(FollowUpOutcome, client_id),
        store.for_client(Assessment, client_id),
        today,
    )


# ----- discharge, withdrawal, undo ------------------------------------------------------


def _end_of_support(store, client_id: str, stamp: str) -> list[Record]:
    """The plan changes a discharge makes: open actions closed (kept in history), and
    the next review cleared."""
    made: list[Record] = []
    for item in versioned_items(store.for_client(PlanAction, client_id)):
        if item.current.status == "open":
            made.append(
                replace(
                    item.current,
                    id=new_id(),
                    supersedes=item.current.id,
                    status=CLOSED_AT_DISCHARGE,
                    recorded_by=store.coach_name,
                    recorded_at=stamp,
                )
            )
    settings = current_settings(store.for_client(PlanSettings, client_id))
    if settings is not None and settings.next_review_on:
        made.append(
            replace(
                settings,
                id=new_id(),
                supersedes=settings.id,
                next_review_on="",
                recorded_by=store.coach_name,
                recorded_at=stamp,
            )
        )
    return made


def _check_can_end(store, client_id: str, discharged_on: str, now: Journey) -> str:
    """The referral id the discharge ends; InvalidRecord when support cannot end now."""
    episode = now.current
    if now.ended:
        what = "was declined" if now.status == "declined" else "has already ended"
        raise InvalidRecord(
            {
                "discharged_on": f"Support {what}. To take the client on again, add a "
                "re-referral; to reopen a discharge, undo it."
            }
        )
    if episode is not None and episode.referral is not None:
        if discharged_on and discharged_on < episode.referral.received_on:
            raise InvalidRecord(
                {
                    "discharged_on": "The discharge cannot be before the referral was "
                    f"received ({episode.referral.received_on})."
                }
            )
        return episode.referral.id
    return ""


def _clear_legacy_review(store, client_id: str) -> None:
    # The date on the client's details from before the plan owned it: cleared with the
    # discharge, so an undone discharge never brings back a stale review.
    if store.get(Client, client_id).next_review_on:
        store.update(Client, client_id, next_review_on="")


def discharge(
    store,
    client_id: str,
    *,
    discharged_on: str,
    reason: str,
    work_outcome: str,
    note: str = "",
    follow_up_agreed: bool = True,
    today: date | None = None,
) -> Discharge:
    """End the current episode: the discharge, its open plan actions closed and the next
    review cleared, in one transaction. A withdrawal goes through ``withdraw``."""
    if reason == WITHDREW:
        raise InvalidRecord(
            {
                "reason": "Record a withdrawal as the client withdrawing consent to take "
                "part: it also suspends sharing their information."
            }
        )
    now = load_journey(store, client_id, today)
    stamp = now_iso()
    made = Discharge(
        client_id=client_id,
        discharged_on=discharged_on,
        reason=reason,
        work_outcome=work_outcome,
        note=note.strip(),
        follow_up_agreed=follow_up_agreed,
        recorded_by=store.coach_name,
        recorded_at=stamp,
    )
    if errors := made.validate(today):
        raise InvalidRecord(errors)
    made = replace(made, referral_id=_check_can_end(store, client_id, discharged_on, now))
    saved = store.add_together([made, *_end_of_support(store, client_id, stamp)])[0]
    _clear_legacy_review(store, client_id)
    return saved


def withdraw(
    store,
    event: ConsentEvent,
    *,
    follow_up_agreed: bool,
    work_outcome: str = "unknown",
    note: str = "",
    today: date | None = None,
) -> list[Record]:
    """The client withdrew from WorkWell: the consent event, and (while support is open)
    the discharge with reason "client withdrew", the plan actions closed and the review
    cleared, together. If support had already ended, the follow-up agreement is brought
    up to date by correcting the discharge. Sharing consent reads as suspended from then
    on (domain.consent)."""
    if event.scope != "participation" or event.action != "withdrawn":
        raise InvalidRecord({"action": "A withdrawal is the withdrawal of consent to take part."})
    now = load_journey(store, event.client_id, today)
    stamp = now_iso()
    records: list[Record] = [event]
    on = (event.recorded_at or stamp)[:10]
    if not now.ended and now.current is not None and now.current.referral is not None:
        records.append(
            Discharge(
                client_id=event.client_id,
                discharged_on=max(on, now.current.referral.received_on),
                reason=WITHDREW,
                work_outcome=work_outcome,
                note=note.strip(),
                follow_up_agreed=follow_up_agreed,
                referral_id=now.current.referral.id,
                recorded_by=store.coach_name,
                recorded_at=stamp,
            )
        )
        records += _end_of_support(store, event.client_id, stamp)
    elif now.discharge is not None and now.discharge.follow_up_agreed != follow_up_agreed:
        records.append(
            replace(
                now.discharge,
                id=new_id(),
                supersedes=now.discharge.id,
                follow_up_agreed=follow_up_agreed,
                recorded_by=store.coach_name,
                recorded_at=stamp,
                correction_reason="The client withdrew from WorkWell after discharge.",
            )
        )
    saved = store.add_together(records)
    if len(saved) > 1 and isinstance(saved[1], Discharge) and not saved[1].supersedes:
        _clear_legacy_review(store, event.client_id)
    return saved


def undo_discharge(store, client_id: str, reason: str, today: date | None = None) -> DischargeUndo:
    """Reopen the episode the current discharge ended; actions it closed open again."""
    now = load_journey(store, client_id, today)
    if now.discharge is None:
        raise InvalidRecord({"discharge_id": "There is no discharge to undo."})
    stamp = now_iso()
    undo = DischargeUndo(
        client_id=client_id,
        discharge_id=now.discharge.id,
        reason=reason.strip(),
        recorded_by=store.coach_name,
        recorded_at=stamp,
    )
    reopened = [
        replace(
            i.current,
            id=new_id(),
            supersedes=i.current.id,
            status="open",
            recorded_by=store.coach_name,
            recorded_at=stamp,
        )
        for i in versioned_items(store.for_client(PlanAction, client_id))
        if i.current.status == CLOSED_AT_DISCHARGE
    ]
    return store.add_together([undo, *reopened])[0]


# ----- follow-up -----------------------------------------------------------------------


def record_follow_up(
    store,
    client_id: str,
    *,
    timepoint: str,
    contacted_on: str,
    contact_result: str,
    work_status: str = "",
    work_outcome: str = "",
    note: str = "",
    today: date | None = None,
) -> FollowUpOutcome:
    """The outcome found at the 3- or 6-month follow-up of the current discharge."""
    now = load_journey(store, client_id, today)
    end = now.discharge
    if end is None:
        raise InvalidRecord({"timepoint": "There is no discharge to follow up."})
    if timepoint in FOLLOW_UP_TIMEPOINTS and now.outcome_for(timepoint) is not None:
        raise InvalidRecord({"timepoint": "This follow-up is already recorded: correct it instead."})
    if not end.follow_up_agreed:
        raise InvalidRecord(
            {
                "timepoint": "The client did not agree to be contacted for follow-up. If they "
                "have since agreed, correct the discharge first."
            }
        )
    if contacted_on and contacted_on < end.discharged_on:
        raise InvalidRecord({"contacted_on": "A follow-up cannot be before the discharge."})
    return store.add(
        FollowUpOutcome(
            client_id=client_id,
            discharge_id=end.id,
            timepoint=timepoint,
            contacted_on=contacted_on,
            contact_result=contact_result,
            work_status=work_status if contact_result == "reached" else "",
            work_outcome=work_outcome if contact_result == "reached" else "",
            note=note.strip(),
            recorded_by=store.coach_name,
            recorded_at=now_iso(),
        )
    )


# ----- corrections and moves -------------------------------------------------------------


def _not_replaced(store, original: Record) -> None:
    if getattr(original, "moved", "") == "out":
        raise InvalidRecord(
            {"supersedes": "This was moved to another client's record: it cannot be changed here."}
        )
    if any(
        getattr(r, "supersedes", "") == original.id
        for r in store.for_client(type(original), client_id_of(original))
    ):
        raise InvalidRecord(
            {
                "supersedes": "This was corrected since you opened it (perhaps on another "
                "laptop). Close it and look again."
            }
        )


def _stamps(original: Record, coach: str, stamp: str) -> dict:
    # A consent correction keeps the decision's moment (it orders the log) and says
    # when it was corrected; the others are stamped now.
    if isinstance(original, ConsentEvent):
        return {"recorded_by": coach, "corrected_at": stamp}
    return {"recorded_by": coach, "recorded_at": stamp}


def correct(store, original: Record, why: str, /, **changes) -> Record:
    """A corrected version that supersedes ``original`` (kept, and shown in the history);
    ``why`` is the reason for the correction, required."""
    if not isinstance(original, CORRECTABLE):
        raise InvalidRecord({"supersedes": "This kind of record cannot be corrected here."})
    if not why.strip():
        raise InvalidRecord(
            {"correction_reason": "Say why this is being corrected: it is kept in the history."}
        )
    fixed = set(changes) & _FIXED | (set(changes) - {f.name for f in fields(original)})
    if fixed:
        raise InvalidRecord({name: "This cannot be changed by a correction." for name in fixed})
    if all(getattr(original, k) == v for k, v in changes.items()):
        raise InvalidRecord({"changes": "Nothing has changed."})
    _not_replaced(store, original)
    unmoved = {"moved": ""} if hasattr(original, "moved") else {}  # a correction is not a move
    version = new_version(
        original,
        id=new_id(),
        supersedes=original.id,
        correction_reason=why.strip(),
        **changes,
        **unmoved,
        **_stamps(original, store.coach_name, now_iso()),
    )
    if isinstance(version, Discharge) and isinstance(original, Discharge):
        if version.reason == WITHDREW and original.reason != WITHDREW:
            raise InvalidRecord(
                {"reason": "Record a withdrawal as the client withdrawing consent to take part."}
            )
        ended = next(
            (r for r in store.for_client(Referral, original.client_id) if r.id == original.referral_id), None
        )
        if ended is not None and version.discharged_on < ended.received_on:
            raise InvalidRecord(
                {
                    "discharged_on": "The discharge cannot be before the referral was received "
                    f"({ended.received_on})."
                }
            )
    return store.add(version)


def move(store, original: Record, to_client_id: str, reason: str) -> tuple[Record, Record]:
    """Move a record entered on the wrong client to the right one. The wrong client's
    record keeps the original and a copy marked moved out; the right client's gets a copy
    marked moved in; both with the reason, in one transaction. Neither names the other."""
    kind = getattr(original, "record_type", "")
    if kind not in MOVABLE_RECORD_TYPES:
        raise InvalidRecord({"moved": "Only sessions, fit notes and consent decisions can be moved."})
    if not reason.strip():
        raise InvalidRecord({"correction_reason": "Say why it is being moved: it is kept in both histories."})
    if to_client_id == client_id_of(original):
        raise InvalidRecord({"client_id": "Choose a different client to move it to."})
    store.get(Client, to_client_id)  # RecordNotFound for a client not on this laptop
    _not_replaced(store, original)
    stamps = _stamps(original, store.coach_name, now_iso())
    left = new_version(
        original, id=new_id(), supersedes=original.id, moved="out", correction_reason=reason.strip(), **stamps
    )
    arrived = new_version(
        original,
        id=new_id(),
        client_id=to_client_id,
        supersedes="",
        moved="in",
        correction_reason=reason.strip(),
        **stamps,
    )
    saved = store.add_together([left, arrived])
    return saved[0], saved[1]
