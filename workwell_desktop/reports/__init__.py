"""Team lead caseload summaries: every figure defined once (``definitions``), worked out
(``figures``), how current each coach's data is (``coverage``), the commissioners'
disclosure-controlled publication (``publication``) and the CSV / XLSX / PDF exports
(``export``). No Qt."""

from .export import FORMATS, export_publication, export_summary, render  # noqa: I001
from .figures import SERVICE, Summary, build_summary, parse_week
from .publication import Publication, publication

__all__ = [
    "FORMATS",
    "SERVICE",
    "Publication",
    "Summary",
    "build_summary",
    "export_publication",
    "export_summary",
    "parse_week",
    "publication",
    "render",
]
