"""Assessment instruments defined as data (resources/instruments/*.json) and scored exactly.

    from workwell_desktop.instruments import score, get_instrument, list_instruments

    result = score("phq9", [1, 1, 2, 0, 1, 0, 0, 1, 1])
    result.total, result.band, result.flag_ids   # 7, "Mild", ("self_harm_risk",)

``score`` raises ``ValueError`` with a message a person can act on for an unknown
id, the wrong number of answers, a value that is not a whole number (``True``
and ``2.0`` included), a value outside the item's options, unanswered items the
published rules do not allow, and for an unscored instrument (the WorkWell
initial assessment). Results are immutable :class:`ScoreResult` objects.

A service adds instruments by putting definition files in a folder and calling
``use_instruments([folder])`` (or ``load_instruments(extra_dirs=[folder])`` for
a separate registry); every file is checked on load.
"""

from .loader import (
    InstrumentDefinitionError,
    load_instrument_file,
    load_instrument_folder,
    parse_instrument,
)
from .model import (
    Band,
    Flag,
    FlagRule,
    Instrument,
    Item,
    ItemScore,
    MissingRule,
    ResponseOption,
    ScoreResult,
    ScoringRule,
    Section,
)
from .registry import (
    InstrumentRegistry,
    default_registry,
    get_instrument,
    list_instruments,
    load_instruments,
    raised_flags,
    score,
    use_instruments,
)
from .scoring import Scorer, score_answers

__all__ = [
    "Band",
    "Flag",
    "FlagRule",
    "Instrument",
    "InstrumentDefinitionError",
    "InstrumentRegistry",
    "Item",
    "ItemScore",
    "MissingRule",
    "ResponseOption",
    "ScoreResult",
    "Scorer",
    "ScoringRule",
    "Section",
    "default_registry",
    "get_instrument",
    "list_instruments",
    "load_instrument_file",
    "load_instrument_folder",
    "load_instruments",
    "parse_instrument",
    "raised_flags",
    "score",
    "score_answers",
    "use_instruments",
]
