"""Employer letters in the client record: ``LettersTab`` and ``LetterBuilderDialog``."""

from .builder_dialog import LetterBuilderDialog
from .letters_tab import ExportLetterDialog, LettersTab

__all__ = ["ExportLetterDialog", "LetterBuilderDialog", "LettersTab"]
