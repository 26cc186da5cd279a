"""Bad input gets a 4xx with a reason, never a 500; zstd or gzip both ways."""

from __future__ import annotations

import gzip
import json
import random
import uuid

import pytest
import zstandard
from server_helpers import make_change

from workwell_desktop.sync import wire

SYNC = "/api/v1/sync"


@pytest.fixture
def ann(two_teams):
    return two_teams.device("ann")


def post(device, content: bytes, **headers):
    return device.server.api.post(
        SYNC, content=content, headers={**device.auth, "Content-Type": "application/json", **headers}
    )


def test_malformed_json(ann):
    for body in (
        b"{",
        b"",
        b"not json",
        b'{"cursor": "1",}',
        b"\xff\xfe\x00",
        b'{"cursor": NaN}',
        b"[" * 100_000 + b"]" * 100_000,
    ):
        assert post(ann, body).status_code in (400, 422), body[:20]


def test_a_body_not_in_utf8_is_refused_with_its_reason(ann):
    # JSON between systems is UTF-8 (RFC 8259, 8.1): UTF-16, or a byte-order mark, is refused.
    for body in ('{"cursor": ""}'.encode("utf-16"), b'\xef\xbb\xbf{"cursor": ""}'):
        r = post(ann, body)
        assert r.status_code == 400, body[:8]
        assert r.json()["detail"] == "Request body is not valid JSON."
    assert post(ann, b'{"cursor": ""}').status_code == 200


def test_wrong_types(ann):
    for body in (
        {"cursor": 5},
        {"changes": "x"},
        {"changes": [1, 2]},
        {"page_size": 0},
        {"page_size": wire.MAX_PAGE + 1},
        {"page_size": "many"},
        {"surprise": True},
        [],
        "x",
        None,
        {"changes": [{}] * (wire.MAX_PUSH + 1)},
    ):
        r = post(ann, json.dumps(body).encode())
        assert r.status_code == 422, body
        assert "detail" in r.json()
    r = post(ann, json.dumps({"cursor": "not-a-cursor"}).encode())
    assert r.status_code == 400 and "cursor" in r.json()["detail"]


def test_change_with_wrong_types_is_rejected_not_the_batch(ann):
    good = ann.change(uuid.uuid4().hex)
    bad = [
        {**good, "change_id": uuid.uuid4().hex, "hlc": 12},
        {"change_id": 7},
        {"no_id": True},
        {**good, "change_id": uuid.uuid4().hex, "extra": 1},
    ]
    reply = ann.sync([*bad, good])
    assert reply["accepted"] == [good["change_id"]]
    assert len(reply["rejected"]) == 4
    assert all(r["reason"].startswith("invalid change") for r in reply["rejected"])


