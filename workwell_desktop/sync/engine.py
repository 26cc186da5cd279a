"""One sync: push the change log, pull and merge others' changes, until both are done.

Never called on the GUI thread (see gui's sync worker); the network is only touched
outside database transactions. Every step is safe to interrupt: a change is marked
sent only once acknowledged (the server ignores a change it already has) and the
pull cursor moves only in the transaction that applies its page.
"""

from __future__ import annotations

import json
import logging
import platform
import ssl
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, Field, ValidationError

from ..domain import json_text
from ..store import replica
from ..store.coverage import save_coverage
from ..store.identity import adopt_account
from . import encoding as body_encoding
from . import server_address, wire
from .early_connect import EarlyConnection
from .server_address import ConnectionPolicy, ServerAddress, UnsafeAddress
from .wire import (
    API_PREFIX,
    DEVICE_REVOKED,
    MAX_PUSH,
    AuditAnchor,
    Change,
    RegisterRequest,
    RegisterResponse,
    SyncRequest,
    SyncResponse,
)

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# VACUUM after a sync that removed acknowledged changes of at least this share of the file.
COMPACT_SHARE = 0.1


M = TypeVar("M", bound=BaseModel)


class SyncError(Exception):
    """Sync did not finish; the message says what to do. Nothing local is lost."""


class Offline(SyncError):
    pass


class NotRegistered(SyncError):
    pass


class DeviceRevoked(SyncError):
    pass


class CopiedDataFolder(SyncError):
    """This data folder was registered somewhere else: another laptop or another folder."""


def _home(store) -> str:
    """Where this registration lives: the computer's name and the data folder's path.

    A copy of the folder (another laptop, or a second folder on this one) shares the
    device token and the clock's device id with the original; syncing both would
    interleave two histories under one identity. A backup restored in place keeps
    its home, and simply converges (the server sends everything back)."""
    import hashlib

    where = f"{platform.node()}|{Path(store.data_dir).resolve()}"
    return hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class _Reply(SyncResponse):
    """``SyncResponse`` with pulled changes left raw: each is read on its own, so one the
    laptop cannot read is quarantined instead of failing the whole page."""

    changes: list[Any] = Field(default_factory=list)


def _read_changes(raw_changes: list[Any]) -> tuple[list[dict], list[tuple[dict, str]]]:
    good, malformed = [], []
    for raw in raw_changes:
        try:
            good.append(Change.model_validate(raw).model_dump())
        except ValidationError as e:
            where = sorted({str(err["loc"][0]) for err in e.errors(include_url=False) if err["loc"]})
            malformed.append(
                (
                    raw if isinstance(raw, dict) else {"value": repr(raw)[:200]},
                    "unreadable change: " + (", ".join(where) or "not an object"),
                )
            )
    return good, malformed


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    rejected: int = 0
    conflicts: int = 0
    quarantined: int = 0
    forwarded: int = 0  # sent to a client's new team (the client has moved since the last sync)
    requests: int = 0
    finished_at: str = ""
    rejections: list[tuple[str, str]] = field(default_factory=list)


def is_registered(store) -> bool:
    return bool(replica.get_setting(store, "sync_token"))


def register(
    store,
    server_url: str,
    username: str,
    password: str,
    device_name: str | None = None,
    http: httpx.Client | None = None,
    policy: ConnectionPolicy | None = None,
) -> RegisterResponse:
    """Register this laptop with the server under a coach's account.

    The address must pass the URL policy (``server_address``) and, where the
    organisation fixes it, be that address; otherwise nothing is sent."""
    policy = policy if policy is not None else server_address.current_policy()
    address = _address_for(server_url, "The server address")
    if policy.server_url and address.url != _address_for(policy.server_url, "The policy's address").url:
        raise SyncError(
            f"Your organisation has set the WorkWell server to {policy.server_url}; "
            "this laptop can only connect there. Nothing was sent."
        )
    server_url = address.url
    body = RegisterRequest(
        username=username, password=password, device_name=device_name or platform.node() or "WorkWell laptop"
    )
    with _client(http, policy, address, store.data_dir) as client:
        try:
            response = client.post(f"{server_url}{API_PREFIX}/devices", json=body.model_dump())
        except httpx.TransportError as exc:
            _refuse_untrusted_certificate(exc, server_url)
            raise Offline(
                f"Could not reach the server at {server_url}: check the address and "
                "your connection, then try again."
            ) from exc
    if response.status_code == 401:
        raise SyncError("The server did not accept that username and password.")
    _raise_for_status(response)
    registered = _read_reply(RegisterResponse, response)
    home = replica.get_setting(store, "sync_home")
    if home and home != _home(store):
        # A copy starting its own life: its edits need their own clock identity too.
        replica.renew_device_id(store)
    # From the start of the feed: whatever this database held before, it receives its
    # whole scope (each change applies once, by id).
    replica.set_settings(store, sync_home=_home(store), sync_cursor="")
    replica.set_settings(
        store,
        server_url=server_url,
        sync_token=registered.token,
        server_device_id=registered.device_id,
        sync_username=registered.username,
        sync_display_name=registered.display_name,
        sync_role=registered.role,
        sync_team=registered.team,
    )
    adopt_account(store, registered.username, registered.display_name, registered.role)
    store.record_event("register-device", f"device={registered.device_id}")
    return registered


