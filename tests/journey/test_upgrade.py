"""Schema 6 on a database from the released schema 5: old rows read with the defaults of
the journey's new fields, and the journey works on them."""

import shutil
from datetime import date
from pathlib import Path

from workwell_desktop.domain.consent import consent_state
from workwell_desktop.domain.records import Client, ConsentEvent, Discharge, Referral
from workwell_desktop.services import journey
from workwell_desktop.store import Store

FIXTURE = Path(__file__).parents[1] / "store" / "fixtures" / "schema-v5"


def test_a_schema_5_database_gains_the_journey(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    shutil.copytree(FIXTURE, tmp_path / "data")
    store = Store.open(tmp_path / "data", "fixture passphrase for tests")
    try:
        events = store.all(ConsentEvent)
        assert events and all(e.supersedes == "" and e.moved == "" for e in events)
        consent_state(events)  # derivation reads old rows
        ada = next(c for c in store.all(Client) if c.given_name == "Ada")
        if not store.for_client(Referral, ada.id):
            store.add(Referral(client_id=ada.id, route="gp", received_on="2026-01-05"))
        received = max(r.received_on for r in store.for_client(Referral, ada.id))
        # a discharge as schema 5 saved it: no episode named, follow-up agreed by default
        store.connection.execute(
            "INSERT INTO discharge (id, client_id, discharged_on, reason, work_outcome, note, supersedes)"
            " VALUES ('old', ?, ?, 'completed', 'stayed_in_work', '', '')",
            (ada.id, received),
        )
        old = store.get(Discharge, "old")
        assert (old.referral_id, old.follow_up_agreed, old.recorded_by) == ("", True, "")
        now = journey.load_journey(store, ada.id, date(2026, 12, 1))
        assert now.status == "discharged" and now.discharge.id == "old"
        journey.undo_discharge(store, ada.id, "Recorded on the wrong record", date(2026, 12, 1))
        assert journey.load_journey(store, ada.id, date(2026, 12, 1)).status != "discharged"
        # The schema-5 row was written here straight into the table, as no app would:
        # the audit trail (which proves the records) reports exactly that, nothing else.
        assert store.verify_audit() == ["discharge old has no audit entry: it was added outside the app"]
    finally:
        store.close()
