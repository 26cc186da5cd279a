"""The personalised plan in the client record: the Plan tab and its dialogs."""

from .dialogs import ActionDialog, GoalDialog, NoteDialog, ReferralDialog, ReviewDialog, SettingsDialog
from .tab import PlanTab

__all__ = [
    "ActionDialog",
    "GoalDialog",
    "NoteDialog",
    "PlanTab",
    "ReferralDialog",
    "ReviewDialog",
    "SettingsDialog",
]
