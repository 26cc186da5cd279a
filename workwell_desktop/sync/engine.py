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
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from ..store import replica
from ..store.coverage import save_coverage
from ..store.identity import adopt_account
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
             device_name: str | None = None, http: httpx.Client | None = None) -> RegisterResponse:
    """Register this laptop with the server under a coach's account."""
    server_url = server_url.rstrip("/")
    body = RegisterRequest(username=username, password=password,
                           device_name=device_name or platform.node() or "WorkWell laptop")
    with _client(http) as client:
        try:
            response = client.post(f"{server_url}{API_PREFIX}/devices", json=body.model_dump())
        except httpx.TransportError as exc:
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
    adopt_account(store, registered.username, registered.display_name, registered.role)
    store.record_event("register-device", f"device={registered.device_id}")
    return registered


def sync(store, http: httpx.Client | None = None, wipe_on_revoke: bool = True) -> SyncReport:
    """Push everything unsent and pull everything new; one request when nothing is.

    A revoked device wipes its data and key here unless ``wipe_on_revoke`` is False
    (the GUI closes its own connection first, then wipes)."""
    token = replica.get_setting(store, "sync_token")
    server_url = replica.get_setting(store, "server_url")
    if not token:
        raise NotRegistered("This laptop is not registered with a WorkWell server yet.")
    report = SyncReport()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Content-Encoding": "gzip", "Accept-Encoding": "gzip"}
    with _client(http) as client:
        while True:
            batch = replica.unsent_changes(store, MAX_PUSH)
            request = SyncRequest(cursor=replica.get_setting(store, "sync_cursor"), changes=batch,
                                  waiting=max(0, store.pending_change_count() - len(batch)))
            body = gzip.compress(request.model_dump_json().encode("utf-8"), compresslevel=6)
            try:
                response = client.post(f"{server_url}{API_PREFIX}/sync", content=body, headers=headers)
            except httpx.TransportError as exc:
                raise Offline("No connection to the WorkWell server. Your work is saved on this "
                              "laptop and will sync when you are back online.") from exc
            report.requests += 1
            if response.status_code == 410 and _detail(response) == DEVICE_REVOKED:
                if wipe_on_revoke:
                    store.wipe()
                raise DeviceRevoked(
                    "Service IT has revoked this laptop's access. Its WorkWell data and key "
                    "have been removed from this laptop. Contact your team lead.")
            if response.status_code == 401:
                raise SyncError("The server no longer accepts this laptop's registration. "
                                "Ask IT to register it again.")
            _raise_for_status(response)
            result = SyncResponse.model_validate(response.json())
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
            if result.coverage is not None:
                save_coverage(store, result.coverage, result.server_time)
            if not result.more and len(batch) < MAX_PUSH:
                break
    report.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    replica.set_settings(store, last_sync_at=report.finished_at)
    log.info("sync done: pushed %d, pulled %d, rejected %d, conflicts %d, requests %d",
             report.pushed, report.pulled, report.rejected, report.conflicts, report.requests)
    return report


class _client:
    """Use the caller's httpx client (tests, benchmarks) or a short-lived one."""

    def __init__(self, http: httpx.Client | None):
        self._given, self._own = http, None

    def __enter__(self) -> httpx.Client:
        if self._given is not None:
            return self._given
        self._own = httpx.Client(timeout=TIMEOUT)
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
