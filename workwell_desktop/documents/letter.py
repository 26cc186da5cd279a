"""The employer letter as an A4 PDF (reportlab platypus). No Qt.

Layout: an NHS blue band with the programme and service name on the first page (a
slimmer one on later pages), sender details and date top right, the recipient top
left, "Private and confidential", plain headings, the adjustments as a numbered list,
the phased return as a table that repeats its header row on every page it spans,
and "Page X of Y" in the footer.

Data minimisation: the employer needs to know who the letter is about and nothing
more, so the client is named and never identified otherwise (no NHS number, date of
birth or address). A health condition is printed only when the client chose to share
it, and never in the document properties.
"""

from __future__ import annotations

import base64
import io
import logging
import secrets
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

# reportlab's colours and units only here: its fonts, canvas and platypus (about 0.1 s to
# load) are imported in the functions that draw, so the app and `workwell-admin sync` start
# without them; a letter rendered loads them (as reports/pdf.py does).
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from ..domain.letters import EmployerLetter, LetterDraft, hours_text, pdf_sha256
from ..paths import resource_path
from .catalogue import LetterWording, ServiceDetails, load_service, load_wording
from .disclosure import pdf_metadata
from .letter_text import LetterText, Section, letter_text, long_date

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Table

log = logging.getLogger(__name__)

