"""Risk events and safety tasks: writing them the moment they happen, and reading them.

Above ``domain`` and ``store`` like ``assessments.py``: the rules are in
``domain.risk`` (what a risk event is, when a safety task is open); this module
saves the events through the store (so they are in the change log, the audit
trail and sync) and gives the GUI, the caseload and the team summary one way to ask.

``store`` below is a :class:`~workwell_desktop.store.Store` or the GUI's handle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from ..domain.assessments import Assessment, SafetyAction
from ..domain.risk import (
    RISK_MARKER_DAYS,
    RiskEvent,
    RiskStatus,
    SafetyTask,
    open_safety_tasks,
    risk_status_by_client,
    utc_now_iso,
)
from ..instruments import Instrument
from ..store import merges


def _reader(store):
    """The store to read from: the handle's open store, or the store itself."""
    return getattr(store, "store", store)


def record_risk_answer(
    store, client_id: str, instrument: Instrument, item_id: str, answer: int, assessment_id: str
) -> list[RiskEvent]:
    """Write a risk answer at once (one event per flag rule the answer raises).

    Called the moment the answer is given, before the safety prompt opens: nothing
    that happens to the assessment afterwards can lose it. Returns the events saved
    (none when the answer raises no flag).
    """
    item = instrument.item(item_id)
    events = [
        RiskEvent(
            client_id=client_id,
            kind="answer",
            instrument_id=instrument.id,
            item_id=item_id,
            item_number=item.number,
            answer=answer,
            flag_id=rule.id,
            assessment_id=assessment_id,
            recorded_by=store.coach_name,
            recorded_at=utc_now_iso(),
        )
        for rule in instrument.flags
        if rule.item == item_id and rule.applies_to(answer)
    ]
    return store.add_together(events) if events else []


def record_later(store, client_id: str, answer_ids: Sequence[str], assessment_id: str = "") -> RiskEvent:
    """The coach chose 'Later' on the safety prompt: recorded, and the task stays open."""
    return store.add(
        RiskEvent(
            client_id=client_id,
            kind="later",
            assessment_id=assessment_id,
            closes=tuple(answer_ids),
            recorded_by=store.coach_name,
            recorded_at=utc_now_iso(),
        )
    )


def action_event(
    store, client_id: str, answer_ids: Sequence[str], action: SafetyAction, assessment_id: str = ""
) -> RiskEvent:
    """The (unsaved) event recording what the coach did about these risk answers."""
    return RiskEvent(
        client_id=client_id,
        kind="action",
        assessment_id=assessment_id,
        closes=tuple(answer_ids),
        actions=tuple(action.actions),
        note=action.note.strip(),
        recorded_by=action.recorded_by or store.coach_name,
        recorded_at=action.recorded_at or utc_now_iso(),
    )


def record_safety_action(
    store, client_id: str, answer_ids: Sequence[str], action: SafetyAction, assessment_id: str = ""
) -> RiskEvent:
    """Save what the coach did: this closes the safety task for ``answer_ids``.

    Raises InvalidRecord (``safety_actions``, ``safety_note``) when a tick or the note
    is missing, and saves nothing.

    Recorded under the client the answers belong to: a task raised under a duplicate merged
    into ``client_id`` shows on the person's record, and an action under the kept client
    would close nothing (a task closes by its own client's actions) and be refused by every
    other laptop and the server (it names another client's records).
    """
    wanted = set(answer_ids)
    owners = {e.client_id for e in risk_events(store, client_id) if e.id in wanted}
    owner = owners.pop() if len(owners) == 1 else client_id
    return store.add(action_event(store, owner, answer_ids, action, assessment_id))


def risk_events(store, client_id: str) -> list[RiskEvent]:
    return _reader(store).for_client(RiskEvent, client_id)


def client_safety_tasks(store, client_id: str) -> list[SafetyTask]:
    """A client's open safety tasks, oldest first."""
    reader = _reader(store)
    return open_safety_tasks(
        reader.for_client(RiskEvent, client_id), reader.for_client(Assessment, client_id)
    )


def open_answer_ids(events: Iterable[RiskEvent], assessment_id: str) -> list[str]:
    """The risk answers given in one assessment that no action has closed yet."""
    return [
        i
        for task in open_safety_tasks(events)
        if task.assessment_id == assessment_id
        for i in task.answer_event_ids
    ]


def risk_statuses(store, today: date | None = None, recent_days: int | None = None) -> dict[str, RiskStatus]:
    """The risk marker of every client on this laptop that has one (two reads)."""
    from ..store.rows import from_row

    reader = _reader(store)
    if recent_days is None:
        recent_days = risk_marker_days()
    events = reader.all(RiskEvent)
    # Only flagged assessments and corrections (which may replace a flagged one) matter:
    # the caseload reloads after every save, so the unflagged majority is not read.
    flagged = [
        from_row(Assessment, row)
        for row in reader.rows(
            "SELECT * FROM assessment WHERE flags != '[]' OR supersedes != '' ORDER BY rowid"
        )
    ]
    return _per_person(reader, risk_status_by_client(events, flagged, today, recent_days))


def client_risk_status(store, client_id: str, today: date | None = None) -> RiskStatus:
    """One client's risk marker (for the record header): the whole person's, when
    ``client_id`` is merged with another record of them."""
    reader = _reader(store)
    statuses = _per_person(
        reader,
        risk_status_by_client(
            reader.for_client(RiskEvent, client_id),
            reader.for_client(Assessment, client_id),
            today,
            risk_marker_days(),
        ),
    )
    return statuses.get(merges.shown_as(reader.connection).get(client_id, client_id), RiskStatus())


def _per_person(reader, statuses: dict[str, RiskStatus]) -> dict[str, RiskStatus]:
    """Each marker under the client it is shown as (store.merges): a risk answer given under
    a merged duplicate marks the person, on the caseload list and in the record header."""
    shown = merges.shown_as(reader.connection)
    person: dict[str, RiskStatus] = {}
    for client_id, status in statuses.items():
        kept = shown.get(client_id, client_id)
        before = person.get(kept)
        person[kept] = (
            status
            if before is None
            else RiskStatus(
                before.open_tasks + status.open_tasks, max(before.last_risk_on, status.last_risk_on)
            )
        )
    return person


def risk_marker_days() -> int:
    """How long a risk marker stays after a risk answer: the service's safety file's
    ``risk_marker_days``, else RISK_MARKER_DAYS."""
    from .assessments import load_safety_guidance

    try:
        return load_safety_guidance().risk_marker_days
    except ValueError:
        return RISK_MARKER_DAYS
