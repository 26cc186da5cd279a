"""Every record type, by name: the one place that imports every record module.

A record type registers itself when its class is defined (``Record.__init_subclass__``
in ``records.py``), so a type is known once its module has been imported. This module
imports them all, so whoever reads :data:`RECORD_TYPES` from here (the store, sync,
the change checks) knows every type whichever module happened to be imported first.

A new record module is added to the imports below (see CONTRIBUTING.md, "A record type").
"""

from __future__ import annotations

from . import assessments, journey_records, letters, plans, risk  # noqa: F401  (they register themselves)
from .records import RECORD_TYPES

__all__ = ["RECORD_TYPES"]
