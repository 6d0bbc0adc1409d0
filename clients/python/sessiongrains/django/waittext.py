"""The waiting page's sentences, in one place, for the page and its status (which the script shows)."""

from __future__ import annotations

import math

from ..models import Ticket

UNAVAILABLE = "The site cannot be reached right now. Your place is kept; this page keeps trying."


def position(ticket: Ticket) -> str:
    if ticket.position == 1:
        return "You are next in line."
    return f"You are number {ticket.position} in line, with {ticket.ahead} ahead of you."


def estimate(ticket: Ticket) -> str:
    """The site's own estimate as a range of whole minutes, or a plain "cannot say" while it has no history."""
    shortest, longest = ticket.shortest_wait_seconds, ticket.longest_wait_seconds
    if shortest is None or longest is None:
        return "The wait cannot be estimated yet: too few seats have freed up recently."
    return f"Estimated wait: {_range(shortest, longest)}."


def _range(shortest: float, longest: float) -> str:
    if longest < 60:
        return "less than a minute"
    if shortest >= 90 * 60:
        return _span(round(shortest / 3600), round(longest / 3600), "hour")
    # Whole minutes, never below one: "0–2 minutes" reads as a promise of none.
    return _span(max(1, math.floor(shortest / 60)), max(1, math.ceil(longest / 60)), "minute")


def _span(low: int, high: int, unit: str) -> str:
    if low >= high:
        return f"about {high} {unit}{'' if high == 1 else 's'}"
    return f"{low}–{high} {unit}s"
