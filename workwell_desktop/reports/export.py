"""The weekly summary written as CSV, XLSX or PDF (with charts). No Qt.

Every format says whether small-number suppression is on: the CSV and XLSX "Figures"
sheet with a row whose measure is ``suppression`` (value ``on`` or ``off``), the XLSX
"Summary" sheet in cell B3, the PDF in a line under the title.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from ..hardening import write_private_bytes
from .figures import OUTCOME_MEASURES, OUTCOME_NAMES, SERVICE, UNASSIGNED, Summary
from .labels import is_breakdown, measure_label, value_text

FORMATS = ("pdf", "csv", "xlsx")
CSV_COLUMNS = ("week", "scope", "measure", "value")
# A cell starting with one of these is run as a formula by spreadsheet programs;
# a leading apostrophe makes it plain text (as cli/exports.py does for the caseload).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SUPPRESSION_ON = ("Small-number suppression is ON: counts of 1 to 4 are shown as <5, and a further "
                  "figure is shown as * where it would let a hidden count be worked out.")
SUPPRESSION_OFF = ("Small-number suppression is OFF: this copy shows every number and is for use "
                   "inside the team only. Do not share it outside the team.")

Progress = Callable[[int], None]


def _text_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _scope_name(scope: str) -> str:
    return {SERVICE: "Whole service", UNASSIGNED: "No coach assigned"}.get(scope, scope)


# ----- CSV -----------------------------------------------------------------------------

def write_csv(summary: Summary, out) -> int:
    """Tidy CSV (week, scope, measure, value) to a text stream; returns the data rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = summary.rows()
    for week, scope, measure, value in rows:
        cell = value if isinstance(value, int | float) else _text_cell(value)
        writer.writerow([week, _text_cell(scope), measure, cell])
    return len(rows)


def csv_bytes(summary: Summary) -> bytes:
    buffer = io.StringIO()
    write_csv(summary, buffer)
    return buffer.getvalue().encode("utf-8")


# ----- XLSX ----------------------------------------------------------------------------

def xlsx_bytes(summary: Summary) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, white_bold = Font(bold=True), Font(bold=True, color="FFFFFF")
    blue = PatternFill("solid", fgColor="005EB8")
    book = Workbook()
    about = book.active
    about.title = "Summary"
    about.append(["WorkWell weekly caseload summary"])
    about["A1"].font = Font(bold=True, size=14)
    about.append(["Week", summary.week])
    about.append(["Small-number suppression", "on" if summary.suppressed else "off"])
    about.append(["Note", SUPPRESSION_ON if summary.suppressed else SUPPRESSION_OFF])
    about.append(["Periods", "; ".join(f"{p.label}: {p.start.isoformat()} to {p.end.isoformat()}"
                                       for p in summary.periods)])
    for row in about.iter_rows(min_row=2, max_col=1):
        row[0].font = bold
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100
    about["B4"].alignment = Alignment(wrap_text=True)

    tidy = book.create_sheet("Figures")
    tidy.append(list(CSV_COLUMNS))
    for week, scope, measure, value in summary.rows():
        tidy.append([week, _text_cell(scope), measure,
                     value if isinstance(value, int | float) else _text_cell(value)])
    for width, column in zip((24, 26, 44, 10), "ABCD", strict=True):
        tidy.column_dimensions[column].width = width

    for period in summary.periods:
        sheet = book.create_sheet(f"{period.label}"[:31])
        sheet.append(["Measure", *(_text_cell(_scope_name(s)) for s in summary.scopes)])
        measures = list(summary.figures[(period.name, summary.scopes[0])])
        for measure in measures:
            values = [summary.value(period.name, s, measure) for s in summary.scopes]
            sheet.append([measure_label(measure),
                          *(v if isinstance(v, int | float) else _text_cell(v) for v in values)])
            if not is_breakdown(measure):
                sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.column_dimensions["A"].width = 48
        for index in range(len(summary.scopes)):
            sheet.column_dimensions[sheet.cell(row=1, column=index + 2).column_letter].width = 16
    for sheet in book.worksheets[1:]:
        for cell in sheet[1]:
            cell.font, cell.fill = white_bold, blue
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ----- PDF -----------------------------------------------------------------------------

def _chart_value(value) -> tuple[float, str]:
    """The bar length and the text beside the category: hidden figures draw no bar."""
    if isinstance(value, int | float):
        return float(value), value_text(value)
    return 0.0, value_text(value) or "none"


