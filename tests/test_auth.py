"""Sign-in: password grant, refresh rotation and replay, logout, account changes, clients."""

import uuid

from joserfc import jws
from joserfc.jwk import ECKey

from tests.factories import CLIENT_SECRET, PASSWORD, auth, client_auth, token_for


def _me(client, access_token):
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access_token}"})


def test_password_grant_gives_short_lived_es256_token_that_an_independent_library_verifies(client, world, app):
    tokens = token_for(client, world.counsellor_a.email)
    assert tokens["token_type"] == "Bearer"
    assert 0 < tokens["expires_in"] <= 15 * 60
    assert tokens["refresh_token"]
    key = app.state.keys.current
    # joserfc, not our python-jose wrapper, checks the signature and header.
    obj = jws.deserialize_compact(tokens["access_token"], ECKey.import_key(key.public_pem), algorithms=["ES256"])
    assert obj.headers()["kid"] == key.kid
    assert obj.headers()["typ"] == "at+jwt"
    me = _me(client, tokens["access_token"]).json()
    assert me == {
        "kind": "user",
        "id": str(world.counsellor_a.id),
        "organisation_id": str(world.org_a.id),
        "role": "counsellor",
        "scopes": [],
    }


def test_wrong_password_and_unknown_user_are_indistinguishable(client, world):
    wrong = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": world.counsellor_a.email, "password": "not the password"},
    )
    unknown = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "nobody@test.example", "password": "not the password"},
    )
    assert wrong.status_code == unknown.status_code == 400
    strip = lambda body: {k: v for k, v in body.items() if k != "request_id"}  # noqa: E731
    assert strip(wrong.json()) == strip(unknown.json())
    assert wrong.json()["error"] == "invalid_grant"
    assert wrong.headers["content-type"] == "application/problem+json"


def test_email_is_case_insensitive_at_sign_in(client, world):
    assert token_for(client, world.counsellor_a.email.upper())["access_token"]


def test_an_email_whose_casefold_differs_from_its_lowercase_signs_in_as_created(client, world):
    # "ß".casefold() is "ss" but "ß".lower() is "ß": creation and sign-in once disagreed, and
    # such an account could never sign in. And "é" typed as e + combining accent is one letter.
    h = auth(client, world.admin_a)
    created = client.post(
        "/api/v1/users",
        headers=h,
        json={
            "email": "  Straße.René@Example.org ",
            "display_name": "Renée Straße",
            "role": "counsellor",
            "password": PASSWORD,
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["email"] == "straße.rené@example.org"
    for typed in ("straße.rené@example.org", "STRAßE.RENÉ@EXAMPLE.ORG", "Straße.René@example.org"):
        assert token_for(client, typed)["access_token"], typed
    duplicate = client.post(
        "/api/v1/users",
        headers=h,
        json={"email": "STRAßE.RENÉ@example.org", "display_name": "Again", "role": "counsellor", "password": PASSWORD},
    )
    assert duplicate.status_code == 409


def test_refresh_rotates_and_replay_revokes_the_family(client, world):
    first = token_for(client, world.counsellor_a.email)
    refreshed = client.post(
        "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert _me(client, second["access_token"]).status_code == 200

    replay = client.post(
        "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    # The replay ended the whole sign-in: the rotated refresh token and the access token too.
    again = client.post(
        "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": second["refresh_token"]}
    )
    assert again.status_code == 400
    assert _me(client, second["access_token"]).status_code == 401


def test_logout_revokes_access_and_refresh_tokens(client, world):
    tokens = token_for(client, world.counsellor_a.email)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert _me(client, tokens["access_token"]).status_code == 401
    assert (
        client.post(
            "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        ).status_code
        == 400
    )
    # Other sign-ins of the same person are not affected.
    assert _me(client, token_for(client, world.counsellor_a.email)["access_token"]).status_code == 200


def _patch_user(client, world, user, body):
    admin = auth(client, world.admin)
    etag = client.get(f"/api/v1/users/{user.id}", headers=admin).headers["etag"]
    response = client.patch(f"/api/v1/users/{user.id}", json=body, headers={**admin, "If-Match": etag})
    assert response.status_code == 200, response.text


def test_disabling_a_user_makes_their_tokens_fail_at_once(client, world):
    tokens = token_for(client, world.counsellor_a.email)
    _patch_user(client, world, world.counsellor_a, {"is_active": False})
    assert _me(client, tokens["access_token"]).status_code == 401
    assert (
        client.post(
            "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": world.counsellor_a.email, "password": PASSWORD},
        ).status_code
        == 400
    )


def test_changing_role_or_organisation_makes_tokens_fail_at_once(client, world):
    tokens = token_for(client, world.counsellor_a.email)
    _patch_user(client, world, world.counsellor_a, {"role": "org_admin"})
    assert _me(client, tokens["access_token"]).status_code == 401

    tokens = token_for(client, world.counsellor_b.email)
    _patch_user(client, world, world.counsellor_b, {"organisation_id": str(world.org_a.id)})
    assert _me(client, tokens["access_token"]).status_code == 401
    me = _me(client, token_for(client, world.counsellor_b.email)["access_token"]).json()
    assert me["organisation_id"] == str(world.org_a.id)


def test_client_credentials_grant_with_scopes(client, world):
    response = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": world.api_client.client_id,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "dossiers:read" and "refresh_token" not in body or body["refresh_token"] is None
    me = _me(client, body["access_token"]).json()
    assert me["kind"] == "client"
    assert me["scopes"] == ["dossiers:read"]

    bad_scope = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": world.api_client.client_id,
            "client_secret": CLIENT_SECRET,
            "scope": "participants:write",
        },
    )
    assert bad_scope.status_code == 400
    assert bad_scope.json()["error"] == "invalid_scope"

    wrong = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": world.api_client.client_id, "client_secret": "wrong"},
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"


def test_client_tokens_cannot_use_staff_routes(client, world):
    headers = client_auth(client, world.api_client)
    response = client.get("/api/v1/participants", headers=headers)
    assert response.status_code == 403
    assert "machine-client" in response.json()["detail"]


def test_unsupported_grant_and_missing_fields_are_clear_400s(client):
    response = client.post("/api/v1/auth/token", data={"grant_type": "implicit"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    response = client.post("/api/v1/auth/token", data={"grant_type": "password", "username": "a@b.c"})
    assert response.status_code == 400
    assert "'password'" in response.json()["detail"]


def test_token_response_is_not_cacheable(client, world):
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": world.counsellor_a.email, "password": PASSWORD},
    )
    assert response.headers["cache-control"] == "no-store"


def test_unknown_refresh_token_is_rejected(client):
    response = client.post(
        "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": uuid.uuid4().hex}
    )
    assert response.status_code == 400
