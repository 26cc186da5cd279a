"""The summary as CSV, XLSX and PDF for the team and for commissioners, and
``workwell-admin summary``."""

import argparse
import csv
import io
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from summary_team import ALEX, BEA, PASSPHRASE, RENDERS

from workwell_desktop.cli.summary import add_summary_command
from workwell_desktop.domain.records import Client
from workwell_desktop.reports.export import measures_in, render
from workwell_desktop.reports.figures import build_summary
from workwell_desktop.reports.publication import publication
from workwell_desktop.store import Store

W47 = "2026-W47"


@pytest.fixture
def summaries(team):
    raw = build_summary(team, W47, today=date(2026, 11, 23))
    return {"publication": publication(raw), "team": raw}


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_csv_is_tidy(summaries):
    rows = read_csv(render(summaries["team"], "csv"))
    assert list(rows[0]) == ["period", "scope", "measure", "value"]
    assert rows[0] == {
        "period": W47,
        "scope": "service",
        "measure": "service_name",
        "value": "North Cumbria WorkWell Service",
    }
    assert rows[1]["measure"] == "audience" and rows[1]["value"].startswith("team")
    found = {(r["period"], r["scope"], r["measure"]): r["value"] for r in rows}
    assert len(found) == len(rows)  # one figure per row, no repeats
    assert found[(W47, "service", "referrals_received")] == "5"
    assert found[(W47, "service", "referrals_received:gp")] == "2"
    assert found[(W47, ALEX, "first_contacts")] == "2"
    assert found[(W47, BEA, "active_caseload")] == "3"
    assert found[(W47, "service", "median_days_to_first_contact")] == "3.5"
    assert found[(W47, "service", "discharges")] == "1"
    assert found[(W47, "service", "mean_change:wsas")] == ""
    assert found[("2026-W35/2026-W47", "service", "referrals_received")] == "10"
    assert found[("2026-W46", "service", "trend:active_caseload")] == "3"
    assert found[(W47, "service", "trend:starts")] == "4"


def test_the_publication_csv(summaries):
    rows = read_csv(render(summaries["publication"], "csv"))
    assert {r["period"] for r in rows} == {W47}  # one period per file
    assert {r["scope"] for r in rows} == {"service"}  # no coach
    found = {r["measure"]: r["value"] for r in rows}
    assert found["audience"].startswith("publication")
    assert "NHS Digital" in found["disclosure_control"] and "digital.nhs.uk" in found["disclosure_control"]
    assert found["referrals_received"] == "*" and found["referrals_received:gp"] == "*"
    assert found["referrals_received:employer"] == "0"
    assert "longest_wait_days" not in found  # one person's wait


def test_a_coach_name_is_never_a_formula(team):
    team.update(Client, team.ids["B1"], coach="=cmd|x")
    summary = build_summary(team, W47)
    rows = read_csv(render(summary, "csv"))
    assert "'=cmd|x" in {r["scope"] for r in rows}
    book = load_workbook(io.BytesIO(render(summary, "xlsx")))
    assert all(not str(c.value).startswith("=") for sheet in book for row in sheet.iter_rows() for c in row)


def test_xlsx_opens_with_bold_frozen_headers(summaries, tmp_path):
    book = load_workbook(io.BytesIO(render(summaries["team"], "xlsx")))
    assert book.sheetnames == [
        "About",
        "Figures",
        "Week 2026-W47",
        "Last 4 weeks",
        "Last 13 weeks",
        "Trend (13 weeks)",
        "Definitions",
    ]
    assert book["About"]["B2"].value == "North Cumbria WorkWell Service"
    tidy = book["Figures"]
    assert [c.value for c in tidy[1]] == ["period", "scope", "measure", "value"]
    assert tidy.freeze_panes == "B2" and tidy["A1"].font.bold
    week = book["Week 2026-W47"]
    assert [c.value for c in week[1]] == ["Measure", ALEX, BEA, "Whole service"]
    referrals = next(r for r in week.iter_rows(values_only=True) if r[0] == "Referrals received")
    assert referrals == ("Referrals received", 4, 1, 5)  # the team sees every number
    assert week.freeze_panes == "B2" and week["B1"].font.bold
    published = load_workbook(io.BytesIO(render(summaries["publication"], "xlsx")))
    assert published.sheetnames == ["About", "Figures", "Week 2026-W47", "Definitions"]
    assert [c.value for c in published["Week 2026-W47"][1]] == ["Measure", "Whole service"]
    (tmp_path / "summary.xlsx").write_bytes(render(summaries["team"], "xlsx"))


@pytest.mark.parametrize("audience", ["team", "publication"])
def test_the_definitions_sheet_lists_every_figure_in_the_file(summaries, audience):
    report = summaries[audience]
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    defined = {row[0]: row[2] for row in book["Definitions"].iter_rows(min_row=2, values_only=True)}
    in_file = {row[2] for row in book["Figures"].iter_rows(min_row=2, values_only=True)}
    assert in_file == set(defined) == set(measures_in(report))
    assert all(text and len(text) > 20 for text in defined.values())
    # The follow-up outcomes travel with their definitions too, in both audiences' files.
    assert {
        "follow_ups_3m",
        "follow_ups_6m:reached",
        "follow_up_work_status_3m:in_work",
        "follow_up_work_outcome_6m:returned_to_work",
    } <= set(defined)
    in_csv = {r["measure"] for r in read_csv(render(report, "csv"))}
    assert in_csv <= set(defined)


