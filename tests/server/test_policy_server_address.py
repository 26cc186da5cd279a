"""A changed SERVER_URL policy re-points a registered laptop at its next sync (HAZ-061):
the same service (it knows the device token) is followed; the laptop keeps its identity."""

from __future__ import annotations

import json

import pytest
from support.live_server import add_client, serving

from workwell_desktop.store import replica
from workwell_desktop.sync import engine


@pytest.fixture
def second_address(live):
    """The same service (same app, same database) listening at a second address."""
    with serving(live.app) as base_url:
        yield base_url


def test_a_new_policy_address_moves_a_registered_laptop_at_its_next_sync(
    laptop, live, second_address, monkeypatch, tmp_path
):
    ann = laptop("ann")
    add_client(ann)
    device = replica.get_setting(ann, "server_device_id")
    assert replica.get_setting(ann, "server_url") == live.base_url
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"server_url": second_address}))  # IT re-deploys with a new address
    monkeypatch.setenv("WORKWELL_POLICY_FILE", str(policy))
    report = engine.sync(ann)
    assert report.pushed >= 1
    assert replica.get_setting(ann, "server_url") == second_address
    assert replica.get_setting(ann, "server_device_id") == device  # the same identity
    assert any(e["action"] == "server-address-changed" for e in ann.audit_trail())
    assert engine.sync(ann).requests == 1  # and it stays there
