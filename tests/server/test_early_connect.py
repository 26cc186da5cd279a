"""``workwell-admin sync`` opens its TCP connection while it unlocks (sync.early_connect, #15).

The connection goes where the last connection went (a plaintext hint in the data folder),
so every test here is about the hint being only a guess: nothing is sent on it until the
real, checked address is known, and a connection that does not fit is never used."""

from __future__ import annotations

import json
import socket

import httpcore
import httpx
import pytest
from support.live_server import PASSPHRASE

from workwell_desktop.cli import main
from workwell_desktop.sync import early_connect, server_address
from workwell_desktop.sync.server_address import HandOver, parse_server_address


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _sync(data_dir, monkeypatch) -> int:
    monkeypatch.setenv("WORKWELL_PASSPHRASE", PASSPHRASE)
    return main(["--data-dir", str(data_dir), "sync"])


def _write_hint(data_dir, host: str, port: int) -> None:
    (data_dir / early_connect.HINT_FILE).write_text(json.dumps({"host": host, "port": port}))


def _own_connect_refused(monkeypatch) -> list:
    """Make httpcore's own connect fail, so a sync that still succeeds used the early one."""
    asked = []

    def refuse(self, host, port, *args, **kwargs):
        asked.append((host, port))
        raise httpcore.ConnectError("httpcore's own connect is switched off in this test")

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", refuse)
    return asked


def test_registering_leaves_the_hint_and_the_next_sync_uses_the_early_connection(
    laptop, live, monkeypatch, capsys
):
    ann = laptop("ann")
    data_dir = ann.data_dir
    ann.close()
    assert early_connect.read_hint(data_dir) == ("127.0.0.1", _port(live.base_url))
    asked = _own_connect_refused(monkeypatch)
    assert _sync(data_dir, monkeypatch) == 0
    assert asked == [] and "1 request(s)" in capsys.readouterr().out


def test_a_hint_to_another_computer_gets_no_byte_and_is_replaced(laptop, live, monkeypatch):
    ann = laptop("ann")
    data_dir = ann.data_dir
    ann.close()
    with socket.create_server(("127.0.0.1", 0)) as decoy:
        _write_hint(data_dir, "127.0.0.1", decoy.getsockname()[1])
        assert _sync(data_dir, monkeypatch) == 0
        decoy.settimeout(5)
        connection, _ = decoy.accept()  # the early connection reached it ...
        with connection:
            assert connection.recv(100) == b""  # ... and was closed with nothing sent
    assert early_connect.read_hint(data_dir) == ("127.0.0.1", _port(live.base_url))


def test_a_sync_goes_on_when_the_hinted_computer_is_not_there(laptop, live, monkeypatch):
    ann = laptop("ann")
    data_dir = ann.data_dir
    ann.close()
    with socket.socket() as gone:
        gone.bind(("127.0.0.1", 0))
        _write_hint(data_dir, "127.0.0.1", gone.getsockname()[1])
    assert _sync(data_dir, monkeypatch) == 0


def test_a_connection_the_peer_closed_or_an_old_one_is_not_handed_over(monkeypatch):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        early = early_connect.EarlyConnection("127.0.0.1", port)
        accepted, _ = listener.accept()
        accepted.close()  # the server (or a NAT on the way) dropped it
        assert early.take("127.0.0.1", port) is None

        early = early_connect.EarlyConnection("127.0.0.1", port)
        with listener.accept()[0]:
            monkeypatch.setattr(early_connect, "FRESH_SECONDS", -1.0)
            assert early.take("127.0.0.1", port) is None

        early = early_connect.EarlyConnection("127.0.0.1", port)
        with listener.accept()[0]:
            assert early.take("127.0.0.1", port + 1) is None  # asked for somewhere else
            assert early.take("127.0.0.1", port) is None  # and it is given out once at most


def test_plain_http_takes_an_early_connection_only_from_this_computer(live, tmp_path):
    """For http:// the policy allows this computer only; a connection whose peer is not a
    loopback address (here: not an IP at all) is closed and httpcore connects itself."""
    port = _port(live.base_url)
    stranger, other_end = socket.socketpair()

    class Early:
        def take(self, host, asked_port):
            return stranger

    network = HandOver(tmp_path, Early(), parse_server_address(live.base_url))  # type: ignore[arg-type]
    stream = network.connect_tcp("127.0.0.1", port, timeout=5)
    try:
        assert stranger.fileno() == -1  # closed, not used
        assert stream.get_extra_info("socket").getpeername()[1] == port
    finally:
        stream.close()
        other_end.close()


def test_the_hand_over_is_installed_in_the_sync_client(live, tmp_path, monkeypatch):
    """http_client sets httpx's pool's network backend (not a public httpx setting): if an
    httpx release stops honouring it, this fails instead of the head start quietly going."""
    address = parse_server_address(live.base_url)
    with socket.create_connection(("127.0.0.1", _port(live.base_url))) as opened:

        class Early:
            def take(self, host, asked_port):
                return opened

        asked = _own_connect_refused(monkeypatch)
        network = HandOver(tmp_path, Early(), address)  # type: ignore[arg-type]
        policy = server_address.ConnectionPolicy()
        with server_address.http_client(policy, address, httpx.Timeout(10.0), network) as client:
            assert client.get(f"{live.base_url}/health").status_code == 200
        assert asked == []


@pytest.mark.parametrize(
    "text",
    [
        b"x" * 600,
        b"not json",
        b"[]",
        b'{"host": "evil example", "port": 443}',
        b'{"host": "h\\u00e9.example", "port": 443}',
        b'{"host": "h.example", "port": 0}',
        b'{"host": "h.example", "port": 70000}',
        b'{"host": "h.example", "port": true}',
        b'{"host": "h.example", "port": "443"}',
        b'{"port": 443}',
    ],
)
def test_a_damaged_hint_is_no_hint(tmp_path, text):
    (tmp_path / early_connect.HINT_FILE).write_bytes(text)
    assert early_connect.read_hint(tmp_path) is None
    assert early_connect.start(tmp_path) is None


def test_a_good_hint_reads_back(tmp_path):
    early_connect.remember(tmp_path, "WorkWell.Example.NHS.uk", 443)
    assert early_connect.read_hint(tmp_path) == ("workwell.example.nhs.uk", 443)
