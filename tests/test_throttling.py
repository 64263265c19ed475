"""Sign-in throttling per account and per IP, shared through the database."""

from fastapi.testclient import TestClient

from competenze.main import create_app
from tests.factories import PASSWORD


def _attempt(client, email, password="wrong password!"):
    return client.post("/api/v1/auth/token", data={"grant_type": "password", "username": email,
                                                   "password": password})


def test_account_is_throttled_after_repeated_failures_even_with_the_right_password(client, world, settings):
    limit = settings.login_max_failures_per_account
    for _ in range(limit):
        assert _attempt(client, world.counsellor_a.email).status_code == 400
    blocked = _attempt(client, world.counsellor_a.email, PASSWORD)
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= settings.login_window_seconds
    assert blocked.headers["content-type"] == "application/problem+json"
    assert "try again in" in blocked.json()["detail"]
    # Another account from the same IP is not blocked by this account's failures.
    assert _attempt(client, world.counsellor_b.email, PASSWORD).status_code == 200


def test_unknown_accounts_are_throttled_the_same_way(client, settings):
    for _ in range(settings.login_max_failures_per_account):
        assert _attempt(client, "ghost@test.example").status_code == 400
    assert _attempt(client, "ghost@test.example").status_code == 429


def test_ip_is_throttled_across_accounts(client, world, settings):
    for i in range(settings.login_max_failures_per_ip):
        assert _attempt(client, f"spray{i}@test.example").status_code == 400
    blocked = _attempt(client, world.counsellor_a.email, PASSWORD)
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0


def test_limits_are_shared_by_every_app_process(settings, world, client):
    # Two app instances over one database behave as one service (DESIGN.md §2).
    other = create_app(settings)
    with TestClient(other) as second:
        for i in range(settings.login_max_failures_per_account):
            target = client if i % 2 else second
            assert _attempt(target, world.counsellor_a.email).status_code == 400
        assert _attempt(second, world.counsellor_a.email, PASSWORD).status_code == 429
        assert _attempt(client, world.counsellor_a.email, PASSWORD).status_code == 429


def test_success_resets_the_account_counter(client, world, settings):
    for _ in range(settings.login_max_failures_per_account - 1):
        _attempt(client, world.counsellor_a.email)
    assert _attempt(client, world.counsellor_a.email, PASSWORD).status_code == 200
    for _ in range(settings.login_max_failures_per_account - 1):
        assert _attempt(client, world.counsellor_a.email).status_code == 400
    assert _attempt(client, world.counsellor_a.email, PASSWORD).status_code == 200


def test_failed_client_credentials_are_throttled(client, world, settings):
    for _ in range(settings.login_max_failures_per_account):
        response = client.post("/api/v1/auth/token", data={
            "grant_type": "client_credentials", "client_id": world.api_client.client_id, "client_secret": "nope"})
        assert response.status_code == 401
    response = client.post("/api/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": world.api_client.client_id, "client_secret": "nope"})
    assert response.status_code == 429
