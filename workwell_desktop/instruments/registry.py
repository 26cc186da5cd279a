"""The set of instruments an installation knows: the shipped ones plus any a service adds."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..paths import resource_path
from .loader import InstrumentDefinitionError, load_instrument_folder
from .model import Flag, Instrument, ScoreResult
from .scoring import Scorer


class InstrumentRegistry:
    """Instruments by id, each with its prepared scorer."""

    def __init__(self, instruments: Iterable[Instrument]) -> None:
        self._instruments: dict[str, Instrument] = {}
        self._scorers: dict[str, Scorer] = {}
        for instrument in instruments:
            earlier = self._instruments.get(instrument.id)
            if earlier is not None:
                raise InstrumentDefinitionError(
                    instrument.path or instrument.id,
                    f"instrument id {instrument.id!r} is already defined"
                    + (f" by {earlier.path}" if earlier.path else ""),
                )
            self._instruments[instrument.id] = instrument
            self._scorers[instrument.id] = Scorer(instrument)

    def get(self, instrument_id: str) -> Instrument:
        """The instrument with this id; ``ValueError`` if there is none."""
        try:
            return self._instruments[instrument_id]
        except (KeyError, TypeError):
            known = ", ".join(sorted(self._instruments))
            raise ValueError(f"unknown instrument id {instrument_id!r}; known instruments: {known}") from None

    def score(
        self, instrument_id: str, answers: Sequence[int | None], *, use_published_prorating: bool = False
    ) -> ScoreResult:
        """Score answers (one per item, in order; None = unanswered)."""
        self.get(instrument_id)
        return self._scorers[instrument_id](answers, use_published_prorating=use_published_prorating)

    def raised_flags(self, instrument_id: str, answers: Sequence[int | None]) -> tuple[Flag, ...]:
        """The risk flags answers raise, scored instrument or not."""
        self.get(instrument_id)
        return self._scorers[instrument_id].raised_flags(answers)

    def all(self) -> tuple[Instrument, ...]:
        """Every instrument, ordered by id."""
        return tuple(self._instruments[i] for i in sorted(self._instruments))

    def ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._instruments))

    def __contains__(self, instrument_id: object) -> bool:
        return instrument_id in self._instruments

    def __iter__(self) -> Iterator[Instrument]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self._instruments)


def load_instruments(
    extra_dirs: Iterable[str | Path] | None = None, *, include_shipped: bool = True
) -> InstrumentRegistry:
    """Load and check the shipped instruments plus those in ``extra_dirs``.

    Each folder is read for ``*.json`` definitions. A broken file or a clash of
    ids raises :class:`InstrumentDefinitionError` (a ``ValueError``) naming the file.
    """
    if isinstance(extra_dirs, str | Path):
        extra_dirs = [extra_dirs]
    shipped = [resource_path("instruments")] if include_shipped else []
    folders = shipped + [Path(d) for d in extra_dirs or ()]
    instruments: list[Instrument] = []
    for folder in folders:
        instruments.extend(load_instrument_folder(folder))
    return InstrumentRegistry(instruments)


_lock = threading.Lock()
_default: InstrumentRegistry | None = None


def default_registry() -> InstrumentRegistry:
    """The registry the module-level functions use (shipped instruments unless changed)."""
    global _default
    with _lock:
        if _default is None:
            _default = load_instruments()
        return _default


def use_instruments(extra_dirs: Iterable[str | Path] | None = None) -> InstrumentRegistry:
    """Reload the default registry with a service's extra folders and return it.

    Nothing changes if any file is broken: the error is raised and the previous
    registry stays in use.
    """
    global _default
    registry = load_instruments(extra_dirs)
    with _lock:
        _default = registry
    return registry


def score(
    instrument_id: str, answers: Sequence[int | None], *, use_published_prorating: bool = False
) -> ScoreResult:
    """Score answers for an instrument: ``score("phq9", [0, 1, 2, 3, 0, 1, 2, 3, 0])``.

    Strict by default: a prorating rule the service has not switched on (PHQ-9,
    GAD-7 ship with ``"enabled": false``) applies only with ``use_published_prorating=True``."""
    return default_registry().score(instrument_id, answers, use_published_prorating=use_published_prorating)


def raised_flags(instrument_id: str, answers: Sequence[int | None]) -> tuple[Flag, ...]:
    """The risk flags these answers raise (also for the unscored initial assessment)."""
    return default_registry().raised_flags(instrument_id, answers)


def get_instrument(instrument_id: str) -> Instrument:
    """The definition (items, options, bands, licence) for a GUI runner or report."""
    return default_registry().get(instrument_id)


def list_instruments() -> tuple[Instrument, ...]:
    """Every known instrument definition, ordered by id."""
    return default_registry().all()
