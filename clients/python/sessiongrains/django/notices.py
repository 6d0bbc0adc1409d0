"""What a user is told when the integration signs them out or their place in line ends: one sentence each, posted
with ``django.contrib.messages`` for the next page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

ENDED = {
    "idle": "You were signed out because you were inactive for too long.",
    "logout": "You were signed out.",
    "kicked": "An administrator ended your session.",
    "evicted": "Your session was ended to make room for another user, because the site was full and you were the least active.",
}

LEFT_LINE = {
    "ticket_expired": "Your place in the waiting line lapsed because the waiting page was closed for too long. Please sign in again.",
    "claim_expired": "A seat was free for you but was not taken in time, so it went to the next in line. Please sign in again.",
    "site_closed": "The site closed, and its waiting line was sent away. Please try again later.",
    "ticket_removed": "An administrator took you out of the waiting line.",
}


def ended(request: HttpRequest, reason: str | None) -> None:
    messages.warning(request, ENDED.get(reason or "", "Your session ended. Please sign in again."))


def unknown(request: HttpRequest) -> None:
    messages.warning(request, "Your session is no longer valid. Please sign in again.")


def refused(request: HttpRequest, detail: str | None) -> None:
    messages.warning(request, f"You were away for a while and your seat went to someone else. {detail or ''}".strip())


def left_line(request: HttpRequest, code: str | None) -> None:
    messages.warning(request, LEFT_LINE.get(code or "", "You are no longer in the waiting line. Please sign in again."))


def left_line_yourself(request: HttpRequest) -> None:
    messages.info(request, "You left the waiting line.")
