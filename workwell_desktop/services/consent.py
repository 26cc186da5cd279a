"""Recording a consent decision: one new entry in the append-only consent log.

The rules are in ``domain.consent`` (which entry decides, what sharing needs); this
module saves a decision the coach records now. Corrections of a mistaken entry go
through ``services.journey.correct`` like every other fact once made.

``store`` is anything with ``add``, ``add_together``, ``update``, ``get``,
``for_client`` and ``coach_name``: a Store, or the GUI's RecordStore, which announces saves.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from ..domain.consent import moment_after
from ..domain.records import ConsentEvent, Record
from . import journey


def record_decision(
    store,
    event: ConsentEvent,
    *,
    follow_up_agreed: bool = True,
    work_outcome: str = "unknown",
    now: datetime | None = None,
) -> list[Record]:
    """Save a decision made now; returns the records saved.

    The latest entry decides consent, so the new one is stamped after every earlier one
    (even one synced in with a clock slightly ahead of this laptop's). Withdrawing from
    WorkWell also ends support (``journey.withdraw``: the discharge and the plan actions
    it closes, in the same transaction)."""
    stamped = replace(
        event,
        recorded_at=moment_after(store.for_client(ConsentEvent, event.client_id), now or datetime.now(UTC)),
    )
    if stamped.scope == "participation" and stamped.action == "withdrawn":
        return journey.withdraw(
            store, stamped, follow_up_agreed=follow_up_agreed, work_outcome=work_outcome, note=stamped.note
        )
    return [store.add(stamped)]
