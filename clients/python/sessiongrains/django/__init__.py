"""SessionGrains for Django: a seat per signed-in session, the sign-in guard and the waiting line.

Add ``"sessiongrains.django"`` to ``INSTALLED_APPS``, ``"sessiongrains.django.middleware.SeatMiddleware"`` to
``MIDDLEWARE`` (after the authentication and messages middleware),
``"sessiongrains.django.backends.SignInGuardBackend"`` first in ``AUTHENTICATION_BACKENDS``, the URLs of
``sessiongrains.django.urls`` (the waiting page), and ``SESSIONGRAINS = {"URL": …, "SITE_ID": …, "SITE_KEY": …}`` to
the settings. See the package's README for what happens when.
"""

from .config import get_client

__all__ = ["get_client"]
