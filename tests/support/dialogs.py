"""The one message-box stub: no test may block on a modal QMessageBox.

Every static (question, warning, information, critical) is replaced for every test;
each records what it said in ``message_boxes.asked`` and questions give
``message_boxes.answer`` (Discard unless a test sets another).
"""

import pytest


class MessageBoxes:
    def __init__(self):
        from PySide6.QtWidgets import QMessageBox

        self.asked: list[str] = []
        self.answer = QMessageBox.StandardButton.Discard

    def question(self, _parent, title, text, *_args, **_kwargs):
        self.asked.append(f"{title}: {text}")
        return self.answer

    def notice(self, _parent, title, text, *_args, **_kwargs):
        from PySide6.QtWidgets import QMessageBox

        self.asked.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Ok


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch):
    boxes = MessageBoxes()
    try:
        from PySide6.QtWidgets import QMessageBox
    except ImportError:  # a machine without Qt still runs the non-GUI tests
        return boxes
    monkeypatch.setattr(QMessageBox, "question", boxes.question)
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, boxes.notice)
    return boxes
