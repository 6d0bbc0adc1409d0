"""Refused sign-ins and requests, each raised as the exception of its problem code with what the server said."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from sessiongrains import (
    InvalidRequest,
    MaxSessions,
    RateLimited,
    Refused,
    SessionGrainsError,
    SiteClosed,
    SiteFull,
    UserLimit,
)
from conftest import OPEN_BURST


def test_a_full_site_refuses_with_its_message_figures_and_retry_after(make_site):
    _, client = make_site({"limit": 1, "idleTimeoutSeconds": 300, "message": "Full: {active} of {limit}."})
    client.open_session("alice")

    with pytest.raises(SiteFull) as full:
        client.open_session("bob")

    refusal = full.value
    assert isinstance(refusal, Refused) and isinstance(refusal, SessionGrainsError)
    assert (refusal.code, refusal.status) == ("site_full", 429)
    assert refusal.detail == "Full: 1 of 1."
    assert (refusal.active, refusal.limit) == (1, 1)
    assert refusal.retry_after is not None and 290 <= refusal.retry_after <= 300
    assert refusal.problem["code"] == "site_full" and refusal.title


def test_a_user_over_the_per_user_limit_is_refused_with_the_user_limit_message(make_site):
    _, client = make_site({"limit": 5, "perUserLimit": 1, "userLimitMessage": "You have {active} of {limit}."})
    client.open_session("alice")

    with pytest.raises(UserLimit) as refused:
        client.open_session("alice")
    assert (refused.value.code, refused.value.status, refused.value.detail) == ("user_limit", 429, "You have 1 of 1.")


def test_a_site_at_its_most_sessions_refuses_even_exempt_roles(make_site):
    _, client = make_site({"limit": -1, "maxSessions": 1, "exemptRoles": ["support"]})
    client.open_session("alice")

    with pytest.raises(MaxSessions) as refused:
        client.open_session("sam", roles=["support"])
    assert (refused.value.code, refused.value.status) == ("max_sessions", 429)


def test_a_closed_site_refuses_with_its_closed_message(make_site):
    _, client = make_site({"limit": 0, "closedMessage": "Closed for maintenance."})

    with pytest.raises(SiteClosed) as closed:
        client.open_session("alice")
    assert (closed.value.code, closed.value.status, closed.value.detail) == ("site_closed", 503, "Closed for maintenance.")


def test_invalid_fields_are_named_in_errors(make_site):
    _, client = make_site()

    with pytest.raises(InvalidRequest) as invalid:
        client.open_session("alice\u202e", client_ip="127.1")

    assert (invalid.value.code, invalid.value.status) == ("invalid_request", 400)
    assert set(invalid.value.errors) == {"userId", "clientIp"}
    assert all(invalid.value.errors[field] for field in ("userId", "clientIp"))


def test_a_malformed_resumes_is_an_invalid_request(make_site):
    _, client = make_site()

    with pytest.raises(InvalidRequest) as invalid:
        client.open_session("alice", resumes="not-a-session-id")
    assert "resumes" in invalid.value.errors


def test_too_many_sign_ins_at_once_are_rate_limited(make_site):
    _, client = make_site()

    def open_one(n: int) -> RateLimited | None:
        try:
            client.open_session(f"user-{n}")
        except RateLimited as limited:
            return limited
        return None

    # The site's keys may send OPEN_BURST sign-ins at once; well past it, sent together (so however slow the machine,
    # they arrive faster than the bucket refills), some must be refused.
    with ThreadPoolExecutor(max_workers=16) as pool:
        refusals = [limited for limited in pool.map(open_one, range(OPEN_BURST * 4)) if limited is not None]

    assert refusals
    assert (refusals[0].code, refusals[0].status) == ("rate_limited", 429)
    assert refusals[0].retry_after is not None and refusals[0].retry_after >= 1
