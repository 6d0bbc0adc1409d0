"""Exceptions: one type per problem ``code`` the HTTP API answers a site key with.

Every error the server returns is an RFC 9457 problem with a stable ``code``; callers branch on the exception's type
(or on ``code``), never on wording. All types derive from :class:`SessionGrainsError`, which keeps the whole problem,
so nothing the server said is lost. A code this client does not know yet maps to the base class.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Mapping

from ._times import parse_time

__all__ = [
    "SessionGrainsError",
    "Refused",
    "SiteFull",
    "UserLimit",
    "MaxSessions",
    "SiteClosed",
    "SessionEnded",
    "UnknownSession",
    "SignInBlocked",
    "TicketEnded",
    "TicketExpired",
    "ClaimExpired",
    "TicketRemoved",
    "UnknownTicket",
    "InvalidRequest",
    "Unauthorized",
    "Forbidden",
    "RateLimited",
    "Unavailable",
    "error_for_problem",
]


class SessionGrainsError(Exception):
    """A request the service refused or could not answer.

    Attributes:
        code: the problem's stable code (``site_full``, ``session_ended``…); for failures that never reached the
            service, ``connection_failed`` or ``timeout``; ``error`` for an error response without a problem.
        status: the HTTP status, or ``None`` when no response came.
        detail: the problem's ``detail``, a sentence meant for people (for refusals, the site's own message).
        retry_after: seconds to wait before trying again, from ``Retry-After``; ``None`` when the server gave none.
        problem: the problem as the server sent it (an empty dict when there was none).
    """

    codes: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        code: str,
        status: int | None,
        detail: str,
        retry_after: int | None = None,
        problem: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{code} ({status}): {detail}" if status is not None else f"{code}: {detail}")
        self.code = code
        self.status = status
        self.detail = detail
        self.retry_after = retry_after
        self.problem: dict[str, Any] = dict(problem or {})

    @property
    def title(self) -> str | None:
        """The problem's short, fixed summary of its kind, if the server sent one."""
        title = self.problem.get("title")
        return title if isinstance(title, str) else None


class Refused(SessionGrainsError):
    """A sign-in the site refused: no session was opened. ``detail`` is the site's message for the user."""

    @property
    def active(self) -> int | None:
        """Counted sessions when the site decided (absent when a ticket was sent away)."""
        return _int_or_none(self.problem.get("active"))

    @property
    def limit(self) -> int | None:
        """The site's limit when it decided."""
        return _int_or_none(self.problem.get("limit"))


class SiteFull(Refused):
    """Every seat is taken (429); ``retry_after`` is when the idlest counted session would time out."""

    codes = ("site_full",)


class UserLimit(Refused):
    """The user already holds as many sessions as the site allows one user (429)."""

    codes = ("user_limit",)


class MaxSessions(Refused):
    """The site holds the most live sessions it may hold at all, exempt ones included (429)."""

    codes = ("max_sessions",)


class SiteClosed(Refused):
    """The site admits nobody new (limit 0): at sign-in (503), or while a ticket waited, which sent the line away (410)."""

    codes = ("site_closed",)


class SessionEnded(SessionGrainsError):
    """The session has ended (410): sign the user out. ``reason`` is ``idle``, ``logout``, ``kicked`` or ``evicted``."""

    codes = ("session_ended",)

    @property
    def reason(self) -> str | None:
        reason = self.problem.get("reason")
        return reason if isinstance(reason, str) else None


class UnknownSession(SessionGrainsError):
    """The site holds no session with this id: never admitted, or ended so long ago it is forgotten (404)."""

    codes = ("unknown_session",)


class SignInBlocked(SessionGrainsError):
    """The sign-in guard refuses the attempt (429): do not check the password. ``detail`` is the site's message."""

    codes = ("sign_in_blocked",)

    @property
    def scope(self) -> str | None:
        """``address`` or ``user``: what is blocked."""
        scope = self.problem.get("scope")
        return scope if isinstance(scope, str) else None

    @property
    def blocked_until(self) -> datetime | None:
        """When the block ends (aware)."""
        until = self.problem.get("blockedUntil")
        return parse_time(until) if isinstance(until, str) else None


class TicketEnded(SessionGrainsError):
    """A ticket left the waiting line without its holder leaving it (410): the user must sign in again to rejoin."""


class TicketExpired(TicketEnded):
    """The ticket was not asked about within the site's ticket timeout."""

    codes = ("ticket_expired",)


class ClaimExpired(TicketEnded):
    """A seat was held for the ticket and not claimed within the site's claim time; it went to the next in line."""

    codes = ("claim_expired",)


class TicketRemoved(TicketEnded):
    """An operator removed the ticket from the line."""

    codes = ("ticket_removed",)


class UnknownTicket(SessionGrainsError):
    """The site's line holds no ticket with this id: never given, left, or long gone (404)."""

    codes = ("unknown_ticket",)


class InvalidRequest(SessionGrainsError):
    """The request broke the API's rules and changed nothing (400, or 413/415 for the body).

    ``errors`` maps each bad field (its JSON name, e.g. ``clientIp``) to what is wrong with it; it is empty for
    ``invalid_json``, ``body_too_large`` and ``unsupported_media_type``, whose ``detail`` says what is wrong.
    """

    codes = ("invalid_request", "invalid_json", "body_too_large", "unsupported_media_type")

    @property
    def errors(self) -> dict[str, list[str]]:
        errors = self.problem.get("errors")
        if not isinstance(errors, dict):
            return {}
        return {str(field): [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
                for field, messages in errors.items()}


class Unauthorized(SessionGrainsError):
    """No key, or a key the service does not know (or one revoked) (401)."""

    codes = ("unauthorized",)


class Forbidden(SessionGrainsError):
    """The key may not do this: another site's id, or something only the admin key may do (403)."""

    codes = ("forbidden",)


class RateLimited(SessionGrainsError):
    """Over one of the server's rate limits (429): nothing was done; try again after ``retry_after``."""

    codes = ("rate_limited",)


class Unavailable(SessionGrainsError):
    """The service cannot answer now: it is down or unreachable, timed out, or its cluster or database is unavailable.

    Nothing new was admitted. Codes: ``service_unavailable``, ``storage_unavailable`` (from the server),
    ``connection_failed``, ``timeout`` (no answer came), or ``error`` for a gateway's 502/503/504 without a problem.
    """

    codes = ("service_unavailable", "storage_unavailable", "connection_failed", "timeout")


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _subclasses(base: type[SessionGrainsError]) -> list[type[SessionGrainsError]]:
    found = []
    for sub in base.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


_BY_CODE: dict[str, type[SessionGrainsError]] = {
    code: cls for cls in _subclasses(SessionGrainsError) for code in cls.codes
}

# Statuses a proxy or load balancer answers with when the service behind it is down; they carry no problem.
_GATEWAY_STATUSES = frozenset({502, 503, 504})


def error_for_problem(status: int, problem: Mapping[str, Any] | None, retry_after: int | None) -> SessionGrainsError:
    """The exception for an error response: by the problem's ``code``, or by status when the body was no problem."""
    problem = problem or {}
    code = problem.get("code")
    detail = problem.get("detail") or problem.get("title")
    if not isinstance(code, str):
        cls: type[SessionGrainsError] = Unavailable if status in _GATEWAY_STATUSES else SessionGrainsError
        return cls("error", status, str(detail or f"HTTP {status} without a problem body."), retry_after, problem)
    cls = _BY_CODE.get(code, SessionGrainsError)
    return cls(code, status, str(detail or code), retry_after, problem)