def sync(
    store,
    http: httpx.Client | None = None,
    wipe_on_revoke: bool = True,
    policy: ConnectionPolicy | None = None,
    early: EarlyConnection | None = None,
) -> SyncReport:
    """Push everything unsent and pull everything new; one request when nothing is.

    ``early``: a connection ``early_connect.start`` began opening before the unlock; it is
    used only if it goes where this sync's checked address does, and closed otherwise.

    A revoked device wipes its data and key here unless ``wipe_on_revoke`` is False
    (the GUI closes its own connection first, then wipes).

    When the organisation's policy names a different server from the one this laptop
    registered with, the sync goes there with the same device token: the same service
    accepts it and the laptop remembers the new address; a service that does not know
    the token gets a clear "connect again" message and nothing local changes."""
    token = replica.get_setting(store, "sync_token")
    if not token:
        raise NotRegistered("This laptop is not registered with a WorkWell server yet.")
    home = replica.get_setting(store, "sync_home")
    if not home:  # registered before homes were kept: this is its home from now on
        replica.set_settings(store, sync_home=_home(store))
    elif home != _home(store):
        log.warning("sync refused: the data folder was copied from another laptop or folder")
        raise CopiedDataFolder(
            "This WorkWell data was copied from another laptop or folder, so it will not sync "
            "as the original. Nothing here is lost: connect it to the server again (WorkWell \u25b8 "
            "Connect to server) and its unsent work will sync as a new laptop."
        )
    policy = policy if policy is not None else server_address.current_policy()
    registered_url = replica.get_setting(store, "server_url")
    # The organisation's address wins: re-deploying with a new SERVER_URL moves every laptop.
    address = _address_for(policy.server_url or registered_url, "The server address")
    server_url = address.url
    moving = server_url != registered_url
    report = SyncReport()
    url = f"{server_url}{API_PREFIX}/sync"
    wire_format = _WireFormat(token)
    budget = None  # bytes per request: the server's limit, halved after any 413
    removed = 0  # bytes of acknowledged changes taken out of the change log
    anchoring = True  # a server from before audit anchors refuses the fields: then sync without

    def request_body(batch: list[dict], cursor: str) -> bytes:
        # The change-log rows are validated into wire Changes here, as the server will.
        request = SyncRequest.model_validate(
            {
                "cursor": cursor,
                "changes": batch,
                "page_size": wire.MAX_PAGE,
                "waiting": max(0, store.pending_change_count() - len(batch)),
            }
        )
        if anchoring:
            seq, seal = store.audit_head()  # anchored at the server: see store.audit
            request.audit_head = AuditAnchor(seq=seq, hash=seal)
            request.audit_continues = _entry_at_anchor(store)
        omit = None if anchoring else {"audit_head", "audit_continues"}
        return request.model_dump_json(exclude=omit).encode("utf-8")

    # One request in flight ahead: while a page is applied (a database transaction on this
    # thread) the next page is already crossing the link. The thread only does HTTP; the
    # cursor stored here still moves only in the transaction that applies its page.
    with (
        _client(http, policy, address, store.data_dir, early) as client,
        ThreadPoolExecutor(1, "sync-prefetch") as ahead,
    ):
        pending: Future | None = None
        while True:
            if pending is None:
                batch, more_waiting = next_batch(store, budget)
                response = _post(
                    client,
                    url,
                    request_body(batch, replica.get_setting(store, "sync_cursor")),
                    wire_format,
                    server_url,
                )
            else:  # the next page, asked for while the last one was applied
                batch, more_waiting = [], False
                response, pending = pending.result(), None
            report.requests += 1
            if response.status_code == 415 and wire_format.retry_plainer():
                continue  # a server without zstd: gzip from now on
            if response.status_code == 413 and batch:
                # A server with a lower limit than ours: smaller requests, never the same one again.
                if len(batch) == 1:
                    replica.mark_rejected(store, [(batch[0]["change_id"], "too large for the server")])
                    report.rejected += 1
                    report.rejections.append((batch[0]["change_id"], "too large for the server"))
                else:
                    budget = max(1, sum(_change_bytes(c) for c in batch) // 2)
                continue
            if anchoring and response.status_code == 422 and "audit_" in response.text:
                log.warning("server does not keep audit anchors yet; syncing without")
                anchoring = False
                continue
            if response.status_code == 410 and _detail(response) == DEVICE_REVOKED:
                if wipe_on_revoke:
                    store.wipe()
                raise DeviceRevoked(
                    "Service IT has revoked this laptop's access. Its WorkWell data and key "
                    "have been removed from this laptop. Contact your team lead."
                )
            if response.status_code == 401 and moving:
                raise NotRegistered(
                    f"Your organisation has moved the WorkWell server to {server_url}, which does "
                    "not know this laptop. Connect again (WorkWell \u25b8 Connect to server) with "
                    "your username and password. Your work is saved on this laptop."
                )
            if response.status_code == 401:
                raise SyncError(
                    "The server no longer accepts this laptop's registration. Ask IT to register it again."
                )
            _raise_for_status(response)
            result = _read_reply(_Reply, response)
            _remember_anchor(store, result.audit_anchor)
            if moving:  # the new address knows this device: the same service
                replica.set_settings(store, server_url=server_url)
                store.record_event("server-address-changed", "by organisation policy")
                log.info("server address changed by policy; device identity accepted there")
                moving = False
            removed += replica.mark_sent(store, result.accepted)
            if result.forwarded:
                report.forwarded += len(result.forwarded)
                store.record_event("sync-forwarded", f"changes={len(result.forwarded)}")
                log.info("%d changes passed to the new team of a moved client", len(result.forwarded))
            if result.rejected:
                rejections = [(r.change_id, r.reason) for r in result.rejected]
                replica.mark_rejected(store, rejections)
                report.rejections.extend(rejections)
                log.warning("server rejected %d changes", len(rejections))
            report.pushed += len(result.accepted)
            report.rejected += len(result.rejected)
            if result.more and not more_waiting:  # nothing of ours left to send: next page now
                pending = ahead.submit(
                    _post, client, url, request_body([], result.cursor), wire_format, server_url
                )
            changes, malformed = _read_changes(result.changes)
            report.conflicts += replica.apply_remote(
                store, changes, result.cursor, result.server_time, malformed
            )
            report.pulled += len(result.changes)
            if result.coverage is not None:
                save_coverage(store, result.coverage, result.server_time)
            if not result.more and not more_waiting:
                break
    report.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    replica.set_settings(store, last_sync_at=report.finished_at)
    if report.forwarded:  # the status bar tells the coach (gui.sync_controller)
        replica.set_settings(store, forwarded_notice=f"{report.forwarded}|{report.finished_at}")
    report.quarantined = len(replica.quarantined_changes(store))
    if removed > COMPACT_SHARE * store.file_size():
        store.compact()  # their space back: after a big push, not every sync
    log.info(
        "sync done: pushed %d, pulled %d, rejected %d, conflicts %d, quarantined %d, requests %d",
        report.pushed,
        report.pulled,
        report.rejected,
        report.conflicts,
        report.quarantined,
        report.requests,
    )
    return report


class _WireFormat:
    """The request headers of one sync: zstd bodies where this laptop has it, gzip after a
    server says it has not (HTTP 415); responses in whichever both can read (sync.encoding)."""

    def __init__(self, token: str):
        self.token = token
        self.encoding = body_encoding.PREFERRED[0]

    def retry_plainer(self) -> bool:
        if self.encoding == body_encoding.GZIP:
            return False
        self.encoding = body_encoding.GZIP
        return True

    def headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Content-Encoding": self.encoding,
            "Accept-Encoding": body_encoding.accept_encoding(),
        }


