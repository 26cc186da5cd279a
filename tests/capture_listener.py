"""A TCP listener that records every byte sent to it: stands in for a plain-HTTP server on
another machine, or for an HTTP proxy, in the tests that prove a password or device token
is never sent where it would travel unprotected."""

from __future__ import annotations

import socket
import threading


class CaptureListener:
    """Accepts connections on ``host`` and keeps what arrives; answers ``reply`` (raw HTTP)
    once a request's headers and body have arrived, or nothing."""

    def __init__(self, host: str = "127.0.0.1", reply: bytes | None = None):
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.host, self.port = host, self.sock.getsockname()[1]
        self.reply = reply
        self.connections = 0
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(2)
                data = bytearray()
                try:
                    while True:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                        # Kept before replying: the client acts on the reply at once, and a
                        # test asking saw() then must find what was sent (it raced before).
                        self.received += chunk
                        if self.reply is not None and request_complete(data):
                            conn.sendall(self.reply)
                            break
                except OSError:
                    pass

    def saw(self, secret: str | bytes) -> bool:
        needle = secret.encode() if isinstance(secret, str) else secret
        return needle in self.received

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def request_complete(data: bytearray) -> bool:
    head, sep, body = bytes(data).partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip() or 0)
    return True


def http_reply(status: int, body: bytes = b"{}") -> bytes:
    reason = {200: "OK", 401: "Unauthorized", 403: "Forbidden"}.get(status, "Status")
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


def non_loopback_address() -> str | None:
    """An address of this machine that is not loopback (another machine's stand-in), or None."""
    candidates = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            candidates.add(info[4][0])
    except OSError:
        pass
    try:  # the address the default route would use; nothing is sent
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            candidates.add(probe.getsockname()[0])
    except OSError:
        pass
    for address in sorted(candidates):
        if not address.startswith("127."):
            try:
                with socket.socket() as s:
                    s.bind((address, 0))
                return address
            except OSError:
                continue
    return None
