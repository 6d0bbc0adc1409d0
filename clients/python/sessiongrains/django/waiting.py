"""The waiting page's logic: what a visit finds, shared by the page and its status, so a browser without script (the
page refreshes itself) and one with it (the script asks for the status) move through the line alike."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model, login
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from ..errors import SessionGrainsError, SiteClosed, TicketEnded, Unavailable, UnknownTicket
from ..models import Admitted, Ticket
from . import config, notices, seats
from .signals import ADMITTED

logger = logging.getLogger("sessiongrains.django")

RETRY_AFTER_OUTAGE = 5


@dataclass(frozen=True)
class Waiting:
    ticket: Ticket


@dataclass(frozen=True)
class Unreachable:
    poll_after_seconds: int = RETRY_AFTER_OUTAGE


@dataclass(frozen=True)
class GoTo:
    """Signed in (``admitted``), or not in the line (any more): go on to ``location``."""

    location: str
    admitted: bool


State = Waiting | Unreachable | GoTo


def visit(request: HttpRequest) -> State:
    """Asks the site about this session's ticket, which keeps it in the line; signs the user in once a seat is theirs."""
    place = request.session.get(seats.TICKET)
    if not isinstance(place, dict) or not place.get("ticket"):
        return GoTo(_login_url(), admitted=False)
    try:
        answer = config.get_client().poll_ticket(place["ticket"])
    except (TicketEnded, UnknownTicket, SiteClosed) as ended:
        del request.session[seats.TICKET]
        logger.info("A ticket left the waiting line without a seat (%s)", ended.code)
        notices.left_line(request, ended.code)
        return GoTo(_login_url(), admitted=False)
    except (Unavailable, SessionGrainsError) as error:
        # The place is kept by the site, not by this answer: the page asks again shortly.
        logger.warning("Asking about a ticket in the waiting line failed (%s); the waiting page asks again", error.code)
        return Unreachable()
    if isinstance(answer, Ticket):
        return Waiting(answer)
    return _sign_in(request, place, answer)


def leave(request: HttpRequest) -> str:
    """The user leaves the line: their place goes to those behind them at once. Returns where to go."""
    place = request.session.pop(seats.TICKET, None)
    if isinstance(place, dict) and place.get("ticket"):
        try:
            config.get_client().leave_line(place["ticket"])
        except SessionGrainsError as error:
            # Not asked about any more, the ticket leaves the line at its timeout anyway.
            logger.warning("Leaving the waiting line failed (%s); the ticket lapses at its timeout", error.code)
        notices.left_line_yourself(request)
    return _login_url()


def _sign_in(request: HttpRequest, place: dict[str, Any], admitted: Admitted) -> GoTo:
    user = get_user_model()._default_manager.filter(pk=place.get("user")).first()
    if user is None or not getattr(user, "is_active", True):
        # The account went away while its owner waited: the seat is not theirs to take.
        del request.session[seats.TICKET]
        seats.end_quietly(admitted.session_id)
        notices.left_line(request, None)
        return GoTo(_login_url(), admitted=False)
    next_url = place.get("next")
    setattr(request, ADMITTED, admitted)
    login(request, user, backend=place.get("backend"))
    request.session.pop(seats.TICKET, None)
    safe = next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return GoTo(next_url if safe else str(resolve_url(django_settings.LOGIN_REDIRECT_URL)), admitted=True)


def _login_url() -> str:
    return str(resolve_url(django_settings.LOGIN_URL))
