"""``python -m workwell_desktop.cli``: the same as ``workwell-admin``."""

from . import run

run()