def test_oversized_bodies(ann):
    big = json.dumps({"cursor": "", "changes": [], "pad": "x" * wire.MAX_BODY_BYTES}).encode()
    assert post(ann, big).status_code == 413
    bomb = gzip.compress(b'{"cursor": "' + b"0" * (wire.MAX_BODY_BYTES * 4) + b'"}')
    assert len(bomb) < 100_000
    assert post(ann, bomb, **{"Content-Encoding": "gzip"}).status_code == 413
    # A register request is capped in the same way.
    r = ann.server.api.post(
        "/api/v1/devices",
        content=bomb,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert r.status_code == 413


def test_bad_gzip_and_unknown_encodings(ann):
    assert post(ann, b"not gzip", **{"Content-Encoding": "gzip"}).status_code == 400
    assert post(ann, gzip.compress(b"{}")[:-4], **{"Content-Encoding": "gzip"}).status_code == 400
    assert post(ann, b"{}", **{"Content-Encoding": "br"}).status_code == 415
    assert post(ann, b"not zstd", **{"Content-Encoding": "zstd"}).status_code == 400
    assert (
        post(
            ann, zstandard.ZstdCompressor().compress(b"{}" * 100)[:-4], **{"Content-Encoding": "zstd"}
        ).status_code
        == 400
    )


def test_zstd_bombs_are_refused(ann):
    huge = b'{"cursor": "' + b"0" * (wire.MAX_BODY_BYTES * 4) + b'"}'
    declared = zstandard.ZstdCompressor(level=3).compress(huge)
    assert len(declared) < 100_000
    assert post(ann, declared, **{"Content-Encoding": "zstd"}).status_code == 413
    # No size in the frame header: decompression stops at the limit all the same.
    undeclared = zstandard.ZstdCompressor(level=3, write_content_size=False).compress(huge)
    assert post(ann, undeclared, **{"Content-Encoding": "zstd"}).status_code in (400, 413)


def test_zstd_request_and_response_where_both_have_it(two_teams, ann):
    client_id = uuid.uuid4().hex
    changes = [make_change(client_id, device_id=ann.id)] + [
        make_change(client_id, "contact_session", note="walked to the park " * 20, device_id=ann.id)
        for _ in range(19)
    ]
    body = zstandard.ZstdCompressor().compress(json.dumps({"changes": changes}).encode())
    r = post(ann, body, **{"Content-Encoding": "zstd"})
    assert r.status_code == 200 and len(r.json()["accepted"]) == 20
    bob = two_teams.device("bob")
    r = two_teams.api.post(SYNC, json={}, headers={**bob.auth, "Accept-Encoding": "zstd, gzip"})
    assert r.headers.get("content-encoding") == "zstd"
    assert r.json()["changes"] == [ann.relayed(c) for c in changes]
    # A laptop that reads only gzip gets gzip.
    r = two_teams.api.post(SYNC, json={}, headers={**bob.auth, "Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"


def test_gzip_request_and_response(two_teams, ann):
    client_id = uuid.uuid4().hex
    changes = [make_change(client_id, device_id=ann.id)] + [
        make_change(client_id, "contact_session", note="walked to the park " * 20, device_id=ann.id)
        for _ in range(19)
    ]
    r = post(ann, gzip.compress(json.dumps({"changes": changes}).encode()), **{"Content-Encoding": "gzip"})
    assert r.status_code == 200 and len(r.json()["accepted"]) == 20
    bob = two_teams.device("bob")
    r = two_teams.api.post(SYNC, json={}, headers={**bob.auth, "Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"
    assert int(r.headers["content-length"]) < len(r.content) / 5  # httpx decoded it for us
    assert r.json()["changes"] == [ann.relayed(c) for c in changes]


def test_random_junk_never_causes_a_server_error(two_teams, ann):
    rng = random.Random(7)
    samples = [bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300))) for _ in range(30)]
    fields = ["cursor", "changes", "page_size", "payload", "change_id"]
    values = [None, 1, -1, 1e308, "", "x" * 70, [], {}, [{}], {"a": [1]}, True, "\ud800", "\x00"]
    for _ in range(60):
        doc = {rng.choice(fields): rng.choice(values) for _ in range(rng.randint(0, 3))}
        samples.append(json.dumps(doc).encode())
        change = make_change(uuid.uuid4().hex, device_id=ann.id)
        change[rng.choice(list(change))] = rng.choice(values)
        samples.append(json.dumps({"changes": [change]}).encode())
    headers = {**ann.auth, "Content-Type": "application/json"}
    for body in samples:
        for path in (SYNC, "/api/v1/devices"):
            r = two_teams.api.post(path, content=body, headers=headers)
            assert r.status_code < 500, (path, body[:80], r.text)
    # The register endpoint with strings PostgreSQL cannot hold.
    for user, password in (("a\x00b", "password"), ("ann", "p\ud800")):
        body = json.dumps({"username": user, "password": password, "device_name": "x"}).encode()
        r = two_teams.api.post("/api/v1/devices", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422


def test_wrong_method_and_path(two_teams):
    assert two_teams.api.get(SYNC).status_code == 405
    assert two_teams.api.post("/api/v1/nothing").status_code == 404


def test_a_reference_postgresql_cannot_hold_is_refused_with_a_reason_not_a_server_error(two_teams, ann):
    """A NUL in a field naming another record (``supersedes``) made the record lookup fail
    on PostgreSQL: a 500 for the whole sync, which the laptop would retry for ever."""
    client = uuid.uuid4().hex
    ann.sync([ann.change(client)])
    bad = ann.change(client, "plan_note", supersedes="ab\u0000cd")
    good = ann.change(client, "contact_session")

    r = two_teams.api.post(SYNC, json={"cursor": "", "changes": [bad, good]}, headers=ann.auth)

    assert r.status_code == 200, r.text
    reply = r.json()
    assert reply["accepted"] == [good["change_id"]]
    assert [x["change_id"] for x in reply["rejected"]] == [bad["change_id"]]


@pytest.mark.parametrize("field", ["coach", "merged_into"])
def test_a_client_field_postgresql_cannot_hold_is_refused_with_a_reason(two_teams, ann, field):
    """The same fault's siblings: a coach's name and a merge target are looked up too."""
    client = uuid.uuid4().hex
    ann.sync([ann.change(client)])
    bad = ann.change(client, "client", record_id=client, op="update", **{field: "ab\u0000cd"})

    r = two_teams.api.post(SYNC, json={"cursor": "", "changes": [bad]}, headers=ann.auth)

    assert r.status_code == 200, r.text
    assert [x["change_id"] for x in r.json()["rejected"]] == [bad["change_id"]]


@pytest.mark.parametrize(
    "record_type, field",
    [("contact_session", "supersedes"), ("assessment", "answers"), ("plan_goal", "also_supersedes")],
)
def test_a_deeply_nested_list_in_a_field_is_refused_not_the_batch(two_teams, ann, record_type, field):
    """A field holding JSON text nested 30,000 deep raised RecursionError in the checks: a
    500 for the whole batch, and the same change would stop every laptop's pull for good."""
    client = uuid.uuid4().hex
    assert ann.sync([ann.change(client)])["accepted"]
    nested = ann.change(client, record_type)
    nested["payload"] = {**nested["payload"], field: "[" * 30_000}
    good = ann.change(client, "contact_session", duration_minutes=20)
    reply = ann.sync([nested, good])
    assert reply["accepted"] == [good["change_id"]]
    assert [r["change_id"] for r in reply["rejected"]] == [nested["change_id"]]
