"""One sync: push the change log, pull and merge others' changes, until both are done.

Never called on the GUI thread (see gui's sync worker); the network is only touched
outside database transactions. Every step is safe to interrupt: a change is marked
sent only once acknowledged (the server ignores a change it already has) and the
pull cursor moves only in the transaction that applies its page.
"""

from __future__ import annotations

import gzip
import json
import logging
import platform
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from ..store import replica
from . import server_address
from .server_address import ConnectionPolicy, ServerAddress, UnsafeAddress
from .wire import (
    API_PREFIX,
    DEVICE_REVOKED,
    MAX_PUSH,
    RegisterRequest,
    RegisterResponse,
    SyncRequest,
    SyncResponse,
)

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class SyncError(Exception):
    """Sync did not finish; the message says what to do. Nothing local is lost."""


class Offline(SyncError):
    pass


class NotRegistered(SyncError):
    pass


class DeviceRevoked(SyncError):
    pass


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    rejected: int = 0
    conflicts: int = 0
    requests: int = 0
    finished_at: str = ""
    rejections: list[tuple[str, str]] = field(default_factory=list)


def is_registered(store) -> bool:
    return bool(replica.get_setting(store, "sync_token"))


def register(store, server_url: str, username: str, password: str,
             device_name: str | None = None, http: httpx.Client | None = None,
             policy: ConnectionPolicy | None = None) -> RegisterResponse:
    """Register this laptop with the server under a coach's account.

    The address must pass the URL policy (``server_address``) and, where the
    organisation fixes it, be that address; otherwise nothing is sent."""
    policy = policy if policy is not None else server_address.current_policy()
    address = _address_for(server_url, "The server address")
    if policy.server_url and address.url != _address_for(policy.server_url, "The policy's address").url:
        raise SyncError(f"Your organisation has set the WorkWell server to {policy.server_url}; "
                        "this laptop can only connect there. Nothing was sent.")
    server_url = address.url
    body = RegisterRequest(username=username, password=password,
                           device_name=device_name or platform.node() or "WorkWell laptop")
    with _client(http, policy, address) as client:
        try:
            response = client.post(f"{server_url}{API_PREFIX}/devices", json=body.model_dump())
        except httpx.TransportError as exc:
            _refuse_untrusted_certificate(exc, server_url)
            raise Offline(f"Could not reach the server at {server_url}: check the address and "
                          "your connection, then try again.") from exc
    if response.status_code == 401:
        raise SyncError("The server did not accept that username and password.")
    _raise_for_status(response)
    registered = RegisterResponse.model_validate(response.json())
    replica.set_settings(
        store, server_url=server_url, sync_token=registered.token,
        server_device_id=registered.device_id, sync_username=registered.username,
        sync_display_name=registered.display_name, sync_role=registered.role,
        sync_team=registered.team,
    )
    store.record_event("register-device", f"device={registered.device_id}")
    return registered


