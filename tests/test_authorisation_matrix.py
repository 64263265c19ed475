"""Role × route: who may call what. A new route without a row here fails the suite.

The resources used belong to organisation A. `counsellor_b` is a counsellor of organisation
B: for anything of A they get 404 — the same answer as for something that does not exist.
"""

import pytest

from tests.factories import PASSWORD, auth, client_auth, create_participant
from tests.routes import PUBLIC, api_routes, concrete

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
    return "/api/v1/users", {
        "json": {
            "email": f"new{len(s.created)}@test.example",
            "display_name": "New",
            "role": "counsellor",
            "password": PASSWORD,
            "organisation_id": str(s.world.org_a.id),
        }
    }


def new_org(s):
    s.created.append(None)
    return "/api/v1/organisations", {"json": {"name": f"Org {len(s.created)}", "kind": "cti"}}


def plain(path):
    return lambda s: (path, {})


def participants_create(s):
    s.created.append(None)
    return "/api/v1/participants", {
        "json": {
            "given_names": f"New {len(s.created)}",
            "family_name": "Person",
            "birth_date": "1990-01-01",
            "sex": "male",
            "country_of_birth": "AL",
        }
    }


def sub(suffix, body=None, params=None):
    """A route under a fresh participant of organisation A."""

    def prepare(s):
        path, _ = participant_path(suffix)(s)
        return path, {k: v for k, v in (("json", body), ("params", params)) if v is not None}

    return prepare


def sub_item(collection, body, patch=None):
    """An item of a participant's collection, with its If-Match; PATCH sends `patch`."""

    def prepare(s):
        base, _ = participant_path()(s)
        created = s.client.post(f"{base}/{collection}", json=body, headers=s.h["counsellor_a"])
        kwargs = {"headers": {"If-Match": created.headers["etag"]}}
        if patch is not None:
            kwargs["json"] = patch
        return created.headers["location"], kwargs

    return prepare


ESCO_O, ESCO_S = "http://data.europa.eu/esco/occupation/", "http://data.europa.eu/esco/skill/"
EDUCATION = {"isced_level": 3, "title": "Baccalauréat", "country": "MA", "documents": "available"}
WORK = {"title": "muratore", "country": "AL", "started_on": "2015-03-01", "arrangement": "informal"}
LANGUAGE = {"language": "it", "method": "self_declared", "levels": {"reading": "A2"}}


def plan_route(suffix="", body=None, with_step=False, consent_to=None):
    """A route of a fresh participant's plan (with a step, a referral consent if asked),
    sent with the plan's If-Match."""

    def prepare(s):
        base, _ = participant_path()(s)
        h = s.h["counsellor_a"]
        created = s.client.post(f"{base}/plans", json={}, headers=h)
        plan, etag = created.headers["location"], created.headers["etag"]
        path = plan + suffix
        if with_step:
            added = s.client.post(
                f"{plan}/steps", json={"kind": "other", "title": "Passo"}, headers={**h, "If-Match": etag}
            )
            etag = added.headers["etag"]
            path = path.replace("{step}", added.json()["steps"][0]["id"])
        if consent_to is not None:
            s.client.post(
                f"{base}/consents",
                headers=h,
                json={"purpose": "referral", "recipient_organisation_id": str(consent_to(s)), "method": "paper"},
            )
        kwargs = {"headers": {"If-Match": etag}}
        if body is not None:
            kwargs["json"] = body(s) if callable(body) else body
        return path, kwargs

    return prepare


def referral(suffix="", body=None):
    """A referral of organisation A to the Region (so counsellor B, a third party, sees nothing)."""

    def prepare(s):
        path, kwargs = plan_route(
            "/steps/{step}/referrals",
            lambda s: {"to_organisation_id": str(s.world.region.id)},
            with_step=True,
            consent_to=lambda s: s.world.region.id,
        )(s)
        created = s.client.post(path, headers={**kwargs["headers"], **s.h["counsellor_a"]}, json=kwargs["json"])
        return f"/api/v1/referrals/{created.json()['id']}{suffix}", ({"json": body} if body else {})

    return prepare


