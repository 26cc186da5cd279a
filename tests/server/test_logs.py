"""Logs say what happened, never whom it was about."""

from __future__ import annotations

import logging
import uuid


def test_logs_carry_no_personal_data(two_teams, caplog):
    caplog.set_level(logging.DEBUG)
    ann = two_teams.device("ann")
    bob = two_teams.device("bob")
    change = ann.change(uuid.uuid4().hex, given_name="Zebediah-Quartermaine", nhs_number="9990000050")
    ann.sync([change])
    bob.pull_all()
    two_teams.register("ann", "a wrong password")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/api/v1/sync" in text and ann.id in text and "accepted=1" in text
    for secret in (
        "Zebediah",
        "9990000050",
        ann.token,
        bob.token,
        "a wrong password",
        "a long enough password",
    ):
        assert secret not in text
