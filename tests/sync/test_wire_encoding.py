"""The laptop's side of the sync wire: it caps what it reads from a server, negotiates zstd
and falls back to gzip for a server without it."""

from __future__ import annotations

import json

import httpx
import pytest
import zstandard

from workwell_desktop.store import Store, replica
from workwell_desktop.sync import encoding, engine, wire

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def registered(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKWELL_KEY_STORE", "file")
    store = Store.create(tmp_path / "laptop", PASSPHRASE, "Ann Coach")
    replica.set_settings(
        store, server_url="http://127.0.0.1:9", sync_token="t" * 40, sync_home=engine._home(store)
    )
    yield store
    store.close()


def _reply(**fields) -> bytes:
    return json.dumps(
        {
            "accepted": [],
            "rejected": [],
            "changes": [],
            "cursor": "7",
            "more": False,
            "server_time": "2026-11-02T10:00:00.000+00:00",
            **fields,
        }
    ).encode()


def test_a_decompression_bomb_from_the_server_is_refused(registered):
    bomb = zstandard.ZstdCompressor(level=3).compress(b" " * (wire.MAX_RESPONSE_BYTES * 2))
    assert len(bomb) < 100_000

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(bomb), headers={"Content-Encoding": "zstd"})

    with (
        httpx.Client(transport=httpx.MockTransport(serve)) as http,
        pytest.raises(engine.SyncError, match="could not be read"),
    ):
        engine.sync(registered, http=http)
    assert replica.get_setting(registered, "sync_cursor") == ""  # nothing applied


def test_zstd_both_ways_and_gzip_for_a_server_without_it(registered):
    seen = []

    def old_server(request: httpx.Request) -> httpx.Response:
        seen.append((request.headers["content-encoding"], request.headers["accept-encoding"]))
        if request.headers["content-encoding"] != "gzip":
            return httpx.Response(415, stream=httpx.ByteStream(b'{"detail": "gzip or absent"}'))
        json.loads(encoding.decompress(request.content, "gzip", wire.MAX_BODY_BYTES))
        return httpx.Response(
            200,
            stream=httpx.ByteStream(encoding.compress(_reply(), "gzip")),
            headers={"Content-Encoding": "gzip"},
        )

    with httpx.Client(transport=httpx.MockTransport(old_server)) as http:
        report = engine.sync(registered, http=http)
    assert seen == [("zstd", "zstd, gzip"), ("gzip", "zstd, gzip")]
    assert report.requests == 2 and replica.get_setting(registered, "sync_cursor") == "7"


def test_encoding_round_trips_and_limits():
    data = json.dumps([{"field": "value", "n": i} for i in range(5000)]).encode()
    for name in ("zstd", "gzip", "identity"):
        packed = encoding.compress(data, name)
        assert encoding.decompress(packed, name, len(data)) == data
        with pytest.raises(encoding.TooLarge if name != "zstd" else (encoding.TooLarge, encoding.BadBody)):
            encoding.decompress(packed, name, len(data) - 1)
    assert encoding.choose("gzip, zstd;q=0") == "gzip"
    assert encoding.choose("br") == "identity"
    assert encoding.choose("zstd, gzip") == "zstd"


@pytest.mark.parametrize(
    "body",
    [
        _reply(accepted="Wren Ashdown 9434765919"),  # JSON, but not a sync reply
        b"[" * 30_000,  # nested too deep to read
        b"<html>Wren Ashdown 9434765919</html>",  # a proxy's page
    ],
    ids=["wrong-shape", "too-deep", "not-json"],
)
def test_a_reply_that_is_not_a_sync_reply_is_a_sync_error_that_quotes_nothing(registered, body):
    """pydantic's ValidationError escaped as a traceback quoting the values it could not read."""

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(body))

    with (
        httpx.Client(transport=httpx.MockTransport(serve)) as http,
        pytest.raises(engine.SyncError, match="not a WorkWell sync reply") as raised,
    ):
        engine.sync(registered, http=http)
    assert "Wren" not in str(raised.value) and "9434765919" not in str(raised.value)
    assert replica.get_setting(registered, "sync_cursor") == ""


def test_an_error_reply_nested_too_deeply_is_a_sync_error(registered):
    """Error replies are read for their detail, and JSON nested too deeply escaped as
    RecursionError from there (the 2xx path was guarded, the 4xx one not)."""

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, stream=httpx.ByteStream(b"[" * 100_000))

    with httpx.Client(transport=httpx.MockTransport(serve)) as http, pytest.raises(engine.SyncError):
        engine.sync(registered, http=http)
