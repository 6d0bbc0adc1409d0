"""Reading the site with its key: details, pages of sessions, activity; and what the key may not do."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sessiongrains import Client, Forbidden, GuardSettings, InvalidRequest, Unauthorized


def test_get_site_shows_settings_counts_and_live_sessions(make_site):
    site_id, client = make_site({"limit": 4, "idleTimeoutSeconds": 900, "exemptRoles": ["support"], "perUserLimit": 2})
    alice = client.open_session("alice", roles=["staff"], client_ip="2001:DB8:0::1", user_agent="Firefox")
    client.open_session("sam", roles=["support"])

    site = client.get_site()

    assert (site.site_id, site.limit, site.idle_timeout_seconds, site.per_user_limit) == (site_id, 4, 900, 2)
    assert site.on_full == "deny" and site.exempt_roles == ("support",) and site.configured
    assert (site.active, site.exempt, site.waiting) == (1, 1, 0)
    assert isinstance(site.guard, GuardSettings) and site.guard.enabled
    assert site.next_cursor is None
    first = site.sessions[0]
    assert first.session_id == alice.session_id
    assert (first.user_id, first.roles, first.client_ip, first.user_agent) == ("alice", ("staff",), "2001:db8::1", "Firefox")
    assert first.started_at.tzinfo is not None and first.started_at <= first.last_activity_at < first.idle_expires_at
    assert [s.exempt for s in site.sessions] == [False, True]


def test_sessions_come_in_pages_oldest_first(make_site):
    _, client = make_site()
    opened = [client.open_session(f"user-{n}").session_id for n in range(5)]

    first = client.list_sessions(limit=2)
    second = client.list_sessions(limit=2, cursor=first.next_cursor)

    assert [s.session_id for s in first.sessions] == opened[:2]
    assert [s.session_id for s in second.sessions] == opened[2:4]
    assert [s.session_id for s in client.iter_sessions(page_size=2)] == opened
    assert client.list_sessions().next_cursor is None


def test_a_bad_page_size_is_an_invalid_request_naming_it(make_site):
    _, client = make_site()

    with pytest.raises(InvalidRequest) as invalid:
        client.list_sessions(limit=0)
    assert "limit" in invalid.value.errors


def test_activity_has_a_day_of_minute_buckets(make_site):
    site_id, client = make_site({"limit": 1})
    client.open_session("alice")

    activity = client.get_activity()

    assert activity.site_id == site_id and activity.bucket_seconds == 60
    assert len(activity.active) == len(activity.refusals) == len(activity.guard_refusals) == 1440
    assert activity.active[-1] == 1
    assert abs(activity.start - (datetime.now(timezone.utc) - timedelta(days=1))) < timedelta(minutes=2)


def test_another_sites_id_is_forbidden(server, make_site):
    site_id, _ = make_site()
    other_site, _ = make_site()
    intruder = Client(server.address, other_site, server.issue_key(site_id))

    with pytest.raises(Forbidden) as forbidden:
        intruder.open_session("alice")
    assert forbidden.value.status == 403
    with pytest.raises(Forbidden):
        intruder.get_site()
    intruder.close()


def test_a_wrong_key_is_unauthorized_and_never_shown(server, make_site):
    site_id, _ = make_site()
    secret = "sgk_not-a-real-key-but-a-secret-all-the-same"
    client = Client(server.address, site_id, secret)

    with pytest.raises(Unauthorized) as unauthorized:
        client.touch("0123456789abcdef0123456789abcdef")

    assert unauthorized.value.status == 401
    assert secret not in str(unauthorized.value) and secret not in repr(unauthorized.value)
    assert secret not in repr(client) and site_id in repr(client)
    client.close()
