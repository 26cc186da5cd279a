"""Helpers for the journey tests (a module name of its own: conftest names collide)."""

from workwell_desktop.domain.plans import PlanAction
from workwell_desktop.domain.records import Client, ConsentEvent, Referral
from workwell_desktop.services import plans

PASSPHRASE = "correct horse battery staple"


def new_client(store, nhs="9990000018", given="Jane", **referral):
    person = Client(
        given_name=given,
        family_name="Example",
        date_of_birth="1984-06-02",
        nhs_number=nhs,
        postcode="CA3 8QE",
        phone="07700900123",
    )
    values = dict(
        route="gp",
        received_on="2026-09-01",
        triage_outcome="accepted",
        triaged_on="2026-09-02",
        first_contact_on="2026-09-07",
    )
    values.update(referral)
    store.add_together([person, Referral(client_id=person.id, **values)])
    return store.get(Client, person.id)


def consent(store, client_id, scope, action, at, service=""):
    return store.add(
        ConsentEvent(
            client_id=client_id,
            scope=scope,
            service_name=service,
            action=action,
            method="verbal",
            recorded_by="Alex Coach",
            recorded_at=at,
        )
    )


def add_action(store, client_id, text, due_on, status="open"):
    action = plans.add_entry(store, PlanAction(client_id=client_id, text=text, due_on=due_on))
    if status != "open":
        action = plans.change_entry(store, action, status=status)
    return action
