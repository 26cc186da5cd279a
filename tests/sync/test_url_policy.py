"""The password and the device token never travel in clear (HAZ-060).

A capture listener stands in for a plain-HTTP server on another machine and for an HTTP
proxy: it must not receive one byte of a password or token, because every address is
checked by the one URL policy (``sync.server_address``) before anything is sent, and
proxy variables in the environment are ignored.
"""

from __future__ import annotations

import json
import socket

import pytest
from capture_listener import CaptureListener, http_reply, non_loopback_address

from workwell_desktop.settings import SettingError, load_settings
from workwell_desktop.store import replica
from workwell_desktop.sync import engine
from workwell_desktop.sync.server_address import (
    ConnectionPolicy,
    UnsafeAddress,
    check_before_sending,
    parse_server_address,
)

PASSWORD = "the coach's secret password 7"
TOKEN = "device-token-that-must-not-leak-0123456789"
OTHER_MACHINE = non_loopback_address()
needs_other_address = pytest.mark.skipif(OTHER_MACHINE is None, reason="no non-loopback address here")


@pytest.fixture
def capture():
    listeners = []

    def make(host: str = "127.0.0.1", reply: bytes | None = None) -> CaptureListener:
        listener = CaptureListener(host, reply)
        listeners.append(listener)
        return listener

    yield make
    for listener in listeners:
        listener.close()


@pytest.fixture
def proxy_everything(capture, monkeypatch):
    """Every proxy variable a user could set points at a capture listener."""
    proxy = capture()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    return proxy


def registered(store, url: str) -> None:
    """As a laptop registered by an older version might be, with any address saved."""
    replica.set_settings(store, server_url=url, sync_token=TOKEN, server_device_id="dev-1")


# ----- plain HTTP to another machine -------------------------------------------------------------
@needs_other_address
def test_register_over_plain_http_to_another_machine_sends_nothing(store, capture):
    server = capture(OTHER_MACHINE, http_reply(403, b'{"detail":"TLS required"}'))
    with pytest.raises(engine.SyncError, match="https://") as refused:
        engine.register(store, server.url, "ann", PASSWORD, "laptop")
    assert "Nothing was sent" in str(refused.value)
    assert server.connections == 0 and not server.received


@needs_other_address
def test_sync_over_plain_http_to_another_machine_sends_no_token(store, capture):
    server = capture(OTHER_MACHINE, http_reply(200))
    registered(store, server.url)
    with pytest.raises(engine.SyncError, match="https://"):
        engine.sync(store)
    assert server.connections == 0 and not server.saw(TOKEN)


@needs_other_address
@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1@{host}:{port}",  # passed the old prefix check; goes to {host}
        "http://localhost:80@{host}:{port}",
        "http://user:pass@{host}:{port}",
        "https://127.0.0.1@{host}:{port}",
    ],
)
def test_user_info_in_the_address_is_refused_before_any_byte(store, capture, template):
    server = capture(OTHER_MACHINE, http_reply(200))
    url = template.format(host=OTHER_MACHINE, port=server.port)
    with pytest.raises(engine.SyncError, match="user name or password"):
        engine.register(store, url, "ann", PASSWORD, "laptop")
    registered(store, url)
    with pytest.raises(engine.SyncError, match="user name or password"):
        engine.sync(store)
    assert server.connections == 0 and not server.received


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost.evil.example:8443",
        "http://127.0.0.1.evil.example",
        "http://localhost%2eevil.example",
        "http://[::1].evil.example",
        "http://0x7f000001.evil.example",
        "http://wоrkwell.nhs.uk",  # Cyrillic о
        "http://192.0.2.10:8443",
        "https://workwell.example.nhs.uk\\@evil.example",
        "javascript:alert(1)",
        " http://localhost.evil.example",
        "https://host/path?next=http://x",
        "file:///etc/passwd",
    ],
)
def test_lookalike_and_malformed_addresses_are_refused_without_a_lookup(url, store, monkeypatch):
    looked_up = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: looked_up.append(a) or [])
    with pytest.raises(engine.SyncError, match="Nothing was sent"):
        engine.register(store, url, "ann", PASSWORD, "laptop")
    assert looked_up == []


def test_localhost_must_resolve_to_this_computer_only(monkeypatch):
    address = parse_server_address("http://localhost:8000")
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("203.0.113.5", 8000))],
    )
    with pytest.raises(UnsafeAddress, match="only to this computer"):
        check_before_sending(address)
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 8000))],
    )
    check_before_sending(address)


