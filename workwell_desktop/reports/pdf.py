"""The summary as a PDF with charts (reportlab), for the team or for commissioners. No Qt.

Every page carries the service name, the period and who the file is for; the last
pages define every figure in the file (from ``reports.definitions``). A chart with
nothing to draw says "No data for this period" instead of drawing a bare axis.
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from .definitions import FOLLOW_UP_MONTHS, OUTCOME_NAMES, describe, figure_of, measure_label
from .figures import SERVICE, Summary
from .labels import is_breakdown, value_text
from .publication import METHOD, Publication

NO_DATA = "No data for this period"
TOO_FEW = "Too few to show: counts of 1 to 7 are not published"
TEAM_MARK = "TEAM ONLY: staff named, small numbers shown; not for publication"
PUBLICATION_MARK = "For commissioners: service level, disclosure controlled"
DASH_NOTE = "\u2013 = nobody in the period to work the figure out from."


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _cell_text(value) -> str:
    """A table cell: a figure with nothing to work it out from shows a dash (see the note
    under each table), not a blank that reads as missing."""
    return value_text(value) or "\u2013"


def _no_data(title: str, width: float, text: str = NO_DATA):
    from reportlab.graphics.shapes import Drawing, Rect, String

    from ..documents.letter import BORDER, SECONDARY, TEXT, _fonts

    regular, bold = _fonts()
    drawing = Drawing(width, 56)
    drawing.add(String(0, 42, title, fontName=bold, fontSize=11, fillColor=TEXT))
    drawing.add(Rect(0, 2, width, 30, strokeColor=BORDER, fillColor=None, strokeWidth=0.5))
    drawing.add(
        String(width / 2, 13, text, fontName=regular, fontSize=10, fillColor=SECONDARY, textAnchor="middle")
    )
    return drawing


def bar_chart(title: str, items: list[tuple[str, object]], width: float, note: str = ""):
    """A horizontal bar chart with each value in its category's name (readable in greyscale).
    Hidden figures (``*``, ``x``) draw no bar but say so; nothing to draw: NO_DATA."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String

    from ..documents.letter import NHS_BLUE, SECONDARY, TEXT, _fonts

    if not items or all(_number(v) in (None, 0.0) for _, v in items):
        hidden = any(isinstance(v, str) and v for _, v in items)
        return _no_data(title, width, TOO_FEW if hidden else NO_DATA)
    regular, bold = _fonts()
    if not note and any(isinstance(v, str) and v for _, v in items):
        note = "* = 1 to 7 and x = not shown (to protect a small number): these draw no bar."
    bar_height = 16
    rows = len(items)
    height = rows * bar_height + 58 + (12 if note else 0)
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 14, title, fontName=bold, fontSize=11, fillColor=TEXT))
    if note:
        drawing.add(String(0, height - 28, note, fontName=regular, fontSize=8, fillColor=SECONDARY))
    chart = HorizontalBarChart()
    chart.x, chart.y = 210, 22
    chart.width, chart.height = width - 230, rows * bar_height
    numbers = [_number(v) or 0.0 for _, v in items]
    names = [f"{label}: {value_text(v) or 'none'}" for label, v in items]
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


