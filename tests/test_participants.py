"""Participants: register, read, search, update with If-Match, close, validation, restricted data."""

import json

import pytest

from competenze.audit.models import AuditEvent
from competenze.participants.models import Participant
from tests.factories import auth, count_rows, create_participant, participant_body

BASE = "/api/v1/participants"


def test_create_read_and_etag(client, world):
    headers = auth(client, world.counsellor_a)
    response = client.post(BASE, json=participant_body(), headers=headers)
    assert response.status_code == 201
    assert response.headers["location"] == f"{BASE}/{response.json()['id']}"
    assert response.headers["cache-control"] == "no-store"
    created = response.json()
    assert created["counsellor_id"] == str(world.counsellor_a.id)  # defaults to the creator
    assert created["organisation_id"] == str(world.org_a.id)
    read = client.get(f"{BASE}/{created['id']}", headers=headers)
    assert read.status_code == 200
    assert read.json() == created
    assert read.headers["etag"] == '"1"'
    assert read.headers["cache-control"] == "no-store"


def test_update_requires_if_match_and_rejects_stale(client, world):
    headers = auth(client, world.counsellor_a)
    p = create_participant(client, headers)
    url = f"{BASE}/{p['id']}"
    missing = client.patch(url, json={"residence_municipality": "Imola"}, headers=headers)
    assert missing.status_code == 428
    assert "If-Match" in missing.json()["detail"]
    etag = client.get(url, headers=headers).headers["etag"]
    ok = client.patch(url, json={"residence_municipality": "Imola"}, headers={**headers, "If-Match": etag})
    assert ok.status_code == 200
    assert ok.json()["residence_municipality"] == "Imola"
    assert ok.headers["etag"] != etag
    stale = client.patch(url, json={"residence_municipality": "Carpi"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(url, headers=headers).json()["residence_municipality"] == "Imola"


def test_idempotent_create_returns_the_first_result_and_creates_once(client, world, engine):
    headers = {**auth(client, world.counsellor_a), "Idempotency-Key": "create-amina-1"}
    first = client.post(BASE, json=participant_body(), headers=headers)
    second = client.post(BASE, json=participant_body(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert count_rows(engine, Participant) == 1
    different = client.post(BASE, json=participant_body(given_names="Other"), headers=headers)
    assert different.status_code == 422
    assert "Idempotency-Key" in different.json()["detail"]


def _access_actions(client, headers, participant_id):
    return [e["action"] for e in client.get(f"{BASE}/{participant_id}/access-log", headers=headers).json()["items"]]


def test_a_replay_rechecks_visibility_is_audited_and_is_not_cacheable(client, world):
    key = {"Idempotency-Key": "create-with-needs-1"}
    body = participant_body(support_needs="Needs an interpreter for Tigrinya")
    first = client.post(BASE, json=body, headers={**auth(client, world.counsellor_a), **key})
    assert first.status_code == 201
    assert first.headers["cache-control"] == "no-store"
    participant_id = first.json()["id"]
    again = client.post(BASE, json=body, headers={**auth(client, world.counsellor_a), **key})
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["cache-control"] == "no-store"
    assert again.headers["location"] == first.headers["location"]
    assert again.json()["support_needs"] == "Needs an interpreter for Tigrinya"
    # The replay is a read of the record: it is on the participant's access log.
    assert _access_actions(client, auth(client, world.counsellor_a2), participant_id)[:2] == [
        "participant.read",
        "participant.create",
    ]

    # The counsellor moves to organisation B and signs in again: the replay no longer shows
    # organisation A's participant (support needs included), exactly like a GET.
    user = f"/api/v1/users/{world.counsellor_a.id}"
    admin = auth(client, world.admin)
    moved = client.patch(
        user,
        json={"organisation_id": str(world.org_b.id)},
        headers={**admin, "If-Match": client.get(user, headers=admin).headers["etag"]},
    )
    assert moved.status_code == 200, moved.text
    h = auth(client, world.counsellor_a)
    assert client.get(f"{BASE}/{participant_id}", headers=h).status_code == 404
    replayed = client.post(BASE, json=body, headers={**h, **key})
    assert replayed.status_code == 404
    assert "Tigrinya" not in replayed.text
    assert replayed.json()["detail"] == client.get(f"{BASE}/{participant_id}", headers=h).json()["detail"]


def test_a_replay_shows_only_what_the_callers_role_may_see_now(client, world):
    key = {"Idempotency-Key": "create-with-needs-2"}
    body = participant_body(support_needs="Reduced mobility", permit_type="Protezione sussidiaria")
    first = client.post(BASE, json=body, headers={**auth(client, world.counsellor_a), **key})
    assert first.json()["permit_type"] == "Protezione sussidiaria"
    user = f"/api/v1/users/{world.counsellor_a.id}"
    admin = auth(client, world.admin_a)
    client.patch(
        user, json={"role": "org_admin"}, headers={**admin, "If-Match": client.get(user, headers=admin).headers["etag"]}
    )
    again = client.post(BASE, json=body, headers={**auth(client, world.counsellor_a), **key})
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert "support_needs" not in again.json()
    assert "permit_type" not in again.json()


def test_a_replayed_sub_resource_is_audited_and_not_cacheable(client, world):
    h = auth(client, world.counsellor_a)
    participant = create_participant(client, h)
    path = f"{BASE}/{participant['id']}/education"
    body = {"isced_level": 3, "title": "Diploma", "country": "MA", "documents": "available"}
    first = client.post(path, json=body, headers={**h, "Idempotency-Key": "edu-1"})
    again = client.post(path, json=body, headers={**h, "Idempotency-Key": "edu-1"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["cache-control"] == "no-store"
    assert _access_actions(client, h, participant["id"])[:2] == ["request.replay", "education.create"]


def test_a_replay_of_a_deleted_record_is_a_404_not_the_deleted_data(client, world):
    h = auth(client, world.counsellor_a)
    participant = create_participant(client, h)
    path = f"{BASE}/{participant['id']}/education"
    body = {"isced_level": 3, "title": "Diploma di ragioneria", "country": "MA", "documents": "available"}
    first = client.post(path, json=body, headers={**h, "Idempotency-Key": "edu-del"})
    assert client.delete(first.headers["location"], headers={**h, "If-Match": first.headers["etag"]}).status_code == 204
    again = client.post(path, json=body, headers={**h, "Idempotency-Key": "edu-del"})
    assert again.status_code == 404
    assert "ragioneria" not in again.text
    assert "new Idempotency-Key" in again.json()["detail"]


def test_idempotency_records_keep_no_more_than_a_replay_needs_and_expire(client, world, engine):
    from datetime import timedelta

    from sqlmodel import Session, select

    from competenze.common.models import IdempotencyRecord
    from competenze.common.time import frozen, utcnow

    h = auth(client, world.counsellor_a)
    client.post(
        BASE, json=participant_body(support_needs="Needs an interpreter"), headers={**h, "Idempotency-Key": "k-old"}
    )
    with Session(engine) as session:
        (record,) = session.exec(select(IdempotencyRecord)).all()
        assert set(json.loads(record.body)) == {"id"}  # not the support needs
    with frozen(utcnow() + timedelta(hours=25)):
        h = auth(client, world.counsellor_a)
        client.post(BASE, json=participant_body(given_names="Other"), headers={**h, "Idempotency-Key": "k-new"})
    with Session(engine) as session:
        assert [r.key for r in session.exec(select(IdempotencyRecord)).all()] == ["k-new"]


def test_parallel_identical_registrations_create_exactly_one_person(settings, world, client):
    """Ten identical POSTs at once, without an Idempotency-Key, on a live server: one 201,
    nine 409 naming it (the duplicate check ran concurrently on PostgreSQL before)."""
    import threading

    import httpx

    from tests.test_pages import running_server

    headers = auth(client, world.counsellor_a)
    body = participant_body(given_names="Parallel", family_name="Person")
    with running_server(settings) as base:
        results, start = [], threading.Barrier(10)

        def post():
            start.wait()
            results.append(httpx.post(f"{base}{BASE}", json=body, headers=headers, timeout=60))

        threads = [threading.Thread(target=post) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * 9, [r.text for r in results]
    created = next(r for r in results if r.status_code == 201).json()["id"]
    assert all(r.json()["existing_id"] == created for r in results if r.status_code == 409)
    listed = client.get(BASE, params={"q": "parallel person"}, headers=headers).json()["items"]
    assert [p["id"] for p in listed] == [created]


def test_same_idempotency_key_of_another_user_is_independent(client, world, engine):
    body = participant_body()
    a = client.post(BASE, json=body, headers={**auth(client, world.counsellor_a), "Idempotency-Key": "k1"})
    b = client.post(BASE, json=body, headers={**auth(client, world.counsellor_b), "Idempotency-Key": "k1"})
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


def test_duplicate_warning_and_confirmation(client, world):
    headers = auth(client, world.counsellor_a)
    first = create_participant(client, headers)
    dup = client.post(BASE, json=participant_body(given_names="amína", family_name="EL IDRISSI"), headers=headers)
    assert dup.status_code == 409
    assert dup.json()["existing_id"] == first["id"]
    assert "confirm_duplicate=true" in dup.json()["detail"]
    confirmed = client.post(f"{BASE}?confirm_duplicate=true", json=participant_body(), headers=headers)
    assert confirmed.status_code == 201
    # A counsellor of another organisation cannot see the first record, so gets no hint of it.
    other = client.post(BASE, json=participant_body(), headers=auth(client, world.counsellor_b))
    assert other.status_code == 201


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("birth_date", "2099-01-01", "future"),
        ("country_of_birth", "XX", "ISO 3166"),
        ("citizenships", ["MA", "MA"], "once"),
        ("mother_tongues", ["klingon"], "language"),
        ("preferred_language", "zz", "language"),
        ("sex", "unknown", "female"),
        ("permit_category", "tourist", "asylum_seeker"),
        ("given_names", "x" * 101, "100"),
        ("given_names", "", "at least 1"),
        ("fiscal_code", "RSSMRA85T10A562X", "fiscal code"),
        ("fiscal_code", "12345678901", "16 characters"),
        ("email", "not-an-email", "pattern"),
        ("arrival_date", "1980-01-01", "arrival_date"),
    ],
)
def test_invalid_input_is_422_naming_the_field_and_writes_nothing(client, world, engine, field, value, fragment):
    response = client.post(BASE, json=participant_body(**{field: value}), headers=auth(client, world.counsellor_a))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"].endswith("/validation-error")
    assert field in body["detail"]
    assert fragment.lower() in body["detail"].lower()
    assert all(set(error) == {"field", "message"} for error in body["errors"])  # no echoed input
    assert count_rows(engine, Participant) == 0
    assert count_rows(engine, AuditEvent) == 0


def test_unknown_field_is_422_and_nothing_written(client, world, engine):
    response = client.post(BASE, json=participant_body(nickname="Mimi"), headers=auth(client, world.counsellor_a))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "nickname", "message": "unknown field; remove it"}]
    assert count_rows(engine, Participant) == 0


def test_valid_fiscal_code_is_accepted_normalised_and_cross_checked(client, world):
    headers = auth(client, world.counsellor_a)
    p = create_participant(client, headers, fiscal_code="ldrmna88c54z330z")
    assert p["fiscal_code"] == "LDRMNA88C54Z330Z"
    wrong_birth = client.post(
        BASE,
        json=participant_body(given_names="B", fiscal_code="LDRMNA88C54Z330Z", birth_date="1988-03-15"),
        headers=headers,
    )
    assert wrong_birth.status_code == 422
    assert "different birth date" in wrong_birth.json()["detail"]
    wrong_sex = client.post(
        BASE, json=participant_body(given_names="C", fiscal_code="LDRMNA88C54Z330Z", sex="male"), headers=headers
    )
    assert wrong_sex.status_code == 422
    assert "different sex" in wrong_sex.json()["detail"]


def test_update_cannot_clear_required_fields_or_break_consistency(client, world):
    headers = auth(client, world.counsellor_a)
    p = create_participant(client, headers)
    url = f"{BASE}/{p['id']}"
    etag = client.get(url, headers=headers).headers["etag"]
    cleared = client.patch(url, json={"family_name": None}, headers={**headers, "If-Match": etag})
    assert cleared.status_code == 422
    assert "family_name" in cleared.json()["detail"]
    early = client.patch(url, json={"arrival_date": "1970-01-01"}, headers={**headers, "If-Match": etag})
    assert early.status_code == 422
    assert "arrival_date" in early.json()["detail"]
    assert client.get(url, headers=headers).headers["etag"] == etag  # nothing changed


def test_search_by_name_is_accent_and_case_insensitive_with_prefixes(client, world):
    headers = auth(client, world.counsellor_a)
    create_participant(
        client,
        headers,
        given_names="Ndèye Fatou",
        family_name="Diop",
        country_of_birth="SN",
        citizenships=["SN"],
        birth_date="1990-10-19",
    )
    create_participant(
        client,
        headers,
        given_names="José",
        family_name="Quispe Mamani",
        country_of_birth="PE",
        citizenships=["PE"],
        birth_date="1975-08-23",
    )
    create_participant(
        client,
        headers,
        given_names="Oleksandr",
        family_name="Kovalenko",
        country_of_birth="UA",
        citizenships=["UA"],
        birth_date="1984-02-02",
    )

    def names(**params):
        response = client.get(BASE, params=params, headers=headers)
        assert response.status_code == 200
        return sorted(p["family_name"] for p in response.json()["items"])

    assert names(q="NDEYE") == ["Diop"]
    assert names(q="ndèye dio") == ["Diop"]
    assert names(q="jose quisp") == ["Quispe Mamani"]
    assert names(q="mamani") == ["Quispe Mamani"]
    assert names(q="ovalenko") == []  # prefix of a word, not any substring
    assert names(q="100%_") == []  # wildcards match literally
    assert names(citizenship="ua") == ["Kovalenko"]
    assert names(birth_date="1975-08-23") == ["Quispe Mamani"]
    assert names(counsellor_id=str(world.counsellor_a2.id)) == []
    assert names(status="active") == ["Diop", "Kovalenko", "Quispe Mamani"]


def test_list_is_cursor_paginated_newest_first_and_capped(client, world):
    headers = auth(client, world.counsellor_a)
    ids = [create_participant(client, headers, given_names=f"Person{i}")["id"] for i in range(5)]
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get(BASE, params=params, headers=headers).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))
    assert client.get(BASE, params={"limit": 201}, headers=headers).status_code == 422
    assert client.get(BASE, params={"cursor": "garbage!"}, headers=headers).status_code == 422


def test_restricted_details_only_for_counsellors_of_the_owning_organisation(client, world):
    counsellor = auth(client, world.counsellor_a)
    p = create_participant(
        client, counsellor, permit_type="Permesso per motivi familiari", support_needs="Needs a Tigrinya interpreter"
    )
    seen = client.get(f"{BASE}/{p['id']}", headers=counsellor).json()
    assert seen["permit_type"] == "Permesso per motivi familiari"
    assert seen["support_needs"] == "Needs a Tigrinya interpreter"
    admin_view = client.get(f"{BASE}/{p['id']}", headers=auth(client, world.admin_a))
    assert admin_view.status_code == 200
    assert "permit_type" not in admin_view.json()
    assert "support_needs" not in admin_view.json()
    listed = client.get(BASE, headers=auth(client, world.admin_a)).json()["items"][0]
    assert "support_needs" not in listed
    refused = client.post(
        BASE, json=participant_body(given_names="Z", support_needs="x"), headers=auth(client, world.admin_a)
    )
    assert refused.status_code == 403


def test_close_and_closed_records_are_read_only(client, world):
    headers = auth(client, world.counsellor_a)
    p = create_participant(client, headers)
    url = f"{BASE}/{p['id']}"
    etag = client.get(url, headers=headers).headers["etag"]
    closed = client.post(f"{url}/close", json={"reason": "moved_away"}, headers={**headers, "If-Match": etag})
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["closure_reason"] == "moved_away"
    etag = closed.headers["etag"]
    assert (
        client.patch(url, json={"residence_municipality": "X"}, headers={**headers, "If-Match": etag}).status_code
        == 409
    )
    assert client.get(BASE, params={"status": "closed"}, headers=headers).json()["items"][0]["id"] == p["id"]


def test_counsellor_must_belong_to_the_participants_organisation(client, world):
    headers = auth(client, world.counsellor_a)
    wrong = client.post(BASE, json=participant_body(counsellor_id=str(world.counsellor_b.id)), headers=headers)
    assert wrong.status_code == 422
    assert "counsellor_id" in wrong.json()["detail"]
    right = client.post(BASE, json=participant_body(counsellor_id=str(world.counsellor_a2.id)), headers=headers)
    assert right.status_code == 201
    assert right.json()["counsellor_id"] == str(world.counsellor_a2.id)


def test_cross_organisation_access_is_404_everywhere(client, world):
    p = create_participant(client, auth(client, world.counsellor_a))
    other = auth(client, world.counsellor_b)
    for method, suffix in [
        ("GET", ""),
        ("PATCH", ""),
        ("POST", "/close"),
        ("GET", "/consents"),
        ("GET", "/access-log"),
    ]:
        response = client.request(
            method,
            f"{BASE}/{p['id']}{suffix}",
            headers={**other, "If-Match": '"1"'},
            json={"reason": "other"} if suffix == "/close" else ({} if method == "PATCH" else None),
        )
        assert response.status_code == 404, (method, suffix)
    assert client.get(BASE, headers=other).json()["items"] == []
