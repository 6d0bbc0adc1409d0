"""The client of one site: every operation a site key may do over the HTTP API."""

from __future__ import annotations

import ssl
from typing import Any, Iterator, Sequence
from urllib.parse import quote, urlencode

from ._http import Transport
from ._times import parse_time
from .models import Admitted, SessionInfo, SessionPage, SessionState, Site, SiteActivity, Ticket

__all__ = ["Client"]

DEFAULT_TIMEOUT = 5.0


class Client:
    """Acts on one site's sessions with that site's key.

    Safe to share between threads (make one per process, e.g. at Django's start-up): each thread keeps its own
    connection alive, so a touch costs one round-trip. Every method raises a subclass of
    :class:`~sessiongrains.errors.SessionGrainsError` for a problem the server answered with, and
    :class:`~sessiongrains.errors.Unavailable` when no answer came within ``timeout`` or the server cannot be reached.

    Args:
        base_url: where the server's HTTP API is, e.g. ``http://127.0.0.1:5080`` (a path prefix is kept, for a server
            behind a proxy under one).
        site_id: the site whose seats the app's users take.
        site_key: the site's key (``sgk_…``); a secret, never shown by ``repr`` or in errors.
        timeout: seconds to wait for connecting, and for each read of an answer.
        ssl_context: for ``https`` URLs, the context to check the server with (the system's defaults otherwise).
    """

    def __init__(
        self,
        base_url: str,
        site_id: str,
        site_key: str,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if not site_id:
            raise ValueError("site_id is required.")
        if not site_key:
            raise ValueError("site_key is required.")
        self.site_id = site_id
        self.timeout = timeout
        self._http = Transport(base_url, site_key, timeout, ssl_context)
        self._site_path = f"/api/sites/{_segment(site_id)}"

    @property
    def base_url(self) -> str:
        return self._http.base_url

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r}, site_id={self.site_id!r}, timeout={self.timeout!r})"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the kept-alive connections (every thread's); the client stays usable and reconnects when asked."""
        self._http.close()

    # Sessions

    def open_session(
        self,
        user_id: str,
        roles: Sequence[str] | None = None,
        client_ip: str | None = None,
        user_agent: str | None = None,
        resumes: str | None = None,
    ) -> Admitted | Ticket:
        """Asks the site for a seat at sign-in.

        Returns :class:`Admitted` with the new session, or, on a full site that queues, a :class:`Ticket` in its
        waiting line (poll it with :meth:`poll_ticket`). ``resumes`` is the id of the user's session that ended for
        idleness: repeating the open with it (parallel requests, retries) returns the same new session, never a
        second seat.

        Raises:
            SiteFull, UserLimit, MaxSessions, SiteClosed: refused; ``detail`` is the site's message for the user.
            InvalidRequest: a field the site cannot take (``errors`` names it).
        """
        body: dict[str, Any] = {"userId": user_id}
        if roles is not None:
            body["roles"] = list(roles)
        if client_ip is not None:
            body["clientIp"] = client_ip
        if user_agent is not None:
            body["userAgent"] = user_agent
        if resumes is not None:
            body["resumes"] = resumes
        # Only an open that resumes is safe to send twice: the site answers a repeat with the same session.
        response = self._http.request("POST", f"{self._site_path}/sessions", body, idempotent=resumes is not None)
        return Ticket.from_json(response.body) if response.status == 202 else Admitted.from_json(response.body)

    def touch(self, session_id: str) -> SessionState:
        """Reports the user's activity, moving the session's idle deadline.

        Raises:
            SessionEnded: sign the user out (``reason``: ``idle``, ``logout``, ``kicked``, ``evicted``).
            UnknownSession: the site holds no such session.
        """
        # Touching twice is as good as once, so a touch is sent again if a kept-alive connection was found closed.
        body = self._http.request("POST", f"{self._session_path(session_id)}/touch").body
        return SessionState(session_id=session_id, idle_expires_at=parse_time(body["idleExpiresAt"]))

    def get_session(self, session_id: str) -> SessionState:
        """Reads a live session's idle deadline without counting as activity; raises as :meth:`touch` does."""
        body = self._http.request("GET", self._session_path(session_id)).body
        return SessionState(session_id=body["sessionId"], idle_expires_at=parse_time(body["idleExpiresAt"]))

    def end_session(self, session_id: str) -> None:
        """Ends the session (the user signed out), freeing its seat at once; also fine when it already ended."""
        self._http.request("DELETE", self._session_path(session_id))

    # The site

    def get_site(self) -> Site:
        """The site's settings, its counts and the first page (the oldest 100) of its live sessions."""
        return Site.from_json(self._http.request("GET", self._site_path).body)

    def list_sessions(self, limit: int | None = None, cursor: str | None = None) -> SessionPage:
        """One page of live sessions, oldest first: at most ``limit`` (1 to 1000; the server's default is 100)."""
        query = {name: value for name, value in (("limit", limit), ("cursor", cursor)) if value is not None}
        path = f"{self._site_path}/sessions" + (f"?{urlencode(query)}" if query else "")
        return SessionPage.from_json(self._http.request("GET", path).body)

    def iter_sessions(self, page_size: int | None = None) -> Iterator[SessionInfo]:
        """Every live session, page by page; one live all along is met exactly once."""
        cursor: str | None = None
        while True:
            page = self.list_sessions(page_size, cursor)
            yield from page.sessions
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def get_activity(self) -> SiteActivity:
        """The site's last 24 hours, one bucket a minute: counted sessions, refusals and the guard's refusals."""
        return SiteActivity.from_json(self._http.request("GET", f"{self._site_path}/activity").body)

    # The sign-in guard

    def check_sign_in(self, client_ip: str, user_id: str) -> None:
        """Asks, before checking a password, whether this attempt may go on; returns if it may.

        Raises:
            SignInBlocked: the address or the user is blocked (``scope``, ``blocked_until``, ``detail`` = the site's
                message): do not check the password.
        """
        self._http.request(
            "POST", f"{self._site_path}/sign-in-attempts/check", {"clientIp": client_ip, "userId": user_id}
        )

    def report_sign_in(self, client_ip: str, user_id: str, succeeded: bool) -> None:
        """Reports how the password check went: a failure counts against the address and the user, a success
        forgets both. A right password on a full site is a success."""
        # Not sent twice: a failure reported twice would count twice.
        self._http.request(
            "POST",
            f"{self._site_path}/sign-in-attempts",
            {"clientIp": client_ip, "userId": user_id, "succeeded": succeeded},
            idempotent=False,
        )

    # The waiting line

    def poll_ticket(self, ticket_id: str) -> Ticket | Admitted:
        """Asks again about a ticket, which keeps it in the line and claims a seat held for it.

        Returns the :class:`Ticket` while it waits, or :class:`Admitted` with the session (whose id is the ticket's)
        once a seat was held for it.

        Raises:
            TicketExpired, ClaimExpired, TicketRemoved, SiteClosed: it left the line; the user must sign in again.
            UnknownTicket: the line holds no such ticket (e.g. after :meth:`leave_line`).
        """
        response = self._http.request("GET", self._ticket_path(ticket_id))
        return Admitted.from_json(response.body) if response.status == 201 else Ticket.from_json(response.body)

    def leave_line(self, ticket_id: str) -> None:
        """Leaves the line: the ticket's place, and a seat held for it, pass on at once. Fine when already gone."""
        self._http.request("DELETE", self._ticket_path(ticket_id))

    def _session_path(self, session_id: str) -> str:
        return f"{self._site_path}/sessions/{_segment(session_id)}"

    def _ticket_path(self, ticket_id: str) -> str:
        return f"{self._site_path}/tickets/{_segment(ticket_id)}"


def _segment(value: str) -> str:
    """An id as one path segment: '/', '?', '#' and the rest quoted, so an id can never reach another route."""
    return quote(value, safe="")