def _post(
    client: httpx.Client, url: str, body: bytes, wire_format: _WireFormat, server_url: str
) -> httpx.Response:
    """POST one sync request; the response with its body decoded here, never more than
    ``wire.MAX_RESPONSE_BYTES`` as sent or decoded (a server's decompression bomb is refused)."""
    data = body_encoding.compress(body, wire_format.encoding)
    try:
        with client.stream("POST", url, content=data, headers=wire_format.headers()) as response:
            raw, size = [], 0
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > wire.MAX_RESPONSE_BYTES:
                    raise SyncError(
                        "The server sent more than this laptop accepts in one reply; "
                        "nothing from it was applied. Tell service IT."
                    )
                raw.append(chunk)
    except httpx.TransportError as exc:
        _refuse_untrusted_certificate(exc, server_url)
        raise Offline(
            "No connection to the WorkWell server. Your work is saved on this "
            "laptop and will sync when you are back online."
        ) from exc
    encoding = response.headers.get("content-encoding", body_encoding.IDENTITY)
    try:
        content = body_encoding.decompress(b"".join(raw), encoding, wire.MAX_RESPONSE_BYTES)
    except (body_encoding.TooLarge, body_encoding.BadBody):
        raise SyncError(
            "The server's reply could not be read (damaged, or larger than this laptop "
            "accepts); nothing from it was applied. Sync will try again later."
        ) from None
    headers = [
        (k, v)
        for k, v in response.headers.multi_items()
        if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(response.status_code, headers=headers, content=content, request=response.request)


def _entry_at_anchor(store) -> AuditAnchor | None:
    """This laptop's entry at the anchor the server last returned (see wire.SyncRequest)."""
    seq = replica.get_setting(store, "audit_anchor_seq")
    if not seq.isdigit():
        return None
    row = store.rows("SELECT hash FROM audit WHERE seq = ?", (int(seq),))
    return AuditAnchor(seq=int(seq), hash=row[0]["hash"]) if row else None


def _remember_anchor(store, anchor: AuditAnchor | None) -> None:
    """Keep the server's anchor for verify-audit when offline (a weaker check: this copy
    lives in the same file; verify-audit asks the server when it can)."""
    if anchor is not None:
        replica.set_settings(
            store,
            audit_anchor_seq=str(anchor.seq),
            audit_anchor_hash=anchor.hash,
            audit_anchor_at=anchor.anchored_at,
        )


def fetch_audit_anchors(store, http: httpx.Client | None = None) -> tuple[list[AuditAnchor], str]:
    """Every head the server has anchored for this laptop, oldest first with the current one
    last (empty: none yet), and where they came from ("server", or "last sync": the current
    one only, as remembered then).

    Raises NotRegistered for a laptop not registered; falls back to the anchor remembered
    at the last sync when the server cannot be reached.
    """
    token = replica.get_setting(store, "sync_token")
    if not token:
        raise NotRegistered("This laptop is not registered with a WorkWell server.")
    server_url = replica.get_setting(store, "server_url")
    try:
        with _client(
            http,
            server_address.current_policy(),
            _address_for(server_url, "The server address"),
            store.data_dir,
        ) as client:
            response = client.get(
                f"{server_url}{API_PREFIX}/audit-anchor", headers={"Authorization": f"Bearer {token}"}
            )
        _raise_for_status(response)
        found = _read_reply(_Anchors, response)
        anchors = [
            a for a in found.audit_anchors if found.audit_anchor is None or a.seq < found.audit_anchor.seq
        ]
        return anchors + ([found.audit_anchor] if found.audit_anchor else []), "server"
    except (httpx.TransportError, SyncError):
        seq = replica.get_setting(store, "audit_anchor_seq")
        if not seq:
            return [], "last sync"
        return [
            AuditAnchor(
                seq=int(seq),
                hash=replica.get_setting(store, "audit_anchor_hash"),
                anchored_at=replica.get_setting(store, "audit_anchor_at"),
            )
        ], "last sync"


class _Anchors(BaseModel):
    """The audit-anchor endpoint's reply (an older server sends the current anchor only)."""

    audit_anchor: AuditAnchor | None = None
    audit_anchors: list[AuditAnchor] = Field(default_factory=list, max_length=1_000_000)


# Room for the request's own fields around the changes, as a share of the body limit.
_ENVELOPE_SHARE = 0.1


def _change_bytes(change: dict) -> int:
    return len(json.dumps(change, ensure_ascii=False, separators=(",", ":")).encode("utf-8")) + 1


def next_batch(store, budget: int | None = None) -> tuple[list[dict], bool]:
    """The oldest unsent changes that fit in one request under the server's body limit
    (``wire.MAX_BODY_BYTES``, counted uncompressed as the server counts it), at most
    ``MAX_PUSH``; and whether more wait after them. Always at least one change, so a
    large one goes alone (the server refuses a payload over its own limit with a reason)."""
    if budget is None:
        budget = int(wire.MAX_BODY_BYTES * (1 - _ENVELOPE_SHARE))
    waiting = replica.unsent_changes(store, MAX_PUSH + 1)
    batch: list[dict] = []
    size = 0
    for change in waiting[:MAX_PUSH]:
        cost = _change_bytes(change)
        if batch and size + cost > budget:
            break
        batch.append(change)
        size += cost
    return batch, len(waiting) > len(batch)


def _refuse_untrusted_certificate(exc: Exception, server_url: str) -> None:
    """A certificate that does not check out is not "offline": say so (nothing was sent)."""
    cause: BaseException | None = exc
    seen: set[int] = set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ssl.SSLCertVerificationError):
            raise SyncError(
                f"The server at {server_url} did not prove it is your WorkWell service: its "
                "certificate was not accepted. Nothing was sent. Tell service IT."
            ) from None
        cause = cause.__cause__ or cause.__context__


