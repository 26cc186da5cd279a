"""The shipped instrument definitions, found through the app's one asset helper."""

from __future__ import annotations

from pathlib import Path

from ..paths import resource_path


def resources_dir() -> Path:
    """The ``resources`` folder: inside the PyInstaller bundle when frozen."""
    return resource_path()


def instruments_dir() -> Path:
    """The folder of the instrument definitions shipped with the app."""
    return resource_path("instruments")