NHS_BLUE = colors.HexColor("#005EB8")
NHS_DARK_BLUE = colors.HexColor("#003087")
TEXT = colors.HexColor("#212B32")
SECONDARY = colors.HexColor("#4C6272")
PALE_GREY = colors.HexColor("#F0F4F5")
BORDER = colors.HexColor("#D8DDE0")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
FIRST_BAND = 26 * mm
BAND_GAP = 8 * mm  # between a band and the text
LATER_BAND = 12 * mm
FOOTER = 20 * mm
ACCESS_TO_WORK_ADDRESS = "gov.uk/access-to-work"


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    """A sans serif with the glyphs of every European name (Łukasz, Siobhán, Nguyễn):
    reportlab's built-in Helvetica prints a black box for letters outside Latin-1."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = resource_path("letters", "fonts")
    try:
        pdfmetrics.registerFont(TTFont("WorkWellSans", str(folder / "LiberationSans-Regular.ttf")))
        pdfmetrics.registerFont(TTFont("WorkWellSans-Bold", str(folder / "LiberationSans-Bold.ttf")))
    except Exception:  # a packaging fault: the letter still prints, with Latin-1 only
        log.warning("letter fonts not found in %s; using Helvetica", folder)
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFontFamily(
        "WorkWellSans",
        normal="WorkWellSans",
        bold="WorkWellSans-Bold",
        italic="WorkWellSans",
        boldItalic="WorkWellSans-Bold",
    )
    return "WorkWellSans", "WorkWellSans-Bold"


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=11, leading=15, textColor=TEXT, spaceAfter=6)
    return {
        "body": body,
        "sender": ParagraphStyle(
            "sender", parent=body, fontSize=10, leading=13.5, spaceAfter=0, alignment=TA_RIGHT
        ),
        "recipient": ParagraphStyle("recipient", parent=body, spaceAfter=0),
        "confidential": ParagraphStyle(
            "confidential", parent=body, fontName=bold, spaceBefore=6, spaceAfter=10
        ),
        "subject": ParagraphStyle(
            "subject", parent=body, fontName=bold, fontSize=13, leading=17, spaceBefore=8, spaceAfter=8
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=bold,
            fontSize=13.5,
            leading=17,
            textColor=NHS_BLUE,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "item_number": ParagraphStyle(
            "item_number", parent=body, fontName=bold, textColor=NHS_BLUE, spaceAfter=0
        ),
        "item_title": ParagraphStyle("item_title", parent=body, fontName=bold, spaceAfter=1),
        "item_text": ParagraphStyle("item_text", parent=body, spaceAfter=0),
        "cell": ParagraphStyle("cell", parent=body, spaceAfter=0, leading=14),
        "head_cell": ParagraphStyle(
            "head_cell", parent=body, fontName=bold, textColor=colors.white, spaceAfter=0, leading=14
        ),
        "signature": ParagraphStyle("signature", parent=body, spaceAfter=0),
    }


def _markup(text: str) -> str:
    """Typed text made safe for a reportlab Paragraph (an & or < in a name must print)."""
    return escape(text.strip()).replace("\n", "<br/>")


def _linked(text: str) -> str:
    link = (
        f'<a href="https://www.{ACCESS_TO_WORK_ADDRESS}" color="#005EB8"><u>{ACCESS_TO_WORK_ADDRESS}</u></a>'
    )
    return _markup(text).replace(ACCESS_TO_WORK_ADDRESS, link)


# ----- page furniture ---------------------------------------------------------
class _Furniture:
    """Draws the header band and footer on each page."""

    def __init__(self, service: ServiceDetails, reference: str):
        self.service, self.reference = service, reference
        self.regular, self.bold = _fonts()

    def first_page(self, pdf: canvas.Canvas, _doc) -> None:
        pdf.saveState()
        pdf.setFillColor(NHS_BLUE)
        pdf.rect(0, PAGE_HEIGHT - FIRST_BAND, PAGE_WIDTH, FIRST_BAND, stroke=0, fill=1)
        pdf.setFillColor(colors.white)
        pdf.setFont(self.bold, 22)
        pdf.drawString(MARGIN, PAGE_HEIGHT - 12.5 * mm, self.service.programme)
        pdf.setFont(self.regular, 12)
        pdf.drawString(MARGIN, PAGE_HEIGHT - 19.5 * mm, self.service.service_name)
        pdf.restoreState()
        self._footer(pdf)

    def later_page(self, pdf: canvas.Canvas, _doc) -> None:
        from reportlab.pdfbase import pdfmetrics

        pdf.saveState()
        pdf.setFillColor(NHS_BLUE)
        pdf.rect(0, PAGE_HEIGHT - LATER_BAND, PAGE_WIDTH, LATER_BAND, stroke=0, fill=1)
        pdf.setFillColor(colors.white)
        baseline = PAGE_HEIGHT - LATER_BAND / 2 - 3.2
        pdf.setFont(self.bold, 10)
        pdf.drawString(MARGIN, baseline, self.service.programme)
        width = pdfmetrics.stringWidth(self.service.programme + "  ", self.bold, 10)
        pdf.setFont(self.regular, 10)
        pdf.drawString(MARGIN + width, baseline, self.service.service_name)
        pdf.drawRightString(PAGE_WIDTH - MARGIN, baseline, f"Reference {self.reference}")
        pdf.restoreState()
        self._footer(pdf)

    def _footer(self, pdf: canvas.Canvas) -> None:
        pdf.saveState()
        pdf.setStrokeColor(BORDER)
        pdf.setLineWidth(0.75)
        pdf.line(MARGIN, 15 * mm, PAGE_WIDTH - MARGIN, 15 * mm)
        pdf.setFillColor(SECONDARY)
        pdf.setFont(self.regular, 9)
        pdf.drawString(MARGIN, 10.5 * mm, f"Private and confidential  \u2022  Reference {self.reference}")
        pdf.restoreState()


def _numbered_canvas(font: str):
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        """Holds pages back until the end, so each can say "Page X of Y"."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab naming)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFillColor(SECONDARY)
                self.setFont(font, 9)
                self.drawRightString(PAGE_WIDTH - MARGIN, 10.5 * mm, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


# ----- the body -----------------------------------------------------------------
def _top_block(
    text: LetterText,
    service: ServiceDetails,
    reference: str,
    issued_on: date,
    styles: dict[str, ParagraphStyle],
) -> Table:
    from reportlab.platypus import Paragraph, Table, TableStyle

    recipient = [Paragraph(f"<b>{_markup(text.recipient_lines[0])}</b>", styles["recipient"])]
    recipient += [Paragraph(_markup(line), styles["recipient"]) for line in text.recipient_lines[1:]]
    sender_lines = [f"<b>{_markup(service.address[0])}</b>"] + [_markup(a) for a in service.address[1:]]
    sender_lines += [
        "",
        f"Telephone: {_markup(service.phone)}",
        f"Email: {_markup(service.email)}",
        "",
        f"Date: {long_date(issued_on)}",
        f"Our reference: <b>{reference}</b>",
    ]
    sender = [Paragraph(line or "&nbsp;", styles["sender"]) for line in sender_lines]
    width = PAGE_WIDTH - 2 * MARGIN
    block = Table([[recipient, sender]], colWidths=[width * 0.56, width * 0.44])
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 8 * mm),
            ]
        )
    )
    return block


