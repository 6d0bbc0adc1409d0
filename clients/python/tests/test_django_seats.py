"""The Django integration against the real server: sign-in takes a seat or is refused with the site's message,
touches are spaced by the touch interval, an ended session signs the user out and says why, idle sessions resume
with one seat however many requests race, sign-out frees the seat, and an unreachable server fails closed at sign-in
and open afterwards."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

import pytest

from conftest import wait_for
from django_browser import Browser
from sessiongrains import SessionEnded


@contextmanager
def requests_to(suffix: str) -> Iterator[list[str]]:
    """Counts the HTTP requests the integration sends whose path ends with ``suffix``, sending them as they are."""
    from sessiongrains.django import get_client

    transport = get_client()._http
    sent: list[str] = []
    original = transport.request

    def counted(method, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if path.endswith(suffix):
            sent.append(path)
        return original(method, path, *args, **kwargs)

    transport.request = counted  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        del transport.request


def test_sign_in_takes_a_seat_and_a_refused_sign_in_is_answered_429_with_the_sites_message(django_site):
    site = django_site({"limit": 1, "idleTimeoutSeconds": 600})
    alice, bob = Browser(), Browser()

    admitted = alice.sign_in("alice")
    refused = bob.sign_in("bob")

    assert admitted.status_code == 302
    seat = alice.seat()
    assert [(s.session_id, s.user_id, s.client_ip) for s in site.sessions()] == [(seat, "alice", "192.0.2.10")]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Sorry, there is already 1 user working on this site. Please try again later." in refused.content.decode().replace("&#x27;", "'")
    assert bob.seat() is None
    assert len(site.sessions()) == 1


def test_requests_within_the_touch_interval_send_no_touch(django_site):
    django_site({"limit": 5}, TOUCH_INTERVAL=30)
    alice = Browser()
    alice.sign_in("alice")

    with requests_to("/touch") as touches:
        for _ in range(5):
            assert alice.seat()
        assert touches == []

        alice.age_touch()
        for _ in range(5):
            assert alice.seat()
        assert len(touches) == 1


def test_a_kicked_user_is_signed_out_on_the_next_touch_and_told_why(django_site):
    site = django_site({"limit": 5})
    alice = Browser()
    alice.sign_in("alice")
    seat = alice.seat()

    site.server.kick(site.site_id, seat)
    alice.age_touch()

    assert alice.seat() is None
    assert "An administrator ended your session." in alice.messages()


def test_after_an_idle_end_parallel_requests_resume_with_one_seat(django_site):
    site = django_site({"limit": 5, "idleTimeoutSeconds": 1}, RESUME_AFTER_IDLE=True)
    alice = Browser()
    alice.sign_in("alice")
    first = alice.seat()

    def ended() -> bool:
        try:
            site.client.get_session(first)
        except SessionEnded:
            return True
        return False

    wait_for(ended, what="the session's idle end")
    alice.age_touch()
    cookies = alice.http.cookies
    seats: list[str | None] = []

    def request() -> None:
        browser = Browser()
        browser.http.cookies = cookies
        seats.append(browser.seat())

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(seats)) == 1 and seats[0] not in (None, first)
    assert [s.session_id for s in site.sessions()] == [seats[0]]


def test_signing_out_frees_the_seat(django_site):
    site = django_site({"limit": 1})
    alice, bob = Browser(), Browser()
    alice.sign_in("alice")

    alice.http.post("/logout/")

    assert site.sessions() == []
    assert bob.sign_in("bob").status_code == 302


def test_an_unreachable_server_refuses_sign_ins_but_keeps_signed_in_users(django_site, server):
    from django.test import override_settings

    from servers import free_port

    site = django_site({"limit": 5})
    alice, bob = Browser(), Browser()
    alice.sign_in("alice")
    down = {**site.settings, "URL": f"http://127.0.0.1:{free_port()}", "TIMEOUT": 2}

    with override_settings(SESSIONGRAINS=down):
        refused = bob.sign_in("bob")
        alice.age_touch()
        still_in = alice.seat()

    assert refused.status_code == 429
    assert "Signing in is not possible right now." in refused.content.decode()
    assert bob.seat() is None
    assert still_in is not None


@pytest.mark.parametrize(
    ("settings", "named"),
    [({"URL": "http://x"}, "SITE_ID, SITE_KEY"), ({"URL": "http://x", "SITE_ID": "s", "SITE_KEY": "k", "TOUCH_INTERVL": 3}, "TOUCH_INTERVL")],
)
def test_bad_settings_are_refused_naming_the_key(django_project, settings, named):
    from django.core.exceptions import ImproperlyConfigured
    from django.test import override_settings

    from sessiongrains.django import config

    with override_settings(SESSIONGRAINS=settings), pytest.raises(ImproperlyConfigured, match=named):
        config.current()


def test_a_session_signed_in_without_a_seat_takes_one_and_its_parallel_requests_share_it(django_site):
    site = django_site({"limit": 5})
    alice = Browser()
    alice.sign_in("alice")
    # As if alice had signed in before the integration was on: her session holds no seat.
    session = alice.session()
    site.client.end_session(session.pop("sessiongrains.seat"))
    session.save()
    cookies = alice.http.cookies
    seats: list[str | None] = []

    def request() -> None:
        browser = Browser()
        browser.http.cookies = cookies
        seats.append(browser.seat())

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(seats)) == 1 and seats[0] is not None
    assert [(s.session_id, s.user_id) for s in site.sessions()] == [(seats[0], "alice")]


def test_back_from_an_idle_end_to_a_full_site_that_queues_the_user_waits_in_line(django_site):
    site = django_site({"limit": 1, "idleTimeoutSeconds": 1, "onFull": "queue"})
    alice, bob = Browser(), Browser()
    alice.sign_in("alice")
    first = alice.seat()

    def ended() -> bool:
        try:
            site.client.get_session(first)
        except SessionEnded:
            return True
        return False

    wait_for(ended, what="the session's idle end")
    bob.sign_in("bob")
    alice.age_touch()
    back = alice.http.get("/me?page=2")

    assert back.status_code == 302 and back["Location"] == "/seat/waiting/"
    assert alice.http.get("/seat/waiting/status").json()["place"] == 1
    bob.http.post("/logout/")
    assert alice.http.get("/seat/waiting/status").json() == {"state": "admitted", "location": "/me?page=2"}
    assert alice.seat() is not None
