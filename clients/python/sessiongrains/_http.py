"""One kept-alive HTTP connection per thread, and what a response turns into.

A web app touches its user's session on every request; reusing the connection makes that one round-trip instead of a
TCP (and TLS) handshake and a round-trip. ``http.client`` connections are not thread-safe and Django serves requests on
threads, so each thread gets its own.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
import ssl
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from .errors import SessionGrainsError, Unavailable, error_for_problem

_USER_AGENT = "sessiongrains-python/0.1"

# A kept-alive connection the server closed fails on reuse in one of these ways, before any answer arrived.
_CLOSED_ON_REUSE = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, http.client.RemoteDisconnected)


@dataclass(frozen=True, slots=True)
class Response:
    """A successful answer (2xx): its status, ``Location`` and JSON body (``None`` for 204)."""

    status: int
    location: str | None
    body: Any


class Transport:
    """Sends requests to one server with one key, over a kept-alive connection per thread."""

    def __init__(self, base_url: str, key: str, timeout: float, ssl_context: ssl.SSLContext | None = None) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http:// or https:// URL with a host, not {base_url!r}.")
        if parts.query or parts.fragment:
            raise ValueError(f"base_url takes no query or fragment: {base_url!r}.")
        if timeout <= 0:
            raise ValueError("timeout must be more than 0 seconds.")
        self.base_url = base_url.rstrip("/")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self._ssl_context = ssl_context
        self._headers = {
            "Authorization": f"Bearer {key}",
            "Accept": "application/json, application/problem+json",
            "User-Agent": _USER_AGENT,
        }
        self._local = threading.local()
        # Every thread's connection, so close() can close them all; weak, so a finished thread's goes with it.
        self._all: weakref.WeakSet[http.client.HTTPConnection] = weakref.WeakSet()
        self._all_lock = threading.Lock()

    def request(self, method: str, path: str, body: Any = None, *, idempotent: bool = True) -> Response:
        """Sends one request and returns its successful answer, or raises the error it meant.

        ``idempotent`` says whether sending the request twice does what sending it once does: only such a request is
        sent again when a reused connection turns out to have been closed by the server after it was sent.
        """
        payload = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = dict(self._headers)
        if payload is not None:
            headers["Content-Type"] = "application/json"
        try:
            status, headers_in, data = self._exchange(method, self._prefix + path, payload, headers, idempotent)
        except (TimeoutError, socket.timeout) as error:
            self._drop()
            raise Unavailable("timeout", None, f"No answer from {self.base_url} within {self._timeout:g} s.") from error
        except (OSError, http.client.HTTPException) as error:
            self._drop()
            raise Unavailable(
                "connection_failed", None, f"Could not reach {self.base_url}: {type(error).__name__}: {error}."
            ) from error
        return _outcome(status, headers_in, data)

    def close(self) -> None:
        """Closes every thread's connection; a later request opens a new one."""
        with self._all_lock:
            connections = list(self._all)
            self._all.clear()
        for connection in connections:
            connection.close()
        self._local.__dict__.pop("connection", None)

    def _exchange(
        self, method: str, target: str, payload: bytes | None, headers: dict[str, str], idempotent: bool
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = self._connection()
        reused = connection.sock is not None
        if reused and _closed_by_peer(connection.sock):
            # The server closed it while it sat idle (its keep-alive timeout): open a new one before sending.
            connection.close()
            reused = False
        try:
            return _send(connection, method, target, payload, headers)
        except _CLOSED_ON_REUSE:
            connection.close()
            if not (reused and idempotent):
                raise
            # Closed between our check and our request: nothing was answered, so send it once more, freshly connected.
            return _send(connection, method, target, payload, headers)

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            if self._https:
                connection = http.client.HTTPSConnection(
                    self._host, self._port, timeout=self._timeout, context=self._ssl_context
                )
            else:
                connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
            self._local.connection = connection
        if connection.sock is None:
            # About to (re)connect: listed again, as close() may have taken it off the list.
            with self._all_lock:
                self._all.add(connection)
        return connection

    def _drop(self) -> None:
        """After a failure the connection's state is unknown (a half-read answer, say): the next request starts afresh."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()


def _send(
    connection: http.client.HTTPConnection, method: str, target: str, payload: bytes | None, headers: dict[str, str]
) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection.request(method, target, body=payload, headers=headers)
    response = connection.getresponse()
    # Read it all, so the connection is free for the next request (http.client closes it itself on Connection: close).
    data = response.read()
    return response.status, response.headers, data


def _closed_by_peer(sock: socket.socket | None) -> bool:
    """True when an idle connection has something to read: between requests that can only be the server's close."""
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _outcome(status: int, headers: http.client.HTTPMessage, data: bytes) -> Response:
    if 200 <= status < 300:
        body = None
        if data:
            try:
                body = json.loads(data)
            except ValueError as error:
                raise SessionGrainsError(
                    "invalid_response", status, f"The answer was not JSON: {data[:200]!r}"
                ) from error
        return Response(status, headers.get("Location"), body)
    problem: Any = None
    try:
        problem = json.loads(data) if data else None
    except ValueError:
        problem = None
    raise error_for_problem(
        status, problem if isinstance(problem, dict) else None, retry_after_seconds(headers.get("Retry-After"))
    )


def retry_after_seconds(value: str | None) -> int | None:
    """``Retry-After`` in whole seconds: given as seconds, or as an HTTP date (counted from now, never below 0)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    seconds = (when - datetime.now(timezone.utc)).total_seconds()
    return max(0, int(-(-seconds // 1)))