def test_every_computed_measure_is_defined_once(summaries):
    from workwell_desktop.reports.definitions import measure_order

    computed = list(summaries["team"].figures[(W47, "service")])
    assert computed == measure_order()


@pytest.mark.parametrize("audience", ["team", "publication"])
def test_pdf_text_and_pictures(summaries, audience):
    pdf = render(summaries[audience], "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    text = " ".join(pages)
    for page in pages:  # the service and the period on every page
        assert "North Cumbria WorkWell Service" in page and "Week 2026-W47" in page
    assert "Definitions" in text and "WorkWell Desktop README" not in text
    if audience == "team":
        assert "weekly caseload summary" in text and "TEAM ONLY" in text
        for heading in (
            "Referrals received by route",
            "Last 13 weeks",
            "Work status at first appointment",
            "Main health barrier",
            "Age at first contact",
            "Active caseload per coach",
            "Mean change in outcome measures",
            ALEX,
            BEA,
            "Whole service",
        ):
            assert heading in text
    else:
        assert "for commissioners" in text and "NHS Digital" in text
        assert ALEX not in text and BEA not in text and "per coach" not in text
        assert "Too few to show" in text  # every count of this small team is 1 to 7
    RENDERS.mkdir(exist_ok=True)
    if shutil.which("pdftoppm"):
        stem = RENDERS / f"summary-{audience}"
        for old in RENDERS.glob(f"summary-{audience}-*.png"):
            old.unlink()
        path = stem.with_suffix(".pdf")
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(stem)], check=True)
        path.unlink()
        assert list(RENDERS.glob(f"summary-{audience}-*.png"))


def test_an_empty_week_says_no_data(team):
    summary = build_summary(team, "2026-W10")
    for report in (summary, publication(summary)):
        for fmt in ("csv", "xlsx", "pdf"):
            assert render(report, fmt)
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render(report, "pdf"))).pages)
        assert "No data for this period" in text


# ----- workwell-admin summary ------------------------------------------------------------


@pytest.fixture
def admin(team, monkeypatch, capsys):
    monkeypatch.setenv("WORKWELL_PASSPHRASE", PASSPHRASE)
    data_dir = team.data_dir
    team.close()
    parser = argparse.ArgumentParser(prog="workwell-admin")
    add_summary_command(parser.add_subparsers(dest="command", required=True))

    def run(*argv):
        args = parser.parse_args(list(argv))
        code = args.handler(args, data_dir)
        out, err = capsys.readouterr()
        return code, out, err

    run.data_dir = data_dir
    return run


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_the_command_writes_each_format(admin, tmp_path, fmt):
    out = tmp_path / f"summary.{fmt}"
    for audience in ("team", "publication"):
        code, stdout, err = admin(
            "summary", "--week", W47, "--audience", audience, "--format", fmt, "--out", str(out)
        )
        assert code == 0, err
        assert out.stat().st_size > 0
        assert "NOT encrypted" in err and audience in stdout
        assert "Coverage: " in err and "no sync coverage" in err


def test_the_command_options(admin, tmp_path):
    out = tmp_path / "bea.csv"
    code, _, err = admin(
        "summary", "--week", W47, "--audience", "team", "--format", "csv", "--out", str(out), "--coach", BEA
    )
    assert code == 0, err
    assert "team file" in err
    rows = read_csv(out.read_bytes())
    assert {r["scope"] for r in rows if r["measure"] == "referrals_received"} == {BEA}
    store = Store.open(admin.data_dir, PASSPHRASE)
    try:
        events = [e for e in store.audit_trail() if e["action"] == "export-summary"]
    finally:
        store.close()
    assert events and "audience=team" in events[-1]["detail"]


def test_the_command_refuses(admin, tmp_path):
    base = ("summary", "--audience", "team", "--format", "csv")
    code, _, err = admin(*base, "--week", "2026-W60", "--out", str(tmp_path / "x.csv"))
    assert code == 1 and "week" in err
    code, _, err = admin(*base, "--week", W47, "--out", str(tmp_path))
    assert code == 1 and "folder" in err
    code, _, err = admin(*base, "--week", W47, "--out", str(tmp_path / "x.csv"), "--coach", "Nobody")
    assert code == 1 and "Alex Coach" in err
    code, _, err = admin(
        "summary",
        "--audience",
        "publication",
        "--format",
        "csv",
        "--week",
        W47,
        "--out",
        str(tmp_path / "x.csv"),
        "--coach",
        ALEX,
    )
    assert code == 1 and "whole service" in err
    assert not (tmp_path / "x.csv").exists()
