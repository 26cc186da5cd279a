"""import-referrals: good rows in, each bad row reported by row and column, unusable files refused."""

import csv
import os
from datetime import date, timedelta
from pathlib import Path

from workwell_desktop.domain.records import Client, Referral
from workwell_desktop.domain.validation import check_date_of_birth, check_nhs_number, check_postcode
from workwell_desktop.paths import resource_path

TODAY = date.today()
RECENT = (TODAY - timedelta(days=5)).isoformat()
# Synthetic 999-range numbers with valid check digits.
ZEBEDIAH, MARIGOLD, PERPETUA, OSWIN = "9991249060", "9993350036", "9995269252", "9999975542"
SPARE = ["9995366851", "9996786366", "9999017754", "9999992412"]
ROUTES = "gp, self, employer, jobcentre, vcse, occupational_health, other_health"


def _import(admin, path: Path):
    return admin("import-referrals", str(path))


def test_a_mix_of_good_and_bad_rows(initialised, csv_file, open_store):
    already = csv_file(
        "first.csv", [["Marigold", "Featherstonehaugh", MARIGOLD, "1970-02-03", "CA3 9PX", "self", RECENT]]
    )
    assert _import(initialised, already).code == 0
    bad_check_digit = ZEBEDIAH[:-1] + str((int(ZEBEDIAH[-1]) + 1) % 10)
    future_dob = (TODAY + timedelta(days=30)).isoformat()
    path = csv_file(
        "mixed.csv",
        [
            ["Zebediah", "Quillfeather", "999 124 9060", "1980-05-17", "ca2 4hh", "gp", RECENT],  # 2 good
            ["Ada", "Wrongdigit", bad_check_digit, "1980-05-17", "CA2 4HH", "gp", RECENT],  # 3
            ["Bea", "Unborn", PERPETUA, future_dob, "CA2 4HH", "gp", RECENT],  # 4
            ["Cy", "Nowhere", SPARE[0], "1980-05-17", "CA99 9999", "gp", RECENT],  # 5
            ["Di", "Pigeon", SPARE[1], "1980-05-17", "CA2 4HH", "carrier pigeon", RECENT],  # 6
            ["Ed", "", SPARE[2], "1980-05-17", "CA2 4HH", "gp", RECENT],  # 7
            ["Zeb", "Twice", "999-124-9060", "1980-05-17", "CA2 4HH", "gp", RECENT],  # 8
            ["Mari", "Again", MARIGOLD, "1970-02-03", "CA3 9PX", "self", RECENT],  # 9
            ["Oswin", "Thistlewood", OSWIN, "17/05/1982", "CA11 7XY", "Jobcentre Plus", RECENT],  # 10 good
        ],
    )
    result = _import(initialised, path)
    assert result.code == 1
    assert result.out.strip() == "Imported 2 referrals; rejected 7 rows"
    reported = [line for line in result.err.splitlines() if line.startswith("row ")]
    assert reported == [
        f"row 3: nhs_number: {check_nhs_number(bad_check_digit)}",
        f"row 4: date_of_birth: {check_date_of_birth(future_dob)}",
        f"row 5: postcode: {check_postcode('CA99 9999')}",
        f"row 6: referral_route: 'carrier pigeon' is not a known referral route: use one of {ROUTES} "
        "(or its name).",
        "row 7: family_name: Enter the family name.",
        "row 8: nhs_number: the same NHS number is already on row 2 of this file.",
        "row 9: nhs_number: a client with this NHS number is already on the caseload.",
    ]
    for name in ("Zebediah", "Quillfeather", "Featherstonehaugh", ZEBEDIAH, MARIGOLD):
        assert name not in result.err  # reports never repeat personal details

    store = open_store()
    zeb = store.client_by_nhs_number(ZEBEDIAH)
    assert (zeb.given_name, zeb.postcode, zeb.preferred_contact) == ("Zebediah", "CA2 4HH", "letter")
    oswin = store.client_by_nhs_number(OSWIN)
    assert oswin.date_of_birth == "1982-05-17"
    referrals = store.for_client(Referral, oswin.id)
    assert [(r.route, r.triage_outcome) for r in referrals] == [("jobcentre", "pending")]
    assert all(store.client_by_nhs_number(n) is None for n in [PERPETUA, *SPARE])
    assert len(store.all(Client)) == 3 and len(store.all(Referral)) == 3
    event = store.audit_trail()[-1]
    assert (event["action"], event["detail"]) == ("import-referrals", "rows=9,imported=2,rejected=7")
    assert store.verify_audit() == []
    store.close()


