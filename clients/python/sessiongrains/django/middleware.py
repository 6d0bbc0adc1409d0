"""Each request's part: touch the seat (spaced by the touch interval), act on its end, and answer a sign-in that got
no seat."""

from __future__ import annotations

import logging
import math
from typing import Any, Callable

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from ..errors import Refused, SessionEnded, SessionGrainsError, Unavailable, UnknownSession
from ..models import Ticket
from . import config, guard, notices, seats

logger = logging.getLogger("sessiongrains.django")


class SeatMiddleware:
    """Place it after Django's ``AuthenticationMiddleware`` and ``MessageMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # No session cookie, no signed-in user: spare the session and user lookups.
        if django_settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                answer = self._check_seat(request, user)
                if answer is not None:
                    return answer

        response = self.get_response(request)
        blocked = guard.blocked_on(request)
        if blocked is not None:
            # The sign-in page shows the guard's message (posted with django.contrib.messages); the status says why.
            response.status_code = 429
            if blocked.retry_after is not None:
                response["Retry-After"] = str(max(1, math.ceil(blocked.retry_after)))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, seats.SeatRefused):
            messages.error(request, exception.message)
            response = self._sign_in_page_again(request)
            response.status_code = 429
            if exception.retry_after is not None:
                response["Retry-After"] = str(max(1, math.ceil(exception.retry_after)))
            return response
        if isinstance(exception, seats.SeatQueued):
            return HttpResponseRedirect(reverse("sessiongrains:waiting"))
        return None

    @staticmethod
    def _sign_in_page_again(request: HttpRequest) -> HttpResponse:
        """The answer to a sign-in the site gave no seat: the sign-in page as a GET shows it (with the site's message
        among its messages), so the user sees the form they came from. A view that cannot be asked again (no resolved
        view) gets the integration's own page."""
        match = getattr(request, "resolver_match", None)
        if match is not None:
            request.method = "GET"
            response = match.func(request, *match.args, **match.kwargs)
            if isinstance(response, TemplateResponse):
                response.render()
            return response
        return TemplateResponse(
            request,
            "sessiongrains/refused.html",
            {"base_template": config.current().base_template, "retry_url": request.get_full_path()},
        ).render()

    def _check_seat(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        seat = request.session.get(seats.SEAT)
        if not seat:
            # Signed in before the integration was on: a seat like any sign-in, shared by the session's requests.
            return self._reseat(request, user, seats.stand_in(request, user))
        if not seats.touch_due(request):
            return None
        try:
            config.get_client().touch(seat)
        except SessionEnded as ended:
            if ended.reason == "idle" and config.current().resume_after_idle:
                return self._reseat(request, user, resumes=seat)
            seats.sign_out(request)
            notices.ended(request, ended.reason)
            return None
        except UnknownSession:
            seats.sign_out(request)
            notices.unknown(request)
            return None
        except SessionGrainsError as error:
            # The seat is held whatever happens here; an outage must not sign everybody out. Try at the next interval.
            logger.warning("Touching session %s failed (%s); the request goes on", seat, error.code)
        seats.touched(request)
        return None

    def _reseat(self, request: HttpRequest, user: Any, resumes: str) -> HttpResponse | None:
        """A new seat after an idle end (or for a session that never had one); ``resumes`` makes parallel requests share it."""
        try:
            result = seats.open_for(request, user, resumes=resumes)
        except Refused as refused:
            seats.sign_out(request)
            notices.refused(request, refused.detail)
            return None
        except (Unavailable, SessionGrainsError) as error:
            # Nobody can get a seat while the site is unreachable; let this request go on and try at the next interval.
            logger.warning("Asking for a new seat failed (%s); the request goes on", error.code)
            seats.touched(request)
            return None
        if isinstance(result, Ticket):
            # The site filled up while this user was away, and it queues: their place is kept, and they wait for it.
            backend = request.session.get(BACKEND_SESSION_KEY)
            next_url = request.get_full_path() if request.method == "GET" else None
            seats.sign_out(request)
            request.session[seats.TICKET] = seats.place(result, user, backend, next_url)
            return HttpResponseRedirect(reverse("sessiongrains:waiting"))
        seats.seated(request, result)
        logger.debug("Session %s took a new seat after idling", result.session_id)
        return None