def _adjustment_items(section: Section, styles: dict[str, ParagraphStyle]) -> list[Table]:
    """One small table per adjustment: the number hangs in the margin, and an item is
    never split between pages."""
    from reportlab.platypus import Paragraph, Table, TableStyle

    width = PAGE_WIDTH - 2 * MARGIN
    items = []
    for number, adjustment in enumerate(section.adjustments, start=1):
        cells = [
            [
                Paragraph(f"{number}.", styles["item_number"]),
                [
                    Paragraph(_markup(adjustment.title), styles["item_title"]),
                    Paragraph(_markup(adjustment.wording), styles["item_text"]),
                ],
            ]
        ]
        item = Table(cells, colWidths=[8 * mm, width - 8 * mm])
        item.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        items.append(item)
    return items


def _schedule_table(section: Section, styles: dict[str, ParagraphStyle]) -> Table:
    from reportlab.platypus import Paragraph, Table, TableStyle

    cell, head = styles["cell"], styles["head_cell"]
    rows = [[Paragraph(title, head) for title in ("Week", "Days per week", "Hours per day", "Total hours")]]
    rows += [
        [
            Paragraph(str(w.week), cell),
            Paragraph(str(w.days), cell),
            Paragraph(hours_text(w.hours_per_day), cell),
            Paragraph(hours_text(w.total_hours), cell),
        ]
        for w in section.schedule
    ]
    table = Table(rows, colWidths=[24 * mm, 38 * mm, 38 * mm, 38 * mm], repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), NHS_BLUE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, BORDER),
        ("BOX", (0, 0), (-1, -1), 0.5, BORDER),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
    ]
    style += [("BACKGROUND", (0, r), (-1, r), PALE_GREY) for r in range(2, len(rows), 2)]
    table.setStyle(TableStyle(style))
    return table


def _section(section: Section, styles: dict[str, ParagraphStyle], linked: bool = False) -> list:
    from reportlab.platypus import CondPageBreak, Paragraph, Spacer

    # A heading starts a new page rather than sit at the foot of one with a line or two
    # under it; a list or table starts only where its introduction and first few items
    # fit, and otherwise flows on (a table repeats its header row on the next page).
    room = 50 * mm if section.schedule else 45 * mm if section.adjustments else 32 * mm
    flowables: list = [CondPageBreak(room), Paragraph(_markup(section.heading), styles["heading"])]
    flowables += [Paragraph(_linked(p) if linked else _markup(p), styles["body"]) for p in section.paragraphs]
    if section.adjustments:
        flowables += _adjustment_items(section, styles)
    if section.schedule:
        flowables += [_schedule_table(section, styles), Spacer(1, 7)]
    flowables += [Paragraph(_markup(p), styles["body"]) for p in section.after]
    return flowables


def _story(text: LetterText, service: ServiceDetails, reference: str, issued_on: date) -> list:
    from reportlab.platypus import KeepTogether, NextPageTemplate, Paragraph, Spacer

    styles = _styles()
    story: list = [
        NextPageTemplate("later"),
        _top_block(text, service, reference, issued_on, styles),
        Spacer(1, 6 * mm),
        Paragraph("Private and confidential", styles["confidential"]),
        Paragraph(_markup(text.salutation), styles["body"]),
        Paragraph(_markup(text.subject), styles["subject"]),
    ]
    for section in text.sections:
        story += _section(section, styles, linked=ACCESS_TO_WORK_ADDRESS in " ".join(section.paragraphs))
    # The sign-off takes the paragraph before it along to a new page, never going alone.
    last_paragraph = story.pop()
    closing = [Paragraph(_markup(p), styles["body"]) for p in text.closing]
    signature = [Paragraph(f"<b>{_markup(text.signature_lines[0])}</b>", styles["signature"])]
    signature += [Paragraph(_markup(line), styles["signature"]) for line in text.signature_lines[1:]]
    signature += [
        Paragraph(f"Telephone: {_markup(service.phone)}", styles["signature"]),
        Paragraph(f"Email: {_markup(service.email)}", styles["signature"]),
    ]
    # The sign-off moves to the next page with the last paragraph rather than alone.
    story.append(
        KeepTogether(
            [
                last_paragraph,
                Spacer(1, 4),
                *closing,
                Paragraph(_markup(text.sign_off) + ",", styles["body"]),
                Spacer(1, 10 * mm),
                *signature,
            ]
        )
    )
    return story


