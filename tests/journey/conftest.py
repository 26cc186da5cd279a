"""The client's journey: a store with one active client who has a plan."""

import pytest
from journey_support import add_action, consent, new_client

from workwell_desktop.services import plans


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
