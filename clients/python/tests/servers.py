"""Small local servers standing in for the network: a counting proxy in front of the real server, a server that
accepts and never answers, and a scripted HTTP server that answers (or hangs up) as a test tells it to."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable


def free_port() -> int:
    """A loopback port nobody listens on right now (another process may take it before the caller binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Listener:
    """Accepts connections on a loopback port in a thread, handing each to ``serve`` in a thread of its own."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.port: int = self._socket.getsockname()[1]
        self.accepted = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self, connection: socket.socket, index: int) -> None:
        raise NotImplementedError

    def keep(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.append(sock)

    def close(self) -> None:
        self._closed = True
        self._socket.close()
        with self._lock:
            for sock in self._open:
                try:
                    sock.close()
                except OSError:
                    pass

    def __enter__(self) -> _Listener:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            with self._lock:
                index = self.accepted
                self.accepted += 1
            self.keep(connection)
            threading.Thread(target=self.serve, args=(connection, index), daemon=True).start()


class CountingProxy(_Listener):
    """Forwards every connection to ``upstream`` byte for byte, counting the connections it accepted."""

    def __init__(self, upstream_port: int) -> None:
        self._upstream_port = upstream_port
        super().__init__()

    def serve(self, connection: socket.socket, index: int) -> None:
        upstream = socket.create_connection(("127.0.0.1", self._upstream_port))
        self.keep(upstream)
        threading.Thread(target=_pump, args=(upstream, connection), daemon=True).start()
        _pump(connection, upstream)


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SilentServer(_Listener):
    """Accepts connections and reads what comes, but never answers: a server that hangs."""

    def serve(self, connection: socket.socket, index: int) -> None:
        try:
            while connection.recv(65536):
                pass
        except OSError:
            pass


# What a scripted server does with one request: the raw response to send, and whether to hang up after it;
# a response of None hangs up without answering.
Script = Callable[[int, int, str, str], tuple[bytes | None, bool]]


class ScriptedServer(_Listener):
    """Reads HTTP/1.1 requests and answers each as ``script(connection, request_on_it, method, path)`` says.

    ``requests`` records every (connection, method, path) received; ``hung_up`` is set each time it closes a
    connection itself, so a test can wait for a close before sending the next request.
    """

    def __init__(self, script: Script) -> None:
        self._script = script
        self.requests: list[tuple[int, str, str]] = []
        self.hung_up = threading.Event()
        super().__init__()

    def serve(self, connection: socket.socket, index: int) -> None:
        reader = connection.makefile("rb")
        number = 0
        try:
            while True:
                request_line = reader.readline()
                if not request_line:
                    return
                method, path, _ = request_line.decode().split(" ", 2)
                length = 0
                while (line := reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode().partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                if length:
                    reader.read(length)
                self.requests.append((index, method, path))
                response, hang_up = self._script(index, number, method, path)
                number += 1
                if response is not None:
                    connection.sendall(response)
                if response is None or hang_up:
                    connection.shutdown(socket.SHUT_RDWR)
                    connection.close()
                    self.hung_up.set()
                    return
        except OSError:
            return


def http_response(status: int, body: bytes = b"", content_type: str = "application/json", headers: str = "") -> bytes:
    """A raw HTTP/1.1 response that keeps the connection alive."""
    reason = {200: "OK", 204: "No Content", 502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Status")
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n{headers}\r\n"
    return head.encode() + body
