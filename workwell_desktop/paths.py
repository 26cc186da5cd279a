"""Where things live: the per-user data folder and the bundled resources.

One helper finds assets in a source checkout and in a PyInstaller bundle
(``sys._MEIPASS``), so no other module needs to know which it is running from.
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
    root = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return root.joinpath("resources", *parts)
