"""Sign-in throttling (auth/throttle.py): guessing is slowed per account and address, per
address, and per account from everywhere, without locking the rightful owner out."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from competenze.auth.throttle import account_wait
from competenze.common.time import frozen
from competenze.main import create_app
from tests.factories import CLIENT_SECRET, PASSWORD


@contextmanager
def from_address(app, address: str):
    with TestClient(app, client=(address, 40000), raise_server_exceptions=False) as other:
        yield other


def _attempt(client, email, password="wrong password!"):
    return client.post("/api/v1/auth/token", data={"grant_type": "password", "username": email, "password": password})


def _client_attempt(client, client_id, secret="nope"):
    return client.post(
        "/api/v1/auth/token", data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    )


def test_failures_from_one_address_do_not_lock_the_owner_out_from_another(app, client, world, settings):
    limit = settings.login_max_failures_per_account_address
    for _ in range(limit):
        assert _attempt(client, world.counsellor_a.email).status_code == 400
        assert _client_attempt(client, world.api_client.client_id).status_code == 401
    with from_address(app, "192.0.2.10") as office:
        assert _attempt(office, world.counsellor_a.email, PASSWORD).status_code == 200
        assert _client_attempt(office, world.api_client.client_id, CLIENT_SECRET).status_code == 200


def test_the_attacking_address_is_refused_for_that_account_even_with_the_right_password(client, world, settings):
    for _ in range(settings.login_max_failures_per_account_address):
        assert _attempt(client, world.counsellor_a.email).status_code == 400
    blocked = _attempt(client, world.counsellor_a.email, PASSWORD)
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= settings.login_window_seconds
    assert blocked.headers["content-type"] == "application/problem+json"
    assert "try again in" in blocked.json()["detail"]
    # Another account from the same address is not blocked by this account's failures.
    assert _attempt(client, world.counsellor_b.email, PASSWORD).status_code == 200


def test_unknown_accounts_are_throttled_the_same_way(client, settings):
    for _ in range(settings.login_max_failures_per_account_address):
        assert _attempt(client, "ghost@test.example").status_code == 400
    assert _attempt(client, "ghost@test.example").status_code == 429


def test_an_address_is_throttled_across_accounts(client, world, settings):
    for i in range(settings.login_max_failures_per_ip):
        assert _attempt(client, f"spray{i}@test.example").status_code == 400
    blocked = _attempt(client, world.counsellor_a.email, PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0


def test_an_account_attacked_from_many_addresses_gets_a_growing_bounded_delay_not_a_lock(app, world, settings):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    email, free = world.counsellor_a.email, settings.login_account_delay_after
    waits = []
    with frozen(start):
        for i in range(free):  # one guess from each of many addresses: no address limit is hit
            with from_address(app, f"198.51.100.{i + 1}") as bot:
                assert _attempt(bot, email).status_code == 400
    moment = start
    for i in range(8):
        with frozen(moment), from_address(app, f"203.0.113.{i + 1}") as bot:
            refused = _attempt(bot, email)
            assert refused.status_code == 429, refused.text
            wait = int(refused.headers["retry-after"])
            assert "many failed sign-in attempts" in refused.json()["detail"]
        waits.append(wait)
        moment += timedelta(seconds=wait)
        with frozen(moment), from_address(app, f"203.0.113.{i + 1}") as bot:
            assert _attempt(bot, email).status_code == 400  # judged once the delay is over
    assert waits == sorted(waits), waits
    assert waits[-1] > waits[0], waits  # it grows
    assert max(waits) <= settings.login_account_max_delay_seconds  # and stays bounded
    # The owner, from an address they never used, waits at most the bound, then gets in.
    with frozen(moment), from_address(app, "192.0.2.77") as owner:
        refused = _attempt(owner, email, PASSWORD)
        assert refused.status_code == 429
        later = moment + timedelta(seconds=int(refused.headers["retry-after"]))
    assert later - moment <= timedelta(seconds=settings.login_account_max_delay_seconds)
    with frozen(later), from_address(app, "192.0.2.77") as owner:
        assert _attempt(owner, email, PASSWORD).status_code == 200


def test_an_address_the_owner_signed_in_from_skips_the_account_delay(app, world, settings):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    email = world.counsellor_a.email
    with frozen(start - timedelta(days=3)), from_address(app, "192.0.2.5") as home:
        assert _attempt(home, email, PASSWORD).status_code == 200
    with frozen(start):
        for i in range(settings.login_account_delay_after + 3):
            with from_address(app, f"198.51.100.{i + 1}") as bot:
                _attempt(bot, email)
        with from_address(app, "198.51.100.200") as bot:
            assert _attempt(bot, email, PASSWORD).status_code == 429  # a new address waits
        with from_address(app, "192.0.2.5") as home:
            assert _attempt(home, email, PASSWORD).status_code == 200  # a known one does not


def test_limits_are_shared_by_every_app_process(settings, world, client):
    # Two app instances over one database behave as one service (DESIGN.md §2).
    other = create_app(settings)
    with TestClient(other) as second:
        for i in range(settings.login_max_failures_per_account_address):
            target = client if i % 2 else second
            assert _attempt(target, world.counsellor_a.email).status_code == 400
        assert _attempt(second, world.counsellor_a.email, PASSWORD).status_code == 429
        assert _attempt(client, world.counsellor_a.email, PASSWORD).status_code == 429


def test_success_resets_the_counter_of_its_address(client, world, settings):
    for _ in range(settings.login_max_failures_per_account_address - 1):
        _attempt(client, world.counsellor_a.email)
    assert _attempt(client, world.counsellor_a.email, PASSWORD).status_code == 200
    for _ in range(settings.login_max_failures_per_account_address - 1):
        assert _attempt(client, world.counsellor_a.email).status_code == 400
    assert _attempt(client, world.counsellor_a.email, PASSWORD).status_code == 200


def test_failed_client_credentials_are_throttled_for_their_address(client, world, settings):
    for _ in range(settings.login_max_failures_per_account_address):
        assert _client_attempt(client, world.api_client.client_id).status_code == 401
    assert _client_attempt(client, world.api_client.client_id).status_code == 429
    assert _client_attempt(client, world.api_client.client_id, CLIENT_SECRET).status_code == 429


@pytest.mark.parametrize(
    ("attempt", "elapsed", "expected"),
    [
        (10, 0, 0),
        (11, 0, 1),
        (12, 0, 3),
        (13, 0, 7),
        (13, 5, 2),
        (13, 6.5, 1),
        (17, 0, 63 + 60),
        (18, 0, 63 + 120),
        (17, 200, 0),
    ],
)
def test_the_account_delay_schedule(attempt, elapsed, expected):
    start = datetime(2026, 12, 1, tzinfo=UTC)
    assert account_wait(attempt, start, start + timedelta(seconds=elapsed), free=10, max_delay=60) == expected


def test_parallel_guesses_are_judged_one_after_another_and_never_lock_the_owner_out(settings, world):
    """Thirty wrong passwords at once from one address, on a live server: only as many are
    judged as the limit allows (each attempt is counted before its password is checked, so
    parallel ones see each other), and the owner then signs in at once from elsewhere. Real
    concurrency needs PostgreSQL; on SQLite requests take turns and the test holds trivially."""
    import threading

    import httpx

    from tests.test_pages import running_server

    url_of = "{}/api/v1/auth/token".format
    with running_server(settings) as base:
        statuses, start = [], threading.Barrier(30)

        def guess():
            start.wait()
            statuses.append(
                httpx.post(
                    url_of(base),
                    timeout=60,
                    headers={"X-Forwarded-For": "198.51.100.7"},
                    data={"grant_type": "password", "username": world.counsellor_a.email, "password": "a wrong guess"},
                ).status_code
            )

        threads = [threading.Thread(target=guess) for _ in range(30)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        owner = httpx.post(
            url_of(base),
            headers={"X-Forwarded-For": "192.0.2.9"},
            timeout=60,
            data={"grant_type": "password", "username": world.counsellor_a.email, "password": PASSWORD},
        )
    limit = settings.login_max_failures_per_account_address
    assert sorted(statuses) == [400] * limit + [429] * (30 - limit), sorted(statuses)
    assert owner.status_code == 200, owner.text


def test_an_ipv6_subscriber_counts_as_one_address_whichever_host_of_its_64_it_uses(app, world, settings):
    for host in range(settings.login_max_failures_per_account_address):
        with from_address(app, f"2001:db8:aa:bb::{host + 1:x}") as rotating:
            assert _attempt(rotating, world.counsellor_a.email).status_code == 400
    with from_address(app, "2001:db8:aa:bb:ffff::1") as rotating:
        assert _attempt(rotating, world.counsellor_a.email, PASSWORD).status_code == 429
    with from_address(app, "2001:db8:aa:cc::1") as neighbour:  # another /64
        assert _attempt(neighbour, world.counsellor_a.email, PASSWORD).status_code == 200
