"""Sessions: open, touch, read, end, and how each way a session ends reaches the web app."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from sessiongrains import Admitted, InvalidRequest, SessionEnded, SessionState, UnknownSession


def test_open_returns_the_admitted_session_with_the_site_figures(make_site):
    _, client = make_site({"limit": 3, "idleTimeoutSeconds": 600})

    opened = client.open_session("alice", roles=["staff"], client_ip="203.0.113.7", user_agent="pytest")

    assert isinstance(opened, Admitted)
    assert len(opened.session_id) == 32
    assert (opened.active, opened.limit, opened.exempt) == (1, 3, False)
    assert opened.idle_expires_at.tzinfo is not None
    assert 590 < (opened.idle_expires_at - datetime.now(timezone.utc)).total_seconds() <= 600


def test_open_with_an_exempt_role_takes_no_seat(make_site):
    _, client = make_site({"limit": 1, "exemptRoles": ["support"]})

    opened = client.open_session("sam", roles=["support"])

    assert isinstance(opened, Admitted) and opened.exempt
    assert opened.active == 0


def test_touch_moves_the_idle_deadline_and_reading_does_not(make_site):
    _, client = make_site({"idleTimeoutSeconds": 600})
    opened = client.open_session("alice")

    touched = client.touch(opened.session_id)
    read = client.get_session(opened.session_id)

    assert isinstance(touched, SessionState) and touched.session_id == opened.session_id
    assert touched.idle_expires_at > opened.idle_expires_at
    assert read == SessionState(opened.session_id, touched.idle_expires_at)


def test_end_is_a_logout_and_frees_the_seat(make_site):
    _, client = make_site({"limit": 1})
    first = client.open_session("alice")

    client.end_session(first.session_id)
    client.end_session(first.session_id)  # also fine once ended

    with pytest.raises(SessionEnded) as ended:
        client.touch(first.session_id)
    assert ended.value.reason == "logout"
    assert (ended.value.status, ended.value.code) == (410, "session_ended")
    assert isinstance(client.open_session("bob"), Admitted)


def test_reading_an_ended_session_raises_as_touching_does(make_site):
    _, client = make_site()
    opened = client.open_session("alice")
    client.end_session(opened.session_id)

    with pytest.raises(SessionEnded) as ended:
        client.get_session(opened.session_id)
    assert ended.value.reason == "logout"


def test_a_kicked_session_ends_with_the_reason_kicked(server, make_site):
    site_id, client = make_site()
    opened = client.open_session("alice")

    server.kick(site_id, opened.session_id)

    with pytest.raises(SessionEnded) as ended:
        client.touch(opened.session_id)
    assert ended.value.reason == "kicked"


def test_an_evicted_session_ends_with_the_reason_evicted(make_site):
    _, client = make_site({"limit": 1, "onFull": "evict-idlest"})
    first = client.open_session("alice")

    client.open_session("bob")

    with pytest.raises(SessionEnded) as ended:
        client.touch(first.session_id)
    assert ended.value.reason == "evicted"


def test_a_session_never_admitted_is_unknown(make_site):
    _, client = make_site()

    with pytest.raises(UnknownSession) as unknown:
        client.touch("0123456789abcdef0123456789abcdef")
    assert unknown.value.status == 404
    with pytest.raises(UnknownSession):
        client.get_session("0123456789abcdef0123456789abcdef")


def test_ids_are_quoted_into_one_path_segment(make_site):
    _, client = make_site()

    # Unquoted, these would reach other routes (or none) and answer not_found; quoted, the session route refuses the id.
    for bad_id in ("../../x", "a/b?c#d", "x y"):
        with pytest.raises(InvalidRequest) as invalid:
            client.touch(bad_id)
        assert invalid.value.code == "invalid_request", bad_id


def test_parallel_opens_that_resume_one_session_get_one_new_session(make_site):
    _, client = make_site({"limit": 5})
    previous = client.open_session("alice")
    results: list[object] = []
    start = threading.Barrier(8)

    def resume() -> None:
        start.wait()
        results.append(client.open_session("alice", resumes=previous.session_id))

    threads = [threading.Thread(target=resume) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(isinstance(result, Admitted) for result in results) and len(results) == 8
    assert len({result.session_id for result in results}) == 1  # type: ignore[attr-defined]
    assert results[0].session_id != previous.session_id  # type: ignore[attr-defined]
    assert client.get_site().active == 1
    # The resumed session was still live at the site: resuming ended it for idleness.
    with pytest.raises(SessionEnded) as ended:
        client.touch(previous.session_id)
    assert ended.value.reason == "idle"
