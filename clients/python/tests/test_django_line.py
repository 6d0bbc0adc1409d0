"""The Django integration's waiting line against the real server: queued sign-ins wait on the waiting page in the
order they came, and the visit after a seat was held for one signs that user in with it; leaving and lapsing send the
user back to sign in with the reason."""

from __future__ import annotations

from pathlib import Path

from django.test import override_settings

from django_browser import Browser

REPOSITORY = Path(__file__).resolve().parents[3]


def status(browser: Browser) -> dict:
    response = browser.http.get("/seat/waiting/status")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    return response.json()


def test_queued_sign_ins_wait_in_order_and_each_is_signed_in_with_the_seat_held_for_them(django_site):
    site = django_site({"limit": 1, "onFull": "queue", "claimSeconds": 60})
    alice, bob, carol = Browser(), Browser(), Browser()
    alice.sign_in("alice")

    bob_queued = bob.sign_in("bob", next_url="/me?from=line")
    carol_queued = carol.sign_in("carol", next_url="https://elsewhere.example/steal")

    assert bob_queued.status_code == carol_queued.status_code == 302
    assert bob_queued["Location"] == "/seat/waiting/"
    assert bob.seat() is None
    page = bob.http.get("/seat/waiting/")
    assert page.status_code == 200 and "You are next in line." in page.content.decode()
    assert status(carol)["position"] == "You are number 2 in line, with 1 ahead of you."

    alice.http.post("/logout/")
    admitted = status(bob)

    assert admitted == {"state": "admitted", "location": "/me?from=line"}
    seat = bob.seat()
    assert [(s.session_id, s.user_id) for s in site.sessions()] == [(seat, "bob")]
    assert status(carol)["place"] == 1

    # Carol's return address pointed off the site: she goes to the project's LOGIN_REDIRECT_URL (here a URL's name).
    bob.http.post("/logout/")
    with override_settings(LOGIN_REDIRECT_URL="me"):
        assert carol.http.get("/seat/waiting/")["Location"] == "/me"
    assert [s.user_id for s in site.sessions()] == ["carol"]


def test_a_seat_not_claimed_in_time_sends_the_user_back_to_sign_in_and_says_why(django_site):
    from conftest import wait_for

    django_site({"limit": 1, "onFull": "queue", "claimSeconds": 1, "ticketTimeoutSeconds": 60})
    alice, bob, carol = Browser(), Browser(), Browser()
    alice.sign_in("alice")
    bob.sign_in("bob")
    carol.sign_in("carol")

    alice.http.post("/logout/")
    # Carol keeps asking; bob does not come, so once his claim time is over the seat is hers.
    wait_for(lambda: status(carol)["state"] == "admitted", what="the seat to pass to carol")

    assert status(bob) == {"state": "gone", "location": "/login/"}
    assert "A seat was free for you but was not taken in time, so it went to the next in line. Please sign in again." in bob.messages()


def test_leaving_the_line_moves_those_behind_up(django_site):
    django_site({"limit": 1, "onFull": "queue"})
    alice, bob, carol = Browser(), Browser(), Browser()
    alice.sign_in("alice")
    bob.sign_in("bob")
    carol.sign_in("carol")

    left = bob.http.post("/seat/waiting/leave")

    assert left.status_code == 302 and left["Location"] == "/login/"
    assert "You left the waiting line." in bob.messages()
    assert status(carol)["place"] == 1


def test_the_waiting_pages_script_is_the_one_the_dotnet_library_serves():
    python = REPOSITORY / "clients/python/sessiongrains/django/waiting.js"
    dotnet = REPOSITORY / "src/SessionGrains.AspNetCore/WaitingPage/waiting-page.js"
    assert python.read_text() == dotnet.read_text()
