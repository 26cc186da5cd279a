"""Assessments in the client record: the runner, the safety prompt and the Assessments tab."""

from .runner import AssessmentRunner
from .safety_prompt import SafetyPrompt
from .tab import AssessmentsTab
from .trend_chart import TrendChart

__all__ = ["AssessmentRunner", "AssessmentsTab", "SafetyPrompt", "TrendChart"]
