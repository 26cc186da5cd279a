"""Open the sync server's TCP connection while the laptop is still unlocking (#15).

Standard library only: ``workwell-admin sync`` starts it before its other imports.

Over a rural link (300 ms round trip) a new connection costs a whole round trip before the
request's first byte can leave. ``workwell-admin sync`` used to pay it after its imports and
the Argon2id unlock; with an early connection it is paid during them.

The server's address lives in the encrypted database, which cannot be read before the
unlock, so each new connection leaves a *hint*: ``connect-hint.json`` in the data folder, the
host and port it went to (the server's, or the organisation's proxy's). The hint holds no
personal data and no secret, and it is only ever a guess:

- nothing is sent on the early connection until ``engine`` has read the real address from
  the encrypted database and every check of ``server_address`` has passed;
- ``server_address.HandOver`` gives it to httpcore only when httpcore asks for a
  connection to that very host and port, only while it is fresh (``FRESH_SECONDS``) and
  still open, and, for plain http (a server on this computer only), only if its peer is a
  loopback address;
- TLS and its certificate check then run on it exactly as on a connection opened there.

So a tampered hint can at most make the laptop open, and close unused, a TCP connection to
another computer, which anyone able to write into the data folder could do anyway. The
revoke wipe removes the hint with the database.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from pathlib import Path

from ..hardening import write_private_bytes

log = logging.getLogger(__name__)

# An early connection older than this is not used: the passphrase may have been typed at a
# prompt, and a NAT or proxy on the way may have dropped an idle connection meanwhile.
FRESH_SECONDS = 20.0
CONNECT_SECONDS = 10.0  # as engine.TIMEOUT's connect
# store.database.wipe_data_folder removes it by this name when IT revokes the laptop.
HINT_FILE = "connect-hint.json"
_HINT_LIMIT = 512  # bytes: a hint is a host and a port
_HOST = re.compile(r"^[a-z0-9.:-]{1,253}$")


def read_hint(data_dir: Path) -> tuple[str, int] | None:
    """The host and port the last new connection went to, or None if there is no usable hint."""
    try:
        with open(Path(data_dir) / HINT_FILE, "rb") as hint:
            raw = hint.read(_HINT_LIMIT + 1)
        doc = json.loads(raw) if len(raw) <= _HINT_LIMIT else None
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict):
        return None
    host, port = doc.get("host"), doc.get("port")
    if not isinstance(host, str) or not _HOST.match(host):
        return None
    if type(port) is not int or not 0 < port < 65536:
        return None
    return host, port


def remember(data_dir: Path, host: str, port: int) -> None:
    """Make ``host:port`` the hint, if it is not already (called for each new connection)."""
    host = host.lower()
    if read_hint(data_dir) == (host, port):
        return
    try:
        write_private_bytes(Path(data_dir) / HINT_FILE, json.dumps({"host": host, "port": port}).encode())
    except OSError as problem:  # only a hint: the next sync connects after its unlock
        log.info("connect hint not saved: %s", type(problem).__name__)


class EarlyConnection:
    """A TCP connection to the hinted host and port, opened on a thread of its own."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._opened_at = 0.0
        self._closed = False
        self._thread = threading.Thread(target=self._open, name="sync-early-connect", daemon=True)
        self._thread.start()

    def _open(self) -> None:
        try:
            sock = socket.create_connection((self.host, self.port), CONNECT_SECONDS)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as httpcore does
        except OSError:
            return  # the sync connects by itself, and says so if it cannot
        with self._lock:
            if self._closed:
                sock.close()
            else:
                self._sock, self._opened_at = sock, time.monotonic()

    def take(self, host: str, port: int) -> socket.socket | None:
        """The connection, if it goes to ``host:port`` and is fresh and still open; otherwise
        None. Either way it is given out at most once, and closed if not given."""
        if (host.lower(), port) == (self.host, self.port):
            self._thread.join(CONNECT_SECONDS)
        with self._lock:
            sock, self._sock, self._closed = self._sock, None, True
        if sock is None:
            return None
        usable = (host.lower(), port) == (self.host, self.port)
        if not usable or time.monotonic() - self._opened_at > FRESH_SECONDS or not _still_open(sock):
            sock.close()
            return None
        return sock

    def close(self) -> None:
        """Close it if it was not used (also when the thread connects later)."""
        with self._lock:
            sock, self._sock, self._closed = self._sock, None, True
        if sock is not None:
            sock.close()


def start(data_dir: Path) -> EarlyConnection | None:
    """Start opening the hinted connection, or None when there is no hint."""
    hint = read_hint(data_dir)
    return EarlyConnection(*hint) if hint else None


def _still_open(sock: socket.socket) -> bool:
    """True if the peer has neither closed it nor sent anything (an HTTP server waits for
    the request: anything it sent first would be read as the reply)."""
    sock.setblocking(False)
    try:
        sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)
    return False
