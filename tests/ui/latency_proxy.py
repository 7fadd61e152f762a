"""A TCP proxy for real-browser tests that makes the console's websocket as slow as on a loaded server.

Every connection is relayed to the console unchanged, except what a browser sends on a websocket
(`/_nicegui_ws/`): `hold()` keeps it back until `release()` (a page cannot connect meanwhile, so a test can type
into a page that is provably not connected yet), and `latency` delays every chunk of it, in order (after the
first round trip, what the browser sends still reaches the server late, as under load). A page whose browser
hangs up while held never reaches the server at all, like one that reloads after "Connection lost".
Only the test changes; the console runs as in production.
"""

from __future__ import annotations

import queue
import socket
import threading
import time
from types import TracebackType

WEBSOCKET_PATH = b"/_nicegui_ws/"


class LatencyProxy:
    def __init__(self, upstream_port: int, *, latency: float = 0.0) -> None:
        self.upstream_port = upstream_port
        self.latency = latency  # read per chunk: a test may change it between pages
        self._open = threading.Event()
        self._open.set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def __enter__(self) -> LatencyProxy:
        threading.Thread(target=self._accept, name="latency-proxy", daemon=True).start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._closed.set()
        self._open.set()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                sock.close()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._track(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            first = client.recv(65536)
        except OSError:
            client.close()
            return
        slow = WEBSOCKET_PATH in first.split(b"\r\n", 1)[0]
        pending: queue.Queue[tuple[float, bytes] | None] = queue.Queue()
        pending.put((self._due(slow), first))
        hung_up_while_held = threading.Event()
        threading.Thread(target=self._read, args=(client, pending, slow, hung_up_while_held), daemon=True).start()
        if slow:
            self._open.wait()
            if hung_up_while_held.is_set():  # the page went away before it could connect: nothing reaches the server
                client.close()
                return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            client.close()
            return
        self._track(upstream)
        threading.Thread(target=self._write, args=(pending, upstream), daemon=True).start()
        self._pump(upstream, client)

    def _due(self, slow: bool) -> float:
        return time.monotonic() + (self.latency if slow else 0.0)

    def _read(
        self,
        source: socket.socket,
        pending: queue.Queue[tuple[float, bytes] | None],
        slow: bool,
        hung_up_while_held: threading.Event,
    ) -> None:
        try:
            while data := source.recv(65536):
                pending.put((self._due(slow), data))
        except OSError:
            pass
        if slow and not self._open.is_set():
            hung_up_while_held.set()
        pending.put(None)

    @staticmethod
    def _write(pending: queue.Queue[tuple[float, bytes] | None], target: socket.socket) -> None:
        try:
            while (item := pending.get()) is not None:
                due, data = item
                time.sleep(max(0.0, due - time.monotonic()))
                target.sendall(data)
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass
