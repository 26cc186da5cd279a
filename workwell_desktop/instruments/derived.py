"""The one place an assessment's score, band and flags come from: its answers.

A stored total, band or flag list is a cache, never a source (Rules of trust in
shared/ARCHITECTURE.md). ``derive_assessment`` works them out again from the
answers with the instrument's published rules, every time an assessment is
saved on this laptop (``Store.add_together``) and every time one is applied from
sync (``store.replica``). What each caller does with a disagreement is its choice,
documented where it is made:

- saving here **refuses** the record (a disagreement is a bug in this laptop's code
  and nothing the coach typed is lost: the runner keeps the answers on screen);
- applying from sync **re-scores** the record and keeps it, with the discrepancy in
  the audit trail and the log: the answers are what the client said, and dropping
  them would lose a clinical record (and possibly a risk answer).

Prorating: the published limit is applied here (``use_published_prorating=True``): whether
a service uses prorating at all is a policy checked before saving
(``assessments.build_assessment``), so a prorated record made where it is switched
on is scored the same on a laptop where it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..domain.assessments import Assessment
from .model import ScoreResult
from .registry import InstrumentRegistry, default_registry

# The stored fields that are derived from the answers.
DERIVED_FIELDS = ("total", "raw", "band", "flags")


@dataclass(frozen=True)
class Derivation:
    record: Assessment  # the record with every derived field worked out again
    result: ScoreResult | None  # None for an unscored instrument
    discrepancies: tuple[str, ...]  # derived fields whose stored value disagreed

    def describe(self, stored: Assessment) -> str:
        """'total 3 (answers give 27); band Minimal (answers give Severe)' - no personal data."""
        return "; ".join(
            f"{name} {getattr(stored, name)!r} (answers give {getattr(self.record, name)!r})"
            for name in self.discrepancies
        )


def _same(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(a - b) < 1e-9
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return tuple(a) == tuple(b)
    return a == b


def derive_assessment(
    record: Assessment, *, use_published_prorating: bool = True, registry: InstrumentRegistry | None = None
) -> Derivation:
    """Score ``record``'s answers and return it with total, raw, band and flags derived.

    Raises ValueError, in words a person can act on, when the instrument is unknown
    or the answers cannot be scored (a value out of range, too many unanswered).
    """
    registry = registry or default_registry()
    instrument = registry.get(record.instrument_id)
    answers = list(record.answers)
    result: ScoreResult | None = None
    if instrument.scored:
        result = registry.score(instrument.id, answers, use_published_prorating=use_published_prorating)
        derived = replace(
            record, total=result.total, raw=result.raw, band=result.band or "", flags=result.flag_ids
        )
    else:
        flags = registry.raised_flags(instrument.id, answers)
        derived = replace(record, total=None, raw=None, band="", flags=tuple(f.id for f in flags))
    differing = tuple(
        name for name in DERIVED_FIELDS if not _same(getattr(record, name), getattr(derived, name))
    )
    return Derivation(derived, result, differing)


def score_problems(record: Assessment) -> dict[str, str]:
    """Why a record about to be saved here must be refused: answers that cannot be
    scored, or stored values the answers do not give. Empty when it is sound."""
    try:
        derivation = derive_assessment(record)
    except ValueError as refused:
        return {"answers": str(refused)}
    if derivation.discrepancies:
        return {
            name: (
                f"The stored {name} does not match the answers: "
                f"{derivation.describe(record)}. Scores are always worked out from the answers."
            )
            for name in derivation.discrepancies
        }
    return {}
