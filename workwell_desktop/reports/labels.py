"""Plain-English names for the summary's measures, for the PDF, XLSX and screen. No Qt.

The names come from ``reports.definitions`` (the one place figures are defined)."""

from __future__ import annotations

from .definitions import measure_label

__all__ = ["is_breakdown", "measure_label", "value_text"]


def is_breakdown(measure: str) -> bool:
    return ":" in measure


def value_text(value) -> str:
    """A figure as printed: blank for none, up to 2 decimal places, suppression marks as they are."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text.replace("-", "\u2212")
    if isinstance(value, int):
        return str(value).replace("-", "\u2212")
    return str(value)
