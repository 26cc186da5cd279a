"""After init, demo data, an import and an export, nobody's details are readable on disk."""

from datetime import date, timedelta

from workwell_desktop.store.keys import KeyFileKeyStore, unwrap_key

RECENT = (date.today() - timedelta(days=3)).isoformat()
IMPORTED = [
    ["Zebediah", "Quillfeather", "9991249060", "1980-05-17", "CA2 4HH", "gp", RECENT],
    ["Perpetua", "Wolstenholme", "9993350036", "1971-07-12", "CA3 8QE", "employer", RECENT],
    ["Oswin", "Thistlewaite", "9999975542", "1979-01-15", "CA28 6QR", "self", RECENT],
]


def files_containing(root, needles):
    hits = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            blob = path.read_bytes()
            for needle in needles:
                if needle.encode("utf-8") in blob or needle.encode("utf-16-le") in blob:
                    hits.append((path.relative_to(root).as_posix(), needle))
    return hits


def test_no_names_or_nhs_numbers_anywhere_under_the_data_folder(
    team_lead, data_dir, csv_file, open_store, passphrase
):
    initialised = team_lead
    assert initialised("demo-data", "--clients", "50", "--seed", "11").code == 0
    # A second connection held open keeps the write-ahead log and shared memory files
    # on disk after each command, so they are scanned too.
    watcher = open_store()
    demo = sorted(watcher.caseload(), key=lambda entry: entry.nhs_number)[:5]
    assert initialised("import-referrals", str(csv_file("referrals.csv", IMPORTED))).code == 0
    export = initialised("caseload", "--format", "csv")
    assert "Zebediah" in export.out  # the export itself went to stdout, not into the folder

    needles = [value for row in IMPORTED for value in row[:3]]
    needles += [value for c in demo for value in (c.given_name, c.family_name, c.nhs_number)]
    names = {p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*") if p.is_file()}
    assert {"workwell.db", "workwell.db-wal", "key.json", "workwell.json", "logs/workwell.log"} <= names
    assert (data_dir / "logs" / "workwell.log").stat().st_size > 0
    assert files_containing(data_dir, needles) == []
    watcher.close()
    assert files_containing(data_dir, needles) == []

    key = unwrap_key(KeyFileKeyStore(data_dir / "key.json").load(), passphrase)
    for path in data_dir.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            assert key not in blob and key.hex().encode() not in blob


def test_the_scan_would_find_them_in_a_plain_file(tmp_path):
    (tmp_path / "plain.txt").write_text("Zebediah 9991249060", encoding="utf-8")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "wide.log").write_text("Quillfeather", encoding="utf-16-le")
    assert files_containing(tmp_path, ["Zebediah", "Quillfeather", "9991249060", "Wolstenholme"]) == [
        ("logs/wide.log", "Quillfeather"),
        ("plain.txt", "Zebediah"),
        ("plain.txt", "9991249060"),
    ]
