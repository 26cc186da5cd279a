"""The team lead's weekly caseload summary tab (``SummaryView``)."""

from .summary_view import SummaryView

__all__ = ["SummaryView"]
