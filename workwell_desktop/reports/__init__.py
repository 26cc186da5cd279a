"""Team lead weekly caseload summaries: figures (``figures``), small-number suppression
(``suppression``) and the CSV / XLSX / PDF exports (``export``). No Qt."""

from .export import FORMATS, export_summary, render
from .figures import SERVICE, Summary, build_summary, parse_week
from .suppression import suppress

__all__ = ["FORMATS", "SERVICE", "Summary", "build_summary", "export_summary", "parse_week", "render",
           "suppress"]
