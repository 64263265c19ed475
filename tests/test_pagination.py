"""Cursor pagination: every paginated route walks its pages with the cursors it gives, and
answers any other cursor with a 422 naming query.cursor (never a 500)."""

import base64
import json

import pytest

from tests.factories import auth, create_participant


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


TIME_AND_ID = [
    ["2099-01-01T00:00:00", "ffffffff-ffff-ffff-ffff-ffffffffffff"],  # a time without its zone
    ["2099-01-01T00:00:00Z", "not-an-id"],
    ["9999-12-31T23:59:59-14:00", "ffffffff-ffff-ffff-ffff-ffffffffffff"],  # past year 9999 in UTC
    [1, "ffffffff-ffff-ffff-ffff-ffffffffffff"],
    [True, False],
    ["2099-01-01T00:00:00Z"],
    {"a": 1},
]
POSITION = [[1000000000000000000000000000000], [True], [9223372036854775808], [-1], [1.5], ["7"], [None], [[1]]]
UNREADABLE = ["%%%", "bm90IGpzb24", _cursor("[" * 5000)]


@pytest.fixture
def paginated(client, world):
    h = auth(client, world.counsellor_a)
    participant = create_participant(client, h)
    return h, {
        "/api/v1/participants": TIME_AND_ID,
        "/api/v1/dossiers": TIME_AND_ID,
        f"/api/v1/participants/{participant['id']}/access-log": POSITION,
        "/api/v1/caseload": POSITION,
    }


def test_crafted_cursors_are_a_422_naming_the_cursor_on_every_paginated_route(client, paginated):
    h, routes = paginated
    for path, crafted in routes.items():
        assert client.get(path, headers=h).status_code == 200, path  # the route is reached, signed in
        for values in crafted:
            response = client.get(path, params={"cursor": _cursor(values)}, headers=h)
            assert response.status_code == 422, (path, values, response.text)
            assert response.json()["errors"] == [
                {"field": "query.cursor", "message": response.json()["errors"][0]["message"]}
            ]
            assert "not a cursor returned by this API" in response.json()["detail"]
        for raw in UNREADABLE:
            response = client.get(path, params={"cursor": raw}, headers=h)
            assert response.status_code == 422, (path, raw)
            assert response.json()["errors"][0]["field"] == "query.cursor", (path, raw)


def test_every_paginated_route_walks_its_pages_with_its_own_cursors(client, world):
    h = auth(client, world.counsellor_a)
    ids = {create_participant(client, h, given_names=f"Walk{i}")["id"] for i in range(5)}
    participant = sorted(ids)[0]
    for _ in range(4):
        client.get(f"/api/v1/participants/{participant}", headers=h)  # access-log entries
    for p in ids:
        client.post(f"/api/v1/participants/{p}/dossiers", headers=h, json={"profile": "public"})
    for path, key in [
        ("/api/v1/participants", "id"),
        ("/api/v1/dossiers", "id"),
        ("/api/v1/caseload", "participant_id"),
        (f"/api/v1/participants/{participant}/access-log", "occurred_at"),
    ]:
        seen, cursor, pages = [], None, 0
        while True:
            page = client.get(path, params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=h)
            assert page.status_code == 200, (path, page.text)
            body = page.json()
            seen += [item[key] for item in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert pages >= 3, path
        if key != "occurred_at":
            assert len(seen) == len(set(seen)) >= 5, path  # no row twice, none lost
