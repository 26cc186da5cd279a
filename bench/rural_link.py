"""A rural link on loopback: a TCP proxy with 1 Mbit/s each way and a 300 ms round trip.

Put it between a sync client and the server to see what a coach in a café in North
Cumbria would see: how long a sync takes, how many bytes cross the link, how many
round trips it costs. It counts payload bytes each way, TCP connections, and HTTP
requests (each one a round trip for HTTP/1.1).

    from rural_link import RuralLink
    with RuralLink("127.0.0.1", 8443) as link:
        httpx.post(f"{link.url}/api/v1/sync", ...)
        print(link.bytes_up, link.bytes_down, link.requests)

The model per direction: bytes queue for the link at ``rate_bps`` (serialisation
delay), then arrive ``one_way_delay`` later (propagation), so latency is paid once
per round trip, not once per chunk. A new connection first pays one round trip (the
TCP handshake). Everything runs on an event loop in a background thread, so plain
synchronous code can use it. Loopback only; nothing leaves the machine.

Run ``python bench/rural_link.py`` for a demonstration against a local HTTP server.
"""

from __future__ import annotations

import asyncio
import threading
import time

MSS = 1460  # bytes per emulated segment: smooth throttling without a timer per byte


class _HttpRequestCounter:
    """Counts HTTP/1.1 requests in a client-to-server byte stream (Content-Length or chunked)."""

    def __init__(self) -> None:
        self.count = 0
        self._buffer = b""
        self._body_left = 0
        self._chunked = False

    def feed(self, data: bytes) -> None:
        self._buffer += data
        while True:
            if self._body_left:
                taken = min(self._body_left, len(self._buffer))
                self._buffer = self._buffer[taken:]
                self._body_left -= taken
                if self._body_left:
                    return
            if self._chunked:
                end = self._buffer.find(b"0\r\n\r\n")
                if end < 0:
                    self._buffer = self._buffer[-4:]
                    return
                self._buffer = self._buffer[end + 5 :]
                self._chunked = False
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head, self._buffer = self._buffer[:end].lower(), self._buffer[end + 4 :]
            self.count += 1
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip() == b"content-length":
                    self._body_left = int(value.strip() or 0)
                elif name.strip() == b"transfer-encoding" and b"chunked" in value:
                    self._chunked = True


class RuralLink:
    """A throttled, delayed TCP proxy from ``127.0.0.1:<port>`` to ``target_host:target_port``."""

    def __init__(
        self,
        target_host: str = "127.0.0.1",
        target_port: int = 8443,
        *,
        rate_bps: float = 1_000_000,
        one_way_delay: float = 0.150,
        listen_port: int = 0,
    ):
        self.target_host, self.target_port = target_host, target_port
        self.rate_bps, self.one_way_delay = rate_bps, one_way_delay
        self.port = listen_port
        self.bytes_up = self.bytes_down = self.connections = 0
        self._requests = _HttpRequestCounter()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._ready = threading.Event()
        self._tasks: set[asyncio.Task] = set()

    # --- public surface ---------------------------------------------------------------------
    @property
    def requests(self) -> int:
        """HTTP requests sent through the link so far (each one a round trip)."""
        return self._requests.count

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset_counters(self) -> None:
        self.bytes_up = self.bytes_down = self.connections = 0
        self._requests = _HttpRequestCounter()

    def start(self) -> RuralLink:
        self._thread = threading.Thread(target=self._run, name="rural-link", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the rural link proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(10)

    def __enter__(self) -> RuralLink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- the proxy --------------------------------------------------------------------------
    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", self.port)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*self._tasks, return_exceptions=True))
            self._loop.close()

    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        await asyncio.sleep(2 * self.one_way_delay)  # the TCP handshake's round trip
        try:
            server_reader, server_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            client_writer.close()
            return
        up = self._spawn(self._pipe(client_reader, server_writer, upstream=True))
        down = self._spawn(self._pipe(server_reader, client_writer, upstream=False))
        await asyncio.gather(up, down, return_exceptions=True)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, upstream: bool) -> None:
        """Read as fast as the sender sends; deliver each segment when the link would have."""
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        link_free = 0.0
        deliver = self._spawn(self._deliver(queue, writer))
        try:
            while data := await reader.read(65536):
                if upstream:
                    self.bytes_up += len(data)
                    self._requests.feed(data)
                else:
                    self.bytes_down += len(data)
                for i in range(0, len(data), MSS):
                    segment = data[i : i + MSS]
                    link_free = max(time.monotonic(), link_free) + len(segment) * 8 / self.rate_bps
                    queue.put_nowait((link_free + self.one_way_delay, segment))
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            queue.put_nowait((link_free + self.one_way_delay, b""))  # end of stream, in order
            await asyncio.gather(deliver, return_exceptions=True)

    @staticmethod
    async def _deliver(queue: asyncio.Queue, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                at, segment = await queue.get()
                wait = at - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not segment:
                    break
                writer.write(segment)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            try:
                writer.close()
            except RuntimeError:
                pass


def _demo() -> None:
    import http.server

    import httpx

    body = bytes(range(256)) * 500  # 125 kB, incompressible enough for a demo

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 (the stdlib's name)
            size = len(body) if self.path == "/big" else 2
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.write(body[:size])

        def log_message(self, *args):
            pass

    origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    with RuralLink("127.0.0.1", origin.server_address[1]) as link, httpx.Client(base_url=link.url) as http:
        for label, path in (
            ("first request (connects)", "/small"),
            ("second request", "/small"),
            ("125 kB download", "/big"),
        ):
            started = time.perf_counter()
            http.get(path)
            print(f"{label:26} {time.perf_counter() - started:6.2f} s")
        print(
            f"bytes up {link.bytes_up}, bytes down {link.bytes_down}, requests {link.requests}, "
            f"connections {link.connections}"
        )
    origin.shutdown()


if __name__ == "__main__":
    _demo()
