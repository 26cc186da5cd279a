"""The one policy for where this laptop may send a coach's password or its device token.

Used by ``engine.register`` and ``engine.sync`` at the request boundary, by the
settings checks and by the GUI's connect dialog, so a rule cannot be tightened in
one place and forgotten in another.

- ``https`` always, except ``http`` to this computer: a literal loopback address
  (``127.0.0.1``, ``::1``) or the name ``localhost``, and then only if that name
  *resolves* to loopback addresses only (checked just before each request).
  ``http://localhost.evil.example`` and ``http://127.0.0.1.evil.example`` are
  other computers and are refused.
- No user name or password in the address (``http://127.0.0.1@evil.example``
  sends to ``evil.example``): refused.
- Host names in plain ASCII letters, digits, dots and hyphens only, so a lookalike
  written in other alphabets cannot pass for the service's name.
- Every check runs before a connection is opened, so nothing is sent to an address
  that is then refused.
- Proxies come only from the organisation's policy (``proxy_url``), never from the
  ``HTTP_PROXY``/``HTTPS_PROXY`` variables a user can set (``trust_env=False``), and
  the service's certificate can be pinned to the organisation's own CA by policy
  (``server_ca_file``).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpcore
import httpx

# httpcore's socket stream: what its own SyncBackend makes of a socket it has connected.
from httpcore._backends.sync import SyncStream

from . import early_connect
from .early_connect import EarlyConnection

_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")
LOOPBACK_NAMES = frozenset({"localhost"})


class UnsafeAddress(ValueError):
    """The address breaks the policy; the message says what to do. Nothing was sent."""


@dataclass(frozen=True)
class ServerAddress:
    """A checked server address: ``url`` has no trailing slash."""

    url: str
    scheme: str
    host: str
    port: int

    @property
    def is_local(self) -> bool:
        """Plain HTTP is allowed: the server is on this computer."""
        return _literal_loopback(self.host) or self.host in LOOPBACK_NAMES


def _literal_loopback(host: str) -> bool:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def parse_server_address(text: object, what: str = "The server address") -> ServerAddress:
    """The address checked without touching the network, or UnsafeAddress saying why not."""
    example = "such as https://workwell.example.nhs.uk"
    if not isinstance(text, str):
        raise UnsafeAddress(f"{what} must be text, {example}.")
    value = text.strip()
    if not value:
        raise UnsafeAddress(f"Enter {what.lower().removeprefix('the ')}, {example} (ask IT).")
    if any(c.isspace() or ord(c) < 0x20 or c == "\\" or ord(c) > 0x7E for c in value):
        raise UnsafeAddress(
            f"{what} {value!r} contains spaces or characters that do not belong in "
            f"a web address; type it exactly as IT gave it, {example}."
        )
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not value.lower().startswith(f"{scheme}://"):
        raise UnsafeAddress(f"{what} must start with https://, {example}.")
    if "@" in parts.netloc:
        raise UnsafeAddress(
            f"{what} must not contain a user name or password (the part before '@'): "
            "enter only the server's address and sign in with your username and "
            "password below."
        )
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or not (_is_ip(host) or _HOST_NAME.match(host)):
        raise UnsafeAddress(f"{what} {value!r} is not a web address {example}.")
    try:
        explicit_port = parts.port
    except ValueError:
        raise UnsafeAddress(f"{what} {value!r} has a port that is not a number from 1 to 65535.") from None
    port = explicit_port or (443 if scheme == "https" else 80)
    # The address part must be exactly the host and port we understood: nothing a browser or
    # httpx could read differently (such as "[::1].evil.example").
    shown_host = f"[{host}]" if ":" in host else host
    if parts.netloc.lower().rstrip(".") not in (
        shown_host,
        f"{shown_host}:{explicit_port}",
        f"{shown_host}.",
        f"{shown_host}.:{explicit_port}",
    ):
        raise UnsafeAddress(f"{what} {value!r} is not a web address {example}.")
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise UnsafeAddress(f"{what} {value!r} must not have a '?' or '#' part; {example}.")
    address = ServerAddress(value.rstrip("/"), scheme, host, port)
    if scheme == "http" and not address.is_local:
        raise UnsafeAddress(
            f"{what} {value!r} must start with https://: your password and this laptop's key "
            "would otherwise cross the network unprotected. Plain http:// is only for a server "
            "on this computer (127.0.0.1 or localhost)."
        )
    return address


def check_before_sending(address: ServerAddress) -> None:
    """For plain HTTP, the name must resolve to this computer only; run just before a request."""
    if address.scheme == "https" or _literal_loopback(address.host):
        return
    try:
        found = socket.getaddrinfo(address.host, address.port, proto=socket.IPPROTO_TCP)
    except OSError:
        found = []
    if not found or not all(_literal_loopback(str(info[4][0])) for info in found):
        raise UnsafeAddress(
            f"{address.host} does not lead only to this computer, so plain http:// is not safe: "
            "use the https:// address IT gave you."
        )


@dataclass(frozen=True)
class ConnectionPolicy:
    """What the organisation's policy says about connections (empty strings: not set)."""

    server_url: str = ""  # the address IT fixes; a registered laptop follows it at its next sync
    proxy_url: str = ""
    server_ca_file: str = ""

    @classmethod
    def from_settings(cls, settings) -> ConnectionPolicy:
        managed = settings.get("server_url") if settings.is_managed("server_url") else ""
        return cls(managed, settings.get("proxy_url"), settings.get("server_ca_file"))


