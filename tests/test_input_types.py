"""Request bodies take exactly the JSON types the schema publishes, and text that prints as typed.

FastAPI validates bodies in pydantic's lax mode, where "3" is 3, "no" is false and 0 is
1970-01-01. Every request model is walked here: a new field of a lax type, or a string that
could carry bidi overrides or control characters, fails this test before it ships.
"""

import re
from datetime import UTC, date, datetime

import pytest
from fastapi.routing import APIRoute

from competenze.common import codes, fields
from competenze.main import create_app
from competenze.participants import schemas as participant_schemas
from tests.factories import auth, create_participant

STRICT_TYPES = {"int", "bool", "float", "date", "datetime"}
# Strings whose values come from a closed set or a strict format need no character check.
CLOSED_SETS = {codes._check_country, codes._check_language, participant_schemas._fiscal}
# Credentials and tokens are never displayed: secrets may hold any character (NIST SP
# 800-63B), an unknown grant type gets RFC 6749's own error, and a verifier's unreadable token
# gets the verdict "malformed", not a 422. Named field by field, so nothing else slips through.
NEVER_DISPLAYED = {
    *(
        f"POST /api/v1/auth/token.{name}"
        for name in ("grant_type", "username", "password", "refresh_token", "client_id", "client_secret", "scope")
    ),
    "POST /api/v1/users.password",
    "PATCH /api/v1/users/{user_id}.password",
    "POST /api/v1/verify.token",
}
# A pattern must refuse what plain_text would (unless plain_text checks the field as well).
PROBES = ("\u202e", "A\u202eA", "1\u202e2", "a\x85b", "x@y.zz\u2066", "http://data.europa.eu/esco/skill/a\u202e")


def _request_models(app) -> dict[str, type]:
    found = {}

    def walk(routes):
        for route in routes:
            if getattr(route, "original_router", None) is not None:
                walk(route.original_router.routes)
            elif isinstance(route, APIRoute) and route.body_field is not None:
                annotation = route.body_field.field_info.annotation
                if isinstance(annotation, type) and hasattr(annotation, "__pydantic_core_schema__"):
                    found[f"{sorted(route.methods)[0]} {route.path}"] = annotation

    walk(app.routes)
    return found


SKIP = {"serialization", "metadata", "function", "ref", "default", "config", "custom_error_context"}


def _walk(node, path, definitions, problems, text_checked=False, seen=()):
    """Record every lax scalar and every unchecked string reachable from a core schema."""
    if isinstance(node, list):
        for item in node:
            _walk(item, path, definitions, problems, text_checked, seen)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "definitions":
        definitions = {**definitions, **{d["ref"]: d for d in node["definitions"]}}
    elif kind == "definition-ref":
        if node["schema_ref"] not in seen:
            _walk(
                definitions[node["schema_ref"]], path, definitions, problems, text_checked, (*seen, node["schema_ref"])
            )
        return
    elif kind in STRICT_TYPES and not node.get("strict"):
        problems.append(f"{path}: lax {kind}")
    elif kind == "str" and not text_checked and path not in NEVER_DISPLAYED:
        if not node.get("pattern"):
            problems.append(f"{path}: a string without plain_text or a pattern")
        elif any(re.fullmatch(node["pattern"], probe) for probe in PROBES):
            problems.append(f"{path}: its pattern lets a refused character through")
    elif kind == "function-after" and (
        node["function"]["function"] is fields.plain_text or node["function"]["function"] in CLOSED_SETS
    ):
        text_checked = True
    elif kind == "model-fields":
        for name, field in node["fields"].items():
            _walk(field["schema"], f"{path}.{name}", definitions, problems, False, seen)
        return
    for key, value in node.items():
        if key not in SKIP and isinstance(value, (dict, list)):
            _walk(value, path, definitions, problems, text_checked if key in ("schema", "steps") else False, seen)


def test_every_request_model_is_strict_and_its_text_plain(settings):
    models = _request_models(create_app(settings))
    assert len(models) >= 25, sorted(models)  # the walk really found the API's request bodies
    problems = []
    for route, model in sorted(models.items()):
        _walk(model.__pydantic_core_schema__, route, {}, problems)
    assert not problems, "\n".join(problems)


LAX_INPUTS = [
    ("education", {"isced_level": "3"}, "isced_level"),
    ("education", {"completed": "no"}, "completed"),
    ("education", {"completed": 0}, "completed"),
    ("education", {"isced_level": 7.0}, "isced_level"),
    ("participant", {"birth_date": 0}, "birth_date"),
    ("participant", {"birth_date": "1988-03-14T00:00:00"}, "birth_date"),
    ("participant", {"birth_date": "1899-12-31"}, "birth_date"),
    ("participant", {"permit_expiry": "0001-01-01"}, "permit_expiry"),
    ("participant", {"permit_expiry": "9999-12-31"}, "permit_expiry"),
    ("participant", {"arrival_date": 1700000000}, "arrival_date"),
]