def test_all_good_with_optional_columns_bom_and_spreadsheet_headers(initialised, tmp_path, open_store):
    path = tmp_path / "good.csv"
    rows = [
        [
            "Given Name",
            "Family Name",
            "NHS Number",
            "Date of birth",
            "Postcode",
            "Referral route",
            "Referral date",
            "Phone",
            "Email",
            "Preferred contact",
            "Preferred language",
            "Interpreter needed",
            "GP practice",
            "Employer",
            "Work status",
            "Referrer",
            "Notes",
        ],
        [
            "Zebediah",
            "Quillfeather",
            ZEBEDIAH,
            "1980-05-17",
            "CA2 4HH",
            "GP / PRIMARY CARE",
            RECENT,
            "07700 900123",
            "",
            "sms",
            "Polish",
            "yes",
            "Fellside Surgery",
            "Solway Dairies",
            "In work, off sick",
            "Practice nurse",
            "ignored",
        ],
        [
            "Marigold",
            "Featherstonehaugh",
            MARIGOLD,
            "03/02/1970",
            "CA3 9PX",
            "occupational_health",
            RECENT,
            "",
            "m.f@example.org",
            "",
            "",
            "no",
            "",
            "",
            "out_of_work",
            "",
            "",
        ],
        ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # a spreadsheet's empty row
    ]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = _import(initialised, path)
    assert result.code == 0, result.err
    assert result.out.strip() == "Imported 2 referrals; rejected 0 rows"
    assert "ignoring unknown column(s): notes" in result.err
    store = open_store()
    zeb = store.client_by_nhs_number(ZEBEDIAH)
    assert (
        zeb.preferred_contact,
        zeb.preferred_language,
        zeb.interpreter_needed,
        zeb.work_status,
        zeb.employer,
        zeb.phone,
    ) == ("sms", "Polish", True, "in_work_off_sick", "Solway Dairies", "07700900123")
    mari = store.client_by_nhs_number(MARIGOLD)
    assert (mari.preferred_contact, mari.date_of_birth, mari.work_status) == (
        "email",
        "1970-02-03",
        "out_of_work",
    )
    assert [r.route for r in store.for_client(Referral, mari.id)] == ["occupational_health"]
    store.close()


def test_row_shape_and_choice_problems(initialised, tmp_path):
    path = tmp_path / "shape.csv"
    path.write_text(
        "given_name,family_name,nhs_number,date_of_birth,postcode,referral_route,referral_date,"
        "preferred_contact,interpreter_needed\n"
        f"Zebediah,Quillfeather,{ZEBEDIAH},1980-05-17,CA2 4HH,gp,{RECENT},phone,maybe\n"
        f'"Multi\nline",Name,{MARIGOLD},1980-05-17,CA2 4HH,gp,{RECENT},pigeon,no\n'
        f"Too,Many,{OSWIN},1980-05-17,CA2 4HH,gp,{RECENT},letter,no,extra\n",
        encoding="utf-8",
    )
    result = _import(initialised, path)
    assert result.code == 1
    assert [line for line in result.err.splitlines() if line.startswith("row ")] == [
        "row 2: phone: Phone is the preferred contact method: enter a phone number.",
        "row 2: interpreter_needed: Use yes or no.",
        "row 3: preferred_contact: 'pigeon' is not a known preferred contact method: use one of "
        "phone, sms, email, letter (or its name).",
        "row 5: columns: this row has 10 values but the header names 9 columns.",
    ]
    assert result.out.strip() == "Imported 0 referrals; rejected 3 rows"


def test_the_sample_file_imports_cleanly(initialised):
    sample = resource_path("samples", "referrals-example.csv")
    result = _import(initialised, sample)
    assert result.code == 0, result.err
    assert result.out.strip() == "Imported 4 referrals; rejected 0 rows"
    with open(sample, encoding="utf-8") as handle:
        assert all(row["nhs_number"].replace(" ", "").startswith("999") for row in csv.DictReader(handle))


def _audit_actions(open_store):
    store = open_store()
    actions = [e["action"] for e in store.audit_trail()]
    store.close()
    return actions


def test_a_missing_file(initialised, tmp_path, open_store):
    result = _import(initialised, tmp_path / "nowhere.csv")
    assert result.code == 2 and "There is no file" in result.err
    assert "import-referrals" not in _audit_actions(open_store)


def test_missing_columns_are_named(initialised, csv_file):
    path = csv_file(
        "cols.csv",
        [["Zebediah", "Quillfeather", "1980-05-17", "CA2 4HH", "gp"]],
        header=["given_name", "family_name", "date_of_birth", "postcode", "referral_route"],
    )
    result = _import(initialised, path)
    assert result.code == 2
    assert "missing the required column(s): nhs_number, referral_date" in result.err


def test_binary_garbage_and_other_unusable_files(initialised, tmp_path, csv_file):
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(os.urandom(4096) + b"\x00\xff\xfe")
    result = _import(initialised, garbage)
    assert result.code == 2 and "not a CSV text file" in result.err and "Traceback" not in result.err

    row = ["Siân", "Quillfeather", ZEBEDIAH, "1980-05-17", "CA2 4HH", "gp", RECENT]
    latin1 = csv_file("latin1.csv", [row], encoding="cp1252")
    result = _import(initialised, latin1)
    assert result.code == 2 and "not UTF-8" in result.err

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = _import(initialised, empty)
    assert result.code == 2 and "is empty" in result.err

    result = _import(initialised, tmp_path)
    assert result.code == 2 and "is a folder" in result.err

    broken = tmp_path / "broken.csv"
    header = "given_name,family_name,nhs_number,date_of_birth,postcode,referral_route,referral_date"
    broken.write_text(header + '\n"unterminated,quote\n', encoding="utf-8")
    result = _import(initialised, broken)
    assert result.code == 2 and "not a well-formed CSV file" in result.err


def test_an_unusable_file_is_reported_before_the_database_is_touched(admin, tmp_path):
    # not even initialised: the file's problem is what the person needs to hear
    result = _import(admin, tmp_path / "nowhere.csv")
    assert result.code == 2 and "There is no file" in result.err


def test_wrong_passphrase(initialised, csv_file, monkeypatch):
    row = ["Zebediah", "Quillfeather", ZEBEDIAH, "1980-05-17", "CA2 4HH", "gp", RECENT]
    path = csv_file("good.csv", [row])
    monkeypatch.setenv("WORKWELL_PASSPHRASE", "not the right passphrase")
    result = _import(initialised, path)
    assert result.code == 2 and "passphrase is not right" in result.err and "Traceback" not in result.err
