"""Team exports (summary, caseload CSV) are for team leads by their server account (issue #14:
both worked for any coach, with no role check and no warning)."""

import csv
import io

import pytest

from workwell_desktop.domain.records import Client, ConsentEvent
from workwell_desktop.store import replica


def _register_as(open_store, role):
    store = open_store()
    try:
        if role:
            replica.set_settings(store, sync_role=role, sync_username="someone")
    finally:
        store.close()


def _audit(open_store):
    store = open_store()
    try:
        return store.audit_trail()
    finally:
        store.close()


@pytest.mark.parametrize("role", [None, "coach"], ids=["not-registered", "coach-account"])
@pytest.mark.parametrize(
    "command",
    [
        ("caseload", "--format", "csv"),
        ("summary", "--week", "2026-W47", "--audience", "publication", "--format", "csv", "--out", "{out}"),
        ("summary", "--week", "2026-W47", "--audience", "team", "--format", "pdf", "--out", "{out}"),
    ],
    ids=["caseload", "summary-publication", "summary-team"],
)
def test_a_coach_laptop_refuses_team_exports(initialised, open_store, tmp_path, role, command):
    _register_as(open_store, role)
    out = tmp_path / "team.file"
    result = initialised(*(part.format(out=out) for part in command))
    assert result.code == 1
    assert "team leads" in result.err
    assert result.out == "" and not out.exists()
    refused = [e for e in _audit(open_store) if e["action"] == "export-refused"]
    assert refused and f"role={role or 'unregistered'}" in refused[-1]["detail"]


def test_setting_up_as_team_lead_is_not_proof(admin, open_store):
    assert admin("init", "--coach-name", "Pat", "--role", "team_lead").code == 0
    assert admin("caseload").code == 1


def test_a_team_lead_export_warns_that_it_leaves_the_store_and_is_audited(team_lead, open_store, tmp_path):
    result = team_lead("caseload")
    assert result.code == 0
    assert "NOT encrypted" in result.err and "leaves WorkWell's encrypted store" in result.err
    assert _audit(open_store)[-1]["action"] == "export-caseload"
    out = tmp_path / "s.csv"
    result = team_lead(
        "summary", "--week", "2026-W47", "--audience", "team", "--format", "csv", "--out", str(out)
    )
    assert result.code == 0, result.err
    assert "leaves WorkWell's encrypted store" in result.err
    assert _audit(open_store)[-1]["action"] == "export-summary"


def test_the_caseload_leaves_out_people_who_withdrew_from_taking_part(team_lead, open_store):
    store = open_store()
    try:
        for number, (given, action) in enumerate((("Stays", "given"), ("Leaves", "withdrawn"))):
            client = store.add(
                Client(
                    given_name=given,
                    family_name="Person",
                    date_of_birth="1980-01-01",
                    nhs_number=("9434765919", "9990000026")[number],
                    postcode="CA1 1AB",
                    phone="07700900001",
                )
            )
            store.add(
                ConsentEvent(
                    client_id=client.id,
                    scope="participation",
                    action=action,
                    method="verbal",
                    recorded_by="Alex",
                    recorded_at="2026-11-01T10:00:00Z",
                )
            )
    finally:
        store.close()
    result = team_lead("caseload")
    names = [row["given_name"] for row in csv.DictReader(io.StringIO(result.out))]
    assert names == ["Stays"]
    assert "1 person who withdrew" in result.err
    assert _audit(open_store)[-1]["detail"] == "rows=1,left_out=1"


def test_a_withdrawal_under_a_merged_duplicate_leaves_the_person_out(team_lead, open_store):
    """The export grouped consent by each record's own client: the person stayed in the team
    file when they had withdrawn under the duplicate that was merged into them."""
    store = open_store()
    try:
        ids = []
        for number in range(2):
            client = store.add(
                Client(
                    given_name="Wren",
                    family_name="Person",
                    date_of_birth="1980-01-01",
                    nhs_number=("9434765919", "9990000026")[number],
                    postcode="CA1 1AB",
                    phone="07700900001",
                )
            )
            ids.append(client.id)
        with store.connection:  # as a sync from another laptop leaves it
            store.connection.execute("UPDATE client SET nhs_number = '9434765919' WHERE id = ?", (ids[1],))
        store.add(
            ConsentEvent(
                client_id=ids[1],
                scope="participation",
                action="withdrawn",
                method="verbal",
                recorded_by="Alex",
                recorded_at="2026-11-01T10:00:00Z",
            )
        )
        store.merge_clients(ids[0], ids[1])
    finally:
        store.close()
    result = team_lead("caseload")
    assert result.code == 0, result.err
    assert list(csv.DictReader(io.StringIO(result.out))) == []
    assert _audit(open_store)[-1]["detail"] == "rows=0,left_out=1"
