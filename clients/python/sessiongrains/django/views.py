"""The waiting page, its status as JSON (for the page's script, or an app's own page), leaving the line, the script."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import config, waiting, waittext

SCRIPT = (Path(__file__).parent / "waiting.js").read_bytes()


@never_cache
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    state = waiting.visit(request)
    if isinstance(state, waiting.GoTo):
        return HttpResponseRedirect(state.location)
    if isinstance(state, waiting.Waiting):
        ticket = state.ticket
        position, estimate, poll_after = waittext.position(ticket), waittext.estimate(ticket), ticket.poll_after_seconds
        title = f"{ticket.position} in line · Waiting for a seat"
    else:
        position, estimate, poll_after, title = waittext.UNAVAILABLE, "", state.poll_after_seconds, "Waiting for a seat"
    return render(
        request,
        "sessiongrains/waiting.html",
        {
            "base_template": config.current().base_template,
            "position": position,
            "estimate": estimate,
            "poll_seconds": max(1, int(poll_after)),
            "title": title,
            "status_url": reverse("sessiongrains:waiting-status"),
            "script_url": reverse("sessiongrains:waiting-script"),
            "leave_url": reverse("sessiongrains:leave"),
        },
    )


@never_cache
@require_GET
def status(request: HttpRequest) -> JsonResponse:
    state = waiting.visit(request)
    if isinstance(state, waiting.Waiting):
        ticket = state.ticket
        return JsonResponse({
            "state": "waiting",
            "place": ticket.position,
            "position": waittext.position(ticket),
            "estimate": waittext.estimate(ticket),
            "shortestWaitSeconds": ticket.shortest_wait_seconds,
            "longestWaitSeconds": ticket.longest_wait_seconds,
            "pollAfterSeconds": ticket.poll_after_seconds,
        })
    if isinstance(state, waiting.Unreachable):
        return JsonResponse({"state": "unavailable", "position": waittext.UNAVAILABLE, "pollAfterSeconds": state.poll_after_seconds})
    return JsonResponse({"state": "admitted" if state.admitted else "gone", "location": state.location})


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(waiting.leave(request))


@require_GET
def script(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(SCRIPT, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