def trend_chart(title: str, weeks: list[str], series: dict[str, list], width: float):
    """Lines for each series over the weeks, told apart by dash and marker, not colour alone."""
    from reportlab.graphics.charts.legends import LineLegend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.graphics.widgets.markers import makeMarker

    from ..documents.letter import NHS_BLUE, SECONDARY, TEXT, _fonts

    values = [v for line in series.values() for v in line]
    if not weeks or all(_number(v) in (None, 0.0) for v in values):
        return _no_data(title, width)
    regular, bold = _fonts()
    # The legend is one line per series, under the axis: side by side, the last one ran
    # off the page.
    legend_height = 11 * len(series)
    height = 200 + legend_height
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 14, title, fontName=bold, fontSize=11, fillColor=TEXT))
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 34, 30 + legend_height, width - 44, 140
    chart.data = [[_number(v) or 0.0 for v in line] for line in series.values()]
    chart.categoryAxis.categoryNames = [w.split("-")[1] for w in weeks]
    for axis in (chart.categoryAxis.labels, chart.valueAxis.labels):
        axis.fontName, axis.fontSize = regular, 8
    chart.valueAxis.valueMin = 0
    top = max([_number(v) or 0.0 for v in values] + [1.0])
    chart.valueAxis.valueMax = top + max(1.0, top * 0.1)
    if top <= 10:
        chart.valueAxis.valueStep = 1
    styles = [
        (NHS_BLUE, None, "FilledCircle", "solid line, dots"),
        (TEXT, (4, 2), "FilledSquare", "dashed, squares"),
        (SECONDARY, (1, 2), "Cross", "dotted, crosses"),
    ]
    for index, (colour, dash, marker, _how) in enumerate(styles[: len(series)]):
        line = chart.lines[index]
        line.strokeColor, line.strokeWidth = colour, 1.5
        line.strokeDashArray = dash
        line.symbol = makeMarker(marker, size=4, fillColor=colour, strokeColor=colour)
    drawing.add(chart)
    legend = LineLegend()
    legend.x, legend.y = 34, legend_height + 2
    legend.fontName, legend.fontSize = regular, 8
    legend.alignment = "right"
    legend.columnMaximum = len(series)
    legend.deltay = 11
    legend.colorNamePairs = [(styles[i][0], f"{name} ({styles[i][3]})") for i, name in enumerate(series)]
    drawing.add(legend)
    drawing.add(
        String(
            width - 4,
            legend_height + 4,
            "ISO week",
            fontName=regular,
            fontSize=7,
            fillColor=SECONDARY,
            textAnchor="end",
        )
    )
    return drawing


def _styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    from ..documents.letter import NHS_BLUE, PALE_GREY, SECONDARY, TEXT, _fonts

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5, textColor=TEXT, spaceAfter=4)
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontName=bold, fontSize=18, leading=22, textColor=NHS_BLUE, spaceAfter=6
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=bold,
            fontSize=13,
            leading=17,
            textColor=NHS_BLUE,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "notice": ParagraphStyle(
            "notice",
            parent=body,
            fontName=bold,
            backColor=PALE_GREY,
            borderPadding=5,
            spaceBefore=4,
            spaceAfter=10,
        ),
        "warning": ParagraphStyle("warning", parent=body, fontSize=9, leading=12, leftIndent=8, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=body, fontName=bold, fontSize=8.5, leading=10.5, spaceAfter=0
        ),
        "head": ParagraphStyle(
            "head",
            parent=body,
            fontName=bold,
            fontSize=8.5,
            leading=10.5,
            textColor=colors.white,
            spaceAfter=0,
        ),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=SECONDARY),
    }


def _table(rows, widths):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    from ..documents.letter import BORDER, NHS_BLUE, PALE_GREY

    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), NHS_BLUE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, PALE_GREY]),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, BORDER),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _breakdown(values, prefix: str) -> list[tuple[str, object]]:
    return [(measure_label(m).split(": ", 1)[1], v) for m, v in values.items() if m.startswith(prefix)]


