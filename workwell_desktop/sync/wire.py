"""The sync wire schema: the only code the desktop client and the server share.

One endpoint does a whole sync step, so an empty sync is one round trip:

    POST /api/v1/sync   (JSON, zstd or gzip both ways: see sync.encoding;
                         Authorization: Bearer <device token>)
    SyncRequest  -> SyncResponse

The client sends up to ``MAX_PUSH`` unsent changes from its change log and the
cursor of the last page it *applied*; the server stores the changes (idempotent by
``change_id``: a replayed change is acknowledged again and changes nothing), then
returns the ids it accepted, the ones it rejected with a reason, and the next page of
changes visible to this device after the cursor (about ``PAGE_BYTES``, at most
``page_size`` changes). ``more`` says another page waits: the laptop asks for it while
it applies this one.
The client marks changes sent only when acknowledged, and stores the new cursor
only after the page is applied, so an interruption anywhere just repeats a step.
A laptop names the create of a record by the record's own id (a record is created
once; store.database), so the two ids of a create cost one on the wire: random ids
were most of a first restore's compressed bytes (#15). Any unique string is a valid
``change_id``; nothing may derive meaning from one.

Registration: POST /api/v1/devices  RegisterRequest -> RegisterResponse.
A revoked device gets HTTP 410 with ``{"detail": "device_revoked"}`` and must wipe
its local data.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

API_PREFIX = "/api/v1"
MAX_PUSH = 500  # changes per request
MAX_PAGE = 20_000  # changes per pulled page, at most; PAGE_BYTES usually ends it first
# A pulled page ends after the change that takes its payloads past this (uncompressed):
# a few MB, so a first restore is a handful of round trips, each well inside the timeouts.
PAGE_BYTES = 3_000_000
MAX_BODY_BYTES = 8_000_000  # after decompression; larger requests get 413
# What a laptop reads of one response, after decompression: a page (PAGE_BYTES plus one
# change of up to MAX_PAYLOAD_BYTES and the envelope) fits with room; more is refused.
MAX_RESPONSE_BYTES = 16_000_000
# Seconds an idle connection stays open (uvicorn's timeout_keep_alive; its default of 5 s
# closed the connection whenever a page took longer than that to cross a rural link, so
# every page paid a new TCP and TLS handshake).
KEEP_ALIVE_SECONDS = 75
MAX_PAYLOAD_BYTES = 1_000_000  # one change's payload as compact JSON; larger ones are rejected
DEVICE_REVOKED = "device_revoked"

Op = Literal["create", "update", "drop"]  # "drop": this device may no longer see the client


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    change_id: str = Field(min_length=1, max_length=64)
    record_type: str = Field(min_length=1, max_length=64)
    record_id: str = Field(min_length=1, max_length=64)
    client_id: str = Field(min_length=1, max_length=64)  # the client the record belongs to
    op: Op
    payload: dict[str, Any]
    # For an update: each changed field's stamps as the editor last saw them (a list:
    # every concurrent value it had; a single stamp from older laptops). The edit
    # supersedes exactly those; a receiver holding any other stamp for the field holds
    # an edit the editor never saw, and both stay open as a conflict.
    base: dict[str, str | list[str]] = Field(default_factory=dict)
    hlc: str = Field(min_length=1, max_length=128)
    device_id: str = Field(min_length=1, max_length=64)
    actor: str = Field(max_length=200)
    created_at: str = Field(max_length=40)


class AuditAnchor(BaseModel):
    """The head of a laptop's audit chain (store.audit): its last entry number and seal.

    Sent with each sync; the server keeps one per device, moves it forward only when the
    laptop's chain still holds the entry it anchored before, and returns it, so a chain
    rewritten or cut short on the laptop no longer matches it (verify-audit).
    """

    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=0, le=2**62)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    anchored_at: str = Field(default="", max_length=40)  # set by the server


class Rejection(BaseModel):
    change_id: str
    reason: str


class SyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cursor: str = ""  # "" for a first restore
    changes: list[Change] = Field(default_factory=list, max_length=MAX_PUSH)
    page_size: int = Field(default=MAX_PAGE, ge=1, le=MAX_PAGE)
    audit_head: AuditAnchor | None = None  # this laptop's audit chain head, to anchor
    # This laptop's entry at the anchor the server last returned: the server moves the
    # anchor forward only when it matches, so a rewritten chain cannot replace the evidence.
    audit_continues: AuditAnchor | None = None
    # Changes still unsent on the laptop after this batch (0: this batch empties its
    # change log). The server keeps it with the time, so team summaries can say how
    # current each coach's data is. None from laptops that do not say.
    waiting: int | None = Field(default=None, ge=0, le=100_000_000)


class DeviceCoverage(BaseModel):
    """One laptop of a team member: when it last synced and what it said was waiting."""

    device_id: str = Field(max_length=64)
    registered_at: str = Field(max_length=40)
    last_sync_at: str | None = Field(default=None, max_length=40)  # ISO UTC; None: never synced
    waiting: int | None = Field(default=None, ge=0, le=100_000_000)


class TeamMember(BaseModel):
    """A server account of the team and its laptops that are not revoked."""

    username: str = Field(min_length=1, max_length=100)
    display_name: str = Field(max_length=200)
    role: Literal["coach", "team_lead"]
    devices: list[DeviceCoverage] = Field(default_factory=list, max_length=1000)


class SyncResponse(BaseModel):
    accepted: list[str]
    # Accepted changes for a client moved to another team after this device last pulled:
    # passed to that team (the coach is told), not refused.
    forwarded: list[str] = Field(default_factory=list)
    rejected: list[Rejection]
    changes: list[Change]
    cursor: str
    more: bool
    server_time: str
    audit_anchor: AuditAnchor | None = None  # the head the server holds for this device
    # For team leads, on the last page only: every member of the team and their
    # laptops' last syncs, as the server knew them when it read this page.
    coverage: list[TeamMember] | None = Field(default=None, max_length=10_000)


class RegisterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=500)
    device_name: str = Field(min_length=1, max_length=200)


class RegisterResponse(BaseModel):
    device_id: str
    token: str  # shown once; the server keeps only its hash
    username: str
    display_name: str
    role: Literal["coach", "team_lead"]
    team: str
