"""The summary as CSV, XLSX and PDF, and ``workwell-admin summary``."""

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
from workwell_desktop.reports import build_summary, render, suppress
from workwell_desktop.store import Store

W47 = "2026-W47"


@pytest.fixture
def summaries(team):
    raw = build_summary(team, W47, today=date(2026, 11, 23))
    return {"on": suppress(raw), "off": raw}


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_csv_is_tidy(summaries):
    rows = read_csv(render(summaries["off"], "csv"))
    assert list(rows[0]) == ["week", "scope", "measure", "value"]
    assert rows[0] == {"week": W47, "scope": "service", "measure": "suppression", "value": "off"}
    found = {(r["week"], r["scope"], r["measure"]): r["value"] for r in rows}
    assert len(found) == len(rows)  # one figure per row, no repeats
    assert found[(W47, "service", "referrals_received")] == "5"
    assert found[(W47, "service", "referrals_received:gp")] == "2"
    assert found[(W47, ALEX, "first_contacts")] == "2"
    assert found[(W47, BEA, "active_caseload")] == "3"
    assert found[(W47, "service", "median_days_to_first_contact")] == "3.5"
    assert found[(W47, "service", "discharges")] == "1"
    assert found[(W47, "service", "mean_change:wsas")] == ""
    assert found[("2026-W35/2026-W47", "service", "referrals_received")] == "10"
    assert all(not r["week"].startswith("#") for r in rows)


def test_csv_suppressed(summaries):
    rows = read_csv(render(summaries["on"], "csv"))
    found = {(r["week"], r["scope"], r["measure"]): r["value"] for r in rows}
    assert found[(W47, "service", "suppression")] == "on"
    assert found[(W47, "service", "referrals_received:gp")] == "<5"
    assert found[(W47, "service", "referrals_received")] == "5"


def test_a_coach_name_is_never_a_formula(team):
    team.update(Client, team.ids["B1"], coach="=cmd|x")
    summary = build_summary(team, W47)
    rows = read_csv(render(summary, "csv"))
    assert "'=cmd|x" in {r["scope"] for r in rows}
    book = load_workbook(io.BytesIO(render(summary, "xlsx")))
    assert all(not str(c.value).startswith("=") for row in book["Figures"].iter_rows() for c in row)


def test_xlsx_opens_with_bold_frozen_headers(summaries, tmp_path):
    for mark, summary in summaries.items():
        book = load_workbook(io.BytesIO(render(summary, "xlsx")))
        assert book.sheetnames == ["Summary", "Figures", "Week 2026-W47", "Last 4 weeks", "Last 13 weeks"]
        assert book["Summary"]["A3"].value == "Small-number suppression"
        assert book["Summary"]["B3"].value == mark
        tidy = book["Figures"]
        assert [c.value for c in tidy[1]] == ["week", "scope", "measure", "value"]
        assert tidy.freeze_panes == "B2" and tidy["A1"].font.bold
        assert [c.value for c in tidy[2]] == [W47, "service", "suppression", mark]
        week = book["Week 2026-W47"]
        assert [c.value for c in week[1]] == ["Measure", ALEX, BEA, "Whole service"]
        referrals = next(r for r in week.iter_rows(values_only=True) if r[0] == "Referrals received")
        assert referrals == (("Referrals received", 4, 1, 5) if mark == "off"
                             else ("Referrals received", "<5", "<5", 5))
        assert week.freeze_panes == "B2" and week["B1"].font.bold
    (tmp_path / "summary.xlsx").write_bytes(render(summaries["on"], "xlsx"))


@pytest.mark.parametrize("mark", ["on", "off"])
def test_pdf_text_and_pictures(summaries, mark):
    pdf = render(summaries[mark], "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "WorkWell weekly caseload summary" in text
    assert ("Small-number suppression is ON" if mark == "on" else "Small-number suppression is OFF") in text
    for heading in ("Referrals received by route", "Days from referral to first contact",
                    "Active caseload per coach", "Mean change in outcome measures", ALEX, BEA,
                    "Whole service"):
        assert heading in text
    if mark == "on":
        assert "<5" in text
    RENDERS.mkdir(exist_ok=True)
    if shutil.which("pdftoppm"):
        stem = RENDERS / f"summary-{mark}"
        for old in RENDERS.glob(f"summary-{mark}-*.png"):
            old.unlink()
        path = stem.with_suffix(".pdf")
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(stem)], check=True)
        path.unlink()
        assert list(RENDERS.glob(f"summary-{mark}-*.png"))


def test_an_empty_week_still_renders(team):
    summary = suppress(build_summary(team, "2026-W10"))
    for fmt in ("csv", "xlsx", "pdf"):
        assert render(summary, fmt)


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
    code, stdout, err = admin("summary", "--week", W47, "--format", fmt, "--out", str(out))
    assert code == 0, err
    assert out.stat().st_size > 0
    assert "NOT encrypted" in err and "suppression on" in stdout


def test_the_command_options(admin, tmp_path):
    out = tmp_path / "bea.csv"
    code, _, err = admin("summary", "--week", W47, "--format", "csv", "--out", str(out), "--no-suppression",
                         "--coach", BEA)
    assert code == 0, err
    assert "team only" in err
    rows = read_csv(out.read_bytes())
    assert {r["scope"] for r in rows[1:]} == {BEA}
    assert rows[0]["value"] == "off"
    store = Store.open(admin.data_dir, PASSPHRASE)
    try:
        events = [e for e in store.audit_trail() if e["action"] == "export-summary"]
    finally:
        store.close()
    assert events and "suppression=off" in events[-1]["detail"]


def test_the_command_refuses(admin, tmp_path):
    code, _, err = admin("summary", "--week", "2026-W60", "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert code == 1 and "week" in err
    code, _, err = admin("summary", "--week", W47, "--format", "csv", "--out", str(tmp_path))
    assert code == 1 and "folder" in err
    code, _, err = admin("summary", "--week", W47, "--format", "csv", "--out", str(tmp_path / "x.csv"),
                         "--coach", "Nobody")
    assert code == 1 and "Alex Coach" in err
    assert not (tmp_path / "x.csv").exists()
