"""The guard's place in ``AUTHENTICATION_BACKENDS``: first, so it is asked before any backend checks a password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from . import guard


class SignInGuardBackend(BaseBackend):
    """Authenticates nobody itself. When the site's guard blocks this client or user, it stops the sign-in before
    any password is checked (``PermissionDenied``: Django tries no further backend); otherwise the next backend runs.
    The user name typed is the user id the guard counts."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, **credentials: Any) -> None:
        if request is None or not username:
            return None
        if guard.check(request, username) is not None:
            raise PermissionDenied("The sign-in guard blocked this attempt.")
        return None
