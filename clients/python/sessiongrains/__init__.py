"""A client for SessionGrains' HTTP API: seats for a site's sessions, its waiting line and its sign-in guard.

Standard library only. Start with :class:`Client`; results are in :mod:`sessiongrains.models`, exceptions (one per
problem code) in :mod:`sessiongrains.errors`.
"""

from .client import DEFAULT_TIMEOUT, Client
from .errors import (
    ClaimExpired,
    Forbidden,
    InvalidRequest,
    MaxSessions,
    RateLimited,
    Refused,
    SessionEnded,
    SessionGrainsError,
    SignInBlocked,
    SiteClosed,
    SiteFull,
    TicketEnded,
    TicketExpired,
    TicketRemoved,
    Unauthorized,
    Unavailable,
    UnknownSession,
    UnknownTicket,
    UserLimit,
)
from .models import Admitted, GuardSettings, SessionInfo, SessionPage, SessionState, Site, SiteActivity, Ticket

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_TIMEOUT",
    "Client",
    "Admitted",
    "Ticket",
    "SessionState",
    "SessionInfo",
    "SessionPage",
    "GuardSettings",
    "Site",
    "SiteActivity",
    "SessionGrainsError",
    "Refused",
    "SiteFull",
    "UserLimit",
    "MaxSessions",
    "SiteClosed",
    "SessionEnded",
    "UnknownSession",
    "SignInBlocked",
    "TicketEnded",
    "TicketExpired",
    "ClaimExpired",
    "TicketRemoved",
    "UnknownTicket",
    "InvalidRequest",
    "Unauthorized",
    "Forbidden",
    "RateLimited",
    "Unavailable",
]
