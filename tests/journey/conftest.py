"""The client's journey: a store with one active client who has a plan."""

import pytest

from workwell_desktop import plans
from workwell_desktop.domain.plans import PlanAction
from workwell_desktop.domain.records import Client, ConsentEvent, Referral
from workwell_desktop.store import Store

PASSPHRASE = "correct horse battery staple"


def new_client(store, nhs="9990000018", given="Jane", **referral):
    person = Client(given_name=given, family_name="Example", date_of_birth="1984-06-02",
                    nhs_number=nhs, postcode="CA3 8QE", phone="07700900123")
    values = dict(route="gp", received_on="2026-09-01", triage_outcome="accepted",
                  triaged_on="2026-09-02", first_contact_on="2026-09-07")
    values.update(referral)
    store.add_together([person, Referral(client_id=person.id, **values)])
    return store.get(Client, person.id)


def consent(store, client_id, scope, action, at, service=""):
    return store.add(ConsentEvent(client_id=client_id, scope=scope, service_name=service, action=action,
                                  method="verbal", recorded_by="Alex Coach", recorded_at=at))


def add_action(store, client_id, text, due_on, status="open"):
    action = plans.add_entry(store, PlanAction(client_id=client_id, text=text, due_on=due_on))
    if status != "open":
        action = plans.change_entry(store, action, status=status)
    return action


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    opened = Store.create(tmp_path / "d", PASSPHRASE, "Alex Coach")
    yield opened
    opened.close()


@pytest.fixture
def client(store):
    """Active since 7 Sep 2026, taking part and sharing with GP and employer; a plan with
    a review on 5 Jan 2027 and two open actions, one overdue on 1 Dec 2026."""
    person = new_client(store)
    for scope in ("participation", "share_gp", "share_employer", "contact_email"):
        consent(store, person.id, scope, "given", "2026-09-07T10:00:00+00:00")
    plans.save_settings(store, person.id, support_tier="targeted", next_review_on="2027-01-05")
    add_action(store, person.id, "Call the line manager", "2026-11-20")
    add_action(store, person.id, "Book physio", "2027-02-01")
    add_action(store, person.id, "Read the leaflet", "2026-10-01", status="done")
    return person
