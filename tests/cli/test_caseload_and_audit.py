"""caseload --format csv, and verify-audit on an intact and a tampered trail."""

import csv
import io
from datetime import date, timedelta

RECENT = (date.today() - timedelta(days=3)).isoformat()
COLUMNS = [
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "status",
    "next_review_on",
    "last_contact_on",
    "coach",
]


def _imported(admin, csv_file):
    path = csv_file(
        "people.csv",
        [
            ["Zebediah", "Quillfeather", "999 124 9060", "1980-05-17", "CA2 4HH", "gp", RECENT],
            ["Siân", "Ó Súilleabháin", "9993350036", "1970-02-03", "ca3 9px", "self", RECENT],
            [
                '=HYPERLINK("http://example.com")',
                "Formula",
                "9995269252",
                "1990-01-01",
                "CA1 1AB",
                "gp",
                RECENT,
            ],
        ],
    )
    assert admin("import-referrals", str(path)).code == 0


def test_caseload_csv_holds_the_imported_people_and_is_audited(team_lead, csv_file, open_store):
    initialised = team_lead
    assert initialised("demo-data", "--clients", "10", "--seed", "2").code == 0
    _imported(initialised, csv_file)
    result = initialised("caseload", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 13
    by_number = {row["nhs_number"]: row for row in rows}
    assert by_number["9991249060"] == {
        "nhs_number": "9991249060",
        "given_name": "Zebediah",
        "family_name": "Quillfeather",
        "date_of_birth": "1980-05-17",
        "postcode": "CA2 4HH",
        "status": "awaiting_triage",
        "next_review_on": "",
        "last_contact_on": "",
        "coach": "alex.coach",
    }  # the server account
    assert by_number["9993350036"]["family_name"] == "Ó Súilleabháin"
    assert by_number["9995269252"]["given_name"].startswith("'=")  # not run as a formula
    assert {row["status"] for row in rows} <= {
        "awaiting_triage",
        "declined",
        "awaiting_first_contact",
        "active",
        "discharged",
        "no_referral",
    }
    store = open_store()
    event = store.audit_trail()[-1]
    assert (event["action"], event["detail"]) == ("export-caseload", "rows=13,left_out=0")
    store.close()


def test_default_format_is_csv(team_lead):
    result = team_lead("caseload")
    assert result.code == 0 and result.out.splitlines() == [",".join(COLUMNS)]


def test_verify_audit_intact(initialised, csv_file, open_store):
    _imported(initialised, csv_file)
    store = open_store()
    entries = len(store.audit_trail())
    store.close()
    result = initialised("verify-audit")
    assert result.code == 0
    assert result.out.splitlines()[-1] == f"Audit trail intact: {entries} entries"
    assert "not registered with a server" in result.out


def test_verify_audit_finds_an_edited_actor(initialised, csv_file, raw_db):
    _imported(initialised, csv_file)
    conn = raw_db()
    conn.execute("UPDATE audit SET actor = 'Someone Else' WHERE seq = 3")
    conn.close()
    result = initialised("verify-audit")
    assert result.code == 1
    assert "  - entry 3 has been altered since it was written" in result.out.splitlines()


def test_verify_audit_finds_a_deleted_middle_entry(initialised, csv_file, raw_db):
    _imported(initialised, csv_file)
    conn = raw_db()
    conn.execute("DELETE FROM audit WHERE seq = 4")
    conn.close()
    result = initialised("verify-audit")
    assert result.code == 1
    assert "entries 4 to 4 are missing (deleted)" in result.out
    assert "entry 5 does not follow on from the entry before it" in result.out


def test_verify_audit_finds_a_removed_last_entry(initialised, csv_file, raw_db):
    _imported(initialised, csv_file)
    conn = raw_db()
    last = conn.execute("SELECT max(seq) FROM audit").fetchone()[0]
    conn.execute("DELETE FROM audit WHERE seq = ?", (last,))
    conn.close()
    result = initialised("verify-audit")
    assert result.code == 1
    assert f"the trail ends at entry {last - 1} but should end at entry {last}" in result.out
