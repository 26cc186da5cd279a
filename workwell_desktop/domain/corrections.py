"""The history of corrections and moves of facts once made (sessions, fit notes,
discharges, consent events, follow-up outcomes): what was changed, by whom, and why.

A correction is a new record that ``supersedes`` the old one; a move leaves a copy
marked ``moved="out"`` on the wrong client (superseding the original) and one marked
``moved="in"`` on the right client. Both sides keep every version. No Qt, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

from .journey_records import MOVE_DIRECTIONS

# Bookkeeping fields: never listed as "what changed", and never changed by a correction
# (services.journey adds what a correction may not change besides).
BOOKKEEPING = frozenset(
    {
        "id",
        "client_id",
        "supersedes",
        "correction_reason",
        "corrected_at",
        "moved",
        "recorded_by",
        "recorded_at",
        "referral_id",
    }
)


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class HistoryLine:
    at: str  # when the correction or move was recorded (ISO, UTC; may be "" for old rows)
    by: str
    event: str  # "Corrected", or a MOVE_DIRECTIONS label
    reason: str
    changes: tuple[Change, ...]
    record_id: str  # the new version


def changed_fields(before, after) -> tuple[Change, ...]:
    return tuple(
        Change(f.name, getattr(before, f.name), getattr(after, f.name))
        for f in fields(after)
        if f.name not in BOOKKEEPING and getattr(before, f.name) != getattr(after, f.name)
    )


def when_recorded(record) -> str:
    return getattr(record, "corrected_at", "") or getattr(record, "recorded_at", "")


def correction_history(records: Iterable) -> list[HistoryLine]:
    """Every correction and move among one client's records of one type, newest first."""
    records = list(records)
    by_id = {r.id: r for r in records}
    lines = []
    for record in records:
        moved = getattr(record, "moved", "")
        if moved:
            event = MOVE_DIRECTIONS[moved] if moved in MOVE_DIRECTIONS else moved
            changes: tuple[Change, ...] = ()
        elif record.supersedes:
            event = "Corrected"
            before = by_id.get(record.supersedes)
            changes = changed_fields(before, record) if before is not None else ()
        else:
            continue
        lines.append(
            HistoryLine(
                when_recorded(record),
                getattr(record, "recorded_by", ""),
                event,
                record.correction_reason,
                changes,
                record.id,
            )
        )
    lines.sort(key=lambda line: (line.at, line.record_id), reverse=True)
    return lines
