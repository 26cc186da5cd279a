"""Operational logging for IT: what the app did, never whom it was about.

Log lines name actions, record types, counts and ids at most; names, NHS numbers,
notes and keys are never logged. The log lives in the data folder's ``logs/``.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import traceback
from pathlib import Path

from .hardening import private_folder


class FramesOnly(logging.Formatter):
    """Tracebacks with their frames and exception types, never their messages: an exception's
    words can quote what it was about (the condition a letter check found, a field's value,
    a key that was a name), and every ``log.exception`` in the app writes through this."""

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        chain, problem, seen = [], ei[1], set()
        while problem is not None and id(problem) not in seen:
            seen.add(id(problem))
            chain.append(problem)
            problem = problem.__cause__ or (None if problem.__suppress_context__ else problem.__context__)
        lines: list[str] = []
        for problem in reversed(chain):
            if lines:
                lines.append("\nwhich led to:\n")
            lines.append("Traceback (most recent call last):\n")
            lines += traceback.format_tb(problem.__traceback__)
            kind = type(problem)
            lines.append(f"{kind.__module__}.{kind.__qualname__} (its message is not logged)")
        return "".join(lines).rstrip("\n")


def configure(data_dir: Path, verbose: bool = False) -> None:
    logs = Path(data_dir) / "logs"
    private_folder(logs)  # the data folder too, if this is the first thing made in it
    log_file = logs / "workwell.log"
    if not log_file.exists():
        os.close(os.open(log_file, os.O_CREAT | os.O_WRONLY, 0o600))
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(FramesOnly("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("workwell_desktop")
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
