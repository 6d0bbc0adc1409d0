"""The waiting line of a full site that queues: tickets, polling, admission in join order, leaving, and lapses."""

from __future__ import annotations

import pytest

from sessiongrains import (
    Admitted,
    ClaimExpired,
    InvalidRequest,
    SiteClosed,
    Ticket,
    TicketEnded,
    TicketExpired,
    UnknownTicket,
)
from conftest import wait_for


def test_a_full_site_that_queues_gives_tickets_and_admits_in_join_order(make_site):
    _, client = make_site({"limit": 1, "onFull": "queue", "claimSeconds": 30, "ticketTimeoutSeconds": 60})
    alice = client.open_session("alice")
    bob = client.open_session("bob")
    carol = client.open_session("carol")

    assert isinstance(alice, Admitted)
    assert isinstance(bob, Ticket) and isinstance(carol, Ticket)
    assert (bob.position, bob.ahead, carol.position, carol.ahead) == (1, 0, 2, 1)
    assert bob.poll_after_seconds >= 1 and bob.shortest_wait_seconds is None  # no history yet
    assert client.poll_ticket(carol.ticket_id) == Ticket(carol.ticket_id, 2, 1, None, None, carol.poll_after_seconds)

    client.end_session(alice.session_id)

    admitted = client.poll_ticket(bob.ticket_id)
    assert isinstance(admitted, Admitted) and admitted.session_id == bob.ticket_id
    waiting = client.poll_ticket(carol.ticket_id)
    assert isinstance(waiting, Ticket) and waiting.position == 1
    client.touch(admitted.session_id)  # the ticket's id is the session's


def test_the_same_user_asking_again_holds_the_same_ticket(make_site):
    _, client = make_site({"limit": 1, "onFull": "queue"})
    client.open_session("alice")

    first = client.open_session("bob")
    again = client.open_session("bob")

    assert isinstance(first, Ticket) and isinstance(again, Ticket) and again.ticket_id == first.ticket_id


def test_leaving_the_line_passes_the_place_on(make_site):
    _, client = make_site({"limit": 1, "onFull": "queue"})
    client.open_session("alice")
    bob = client.open_session("bob")
    carol = client.open_session("carol")

    client.leave_line(bob.ticket_id)
    client.leave_line(bob.ticket_id)  # also fine once gone

    with pytest.raises(UnknownTicket) as unknown:
        client.poll_ticket(bob.ticket_id)
    assert (unknown.value.code, unknown.value.status) == ("unknown_ticket", 404)
    assert client.poll_ticket(carol.ticket_id).position == 1


def test_a_ticket_not_asked_about_expires(make_site):
    _, client = make_site({"limit": 1, "onFull": "queue", "ticketTimeoutSeconds": 5, "claimSeconds": 30})
    client.open_session("alice")
    bob = client.open_session("bob")
    carol = client.open_session("carol")

    # Carol keeps asking (more often than the timeout), bob does not: once carol is first, bob has left the line.
    wait_for(
        lambda: client.poll_ticket(carol.ticket_id).position == 1, timeout=20, interval=0.5, what="bob's ticket to lapse"
    )

    with pytest.raises(TicketExpired) as expired:
        client.poll_ticket(bob.ticket_id)
    assert isinstance(expired.value, TicketEnded)
    assert (expired.value.code, expired.value.status) == ("ticket_expired", 410)


def test_a_held_seat_not_claimed_in_time_passes_to_the_next(make_site):
    _, client = make_site({"limit": 1, "onFull": "queue", "claimSeconds": 1, "ticketTimeoutSeconds": 60})
    alice = client.open_session("alice")
    bob = client.open_session("bob")
    carol = client.open_session("carol")

    client.end_session(alice.session_id)  # the seat is held for bob, who does not claim it

    def carol_admitted() -> Admitted | None:
        answer = client.poll_ticket(carol.ticket_id)
        return answer if isinstance(answer, Admitted) else None

    admitted = wait_for(carol_admitted, interval=0.2, what="the seat to pass to carol")
    assert admitted.session_id == carol.ticket_id
    with pytest.raises(ClaimExpired) as expired:
        client.poll_ticket(bob.ticket_id)
    assert (expired.value.code, expired.value.status) == ("claim_expired", 410)


def test_closing_the_site_sends_the_line_away(server, make_site):
    site_id, client = make_site({"limit": 1, "onFull": "queue"})
    client.open_session("alice")
    bob = client.open_session("bob")

    server.admin("PUT", f"/api/sites/{site_id}", {"limit": 0})

    with pytest.raises(SiteClosed) as closed:
        client.poll_ticket(bob.ticket_id)
    assert closed.value.status == 410


def test_a_malformed_ticket_id_is_an_invalid_request(make_site):
    _, client = make_site({"limit": 1, "onFull": "queue"})

    with pytest.raises(InvalidRequest) as invalid:
        client.poll_ticket("nope")
    assert "ticketId" in invalid.value.errors
