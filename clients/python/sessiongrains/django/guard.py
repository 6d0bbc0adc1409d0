"""The site's sign-in guard around Django's ``authenticate``: asked before any password check, told how it went."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from ..errors import SessionGrainsError, SignInBlocked, Unavailable
from . import config

logger = logging.getLogger("sessiongrains.django")

# Set on the request by the guard's backend: the user name it asked about, or the block it was answered with.
ASKED = "_sessiongrains_guard_asked"
BLOCKED = "_sessiongrains_guard_blocked"


def check(request: HttpRequest, username: str) -> SignInBlocked | None:
    """Asks whether this client may try to sign in as ``username``; the block when not. Fails open."""
    try:
        config.get_client().check_sign_in(_address(request), username)
    except SignInBlocked as blocked:
        setattr(request, BLOCKED, blocked)
        messages.error(request, blocked.detail or "Too many failed sign-ins. Please try again later.")
        return blocked
    except (Unavailable, SessionGrainsError) as error:
        # Fail open: the password check still runs, and the sign-in still needs a seat, which fails closed.
        logger.warning("Asking the sign-in guard failed (%s); the password check goes ahead", error.code)
        return None
    setattr(request, ASKED, username)
    return None


def report(request: HttpRequest | None, succeeded: bool) -> None:
    """Tells the guard how a sign-in it allowed went; nothing for one it blocked, or one it was not asked about."""
    username = getattr(request, ASKED, None) if request is not None else None
    if username is None or request is None:
        return
    delattr(request, ASKED)
    try:
        config.get_client().report_sign_in(_address(request), username, succeeded)
    except SessionGrainsError as error:
        logger.warning("Reporting a sign-in to the guard failed (%s)", error.code)


def blocked_on(request: HttpRequest) -> SignInBlocked | None:
    return getattr(request, BLOCKED, None)


def _address(request: HttpRequest) -> str:
    # The guard needs an address; a request without one (a test client, a unix socket) counts as the loopback.
    return config.current().client_ip(request) or "127.0.0.1"
