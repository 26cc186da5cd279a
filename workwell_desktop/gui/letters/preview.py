"""The letter as the coach and client read it on screen, from the same words as the PDF.

(Qt's PDF viewer is in PySide6-Addons, which the app does not ship, so the preview is
the letter's text laid out as simple HTML rather than a picture of the PDF.)
"""

from __future__ import annotations

from datetime import date
from html import escape

from ...documents.letter_text import LetterText, long_date
from ...domain.letters import hours_text

_BLUE = "#005EB8"


def _p(text: str) -> str:
    return f"<p>{escape(text).replace(chr(10), '<br>')}</p>"


def letter_html(text: LetterText, service_name: str, reference: str, issued_on: date | str) -> str:
    """HTML for a QTextBrowser: the letter's recipient, headings, list and schedule."""
    parts = [
        f"<div style='background:{_BLUE}; color:white; padding:6px;'><b>NHS WorkWell</b> &nbsp; "
        f"{escape(service_name)}</div>",
        f"<p style='color:#4C6272'>Date: {escape(long_date(issued_on))} &nbsp;&nbsp; "
        f"Reference: {escape(reference)}</p>",
        "<p>" + "<br>".join(escape(line) for line in text.recipient_lines) + "</p>",
        "<p><b>Private and confidential</b></p>",
        _p(text.salutation),
        f"<h3>{escape(text.subject)}</h3>",
    ]
    for section in text.sections:
        parts.append(f"<h4 style='color:{_BLUE}'>{escape(section.heading)}</h4>")
        parts += [_p(p) for p in section.paragraphs]
        if section.adjustments:
            items = "".join(
                f"<li><b>{escape(a.title)}</b><br>{escape(a.wording)}</li>" for a in section.adjustments
            )
            parts.append(f"<ol>{items}</ol>")
        if section.schedule:
            rows = "".join(
                f"<tr><td>{w.week}</td><td>{w.days}</td><td>{hours_text(w.hours_per_day)}</td>"
                f"<td>{hours_text(w.total_hours)}</td></tr>"
                for w in section.schedule
            )
            parts.append(
                "<table border='1' cellspacing='0' cellpadding='4'>"
                "<tr><th>Week</th><th>Days per week</th><th>Hours per day</th>"
                "<th>Total hours</th></tr>"
                f"{rows}</table>"
            )
        parts += [_p(p) for p in section.after]
    parts += [_p(p) for p in text.closing]
    parts.append(_p(text.sign_off + ","))
    parts.append(
        "<p><b>"
        + escape(text.signature_lines[0])
        + "</b><br>"
        + "<br>".join(escape(line) for line in text.signature_lines[1:])
        + "</p>"
    )
    return "".join(parts)
