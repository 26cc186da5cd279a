"""JSON text held in a record's field (a list in row form, written answers, a letter's content).

Such text arrives from other devices, so it is read as hostile: JSON nested too deeply for
the decoder (``"[" * 30000``) raises RecursionError, which no caller expects; a change
carrying it failed a whole push on the server (500) and stopped every laptop's pull at it.
Here it is a ValueError, like any other text that is not JSON, so the change is refused with
a reason (or quarantined on a laptop) and everything else goes on.
"""

from __future__ import annotations

import json
from typing import Any


def loads(text: str | bytes) -> Any:
    """``json.loads``, raising ValueError (never RecursionError) for text it cannot read."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply to read") from None
