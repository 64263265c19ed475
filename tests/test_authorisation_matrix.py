"""Role × route: who may call what. A new route without a row here fails the suite.

The resources used belong to organisation A. `counsellor_b` is a counsellor of organisation
B: for anything of A they get 404 — the same answer as for something that does not exist.
"""

import pytest

from tests.factories import PASSWORD, auth, client_auth, create_participant
from tests.routes import api_routes

ROLES = ["anonymous", "counsellor_a", "org_admin_a", "counsellor_b", "analyst", "admin", "client"]


def _participant(s):
    return create_participant(s.client, s.h["counsellor_a"], given_names=f"P{len(s.created)}")


def _etag(s, path):
    return s.client.get(path, headers=s.h["counsellor_a"] if "participants" in path else s.h["admin"]).headers["etag"]


def participant_path(suffix=""):
    def prepare(s):
        p = _participant(s)
        s.created.append(p)
        return f"/api/v1/participants/{p['id']}{suffix}", {}
    return prepare


def participant_if_match(suffix="", body=None):
    def prepare(s):
        p = _participant(s)
        s.created.append(p)
        path = f"/api/v1/participants/{p['id']}"
        return path + suffix, {"json": body, "headers": {"If-Match": _etag(s, path)}}
    return prepare


def consent_body(s):
    return {"purpose": "dossier_sharing", "recipient_organisation_id": str(s.world.org_b.id), "method": "paper"}


def with_consent(s):
    p = _participant(s)
    s.created.append(p)
    c = s.client.post(f"/api/v1/participants/{p['id']}/consents", json=consent_body(s), headers=s.h["counsellor_a"])
    return f"/api/v1/participants/{p['id']}/consents/{c.json()['id']}/withdraw", {}


def user_path(s):
    return f"/api/v1/users/{s.world.counsellor_a2.id}", {}


def user_patch(s):
    path = f"/api/v1/users/{s.world.counsellor_a2.id}"
    return path, {"json": {"display_name": "Renamed"}, "headers": {"If-Match": _etag(s, path)}}


def new_user(s):
    s.created.append(None)
    return "/api/v1/users", {"json": {"email": f"new{len(s.created)}@test.example", "display_name": "New",
                                      "role": "counsellor", "password": PASSWORD,
                                      "organisation_id": str(s.world.org_a.id)}}


def new_org(s):
    s.created.append(None)
    return "/api/v1/organisations", {"json": {"name": f"Org {len(s.created)}", "kind": "cti"}}


def plain(path):
    return lambda s: (path, {})


def participants_create(s):
    s.created.append(None)
    return "/api/v1/participants", {"json": {
        "given_names": f"New {len(s.created)}", "family_name": "Person", "birth_date": "1990-01-01",
        "sex": "male", "country_of_birth": "AL"}}


U, F, N, OK, C = 401, 403, 404, 200, 201
#                                                                          anon  cA   oaA  cB   anl  adm  cli
MATRIX = {
    ("POST", "/api/v1/auth/logout"): (plain("/api/v1/auth/logout"), [U, 204, 204, 204, 204, 204, 204]),
    ("GET", "/api/v1/auth/me"): (plain("/api/v1/auth/me"), [U, OK, OK, OK, OK, OK, OK]),
    ("GET", "/api/v1/organisations"): (plain("/api/v1/organisations"), [U, OK, OK, OK, OK, OK, F]),
    ("POST", "/api/v1/organisations"): (new_org, [U, F, F, F, F, C, F]),
    ("GET", "/api/v1/organisations/{organisation_id}"): (
        lambda s: (f"/api/v1/organisations/{s.world.org_a.id}", {}), [U, OK, OK, OK, OK, OK, F]),
    ("GET", "/api/v1/users"): (plain("/api/v1/users"), [U, F, OK, F, F, OK, F]),
    ("POST", "/api/v1/users"): (new_user, [U, F, C, F, F, C, F]),
    ("GET", "/api/v1/users/{user_id}"): (user_path, [U, F, OK, F, F, OK, F]),
    ("PATCH", "/api/v1/users/{user_id}"): (user_patch, [U, F, OK, F, F, OK, F]),
    ("POST", "/api/v1/participants"): (participants_create, [U, C, C, C, F, F, F]),
    ("GET", "/api/v1/participants"): (plain("/api/v1/participants"), [U, OK, OK, OK, F, F, F]),
    ("GET", "/api/v1/participants/{participant_id}"): (participant_path(), [U, OK, OK, N, F, F, F]),
    ("PATCH", "/api/v1/participants/{participant_id}"): (
        participant_if_match("", {"residence_municipality": "Imola"}), [U, OK, OK, N, F, F, F]),
    ("POST", "/api/v1/participants/{participant_id}/close"): (
        participant_if_match("/close", {"reason": "completed"}), [U, OK, OK, N, F, F, F]),
    ("GET", "/api/v1/participants/{participant_id}/consents"): (
        participant_path("/consents"), [U, OK, OK, N, F, F, F]),
    ("POST", "/api/v1/participants/{participant_id}/consents"): (
        lambda s: (participant_path("/consents")(s)[0], {"json": consent_body(s)}), [U, C, C, N, F, F, F]),
    ("POST", "/api/v1/participants/{participant_id}/consents/{consent_id}/withdraw"): (
        with_consent, [U, OK, OK, N, F, F, F]),
    ("GET", "/api/v1/participants/{participant_id}/access-log"): (
        participant_path("/access-log"), [U, OK, OK, N, F, F, F]),
}
NOT_API = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/"), ("POST", "/api/v1/auth/token")}


class Scenario:
    def __init__(self, client, world):
        self.client, self.world, self.created = client, world, []
        self.h = {"anonymous": {}, "counsellor_a": auth(client, world.counsellor_a),
                  "org_admin_a": auth(client, world.admin_a), "counsellor_b": auth(client, world.counsellor_b),
                  "analyst": auth(client, world.analyst), "admin": auth(client, world.admin),
                  "client": client_auth(client, world.api_client)}


def test_every_route_has_a_row(app):
    missing = set(api_routes(app)) - set(MATRIX) - NOT_API
    stale = set(MATRIX) - set(api_routes(app))
    assert not missing, f"routes without an authorisation-matrix row: {sorted(missing)}"
    assert not stale, f"matrix rows for routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_authorisation_matrix(client, world, route):
    scenario = Scenario(client, world)
    prepare, expected = MATRIX[route]
    method = route[0]
    wrong = []
    for role, status in zip(ROLES, expected, strict=True):
        path, kwargs = prepare(scenario)
        headers = {**kwargs.pop("headers", {}), **scenario.h[role]}
        response = client.request(method, path, headers=headers, **kwargs)
        if response.status_code != status:
            wrong.append(f"{role}: expected {status}, got {response.status_code} {response.text[:200]}")
        if role == "counsellor_b" and status == N:
            assert response.json()["detail"] == "No participant with this id is visible to you."
        if route[1] == "/api/v1/auth/logout" and role != "anonymous":
            scenario.h[role] = auth(client, _user(world, role)) if role != "client" else scenario.h[role]
    assert not wrong, "\n".join(wrong)


def _user(world, role):
    return {"counsellor_a": world.counsellor_a, "org_admin_a": world.admin_a,
            "counsellor_b": world.counsellor_b, "analyst": world.analyst, "admin": world.admin}[role]