def _percent(value) -> str:
    return f"{value_text(value)}%" if isinstance(value, int | float) else (value_text(value) or "\u2013")


def _bar_chart(title: str, items: list[tuple[str, object]], width: float, note: str = ""):
    """A horizontal bar chart with the value in each category's name (readable in greyscale)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String

    from ..documents.letter import NHS_BLUE, SECONDARY, TEXT, _fonts

    regular, bold = _fonts()
    bar_height = 16
    rows = max(1, len(items))
    height = rows * bar_height + 58 + (12 if note else 0)
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 14, title, fontName=bold, fontSize=11, fillColor=TEXT))
    if note:
        drawing.add(String(0, height - 28, note, fontName=regular, fontSize=8, fillColor=SECONDARY))
    chart = HorizontalBarChart()
    chart.x, chart.y = 190, 22
    chart.width, chart.height = width - 210, rows * bar_height
    values = [_chart_value(v) for _, v in items] or [(0.0, "none")]
    names = [f"{label}: {text}" for (label, _), (_, text) in zip(items, values, strict=False)] or ["No data"]
    numbers = [number for number, _ in values]
    chart.data = [list(reversed(numbers))]
    chart.categoryAxis.categoryNames = list(reversed(names))
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.joinAxisMode = "left"  # names stay left of the chart when a bar is negative
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 8
    low, high = min(0.0, *numbers), max(0.0, *numbers)
    chart.valueAxis.valueMin = low
    chart.valueAxis.valueMax = high + max(1.0, (high - low) * 0.05) if high > 0 or low == 0 else 0.0
    chart.valueAxis.forceZero = True
    span = chart.valueAxis.valueMax - low
    if span <= 10 and all(n == int(n) for n in numbers):
        chart.valueAxis.valueStep = 1  # counts and whole days: no 0.5 of a person
    chart.bars[0].fillColor = NHS_BLUE
    chart.bars[0].strokeColor = None
    chart.barSpacing = 2
    drawing.add(chart)
    return drawing


def pdf_bytes(summary: Summary, generated_on: date | None = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        CondPageBreak,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from ..documents.letter import BORDER, NHS_BLUE, PALE_GREY, SECONDARY, TEXT, _fonts

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5, textColor=TEXT, spaceAfter=4)
    styles = {
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=18, leading=22,
                                textColor=NHS_BLUE, spaceAfter=6),
        "heading": ParagraphStyle("heading", parent=body, fontName=bold, fontSize=13, leading=17,
                                  textColor=NHS_BLUE, spaceBefore=10, spaceAfter=4, keepWithNext=1),
        "notice": ParagraphStyle("notice", parent=body, fontName=bold, backColor=PALE_GREY,
                                 borderPadding=5, spaceBefore=4, spaceAfter=10),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=bold, fontSize=8.5, leading=10.5,
                                    spaceAfter=0),
        "head": ParagraphStyle("head", parent=body, fontName=bold, fontSize=8.5, leading=10.5,
                               textColor=colors.white, spaceAfter=0),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=SECONDARY),
    }
    week, periods = summary.periods[0], summary.periods
    main_scope = SERVICE if SERVICE in summary.scopes else summary.scopes[0]
    width = A4[0] - 36 * mm
    story = [
        Paragraph("WorkWell weekly caseload summary", styles["title"]),
        Paragraph(escape(f"Week {summary.week}: Monday {week.start:%d %B %Y} to Sunday {week.end:%d %B %Y}"
                         f" (Europe/London). Rolling figures: last 4 weeks from {periods[1].start:%d %B %Y},"
                         f" last 13 weeks from {periods[2].start:%d %B %Y}."), body),
        Paragraph(escape(SUPPRESSION_ON if summary.suppressed else SUPPRESSION_OFF), styles["notice"]),
    ]
    scope_text = _scope_name(main_scope)

    def figure(period_index: int, measure: str):
        return summary.value(periods[period_index].name, main_scope, measure)

    routes = [m for m in summary.figures[(week.name, main_scope)] if m.startswith("referrals_received:")]
    story.append(_bar_chart(f"Referrals received by route, {scope_text.lower()}, week {summary.week}",
                            [(measure_label(m).split(": ", 1)[1], figure(0, m)) for m in routes], width))
    story.append(Spacer(1, 6))
    waits = []
    for index, period in enumerate(periods):
        waits.append((f"{period.label}: median", figure(index, "median_days_to_first_contact")))
        waits.append((f"{period.label}: 90th percentile", figure(index, "p90_days_to_first_contact")))
    waits.append(("Longest current wait", figure(0, "longest_wait_days")))
    story.append(_bar_chart(f"Days from referral to first contact, {scope_text.lower()}", waits, width,
                            note=f"Waiting for first contact at the end of the week: "
                                 f"{value_text(figure(0, 'waiting_for_first_contact'))}"))
    story.append(Spacer(1, 6))
    coaches = [s for s in summary.scopes if s != SERVICE] or [main_scope]
    story.append(_bar_chart(f"Active caseload per coach at the end of week {summary.week}",
                            [(_scope_name(c), summary.value(week.name, c, "active_caseload"))
                             for c in coaches], width))
    story.append(Spacer(1, 6))
    story.append(_bar_chart(
        f"Mean change in outcome measures since baseline, {scope_text.lower()}, last 13 weeks",
        [(f"{OUTCOME_NAMES[m]} (n={value_text(figure(2, f'outcome_clients:{m}'))},"
          f" improved {_percent(figure(2, f'percent_improved:{m}'))})", figure(2, f"mean_change:{m}"))
         for m in OUTCOME_MEASURES], width,
        note="Lower is better for PHQ-9, GAD-7 and WSAS; higher is better for SWEMWBS and work ability."))

    for scope in summary.scopes:
        measures = list(summary.figures[(week.name, scope)])
        # The scope's name heads the table, so a page it runs on to still says whose it is.
        rows = [[Paragraph(escape(_scope_name(scope)), styles["head"]),
                 *(Paragraph(escape(p.label), styles["head"]) for p in periods)]]
        for measure in measures:
            values = [summary.value(p.name, scope, measure) for p in periods]
            if is_breakdown(measure) and all(v in (0, None) for v in values):
                continue  # an all-zero breakdown line says nothing
            style = styles["cell"] if is_breakdown(measure) else styles["cell_bold"]
            label = ("\u2003" if is_breakdown(measure) else "") + escape(measure_label(measure))
            rows.append([Paragraph(label, style), *(Paragraph(escape(value_text(v)), style) for v in values)])
        table = Table(rows, colWidths=[width * 0.55] + [width * 0.15] * 3, repeatRows=1)
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), NHS_BLUE),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, PALE_GREY]),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, BORDER),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        story.append(CondPageBreak(60 * mm))
        story.append(KeepTogether([Paragraph(escape(_scope_name(scope)), styles["heading"])]))
        story.append(table)
    story.append(Spacer(1, 8))
    story.append(Paragraph(escape(
        "Definitions of every figure are in the WorkWell Desktop README (team lead summaries). "
        "Work outcomes at follow-up are not recorded, so are not shown."), styles["small"]))

    generated = (generated_on or date.today()).strftime("%d %B %Y")

    def furniture(pdf, doc) -> None:
        pdf.saveState()
        pdf.setFont(regular, 8)
        pdf.setFillColor(SECONDARY)
        mark = "suppression on" if summary.suppressed else "UNSUPPRESSED: team only"
        pdf.drawString(18 * mm, 10 * mm,
                       f"WorkWell summary {summary.week} \u2013 {mark} \u2013 made {generated}")
        pdf.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc.page}")
        pdf.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=f"WorkWell summary {summary.week}",
                            author="WorkWell Desktop")
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return buffer.getvalue()


# ----- one entry point ---------------------------------------------------------------

def render(summary: Summary, fmt: str) -> bytes:
    if fmt == "csv":
        return csv_bytes(summary)
    if fmt == "xlsx":
        return xlsx_bytes(summary)
    if fmt == "pdf":
        return pdf_bytes(summary)
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def export_summary(store, week: str, fmt: str, out: Path, *, suppression: bool = True,
                   coach: str | None = None, today: date | None = None) -> Summary:
    """Work out the summary, suppress it unless told not to, write ``out`` and audit the export."""
    from .figures import build_summary
    from .suppression import suppress

    summary = build_summary(store, week, coach=coach, today=today)
    if suppression:
        summary = suppress(summary)
    data = render(summary, fmt)
    store.record_event("export-summary", f"week={summary.week},format={fmt},"
                       f"suppression={'on' if suppression else 'off'},scopes={len(summary.scopes)}")
    write_private_bytes(Path(out), data)  # 0600: it holds figures about clients
    return summary
