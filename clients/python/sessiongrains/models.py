"""Typed results of the HTTP API, one dataclass per answer, with the API's field names in Python's spelling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from ._times import parse_time

__all__ = [
    "Admitted",
    "Ticket",
    "SessionState",
    "SessionInfo",
    "SessionPage",
    "GuardSettings",
    "Site",
    "SiteActivity",
]


@dataclass(frozen=True, slots=True)
class Admitted:
    """A new session: the sign-in got a seat (or, for an exempt role, a place without one).

    Returned by an open (201) and by a ticket's poll once a seat was held for it (201); ``session_id`` is what to
    keep in the web app's own session, to touch and end.
    """

    session_id: str
    active: int
    limit: int
    idle_expires_at: datetime
    exempt: bool

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Admitted:
        return cls(
            session_id=data["sessionId"],
            active=data["active"],
            limit=data["limit"],
            idle_expires_at=parse_time(data["idleExpiresAt"]),
            exempt=data["exempt"],
        )


@dataclass(frozen=True, slots=True)
class Ticket:
    """A place in a full site's waiting line (an open answered 202, or a poll answered 200).

    Poll it again after ``poll_after_seconds``: asking keeps it in the line, and claims a seat held for it. Its id
    becomes the session's id once admitted.
    """

    ticket_id: str
    position: int
    """1 is next."""
    ahead: int
    shortest_wait_seconds: int | None
    """The likely wait, from how fast seats freed recently; ``None`` while there is too little history."""
    longest_wait_seconds: int | None
    poll_after_seconds: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ticket:
        return cls(
            ticket_id=data["ticketId"],
            position=data["position"],
            ahead=data["ahead"],
            shortest_wait_seconds=data.get("shortestWaitSeconds"),
            longest_wait_seconds=data.get("longestWaitSeconds"),
            poll_after_seconds=data["pollAfterSeconds"],
        )


@dataclass(frozen=True, slots=True)
class SessionState:
    """A live session's idle deadline: after a touch (which moved it) or a read (which did not)."""

    session_id: str
    idle_expires_at: datetime


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A live session as the site lists it."""

    session_id: str
    user_id: str
    roles: tuple[str, ...]
    client_ip: str | None
    user_agent: str | None
    started_at: datetime
    last_activity_at: datetime
    idle_expires_at: datetime
    exempt: bool

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SessionInfo:
        return cls(
            session_id=data["sessionId"],
            user_id=data["userId"],
            roles=tuple(data.get("roles") or ()),
            client_ip=data.get("clientIp"),
            user_agent=data.get("userAgent"),
            started_at=parse_time(data["startedAt"]),
            last_activity_at=parse_time(data["lastActivityAt"]),
            idle_expires_at=parse_time(data["idleExpiresAt"]),
            exempt=data["exempt"],
        )


@dataclass(frozen=True, slots=True)
class SessionPage:
    """One page of live sessions, oldest first; pass ``next_cursor`` for the next page, until it is ``None``."""

    sessions: tuple[SessionInfo, ...]
    next_cursor: str | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SessionPage:
        return cls(
            sessions=tuple(SessionInfo.from_json(s) for s in data["sessions"]),
            next_cursor=data.get("nextCursor"),
        )


@dataclass(frozen=True, slots=True)
class GuardSettings:
    """The site's sign-in guard: how many failed sign-ins block an address or a user, and for how long."""

    enabled: bool
    max_failures: int
    block_seconds: int
    window_seconds: int
    extend_while_blocked: bool
    per_user_max_failures: int
    """0: failures per user are not counted."""
    address_message: str
    user_message: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GuardSettings:
        return cls(
            enabled=data["enabled"],
            max_failures=data["maxFailures"],
            block_seconds=data["blockSeconds"],
            window_seconds=data["windowSeconds"],
            extend_while_blocked=data["extendWhileBlocked"],
            per_user_max_failures=data["perUserMaxFailures"],
            address_message=data["addressMessage"],
            user_message=data["userMessage"],
        )


@dataclass(frozen=True, slots=True)
class Site:
    """A site's settings, its counts now, and the first page of its live sessions (``GET /api/sites/{id}``)."""

    site_id: str
    limit: int
    """-1 unlimited, 0 closed, N seats."""
    idle_timeout_seconds: int
    on_full: str
    """``deny``, ``evict-idlest`` or ``queue``."""
    per_user_limit: int
    exempt_roles: tuple[str, ...]
    message: str
    closed_message: str
    user_limit_message: str
    max_sessions: int
    max_queue_length: int
    claim_seconds: int
    ticket_timeout_seconds: int
    guard: GuardSettings
    active: int
    """Sessions that take a seat."""
    exempt: int
    """Live sessions with an exempt role (listed, taking no seat)."""
    refusals_last_hour: int
    peak_today: int
    configured: bool
    """False while the site has no settings of its own and the server's defaults apply."""
    waiting: int
    """Tickets in the site's waiting line."""
    sessions: tuple[SessionInfo, ...]
    next_cursor: str | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Site:
        return cls(
            site_id=data["siteId"],
            limit=data["limit"],
            idle_timeout_seconds=data["idleTimeoutSeconds"],
            on_full=data["onFull"],
            per_user_limit=data["perUserLimit"],
            exempt_roles=tuple(data.get("exemptRoles") or ()),
            message=data["message"],
            closed_message=data["closedMessage"],
            user_limit_message=data["userLimitMessage"],
            max_sessions=data["maxSessions"],
            max_queue_length=data["maxQueueLength"],
            claim_seconds=data["claimSeconds"],
            ticket_timeout_seconds=data["ticketTimeoutSeconds"],
            guard=GuardSettings.from_json(data["guard"]),
            active=data["active"],
            exempt=data["exempt"],
            refusals_last_hour=data["refusalsLastHour"],
            peak_today=data["peakToday"],
            configured=data["configured"],
            waiting=data["waiting"],
            sessions=tuple(SessionInfo.from_json(s) for s in data["sessions"]),
            next_cursor=data.get("nextCursor"),
        )


@dataclass(frozen=True, slots=True)
class SiteActivity:
    """The site's history over the last 24 hours, one bucket a minute, oldest first."""

    site_id: str
    start: datetime
    """The start of the first bucket (the API's ``from``)."""
    bucket_seconds: int
    active: tuple[int, ...]
    """Per bucket: the most sessions counted at once."""
    refusals: tuple[int, ...]
    """Per bucket: sign-ins refused."""
    guard_refusals: tuple[int, ...]
    """Per bucket: sign-in attempts the guard refused."""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SiteActivity:
        return cls(
            site_id=data["siteId"],
            start=parse_time(data["from"]),
            bucket_seconds=data["bucketSeconds"],
            active=tuple(data["active"]),
            refusals=tuple(data["refusals"]),
            guard_refusals=tuple(data["guardRefusals"]),
        )