def sync(store, http: httpx.Client | None = None, wipe_on_revoke: bool = True,
         policy: ConnectionPolicy | None = None) -> SyncReport:
    """Push everything unsent and pull everything new; one request when nothing is.

    A revoked device wipes its data and key here unless ``wipe_on_revoke`` is False
    (the GUI closes its own connection first, then wipes).

    When the organisation's policy names a different server from the one this laptop
    registered with, the sync goes there with the same device token: the same service
    accepts it and the laptop remembers the new address; a service that does not know
    the token gets a clear "connect again" message and nothing local changes."""
    token = replica.get_setting(store, "sync_token")
    if not token:
        raise NotRegistered("This laptop is not registered with a WorkWell server yet.")
    policy = policy if policy is not None else server_address.current_policy()
    registered_url = replica.get_setting(store, "server_url")
    # The organisation's address wins: re-deploying with a new SERVER_URL moves every laptop.
    address = _address_for(policy.server_url or registered_url, "The server address")
    server_url = address.url
    moving = server_url != registered_url
    report = SyncReport()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Content-Encoding": "gzip", "Accept-Encoding": "gzip"}
    with _client(http, policy, address) as client:
        while True:
            batch = replica.unsent_changes(store, MAX_PUSH)
            request = SyncRequest(cursor=replica.get_setting(store, "sync_cursor"), changes=batch)
            body = gzip.compress(request.model_dump_json().encode("utf-8"), compresslevel=6)
            try:
                response = client.post(f"{server_url}{API_PREFIX}/sync", content=body, headers=headers)
            except httpx.TransportError as exc:
                _refuse_untrusted_certificate(exc, server_url)
                raise Offline("No connection to the WorkWell server. Your work is saved on this "
                              "laptop and will sync when you are back online.") from exc
            report.requests += 1
            if response.status_code == 410 and _detail(response) == DEVICE_REVOKED:
                if wipe_on_revoke:
                    store.wipe()
                raise DeviceRevoked(
                    "Service IT has revoked this laptop's access. Its WorkWell data and key "
                    "have been removed from this laptop. Contact your team lead.")
            if response.status_code == 401 and moving:
                raise NotRegistered(
                    f"Your organisation has moved the WorkWell server to {server_url}, which does "
                    "not know this laptop. Connect again (WorkWell \u25b8 Connect to server) with "
                    "your username and password. Your work is saved on this laptop.")
            if response.status_code == 401:
                raise SyncError("The server no longer accepts this laptop's registration. "
                                "Ask IT to register it again.")
            _raise_for_status(response)
            result = SyncResponse.model_validate(response.json())
            if moving:  # the new address knows this device: the same service
                replica.set_settings(store, server_url=server_url)
                store.record_event("server-address-changed", "by organisation policy")
                log.info("server address changed by policy; device identity accepted there")
                moving = False
            replica.mark_sent(store, result.accepted)
            if result.rejected:
                rejections = [(r.change_id, r.reason) for r in result.rejected]
                replica.mark_rejected(store, rejections)
                report.rejections.extend(rejections)
                log.warning("server rejected %d changes", len(rejections))
            report.pushed += len(result.accepted)
            report.rejected += len(result.rejected)
            report.conflicts += replica.apply_remote(
                store, [c.model_dump() for c in result.changes], result.cursor)
            report.pulled += len(result.changes)
            if not result.more and len(batch) < MAX_PUSH:
                break
    report.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    replica.set_settings(store, last_sync_at=report.finished_at)
    log.info("sync done: pushed %d, pulled %d, rejected %d, conflicts %d, requests %d",
             report.pushed, report.pulled, report.rejected, report.conflicts, report.requests)
    return report


def _refuse_untrusted_certificate(exc: Exception, server_url: str) -> None:
    """A certificate that does not check out is not "offline": say so (nothing was sent)."""
    cause: BaseException | None = exc
    seen: set[int] = set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ssl.SSLCertVerificationError):
            raise SyncError(
                f"The server at {server_url} did not prove it is your WorkWell service: its "
                "certificate was not accepted. Nothing was sent. Tell service IT.") from None
        cause = cause.__cause__ or cause.__context__


def _address_for(url: str | None, what: str) -> ServerAddress:
    try:
        return server_address.parse_server_address(url or "", what)
    except UnsafeAddress as refused:
        raise SyncError(f"{refused} Nothing was sent.") from None


class _client:
    """Use the caller's httpx client (tests, benchmarks) or a short-lived one made by the
    URL policy. Either way the address is checked again just before the first byte."""

    def __init__(self, http: httpx.Client | None, policy: ConnectionPolicy, address: ServerAddress):
        self._given, self._own = http, None
        self._policy, self._address = policy, address

    def __enter__(self) -> httpx.Client:
        try:
            server_address.check_before_sending(self._address)
            if self._given is not None:
                return self._given
            self._own = server_address.http_client(self._policy, self._address, TIMEOUT)
        except UnsafeAddress as refused:
            raise SyncError(f"{refused} Nothing was sent.") from None
        return self._own

    def __exit__(self, *exc) -> None:
        if self._own is not None:
            self._own.close()


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail", "")
    except (json.JSONDecodeError, AttributeError, ValueError):
        return ""
    return detail if isinstance(detail, str) else json.dumps(detail)


def _raise_for_status(response: httpx.Response) -> None:
    if response.status_code >= 500:
        raise SyncError(f"The WorkWell server had a problem ({response.status_code}). Your work is "
                        "saved on this laptop; sync will try again later.")
    if response.status_code >= 400:
        raise SyncError(f"The server refused the sync ({response.status_code}: {_detail(response)}). "
                        "Your work is saved on this laptop; contact IT if this persists.")