@pytest.mark.parametrize(("target", "change", "field"), LAX_INPUTS)
def test_values_of_another_type_are_refused_and_nothing_is_written(client, world, target, change, field):
    h = auth(client, world.counsellor_a)
    if target == "participant":
        from tests.factories import participant_body

        response = client.post("/api/v1/participants", json=participant_body(**change), headers=h)
        listed = client.get("/api/v1/participants", headers=h).json()["items"]
    else:
        participant = create_participant(client, h)
        path = f"/api/v1/participants/{participant['id']}/education"
        body = {"isced_level": 3, "title": "Diploma", "country": "MA", "documents": "available", **change}
        response = client.post(path, json=body, headers=h)
        listed = client.get(path, headers=h).json()
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert listed == ([] if target == "education" else listed)
    assert target != "participant" or listed == []


@pytest.mark.parametrize(
    ("given_at", "message"),
    [
        ("0001-01-01T00:00:00+14:00", "is out of range"),
        ("0001-01-01T00:00:00Z", "between 1900-01-01"),
        ("2026-01-10T09:30:00", "include a time zone"),
        ("2026-01-10", "ISO 8601 with its zone"),
        (1700000000, "ISO 8601"),
    ],
)
def test_times_need_their_zone_and_plausible_years(client, world, given_at, message):
    h = auth(client, world.counsellor_a)
    participant = create_participant(client, h)
    response = client.post(
        f"/api/v1/participants/{participant['id']}/consents",
        headers=h,
        json={
            "purpose": "referral",
            "recipient_organisation_id": str(world.org_b.id),
            "method": "paper",
            "given_at": given_at,
        },
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "given_at"
    assert message in response.json()["errors"][0]["message"]


def test_the_published_types_are_still_accepted(client, world):
    h = auth(client, world.counsellor_a)
    participant = create_participant(
        client, h, permit_expiry=date.today().replace(year=date.today().year + 2).isoformat()
    )
    path = f"/api/v1/participants/{participant['id']}/education"
    response = client.post(
        path,
        json={
            "isced_level": 3,
            "title": "Diploma",
            "country": "MA",
            "documents": "available",
            "completed": False,
            "end_year": 2010,
        },
        headers=h,
    )
    assert response.status_code == 201, response.text
    assert response.json()["isced_level"] == 3
    assert response.json()["completed"] is False
    consent = client.post(
        f"/api/v1/participants/{participant['id']}/consents",
        headers=h,
        json={
            "purpose": "referral",
            "recipient_organisation_id": str(world.org_b.id),
            "method": "paper",
            "given_at": "2026-01-10T09:30:00+01:00",
        },
    )
    assert consent.status_code == 201, consent.text
    assert datetime.fromisoformat(consent.json()["given_at"]) == datetime(2026, 1, 10, 8, 30, tzinfo=UTC)


BIDI_AND_CONTROLS = [
    "\u202e",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u0085",
    "\u009f",
    "\u007f",
    "\ufdd0",
    "\uffff",
    "\U0010fffe",
    "\x1b",
]


@pytest.mark.parametrize("char", BIDI_AND_CONTROLS, ids=[f"U+{ord(c):04X}" for c in BIDI_AND_CONTROLS])
def test_bidi_controls_and_invisible_controls_are_refused_by_name(client, world, char):
    h = auth(client, world.counsellor_a)
    participant = create_participant(client, h)
    path = f"/api/v1/participants/{participant['id']}/education"
    response = client.post(
        path,
        headers=h,
        json={
            "isced_level": 6,
            "title": "Laurea",
            "country": "SY",
            "documents": "available",
            "institution": f"جامعة دمشق {char}gnp.exe",
        },
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "institution"
    assert f"U+{ord(char):04X}" in response.json()["errors"][0]["message"]
    assert client.get(path, headers=h).json() == []


def test_direction_marks_people_type_are_kept(client, world):
    h = auth(client, world.counsellor_a)
    participant = create_participant(client, h)
    path = f"/api/v1/participants/{participant['id']}/education"
    institution = "جامعة\u200f دمشق\u061c (2010)\u200e"
    response = client.post(
        path,
        headers=h,
        json={
            "isced_level": 6,
            "title": "Laurea",
            "country": "SY",
            "documents": "available",
            "institution": institution,
        },
    )
    assert response.status_code == 201
    assert response.json()["institution"] == institution


def test_lines_a_browser_sends_with_crlf_are_kept_as_lines(client, world):
    h = auth(client, world.counsellor_a)
    participant = create_participant(client, h)
    response = client.post(
        f"/api/v1/participants/{participant['id']}/education",
        headers=h,
        json={
            "isced_level": 3,
            "title": "Diploma",
            "country": "MA",
            "documents": "available",
            "recognition_note": "Prima riga\r\nSeconda riga\rTerza",
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["recognition_note"] == "Prima riga\nSeconda riga\nTerza"
