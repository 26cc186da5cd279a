"""WorkWell Desktop: the offline-first tool for NHS WorkWell work and health coaches."""

__version__ = "0.1.0"
