"""Django's sign-in and sign-out signals, wired to seats and the guard."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from . import guard, seats

ADMITTED = "_sessiongrains_admitted"
"""Set on the request by the waiting page: the seat the line held for the user signing in."""


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    # The password was right, whatever the site decides about a seat.
    guard.report(request, succeeded=True)
    seats.take_at_sign_in(request, user, getattr(request, ADMITTED, None))


def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    guard.report(request, succeeded=False)


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        seats.end_at_sign_out(request)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="sessiongrains.logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="sessiongrains.login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="sessiongrains.logged_out")
