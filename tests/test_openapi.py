"""The OpenAPI contract: the committed file matches the app, and the app honours it."""

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.pytest import from_fixture

from competenze.main import openapi_document as document
from competenze.openapi import render
from tests.factories import auth, create_participant

OPENAPI_FILE = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"

# Default checks, one adjustment: schema-valid data may still be refused for reasons a
# schema cannot state, and the API says so with documented codes — 400 (OAuth errors,
# RFC 6749 §5.2: made-up credentials are "valid" strings), 412/428 (If-Match), and 422 for
# semantic validation (a counsellor of another organisation, a fiscal code that encodes
# another birth date). Everything else, including every 5xx, still fails.
SCHEMATHESIS_CONFIG = SchemathesisConfig.from_str("""
seed = 20261125

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "428", "429"]
""")


def test_committed_openapi_matches_the_app():
    current = render(document())
    assert OPENAPI_FILE.read_text() == current, (
        "openapi/openapi.json is out of date: run `competenze openapi export` and commit it"
    )


def test_every_operation_has_a_stable_id_and_a_description():
    schema = json.loads(OPENAPI_FILE.read_text())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("operationId"), (method, path)
            assert "__" not in operation["operationId"], (method, path)
            assert operation.get("description") or operation.get("summary"), (method, path)


@pytest.fixture
def api_schema(app, client, world):
    """The app's own schema, loaded in-process; requests go straight to the ASGI app. After the
    run its answers are checked per operation: a run signed out from some point on (its token
    revoked by a call to logout, as once happened) would pass every check, 401 being documented."""
    headers = auth(client, world.counsellor_a)
    create_participant(client, headers)  # something to read, update and list
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=SCHEMATHESIS_CONFIG)
    schema.test_headers = headers  # picked up by the test below
    schema.fresh_headers = lambda: auth(client, world.counsellor_a)
    schema.answers = []
    yield schema
    # Every operation of the document was called, and each one mostly signed in (the token
    # endpoint's own 401s are made-up client secrets, not a lost sign-in; schemathesis also
    # tries methods a path does not have, which are not counted).
    by_operation: dict[str, list[int]] = {}
    for operation, status in schema.answers:
        by_operation.setdefault(operation, []).append(status)
    documented = {
        f"{method.upper()} {path}"
        for path, operations in json.loads(OPENAPI_FILE.read_text())["paths"].items()
        for method in operations
    }
    assert documented <= set(by_operation), documented - set(by_operation)
    signed_out = {
        operation: f"{statuses.count(401)} of {len(statuses)}"
        for operation, statuses in by_operation.items()
        if operation in documented
        and operation != "POST /api/v1/auth/token"
        and len(statuses) - statuses.count(401) < min(5, len(statuses))
    }
    assert not signed_out, f"answered 401 (the run was not signed in): {signed_out}"


schema = from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_api_honours_its_schema(case, api_schema):
    """Generated requests, authenticated as a counsellor: no 5xx, responses match the schema.
    Logout gets a token of its own each time, so the shared one stays signed in."""
    headers = api_schema.fresh_headers() if case.path == "/api/v1/auth/logout" else api_schema.test_headers
    response = case.call_and_validate(headers=headers)
    api_schema.answers.append((f"{case.method.upper()} {case.path}", response.status_code))