def dossier(suffix="", body=None):
    def prepare(s):
        base, _ = participant_path()(s)
        issued = s.client.post(f"{base}/dossiers", json={"profile": "cpi"}, headers=s.h["counsellor_a"])
        return issued.headers["location"] + suffix, ({"json": body} if body else {})

    return prepare


U, F, N, OK, C = 401, 403, 404, 200, 201
D = 204
CASE = [U, OK, OK, N, F, F, F]  # case workers of the owning organisation only
CASE_C = [U, C, C, N, F, F, F]
CASE_D = [U, D, D, N, F, F, F]
STAFF = [U, OK, OK, OK, OK, OK, F]  # reference data: any staff account
#                                                                          anon  cA   oaA  cB   anl  adm  cli
MATRIX = {
    ("POST", "/api/v1/auth/logout"): (plain("/api/v1/auth/logout"), [U, 204, 204, 204, 204, 204, 204]),
    ("GET", "/api/v1/auth/me"): (plain("/api/v1/auth/me"), [U, OK, OK, OK, OK, OK, OK]),
    ("GET", "/api/v1/organisations"): (plain("/api/v1/organisations"), [U, OK, OK, OK, OK, OK, F]),
    ("POST", "/api/v1/organisations"): (new_org, [U, F, F, F, F, C, F]),
    ("GET", "/api/v1/organisations/{organisation_id}"): (
        lambda s: (f"/api/v1/organisations/{s.world.org_a.id}", {}),
        [U, OK, OK, OK, OK, OK, F],
    ),
    ("GET", "/api/v1/users"): (plain("/api/v1/users"), [U, F, OK, F, F, OK, F]),
    ("POST", "/api/v1/users"): (new_user, [U, F, C, F, F, C, F]),
    ("GET", "/api/v1/users/{user_id}"): (user_path, [U, F, OK, F, F, OK, F]),
    ("PATCH", "/api/v1/users/{user_id}"): (user_patch, [U, F, OK, F, F, OK, F]),
    ("POST", "/api/v1/participants"): (participants_create, [U, C, C, C, F, F, F]),
    ("GET", "/api/v1/participants"): (plain("/api/v1/participants"), [U, OK, OK, OK, F, F, F]),
    ("GET", "/api/v1/participants/{participant_id}"): (participant_path(), [U, OK, OK, N, F, F, F]),
    ("PATCH", "/api/v1/participants/{participant_id}"): (
        participant_if_match("", {"residence_municipality": "Imola"}),
        [U, OK, OK, N, F, F, F],
    ),
    ("POST", "/api/v1/participants/{participant_id}/close"): (
        participant_if_match("/close", {"reason": "completed"}),
        [U, OK, OK, N, F, F, F],
    ),
    ("GET", "/api/v1/participants/{participant_id}/consents"): (participant_path("/consents"), [U, OK, OK, N, F, F, F]),
    ("POST", "/api/v1/participants/{participant_id}/consents"): (
        lambda s: (participant_path("/consents")(s)[0], {"json": consent_body(s)}),
        [U, C, C, N, F, F, F],
    ),
    ("POST", "/api/v1/participants/{participant_id}/consents/{consent_id}/withdraw"): (
        with_consent,
        [U, OK, OK, N, F, F, F],
    ),
    ("GET", "/api/v1/participants/{participant_id}/access-log"): (
        participant_path("/access-log"),
        [U, OK, OK, N, F, F, F],
    ),
    # Assessments and experience (issue 3)
    ("POST", "/api/v1/participants/{participant_id}/language-assessments"): (
        sub("/language-assessments", LANGUAGE),
        CASE_C,
    ),
    ("GET", "/api/v1/participants/{participant_id}/language-assessments"): (sub("/language-assessments"), CASE),
    ("GET", "/api/v1/participants/{participant_id}/languages"): (sub("/languages"), CASE),
    ("POST", "/api/v1/participants/{participant_id}/digital-assessments"): (
        sub("/digital-assessments", {"method": "counsellor_observation", "levels": {"1.1": 3}}),
        CASE_C,
    ),
    ("GET", "/api/v1/participants/{participant_id}/digital-assessments"): (sub("/digital-assessments"), CASE),
    ("GET", "/api/v1/participants/{participant_id}/digital"): (sub("/digital"), CASE),
    ("POST", "/api/v1/participants/{participant_id}/education"): (sub("/education", EDUCATION), CASE_C),
    ("GET", "/api/v1/participants/{participant_id}/education"): (sub("/education"), CASE),
    ("PATCH", "/api/v1/participants/{participant_id}/education/{item_id}"): (
        sub_item("education", EDUCATION, {"recognition_status": "requested"}),
        CASE,
    ),
    ("DELETE", "/api/v1/participants/{participant_id}/education/{item_id}"): (sub_item("education", EDUCATION), CASE_D),
    ("POST", "/api/v1/participants/{participant_id}/work-experience"): (sub("/work-experience", WORK), CASE_C),
    ("GET", "/api/v1/participants/{participant_id}/work-experience"): (sub("/work-experience"), CASE),
    ("PATCH", "/api/v1/participants/{participant_id}/work-experience/{item_id}"): (
        sub_item("work-experience", WORK, {"employer": "Edilizia Rossi"}),
        CASE,
    ),
    ("DELETE", "/api/v1/participants/{participant_id}/work-experience/{item_id}"): (
        sub_item("work-experience", WORK),
        CASE_D,
    ),
    ("POST", "/api/v1/participants/{participant_id}/skills"): (
        sub("/skills", {"skill_uri": ESCO_S + "test-knife", "method": "self_declared"}),
        CASE_C,
    ),
    ("GET", "/api/v1/participants/{participant_id}/skills"): (sub("/skills"), CASE),
    ("GET", "/api/v1/participants/{participant_id}/skills-gap"): (
        sub("/skills-gap", params={"occupation": ESCO_O + "test-cook"}),
        CASE,
    ),
    ("GET", "/api/v1/participants/{participant_id}/literacy"): (sub("/literacy"), CASE),
    ("PUT", "/api/v1/participants/{participant_id}/literacy"): (sub("/literacy", {"laslliam_level": 2}), CASE),
    ("GET", "/api/v1/participants/{participant_id}/driving-licences"): (sub("/driving-licences"), CASE),
    ("PUT", "/api/v1/participants/{participant_id}/driving-licences"): (
        sub("/driving-licences", {"licences": []}),
        CASE,
    ),
    ("GET", "/api/v1/participants/{participant_id}/expectations"): (sub("/expectations"), CASE),
    ("PUT", "/api/v1/participants/{participant_id}/expectations"): (
        sub("/expectations", {"work_goals": "Lavorare come cuoco"}),
        CASE,
    ),
    # Plans and referrals (issue 4)
    ("POST", "/api/v1/participants/{participant_id}/plans"): (sub("/plans", {}), CASE_C),
    ("GET", "/api/v1/participants/{participant_id}/plans"): (sub("/plans"), CASE),
    ("GET", "/api/v1/participants/{participant_id}/plans/{plan_id}"): (plan_route(), CASE),
    ("PATCH", "/api/v1/participants/{participant_id}/plans/{plan_id}"): (plan_route("", {"appraisal": "Buona"}), CASE),
    ("POST", "/api/v1/participants/{participant_id}/plans/{plan_id}/transitions"): (
        plan_route("/transitions", {"action": "discontinue", "note": "Trasferita"}),
        CASE,
    ),
    ("GET", "/api/v1/participants/{participant_id}/plans/{plan_id}/history"): (plan_route("/history"), CASE),
    ("POST", "/api/v1/participants/{participant_id}/plans/{plan_id}/steps"): (
        plan_route("/steps", {"kind": "civic_orientation", "title": "Corso di educazione civica"}),
        CASE_C,
    ),
    ("PATCH", "/api/v1/participants/{participant_id}/plans/{plan_id}/steps/{step_id}"): (
        plan_route("/steps/{step}", {"due_date": "2027-01-31"}, with_step=True),
        CASE,
    ),
    ("POST", "/api/v1/participants/{participant_id}/plans/{plan_id}/steps/{step_id}/transitions"): (
        plan_route("/steps/{step}/transitions", {"action": "start"}, with_step=True),
        CASE,
    ),
    ("POST", "/api/v1/participants/{participant_id}/plans/{plan_id}/steps/{step_id}/referrals"): (
        plan_route(
            "/steps/{step}/referrals",
            lambda s: {"to_organisation_id": str(s.world.region.id)},
            with_step=True,
            consent_to=lambda s: s.world.region.id,
        ),
        CASE_C,
    ),
    ("GET", "/api/v1/referrals"): (plain("/api/v1/referrals"), [U, OK, OK, OK, F, F, F]),
    ("GET", "/api/v1/referrals/{referral_id}"): (referral(), CASE),
    ("POST", "/api/v1/referrals/{referral_id}/transitions"): (referral("/transitions", {"action": "withdraw"}), CASE),
    ("GET", "/api/v1/caseload"): (plain("/api/v1/caseload"), [U, OK, OK, OK, F, F, F]),
    # Dossiers (issue 5). The machine client (organisation B) has no consent: it sees none.
    ("POST", "/api/v1/participants/{participant_id}/dossiers"): (sub("/dossiers", {"profile": "public"}), CASE_C),
    ("GET", "/api/v1/participants/{participant_id}/dossiers"): (sub("/dossiers"), CASE),
    ("GET", "/api/v1/dossiers"): (plain("/api/v1/dossiers"), [U, OK, OK, OK, F, F, OK]),
    ("GET", "/api/v1/dossiers/{dossier_id}"): (dossier(), [U, OK, OK, N, F, F, N]),
    ("POST", "/api/v1/dossiers/{dossier_id}/revoke"): (
        dossier("/revoke", {"reason": "Errore"}),
        [U, OK, OK, N, F, F, N],
    ),
    # Reference data
    ("GET", "/api/v1/frameworks/cefr"): (plain("/api/v1/frameworks/cefr"), STAFF),
    ("GET", "/api/v1/frameworks/digcomp"): (plain("/api/v1/frameworks/digcomp"), STAFF),
    ("GET", "/api/v1/frameworks/digcomp/questionnaire"): (plain("/api/v1/frameworks/digcomp/questionnaire"), STAFF),
    ("GET", "/api/v1/frameworks/qualifications"): (plain("/api/v1/frameworks/qualifications"), STAFF),
    ("GET", "/api/v1/frameworks/language-certificates"): (plain("/api/v1/frameworks/language-certificates"), STAFF),
    ("GET", "/api/v1/esco/search"): (lambda s: ("/api/v1/esco/search", {"params": {"q": "cook"}}), STAFF),
    ("GET", "/api/v1/esco/concept"): (
        lambda s: ("/api/v1/esco/concept", {"params": {"uri": ESCO_O + "test-cook"}}),
        STAFF,
    ),
}
NOT_API = PUBLIC  # public on purpose: keys, status lists and verification are for anyone


