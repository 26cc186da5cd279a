"""Where things live: the per-user data folder and the bundled resources.

The resources (instrument definitions, letter wording and fonts, the stylesheet, the
icon...) are package data in ``workwell_desktop/resources/``, so a source checkout, an
installed wheel and the PyInstaller bundle (which copies them to ``_internal/resources``,
``sys._MEIPASS``) all have them. ``resource_path`` is the one helper that finds them: no
other module needs to know which of those it is running from.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "WorkWell"
APP_AUTHOR = "NHS"


def default_data_dir() -> Path:
    """``WORKWELL_DATA_DIR`` if set, else the per-user data folder of this OS."""
    override = os.environ.get("WORKWELL_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))


def resource_path(*parts: str) -> Path:
    """A file under ``resources/``, wherever the app was started from."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parent
    return root.joinpath("resources", *parts)