def _common_charts(values, period_name: str, width: float, scope_text: str) -> list:
    from reportlab.platypus import Spacer

    out = [
        bar_chart(
            f"Referrals received by route, {scope_text}, {period_name}",
            _breakdown(values, "referrals_received:"),
            width,
        ),
        Spacer(1, 6),
    ]
    out.append(
        bar_chart(
            f"Work status at first appointment (starts), {scope_text}, {period_name}",
            _breakdown(values, "starts_work_status:"),
            width,
        )
    )
    out.append(Spacer(1, 6))
    out.append(
        bar_chart(
            f"Main health barrier (starts), {scope_text}, {period_name}",
            _breakdown(values, "starts_health_barrier:"),
            width,
        )
    )
    out.append(Spacer(1, 6))
    out.append(
        bar_chart(
            f"Age at first contact (starts), {scope_text}, {period_name}",
            _breakdown(values, "starts_age:"),
            width,
        )
    )
    out.append(Spacer(1, 6))
    out.append(
        bar_chart(
            f"Work outcome at the 3- and 6-month follow-ups, {scope_text}, {period_name}",
            [
                (f"{months} months: {label}", value)
                for suffix, months in FOLLOW_UP_MONTHS.items()
                for label, value in _breakdown(values, f"follow_up_work_outcome_{suffix}:")
            ],
            width,
        )
    )
    return out


def _outcome_chart(values, title: str, width: float):
    def percent(value) -> str:
        return f"{value_text(value)}%" if isinstance(value, int | float) else (value_text(value) or "\u2013")

    items = [
        (
            f"{name} (n={value_text(values.get(f'outcome_clients:{m}'))},"
            f" improved {percent(values.get(f'percent_improved:{m}'))})",
            values.get(f"mean_change:{m}"),
        )
        for m, name in OUTCOME_NAMES.items()
        if values.get(f"outcome_clients:{m}") not in (0, None)
    ]
    return bar_chart(
        title,
        items,
        width,
        note="Lower is better for PHQ-9, GAD-7, WSAS and ONS4 anxiety; higher for the others.",
    )


def _definitions(story, measures: list[str], styles, width: float) -> None:
    from reportlab.platypus import PageBreak, Paragraph

    story.append(PageBreak())
    story.append(Paragraph("Definitions", styles["title"]))
    story.append(
        Paragraph(
            escape(
                "Every figure in this file, as WorkWell Desktop works it out. Weeks run Monday to Sunday "
                "(Europe/London); 'at end' figures are as they stood at the end of the last Sunday."
            ),
            styles["body"],
        )
    )
    rows = [[Paragraph("Figure", styles["head"]), Paragraph("Definition", styles["head"])]]
    # One row per figure; a breakdown's lines are named in it (the XLSX lists each line).
    grouped: dict[str, list[str]] = {}
    for measure in measures:
        figure = figure_of(measure)
        key = figure.name if figure is not None else measure
        grouped.setdefault(key, []).append(measure)
    for key, members in grouped.items():
        figure = figure_of(key) or figure_of(members[0])
        if figure is not None and figure.parts:
            text = (
                figure.definition
                + " Lines: "
                + "; ".join(figure.parts[m.partition(":")[2]] for m in members if ":" in m)
                + "."
            )
            label = figure.label
        else:
            label, text = describe(key)
        rows.append(
            [
                Paragraph(escape(label), styles["cell_bold"]),
                Paragraph(escape(text) + f" <font size=7>[{escape(key)}]</font>", styles["cell"]),
            ]
        )
    story.append(_table(rows, [width * 0.3, width * 0.7]))


