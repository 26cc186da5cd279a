"""The summary written as CSV, XLSX or PDF, for one of two audiences. No Qt.

*Team* (``Summary``): every figure, per coach and for the service, the week, the
rolling 4 and 13 weeks and the 13-week trend, no suppression; marked as not for
publication. *Publication* (``Publication``): the commissioners' file, service level,
one week, disclosure controlled (``reports.publication``); never a per-coach page
or a member of staff's name.

Every file carries the service name and the period (the PDF on every page), how
current the data is ("data as of" per coach in the team file, for the service in
the publication), and the definitions of every figure in it, generated from
``reports.definitions``: an XLSX "Definitions" sheet, a PDF definitions page, and
in the CSV the rows themselves name only measures defined there.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from ..hardening import write_private_bytes
from . import pdf
from .definitions import FORMATS, describe, measure_label
from .figures import Summary
from .labels import is_breakdown
from .publication import METHOD, Publication, publication

CSV_COLUMNS = ("period", "scope", "measure", "value")
# A cell starting with one of these is run as a formula by spreadsheet programs;
# a leading apostrophe makes it plain text (as cli/exports.py does for the caseload).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEAM_NOTICE = (
    "For the team only: every number is shown and staff are named. Do not publish or share "
    "this file outside the team; use the publication export for commissioners."
)
Report = Summary | Publication


def _text_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _cell(value):
    return value if isinstance(value, int | float) else _text_cell(value)


def measures_in(report: Report) -> list[str]:
    """Every measure a file of this report holds, once each, in order."""
    seen: dict[str, None] = {}
    for _period, _scope, measure, _value in report.rows():
        seen.setdefault(measure, None)
    return list(seen)


# ----- CSV -----------------------------------------------------------------------------


def write_csv(report: Report, out) -> int:
    """Tidy CSV (period, scope, measure, value) to a text stream; returns the data rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = report.rows()
    for period, scope, measure, value in rows:
        writer.writerow([period, _text_cell(scope), measure, _cell(value)])
    return len(rows)


def csv_bytes(report: Report) -> bytes:
    buffer = io.StringIO()
    write_csv(report, buffer)
    return buffer.getvalue().encode("utf-8")


# ----- XLSX ----------------------------------------------------------------------------


