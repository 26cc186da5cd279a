"""What arrives on the wire before any endpoint sees it: TLS policy and request bodies."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable
from typing import Any

from fastapi import HTTPException, Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from workwell_desktop.sync import encoding as body_encoding
from workwell_desktop.sync import wire

TLS_REQUIRED = (
    "TLS is required: connect with https://, or put the server behind a TLS-terminating "
    "proxy listed with --trusted-proxy. Plain HTTP is accepted only from this machine."
)
UNPROTECTED_PATHS = frozenset({"/health"})  # carries no data; load balancers probe it over plain HTTP


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped or ip


class RequireTLS:
    """Refuse plain HTTP unless the peer is loopback or a trusted proxy says it terminated TLS."""

    def __init__(self, app: ASGIApp, trusted_proxies: Iterable[str] = ()):
        self.app = app
        self.trusted = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]

    def secure(self, scope: Scope) -> bool:
        if scope.get("scheme") in ("https", "wss"):
            return True
        peer = _address((scope.get("client") or ("", 0))[0])
        if peer is None:
            return False
        if peer.is_loopback:
            return True
        if any(peer in net for net in self.trusted):
            headers = dict(scope.get("headers") or [])
            # The nearest proxy's value is the last one; earlier ones may come from the caller.
            proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").split(",")[-1].strip()
            return proto.lower() == "https"
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") not in UNPROTECTED_PATHS and not self.secure(scope):
            await JSONResponse({"detail": TLS_REQUIRED}, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _too_large() -> HTTPException:
    return HTTPException(
        413,
        f"Request body too large: the limit is {wire.MAX_BODY_BYTES} bytes "
        "after decompression. Send fewer changes per request.",
    )


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# One decoder for every body (json.loads with an option builds a new one each call); UTF-8,
# as JSON between systems must be (RFC 8259, section 8.1).
_JSON = json.JSONDecoder(parse_constant=_no_constants)


async def read_json(request: Request) -> Any:
    """The request body as JSON: zstd, gzip or plain, capped at ``wire.MAX_BODY_BYTES`` (413)
    both as sent and after decompression (``sync.encoding``)."""
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if not body_encoding.supported(encoding):
        raise HTTPException(
            415, f"Content-Encoding must be one of {body_encoding.accept_encoding()}, or absent."
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > wire.MAX_BODY_BYTES:
        raise _too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > wire.MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
    try:
        body = body_encoding.decompress(b"".join(chunks), encoding, wire.MAX_BODY_BYTES)
    except body_encoding.TooLarge:
        raise _too_large() from None
    except body_encoding.BadBody as e:
        raise HTTPException(
            400, f"Request body is not valid {encoding} (truncated, trailing data or corrupt)."
        ) from e
    try:
        return _JSON.decode(body.decode())
    except (ValueError, RecursionError) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise HTTPException(400, "Request body is not valid JSON.") from e