def _address_for(url: str | None, what: str) -> ServerAddress:
    try:
        return server_address.parse_server_address(url or "", what)
    except UnsafeAddress as refused:
        raise SyncError(f"{refused} Nothing was sent.") from None


class _client:
    """Use the caller's httpx client (tests, benchmarks) or a short-lived one made by the
    URL policy, whose first connection may be one opened early (``early_connect``). Either
    way the address is checked again just before the first byte."""

    def __init__(
        self,
        http: httpx.Client | None,
        policy: ConnectionPolicy,
        address: ServerAddress,
        data_dir: Path,
        early: EarlyConnection | None = None,
    ):
        self._given = http
        self._own: httpx.Client | None = None
        self._policy, self._address = policy, address
        self._network = server_address.HandOver(data_dir, early, address)

    def __enter__(self) -> httpx.Client:
        try:
            server_address.check_before_sending(self._address)
            if self._given is not None:
                self._network.close()
                return self._given
            own = server_address.http_client(self._policy, self._address, TIMEOUT, self._network)
        except UnsafeAddress as refused:
            self._network.close()
            raise SyncError(f"{refused} Nothing was sent.") from None
        self._own = own
        return own

    def __exit__(self, *exc) -> None:
        self._network.close()
        if self._own is not None:
            self._own.close()


def _detail(response: httpx.Response) -> str:
    try:
        detail = json_text.loads(response.content).get("detail", "")  # never RecursionError
    except (AttributeError, ValueError):
        return ""
    return detail if isinstance(detail, str) else json.dumps(detail)


def _read_reply(model: type[M], response: httpx.Response) -> M:
    """A 2xx reply read as ``model``. One that is not (a proxy's page, a faulty or hostile
    server) is a SyncError in plain words: pydantic's own message quotes the values it
    could not read, which may be a client's details, and was raised as a traceback."""
    try:
        return model.model_validate_json(response.content)
    except (ValidationError, ValueError, RecursionError):
        raise SyncError(
            "The server's reply was not a WorkWell sync reply. Your work is saved on this "
            "laptop; sync will try again later. Contact IT if this persists."
        ) from None


def _raise_for_status(response: httpx.Response) -> None:
    if response.status_code >= 500:
        raise SyncError(
            f"The WorkWell server had a problem ({response.status_code}). Your work is "
            "saved on this laptop; sync will try again later."
        )
    if response.status_code >= 400:
        raise SyncError(
            f"The server refused the sync ({response.status_code}: {_detail(response)}). "
            "Your work is saved on this laptop; contact IT if this persists."
        )
