"""The Django integration's sign-in guard against the real server: failures are counted per address and user, and
once blocked even the right password is answered 429 with the guard's message, without a seat."""

from __future__ import annotations

import html

from django_browser import Browser


def test_the_guard_blocks_after_the_configured_failures_and_then_refuses_even_the_right_password(django_site):
    site = django_site({"limit": 5, "guard": {"maxFailures": 2, "blockSeconds": 60}})
    mallory = Browser()

    for attempt in range(2):
        wrong = mallory.sign_in("alice", password=f"guess-{attempt}")
        assert wrong.status_code == 200  # the form says the password was wrong

    blocked = mallory.sign_in("alice")

    assert blocked.status_code == 429
    assert 0 < int(blocked["Retry-After"]) <= 60
    assert "Too many failed sign-ins from your address. Please try again in 60 seconds." in html.unescape(blocked.content.decode())
    assert mallory.seat() is None
    assert site.sessions() == []


def test_a_good_sign_in_is_reported_and_clears_the_users_failures(django_site):
    django_site({"limit": 5, "guard": {"maxFailures": 2, "blockSeconds": 60}})
    alice = Browser()

    assert alice.sign_in("alice", password="typo").status_code == 200
    assert alice.sign_in("alice").status_code == 302
    alice.http.post("/logout/")

    # One failure was forgotten with the success: one more wrong password does not block.
    assert alice.sign_in("alice", password="typo").status_code == 200
    assert alice.sign_in("alice").status_code == 302