class Scenario:
    def __init__(self, client, world, db):
        from competenze.frameworks.esco.importer import import_directory
        from tests.test_esco import FIXTURE

        import_directory(db, FIXTURE)
        db.commit()
        self.client, self.world, self.created = client, world, []
        self.h = {
            "anonymous": {},
            "counsellor_a": auth(client, world.counsellor_a),
            "org_admin_a": auth(client, world.admin_a),
            "counsellor_b": auth(client, world.counsellor_b),
            "analyst": auth(client, world.analyst),
            "admin": auth(client, world.admin),
            "client": client_auth(client, world.api_client),
        }


def test_every_route_has_a_row(app):
    missing = set(api_routes(app)) - set(MATRIX) - NOT_API
    stale = set(MATRIX) - set(api_routes(app))
    assert not missing, f"routes without an authorisation-matrix row: {sorted(missing)}"
    assert not stale, f"matrix rows for routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_authorisation_matrix(client, world, db, route):
    scenario = Scenario(client, world, db)
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
            # Invisible looks exactly like missing: the same body as for an id that exists nowhere.
            missing = client.request(method, concrete(route[1]), headers=headers, **kwargs)
            assert missing.status_code == N
            assert response.json()["detail"] == missing.json()["detail"]
        if route[1] == "/api/v1/auth/logout" and role != "anonymous":
            scenario.h[role] = auth(client, _user(world, role)) if role != "client" else scenario.h[role]
    assert not wrong, "\n".join(wrong)


def _user(world, role):
    return {
        "counsellor_a": world.counsellor_a,
        "org_admin_a": world.admin_a,
        "counsellor_b": world.counsellor_b,
        "analyst": world.analyst,
        "admin": world.admin,
    }[role]
