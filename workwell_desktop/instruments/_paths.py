"""Where the shipped resource files are, in a source checkout and in a frozen build.

PyInstaller unpacks bundled data under ``sys._MEIPASS``; a source run finds
``resources/`` at the repository root. Another module may later take this over
as the one shared asset helper; until then the instruments package owns it.
"""

from __future__ import annotations

import sys
from pathlib import Path

# workwell_desktop/instruments/_paths.py -> parents[2] is the repository root.
_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    """The ``resources`` folder: inside the PyInstaller bundle when frozen."""
    return Path(getattr(sys, "_MEIPASS", _SOURCE_ROOT)) / "resources"


def instruments_dir() -> Path:
    """The folder of the instrument definitions shipped with the app."""
    return resources_dir() / "instruments"