def _build(story, report, generated_on: date | None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from ..documents.letter import NHS_BLUE, SECONDARY, _fonts

    regular, bold = _fonts()
    team = isinstance(report, Summary)
    period = report.week_period if team else report.period
    generated = (generated_on or date.today()).strftime("%d %B %Y")
    mark = TEAM_MARK if team else PUBLICATION_MARK

    def furniture(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(bold, 8.5)
        canvas.setFillColor(NHS_BLUE)
        canvas.drawString(18 * mm, A4[1] - 10 * mm, report.service_name)
        canvas.setFont(regular, 8.5)
        canvas.drawRightString(
            A4[0] - 18 * mm, A4[1] - 10 * mm, f"{period.label}: {period.start:%d %b} to {period.end:%d %b %Y}"
        )
        canvas.setFillColor(SECONDARY)
        canvas.setFont(regular, 8)
        canvas.drawString(18 * mm, 10 * mm, f"{mark} \u2013 made {generated}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{report.service_name}: WorkWell summary {period.name}",
        author="WorkWell Desktop",
    )
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return buffer.getvalue()


def team_pdf(summary: Summary, generated_on: date | None = None) -> bytes:
    """The team's file: how current the data is, the charts, a table per coach and the
    service, then the definitions."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    from .export import measures_in

    styles = _styles()
    width = A4[0] - 36 * mm
    main = SERVICE if SERVICE in summary.scopes else summary.scopes[0]
    story = _team_opening(summary, styles, width)
    story += _team_charts(summary, main, width)
    for scope in summary.scopes:
        story += _scope_table(summary, scope, styles, width)
    _definitions(
        story,
        [m for m in measures_in(summary) if not m.startswith("trend:")]
        + [f"trend:{m}" for m in summary.trend_measures()],
        styles,
        width,
    )
    return _build(story, summary, generated_on)


def _team_opening(summary: Summary, styles, width: float) -> list:
    """Title, period, the team-only notice, and each coach's "data as of" with warnings."""
    from reportlab.platypus import Paragraph, Spacer

    from .export import TEAM_NOTICE

    week, periods = summary.week_period, summary.periods
    story = [
        Paragraph(escape(f"{summary.service_name}: weekly caseload summary"), styles["title"]),
        Paragraph(
            escape(
                f"Week {summary.week}: Monday {week.start:%d %B %Y} to Sunday {week.end:%d %B %Y}"
                f" (Europe/London). Rolling figures: last 4 weeks from {periods[1].start:%d %B %Y},"
                f" last 13 weeks from {periods[2].start:%d %B %Y}."
            ),
            styles["body"],
        ),
        Paragraph(escape(TEAM_NOTICE), styles["notice"]),
        Paragraph("How current the data is", styles["heading"]),
    ]
    warnings = summary.warnings()
    for warning in warnings or ["Every coach's work had reached this laptop after the week ended."]:
        # The embedded font has no warning sign: the word says it, in bold.
        prefix = "<b>Warning:</b> " if warnings else ""
        story.append(Paragraph(prefix + escape(warning), styles["warning"]))
    as_of = summary.as_of_rows()
    if as_of:
        rows = [
            [
                Paragraph("Coach", styles["head"]),
                Paragraph("Data as of (UTC)", styles["head"]),
                Paragraph("Changes waiting at last sync", styles["head"]),
            ]
        ]
        rows += [
            [
                Paragraph(escape(summary.scope_name(s)), styles["cell"]),
                Paragraph(escape(a), styles["cell"]),
                Paragraph(escape(w), styles["cell"]),
            ]
            for s, a, w in as_of
        ]
        story.append(_table(rows, [width * 0.4, width * 0.3, width * 0.3]))
    story.append(Spacer(1, 8))
    return story


def _team_charts(summary: Summary, main: str, width: float) -> list:
    """The 13-week trend, the week's breakdowns, caseload per coach and outcome change."""
    from reportlab.platypus import Spacer

    week, periods = summary.week_period, summary.periods
    values = summary.figures[(week.name, main)]
    scope_text = summary.scope_name(main).lower()
    trend = summary.trend.get(main, [])
    series = {measure_label(m): [v[m] for _, v in trend] for m in summary.trend_measures()}
    story = [
        trend_chart(
            f"Last 13 weeks, {scope_text}: referrals, starts and active caseload",
            [w for w, _ in trend],
            series,
            width,
        ),
        Spacer(1, 6),
    ]
    story += _common_charts(values, f"week {summary.week}", width, scope_text)
    story.append(Spacer(1, 6))
    coaches = [s for s in summary.scopes if s != SERVICE] or [main]
    story.append(
        bar_chart(
            f"Active caseload per coach at the end of week {summary.week}",
            [(summary.scope_name(c), summary.value(week.name, c, "active_caseload")) for c in coaches],
            width,
        )
    )
    story.append(Spacer(1, 6))
    story.append(
        _outcome_chart(
            summary.figures[(periods[2].name, main)],
            f"Mean change in outcome measures since baseline, {scope_text}, last 13 weeks",
            width,
        )
    )
    return story


def _scope_table(summary: Summary, scope: str, styles, width: float) -> list:
    """One coach's (or the service's) figures for the three periods; all-zero lines left out."""
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph

    periods = summary.periods
    rows = [
        [
            Paragraph(escape(summary.scope_name(scope)), styles["head"]),
            *(Paragraph(escape(p.label), styles["head"]) for p in periods),
        ]
    ]
    for measure in summary.figures[(summary.week_period.name, scope)]:
        cells = [summary.value(p.name, scope, measure) for p in periods]
        if is_breakdown(measure) and all(v in (0, None) for v in cells):
            continue  # an all-zero breakdown line says nothing
        style = styles["cell"] if is_breakdown(measure) else styles["cell_bold"]
        label = ("\u2003" if is_breakdown(measure) else "") + escape(measure_label(measure))
        rows.append([Paragraph(label, style), *(Paragraph(escape(_cell_text(v)), style) for v in cells)])
    return [
        CondPageBreak(60 * mm),
        KeepTogether([Paragraph(escape(summary.scope_name(scope)), styles["heading"])]),
        _table(rows, [width * 0.55] + [width * 0.15] * 3),
        Paragraph(
            escape(f"{DASH_NOTE} Breakdown lines that are 0 in all three periods are left out."),
            styles["small"],
        ),
    ]


def publication_pdf(report: Publication, generated_on: date | None = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    from .export import measures_in

    styles = _styles()
    width = A4[0] - 36 * mm
    period, values = report.period, report.values
    story = [
        Paragraph(
            escape(f"{report.service_name}: WorkWell weekly figures for commissioners"), styles["title"]
        ),
        Paragraph(
            escape(
                f"Week {period.name}: Monday {period.start:%d %B %Y} to Sunday {period.end:%d %B %Y}"
                " (Europe/London). Service level only."
            ),
            styles["body"],
        ),
        Paragraph(escape(METHOD), styles["small"]),
        Paragraph("How complete the data is", styles["heading"]),
        *(Paragraph(escape(sentence), styles["warning"]) for sentence in report.coverage),
        Spacer(1, 8),
    ]
    story.append(Paragraph("Figures", styles["heading"]))
    rows = [[Paragraph("Figure", styles["head"]), Paragraph("Whole service", styles["head"])]]
    for measure, value in values.items():
        if is_breakdown(measure) and value in (0, None):
            continue
        style = styles["cell"] if is_breakdown(measure) else styles["cell_bold"]
        label = ("\u2003" if is_breakdown(measure) else "") + escape(measure_label(measure))
        rows.append([Paragraph(label, style), Paragraph(escape(_cell_text(value)), style)])
    story.append(_table(rows, [width * 0.75, width * 0.25]))
    story.append(
        Paragraph(
            escape(
                "* = 1 to 7. x = not shown, so that a small number elsewhere cannot be "
                f"worked out. {DASH_NOTE} Breakdown lines that are 0 are left out of this "
                "table (they are in the spreadsheet)."
            ),
            styles["small"],
        )
    )
    story.append(PageBreak())
    story += _common_charts(values, f"week {period.name}", width, "whole service")
    story.append(Spacer(1, 6))
    story.append(
        _outcome_chart(values, f"Mean change in outcome measures since baseline, week {period.name}", width)
    )
    _definitions(story, measures_in(report), styles, width)
    return _build(story, report, generated_on)


def pdf_bytes(report, generated_on: date | None = None) -> bytes:
    if isinstance(report, Summary):
        return team_pdf(report, generated_on)
    return publication_pdf(report, generated_on)