def render_letter(
    draft: LetterDraft,
    reference: str,
    issued_on: date,
    *,
    service: ServiceDetails | None = None,
    wording: LetterWording | None = None,
) -> bytes:
    """The letter as PDF bytes. ``draft`` should be valid (see LetterDraft.validate)."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    service = service or load_service()
    wording = wording or load_wording()
    text = letter_text(draft, service, wording)
    regular, _bold = _fonts()
    furniture = _Furniture(service, reference)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=FIRST_BAND + BAND_GAP,
        bottomMargin=FOOTER,
        # The document properties name the letter, never the client or their health.
        **pdf_metadata(reference, service),
        creator="WorkWell Desktop",
        lang="en-GB",
        # Deterministic output: a fixed creation date (2000-01-01) and document id in place
        # of the clock and a random one, so the same letter renders to the same bytes on any
        # laptop with the same resources, and a letter can sync as its content and hash
        # (see issued_pdf). The issue date is printed in the letter itself.
        invariant=1,
    )
    body_width = PAGE_WIDTH - 2 * MARGIN
    first = Frame(
        MARGIN,
        FOOTER,
        body_width,
        PAGE_HEIGHT - FIRST_BAND - BAND_GAP - FOOTER,
        id="first",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    later = Frame(
        MARGIN,
        FOOTER,
        body_width,
        PAGE_HEIGHT - LATER_BAND - BAND_GAP - FOOTER,
        id="later",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates(
        [
            PageTemplate("first", [first], onPage=furniture.first_page),
            PageTemplate("later", [later], onPage=furniture.later_page),
        ]
    )
    doc.build(_story(text, service, reference, issued_on), canvasmaker=_numbered_canvas(regular))
    return buffer.getvalue()


class LetterNotVerified(ValueError):
    """A letter synced without its PDF whose rendering here is not the PDF that was issued."""


def issued_pdf(letter: EmployerLetter) -> bytes:
    """The letter rendered again from its content, returned only when it is the exact PDF
    that was issued (its SHA-256): how a laptop that does not hold the PDF shows a letter
    (letters sync without their PDF; the issuing laptop keeps it, store.issued_pdfs).

    Raises LetterNotVerified when it is not (the content was altered, or this laptop's
    letter wording, service details, fonts or reportlab differ from the issuing laptop's):
    such a letter is not trusted, so it is never shown or exported as the one issued.
    """
    try:
        rendered = render_letter(letter.draft(), letter.reference, date.fromisoformat(letter.issued_on))
    except (ValueError, KeyError, TypeError) as damaged:
        raise LetterNotVerified(
            f"Letter {letter.reference} could not be rendered again: {type(damaged).__name__}."
        ) from None
    if not letter.pdf_sha256 or pdf_sha256(rendered) != letter.pdf_sha256:
        raise LetterNotVerified(
            f"Letter {letter.reference} cannot be shown as issued: rendered on this laptop it is not "
            "the PDF that was issued (its content was changed, or this laptop's letter wording, "
            "service details or version differ). Ask the coach who issued it, and tell service IT."
        )
    return rendered


def encoded_pdf(pdf: bytes) -> str:
    """The PDF as EmployerLetter.pdf keeps it."""
    return base64.b64encode(pdf).decode("ascii")


def protect_pdf(pdf: bytes, password: str) -> bytes:
    """A copy that opens only with ``password`` (AES-256), for sending by email.

    The owner password is random and not kept: the coach has one password to pass on.
    """
    from pypdf import PdfReader, PdfWriter

    if not password:
        raise ValueError("A password is needed to protect the PDF.")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password=secrets.token_urlsafe(24), algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
