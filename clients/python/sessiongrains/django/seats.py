"""A session's seat at each step, kept in the Django session: taken at sign-in, touched, taken again, ended.

The keys it keeps there are the integration's whole state in the web app; everything else is the site's.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from ..errors import Refused, SessionGrainsError, Unavailable
from ..models import Admitted, Ticket
from . import config

logger = logging.getLogger("sessiongrains.django")

SEAT = "sessiongrains.seat"
"""The session id at the site: the seat this Django session holds."""
TOUCHED = "sessiongrains.touched"
"""When this session last touched its seat (seconds since the epoch), so touches are spaced by the touch interval."""
TICKET = "sessiongrains.ticket"
"""A queued sign-in: the ticket, who signs in with it and where to go after."""

UNAVAILABLE_MESSAGE = "Signing in is not possible right now. Please try again in a moment."
MAX_USER_AGENT = 1024


class SeatRefused(Exception):
    """The site gave no seat at sign-in; the Django session was undone. The middleware answers 429 with ``message``."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class SeatQueued(Exception):
    """The site put the user in its waiting line at sign-in; the middleware sends them to the waiting page."""

    def __init__(self, ticket: Ticket) -> None:
        super().__init__(f"number {ticket.position} in the waiting line")
        self.ticket = ticket


def open_for(request: HttpRequest, user: Any, resumes: str | None = None) -> Admitted | Ticket:
    """Asks the site for a seat for ``user``, as this request shows them (address, browser, roles)."""
    settings = config.current()
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:MAX_USER_AGENT]
    return config.get_client().open_session(
        settings.user_id(user),
        roles=settings.roles(user),
        client_ip=settings.client_ip(request),
        # A browser's header is no reason to refuse a sign-in: one the site could not store is left out.
        user_agent=user_agent if user_agent and user_agent.isprintable() else None,
        resumes=resumes,
    )


def take_at_sign_in(request: HttpRequest, user: Any, admitted: Admitted | None) -> None:
    """Gives the Django session just signed in a seat, or undoes the sign-in and raises why not.

    ``admitted`` is the seat the waiting line held for this user, taken as it is. Raises :class:`SeatRefused` (the
    site refused, or could not be reached: no seat, no sign-in) or :class:`SeatQueued` (the user's place in line is
    kept in the session, for the waiting page).
    """
    previous = request.session.get(SEAT)
    if admitted is None:
        try:
            result = open_for(request, user)
        except Refused as refused:
            _undo_sign_in(request)
            logger.info("The site refused a seat (%s) to user %s", refused.code, config.current().user_id(user))
            raise SeatRefused(refused.detail or "The site is full. Please try again later.", refused.retry_after) from refused
        except Unavailable as unavailable:
            # Fail closed: without a seat the site's limit cannot be kept, so nobody new gets in until it answers.
            _undo_sign_in(request)
            logger.warning("Signing in user %s was refused: the site could not give a seat (%s)", config.current().user_id(user), unavailable.code)
            raise SeatRefused(UNAVAILABLE_MESSAGE, 10) from unavailable
        except SessionGrainsError:
            _undo_sign_in(request)
            raise
        if isinstance(result, Ticket):
            backend = request.session.get(BACKEND_SESSION_KEY)
            _undo_sign_in(request)
            request.session[TICKET] = place(result, user, backend, _next_of(request))
            logger.info("The site is full and put user %s in its waiting line at %d", config.current().user_id(user), result.position)
            raise SeatQueued(result)
        admitted = result

    if previous and previous != admitted.session_id:
        # The same browser signed in again (the same user: Django kept the session): the old seat is not needed.
        end_quietly(previous)
    request.session[SEAT] = admitted.session_id
    request.session.pop(TICKET, None)
    request.session[TOUCHED] = time.time()


def place(ticket: Ticket, user: Any, backend: str | None, next_url: str | None) -> dict[str, Any]:
    """What the session keeps of a queued sign-in: the ticket, the user (by primary key) and backend to sign in with
    once admitted, and where to go then."""
    return {"ticket": ticket.ticket_id, "user": str(user._meta.pk.value_to_string(user)), "backend": backend, "next": next_url}


def touch_due(request: HttpRequest) -> bool:
    """Whether this session's last touch is a touch interval old (or it never touched)."""
    touched = request.session.get(TOUCHED)
    return not isinstance(touched, (int, float)) or time.time() - touched >= config.current().touch_interval


def touched(request: HttpRequest) -> None:
    request.session[TOUCHED] = time.time()


def seated(request: HttpRequest, admitted: Admitted) -> None:
    request.session[SEAT] = admitted.session_id
    request.session[TOUCHED] = time.time()


def stand_in(request: HttpRequest, user: Any) -> str:
    """A session id that stands for "the seat of this Django session" until it has one.

    Derived from the session key, the user and the site, so every request of a session signed in before the
    integration was on (parallel ones too) names the same one as ``resumes``, and together they take one seat.
    """
    source = f"sessiongrains:stand-in\n{config.current().site_id}\n{config.current().user_id(user)}\n{request.session.session_key}"
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:32]


def sign_out(request: HttpRequest) -> None:
    """Signs the user out because their seat is gone; the sign-out does not end the seat again."""
    request._sessiongrains_signing_out = True  # type: ignore[attr-defined]
    logout(request)


def end_at_sign_out(request: HttpRequest) -> None:
    """Ends the seat of a session the user signs out of, unless the integration is the one signing them out."""
    if getattr(request, "_sessiongrains_signing_out", False):
        return
    seat = request.session.get(SEAT)
    if seat:
        end_quietly(seat)


def end_quietly(session_id: str) -> None:
    try:
        config.get_client().end_session(session_id)
    except SessionGrainsError as error:
        # Signing out must not fail; the seat then frees itself at its idle deadline.
        logger.warning("Ending session %s failed (%s); it will end at its idle deadline", session_id, error.code)


def _undo_sign_in(request: HttpRequest) -> None:
    # What django.contrib.auth.logout does, without its signal: this sign-in never held a seat to end.
    request.session.flush()
    if hasattr(request, "user"):
        request.user = AnonymousUser()


def _next_of(request: HttpRequest) -> str | None:
    from django.contrib.auth import REDIRECT_FIELD_NAME

    return request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or None
