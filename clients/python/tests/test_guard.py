"""The sign-in guard: check before a password check, report after it, and the block that follows failures."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from sessiongrains import SignInBlocked


def test_failures_block_the_address_with_the_sites_message(make_site):
    _, client = make_site(
        {"guard": {"maxFailures": 3, "blockSeconds": 120, "perUserMaxFailures": 0,
                   "addressMessage": "Wait {seconds} {seconds|second|seconds}."}}
    )
    for _ in range(2):
        client.check_sign_in("198.51.100.4", "alice")
        client.report_sign_in("198.51.100.4", "alice", succeeded=False)
    client.check_sign_in("198.51.100.4", "alice")  # two failures: still allowed
    client.report_sign_in("198.51.100.4", "alice", succeeded=False)

    with pytest.raises(SignInBlocked) as blocked:
        client.check_sign_in("198.51.100.4", "bob")

    assert (blocked.value.code, blocked.value.status, blocked.value.scope) == ("sign_in_blocked", 429, "address")
    assert blocked.value.blocked_until is not None and blocked.value.blocked_until.tzinfo is not None
    assert 110 < (blocked.value.blocked_until - datetime.now(timezone.utc)).total_seconds() <= 121
    assert blocked.value.retry_after is not None and 110 < blocked.value.retry_after <= 121
    assert blocked.value.detail.startswith("Wait ") and blocked.value.detail.endswith(" seconds.")
    client.check_sign_in("198.51.100.5", "bob")  # another address is not blocked


def test_failures_for_one_user_from_many_addresses_block_the_user(make_site):
    _, client = make_site({"guard": {"maxFailures": 10, "perUserMaxFailures": 2, "blockSeconds": 60}})
    client.report_sign_in("192.0.2.1", "carol", succeeded=False)
    client.report_sign_in("192.0.2.2", "carol", succeeded=False)

    with pytest.raises(SignInBlocked) as blocked:
        client.check_sign_in("192.0.2.3", "carol")
    assert blocked.value.scope == "user"


def test_a_success_forgets_the_failures(make_site):
    _, client = make_site({"guard": {"maxFailures": 2, "perUserMaxFailures": 0}})
    client.report_sign_in("203.0.113.9", "dave", succeeded=False)
    client.report_sign_in("203.0.113.9", "dave", succeeded=True)
    client.report_sign_in("203.0.113.9", "dave", succeeded=False)

    client.check_sign_in("203.0.113.9", "dave")  # one failure since the success: not blocked
