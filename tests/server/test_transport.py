"""Plain HTTP only from loopback or from a trusted TLS-terminating proxy."""

from __future__ import annotations

from server_helpers import Api, Server


def sync_status(app, peer, base_url="http://testserver", **headers) -> tuple[int, str]:
    api = Api(app, peer=peer, base_url=base_url)
    try:
        r = api.post("/api/v1/sync", json={}, headers={"Authorization": "Bearer nope", **headers})
        return r.status_code, r.text
    finally:
        api.close()


def test_plain_http_from_another_machine_is_refused(server):
    status, body = sync_status(server.app, ("10.1.2.3", 1234))
    assert status == 403 and "TLS is required" in body
    # Reaching the auth check (401) means the transport was accepted.
    assert sync_status(server.app, ("127.0.0.1", 1234))[0] == 401
    assert sync_status(server.app, ("::1", 1234))[0] == 401
    assert sync_status(server.app, ("10.1.2.3", 1234), base_url="https://testserver")[0] == 401
    # A forwarded header from an untrusted peer is ignored.
    assert sync_status(server.app, ("10.1.2.3", 1234), **{"X-Forwarded-Proto": "https"})[0] == 403
    # Registration is protected too: no password over plain HTTP.
    api = Api(server.app, peer=("10.1.2.3", 1234))
    assert api.post("/api/v1/devices", json={}).status_code == 403
    api.close()


def test_trusted_proxy_that_terminated_tls(database_url):
    server = Server(database_url, trusted_proxies=["10.0.0.0/24", "192.0.2.7"])
    try:
        proxy = ("10.0.0.5", 4000)
        assert sync_status(server.app, proxy, **{"X-Forwarded-Proto": "https"})[0] == 401
        assert sync_status(server.app, ("192.0.2.7", 4000), **{"X-Forwarded-Proto": "https"})[0] == 401
        assert sync_status(server.app, proxy)[0] == 403
        assert sync_status(server.app, proxy, **{"X-Forwarded-Proto": "http"})[0] == 403
        # The value the proxy appended is the one believed, not one the caller sent.
        assert sync_status(server.app, proxy, **{"X-Forwarded-Proto": "https, http"})[0] == 403
        assert sync_status(server.app, ("10.0.1.5", 4000), **{"X-Forwarded-Proto": "https"})[0] == 403
    finally:
        server.close()
