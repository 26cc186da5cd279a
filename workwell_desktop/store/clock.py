"""The hybrid logical clock lives in ``domain.clock`` (shared with the server)."""

from ..domain.clock import (  # noqa: F401
    MAX_AHEAD_MS,
    MAX_COUNTER,
    format_stamp,
    is_stamp,
    next_stamp,
    parse_stamp,
    stamp_problem,
    wall_millis,
)
