"""Operational logging for IT: what the app did, never whom it was about.

Log lines name actions, record types, counts and ids at most; names, NHS numbers,
notes and keys are never logged. The log lives in the data folder's ``logs/``.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from .hardening import private_folder


def configure(data_dir: Path, verbose: bool = False) -> None:
    logs = Path(data_dir) / "logs"
    private_folder(logs)  # the data folder too, if this is the first thing made in it
    log_file = logs / "workwell.log"
    if not log_file.exists():
        os.close(os.open(log_file, os.O_CREAT | os.O_WRONLY, 0o600))
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("workwell_desktop")
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