def xlsx_bytes(report: Report) -> bytes:
    """About, the tidy Figures sheet, a sheet per period (the team's trend too), and the
    Definitions sheet listing every measure in the file."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    _about_sheet(book.active, report)
    tidy = book.create_sheet("Figures")
    tidy.append(list(CSV_COLUMNS))
    for row in report.rows():
        tidy.append([row[0], _text_cell(row[1]), row[2], _cell(row[3])])
    for width, column in zip((24, 26, 44, 14), "ABCD", strict=True):
        tidy.column_dimensions[column].width = width
    if isinstance(report, Summary):
        _team_sheets(book, report)
    else:
        _publication_sheet(book, report)
    _definitions_sheet(book.create_sheet("Definitions"), report)
    white_bold, blue = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="005EB8")
    for sheet in book.worksheets[1:]:
        for cell in sheet[1]:
            cell.font, cell.fill = white_bold, blue
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _about_sheet(about, report: Report) -> None:
    """What the file is: service, period, audience, how current, disclosure control."""
    from openpyxl.styles import Alignment, Font

    about.title = "About"
    team = isinstance(report, Summary)
    period = report.week_period if isinstance(report, Summary) else report.period
    about.append([f"{report.service_name}: WorkWell weekly summary" + ("" if team else " for commissioners")])
    about["A1"].font = Font(bold=True, size=14)
    about.append(["Service", _text_cell(report.service_name)])
    about.append(
        ["Period", f"{period.label}: Monday {period.start:%d %B %Y} to Sunday {period.end:%d %B %Y}"]
    )
    if isinstance(report, Summary):
        about.append(
            [
                "Also",
                "; ".join(f"{p.label}: {p.start:%d %b %Y} to {p.end:%d %b %Y}" for p in report.periods[1:]),
            ]
        )
        about.append(["Audience", TEAM_NOTICE])
        everyone = "Every coach's work had reached this laptop after the week ended."
        for warning in report.warnings() or [everyone]:
            about.append(["Coverage", _text_cell(warning)])
        for scope, as_of, waiting in report.as_of_rows():
            about.append(
                [
                    f"Data as of: {_text_cell(report.scope_name(scope))}",
                    f"{as_of} (UTC); changes waiting at last sync: {waiting}",
                ]
            )
    else:
        about.append(["Audience", "Commissioners: service level only, disclosure controlled."])
        about.append(["Disclosure control", METHOD])
        for sentence in report.coverage:
            about.append(["Coverage", sentence])
    about.append(["Definitions", "Every figure in this workbook is defined on the Definitions sheet."])
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for row in about.iter_rows(min_row=2):
        row[0].font = bold
        row[1].alignment = wrap
    about.column_dimensions["A"].width = 30
    about.column_dimensions["B"].width = 110


def _team_sheets(book, report: Summary) -> None:
    """A sheet per period, a column per coach and the service; then the 13-week trend."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for one in report.periods:
        sheet = book.create_sheet(one.label[:31])
        sheet.append(["Measure", *(_text_cell(report.scope_name(s)) for s in report.scopes)])
        for measure in report.figures[(one.name, report.scopes[0])]:
            sheet.append(
                [measure_label(measure), *(_cell(report.value(one.name, s, measure)) for s in report.scopes)]
            )
            if not is_breakdown(measure):
                sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.column_dimensions["A"].width = 52
        for index in range(len(report.scopes)):
            sheet.column_dimensions[sheet.cell(row=1, column=index + 2).column_letter].width = 16
    trend = book.create_sheet("Trend (13 weeks)")
    trend.append(["Week", "Scope", *(measure_label(m) for m in report.trend_measures())])
    for scope in report.scopes:
        for week, values in report.trend.get(scope, []):
            trend.append([week, _text_cell(report.scope_name(scope)), *values.values()])


def _publication_sheet(book, report: Publication) -> None:
    from openpyxl.styles import Font

    bold = Font(bold=True)
    sheet = book.create_sheet(report.period.label[:31])
    sheet.append(["Measure", "Whole service"])
    for measure, value in report.values.items():
        sheet.append([measure_label(measure), _cell(value)])
        if not is_breakdown(measure):
            sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 16


def _definitions_sheet(definitions, report: Report) -> None:
    from openpyxl.styles import Alignment

    wrap = Alignment(wrap_text=True, vertical="top")
    definitions.append(["Measure", "Name", "Definition"])
    for measure in measures_in(report):
        label, text = describe(measure)
        definitions.append([measure, label, text])
        definitions.cell(row=definitions.max_row, column=3).alignment = wrap
    for width, column in zip((40, 46, 110), "ABC", strict=True):
        definitions.column_dimensions[column].width = width


# ----- one entry point ---------------------------------------------------------------


def render(report: Report, fmt: str, generated_on: date | None = None) -> bytes:
    if fmt == "csv":
        return csv_bytes(report)
    if fmt == "xlsx":
        return xlsx_bytes(report)
    if fmt == "pdf":
        return pdf.pdf_bytes(report, generated_on)
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def export_summary(
    store, week: str, fmt: str, out: Path, *, coach: str | None = None, today: date | None = None
) -> Summary:
    """The team file: work out the summary, write ``out`` and audit the export."""
    from .figures import build_summary

    summary = build_summary(store, week, coach=coach, today=today)
    data = render(summary, fmt)
    store.record_event(
        "export-summary", f"week={summary.week},format={fmt},audience=team,scopes={len(summary.scopes)}"
    )
    write_private_bytes(Path(out), data)  # 0600: it holds figures about clients
    return summary


def export_publication(store, week: str, fmt: str, out: Path, *, today: date | None = None) -> Publication:
    """The commissioners' file for one week: service level, disclosure controlled; audited."""
    from .figures import build_summary

    report = publication(build_summary(store, week, today=today))
    data = render(report, fmt)
    store.record_event("export-summary", f"week={report.period.name},format={fmt},audience=publication")
    write_private_bytes(Path(out), data)  # 0600 like every export
    return report