def current_policy() -> ConnectionPolicy:
    from ..settings import load_settings

    return ConnectionPolicy.from_settings(load_settings())


def _peer_is_loopback(sock) -> bool:
    try:
        peer = sock.getpeername()
    except OSError:
        return False
    return isinstance(peer, tuple) and _literal_loopback(str(peer[0]))


class HandOver(httpcore.SyncBackend):
    """httpcore's network backend for a client of ``http_client``: its first connection is
    the early one (``early_connect``) when that goes to the very host and port httpcore asks
    for and, for plain http, to this computer; others httpcore opens itself, and each of those
    becomes the next hint. The checks above have all run before httpcore asks."""

    def __init__(self, data_dir: Path, early: EarlyConnection | None, address: ServerAddress):
        self._data_dir = Path(data_dir)
        self._early = early
        self._loopback_only = address.scheme == "http"

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        early, self._early = self._early, None
        sock = early.take(host, port) if early is not None and local_address is None else None
        if sock is not None and self._loopback_only and not _peer_is_loopback(sock):
            sock.close()
            sock = None
        if sock is not None:
            for option in socket_options or ():
                sock.setsockopt(*option)
            return SyncStream(sock)
        stream = super().connect_tcp(host, port, timeout, local_address, socket_options)
        early_connect.remember(self._data_dir, host, port)
        return stream

    def close(self) -> None:
        """Close an early connection that no request took."""
        early, self._early = self._early, None
        if early is not None:
            early.close()


def http_client(
    policy: ConnectionPolicy, address: ServerAddress, timeout: httpx.Timeout, network: HandOver | None = None
) -> httpx.Client:
    """A client that ignores proxy variables from the environment; proxy and CA only from policy.

    ``network``: opens its connections (a sync's, with its early connection); httpcore's own
    backend when None."""
    verify: ssl.SSLContext | bool = True
    if policy.server_ca_file:
        try:
            verify = ssl.create_default_context(cafile=policy.server_ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise UnsafeAddress(
                f"The organisation's certificate file {policy.server_ca_file} could not be read "
                f"({getattr(exc, 'strerror', None) or exc}), so the server cannot be checked. "
                "Nothing was sent; contact service IT."
            ) from None
    proxy = policy.proxy_url if policy.proxy_url and not address.is_local else None
    transport = httpx.HTTPTransport(verify=verify, proxy=proxy, trust_env=False)
    if network is not None:
        # httpx does not take a network backend; its connection pool (httpcore's, which does)
        # is built by the transport. tests/sync/test_early_connect.py fails if this stops working.
        transport._pool._network_backend = network
    return httpx.Client(timeout=timeout, trust_env=False, transport=transport, follow_redirects=False)