def test_plain_http_on_this_computer_is_allowed(store, capture):
    server = capture("127.0.0.1", http_reply(401, b'{"detail":"no"}'))
    with pytest.raises(engine.SyncError, match="did not accept"):
        engine.register(store, server.url, "ann", PASSWORD, "laptop")
    assert server.saw(PASSWORD)  # loopback: never leaves this computer


# ----- proxies ---------------------------------------------------------------------------------
def test_proxy_variables_from_the_environment_are_ignored(store, capture, proxy_everything):
    server = capture("127.0.0.1", http_reply(401, b'{"detail":"no"}'))
    with pytest.raises(engine.SyncError, match="did not accept"):
        engine.register(store, server.url, "ann", PASSWORD, "laptop")
    registered(store, server.url)
    with pytest.raises(engine.SyncError):
        engine.sync(store)
    assert proxy_everything.connections == 0 and not proxy_everything.received
    assert server.saw(PASSWORD) and server.saw(TOKEN)


def test_an_https_address_does_not_go_through_an_environment_proxy(store, proxy_everything):
    with pytest.raises(engine.SyncError):  # the name does not exist: no connection at all
        engine.register(store, "https://workwell.invalid", "ann", PASSWORD, "laptop")
    assert proxy_everything.connections == 0


@needs_other_address
def test_plain_http_via_a_proxy_is_refused_too(store, proxy_everything):
    with pytest.raises(engine.SyncError, match="https://"):
        engine.register(store, f"http://{OTHER_MACHINE}:8443", "ann", PASSWORD, "laptop")
    assert proxy_everything.connections == 0 and not proxy_everything.saw(PASSWORD)


def test_a_proxy_set_by_policy_is_used_for_the_server(store, capture, monkeypatch):
    proxy = capture("127.0.0.1", http_reply(502, b'{"detail":"proxy says no"}'))
    policy = ConnectionPolicy(proxy_url=proxy.url)
    with pytest.raises(engine.SyncError):
        engine.register(store, "https://workwell.invalid", "ann", PASSWORD, "laptop", policy=policy)
    assert proxy.connections == 1 and b"CONNECT workwell.invalid:443" in proxy.received
    assert not proxy.saw(PASSWORD)  # inside the tunnel only, encrypted


def test_proxy_and_certificate_authority_can_only_come_from_the_policy(monkeypatch, tmp_path):
    settings = load_settings()
    for key, value in (("proxy_url", "http://proxy.example:8080"), ("server_ca_file", "/tmp/ca.pem")):
        with pytest.raises(SettingError, match="service IT"):
            settings.set_user(key, value)
    user_file = tmp_path / "settings.json"
    user_file.write_text(json.dumps({"proxy_url": "http://127.0.0.1:9"}))
    monkeypatch.setenv("WORKWELL_SETTINGS_FILE", str(user_file))
    settings = load_settings()
    assert settings.get("proxy_url") == "" and any("service IT" in p for p in settings.problems)


# ----- the organisation's server address -------------------------------------------------------
def test_register_refuses_an_address_other_than_the_policys(store, capture, monkeypatch, tmp_path):
    server = capture("127.0.0.1", http_reply(200))
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps({"server_url": "https://workwell.example.nhs.uk"}))
    monkeypatch.setenv("WORKWELL_POLICY_FILE", str(policy_file))
    with pytest.raises(engine.SyncError, match="can only connect there"):
        engine.register(store, server.url, "ann", PASSWORD, "laptop")
    assert server.connections == 0


def test_a_changed_policy_address_that_does_not_know_the_laptop_asks_to_connect_again(
    store, capture, monkeypatch, tmp_path
):
    old, new = capture("127.0.0.1", http_reply(200)), capture("127.0.0.1", http_reply(401, b'{"detail":"x"}'))
    registered(store, old.url)
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps({"server_url": new.url}))
    monkeypatch.setenv("WORKWELL_POLICY_FILE", str(policy_file))
    with pytest.raises(engine.NotRegistered, match="Connect again") as refused:
        engine.sync(store)
    assert new.url in str(refused.value) and "saved on this laptop" in str(refused.value)
    assert old.connections == 0 and new.connections == 1  # the policy's address, not the saved one
    assert replica.get_setting(store, "server_url") == old.url  # unchanged until the new one accepts


def test_a_policy_address_that_is_unsafe_is_refused_and_nothing_sent(store, capture, monkeypatch, tmp_path):
    old = capture("127.0.0.1", http_reply(200))
    registered(store, old.url)
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps({"server_url": "http://192.0.2.10:8443"}))
    monkeypatch.setenv("WORKWELL_POLICY_FILE", str(policy_file))
    settings = load_settings()
    assert not settings.is_managed("server_url") and any("https://" in p for p in settings.problems)
