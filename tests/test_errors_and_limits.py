"""Problem+json everywhere, request body caps, database outage, health checks, HTML errors."""

from competenze.config import Settings
from competenze.main import create_app
from competenze.participants.models import Participant
from tests.factories import auth, count_rows, participant_body


def test_unknown_route_is_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["status"] == 404


def test_method_not_allowed_is_problem_json(client):
    response = client.delete("/api/v1/participants")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


def test_body_over_the_cap_is_413_and_nothing_is_written(client, world, engine):
    headers = auth(client, world.counsellor_a)
    huge = participant_body(residence_municipality="x" * (300 * 1024))
    response = client.post("/api/v1/participants", json=huge, headers=headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "256 KiB" in response.json()["detail"]
    assert count_rows(engine, Participant) == 0


def test_chunked_body_over_the_cap_is_413(client, world, engine):
    headers = {**auth(client, world.counsellor_a), "Content-Type": "application/json"}

    def chunks():
        yield b'{"given_names": "'
        for _ in range(100):
            yield b"x" * 4096
        yield b'"}'

    response = client.post("/api/v1/participants", content=chunks(), headers=headers)
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413
    assert count_rows(engine, Participant) == 0


def test_small_chunked_body_still_works(client, world):
    headers = {**auth(client, world.counsellor_a), "Content-Type": "application/json"}
    import json

    payload = json.dumps(participant_body()).encode()
    response = client.post("/api/v1/participants", content=iter([payload[:10], payload[10:]]), headers=headers)
    assert response.status_code == 201


def test_malformed_json_is_422_problem(client, world):
    headers = {**auth(client, world.counsellor_a), "Content-Type": "application/json"}
    response = client.post("/api/v1/participants", content=b"{not json", headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_database_outage_is_503_problem_and_readyz_says_so(keys_dir, tmp_path):
    from fastapi.testclient import TestClient

    # A PostgreSQL URL where nothing listens: the app starts (the database may come later)
    # and every request that needs it answers 503 with Retry-After, not a stack trace.
    settings = Settings(
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1", keys_dir=keys_dir
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        token = client.post(
            "/api/v1/auth/token", data={"grant_type": "password", "username": "a@b.it", "password": "whatever-password"}
        )
        assert token.status_code == 503
        assert token.headers["content-type"] == "application/problem+json"
        assert token.headers["retry-after"] == "5"
        assert "Traceback" not in token.text
        assert "psycopg" not in token.text
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_browser_gets_an_html_error_page(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in response.text
    assert "Errore 404" in response.text


def test_security_headers_and_request_id_on_every_response(client):
    response = client.get("/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert len(response.headers["x-request-id"]) >= 8
    assert (
        client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["x-request-id"]
        != "bad id with spaces"
    )


def test_html_error_page_escapes_text(client):
    # Detail strings are not user input today, but the template must autoescape regardless.
    from competenze.resources import environment

    html = (
        environment()
        .get_template("errors/error.html")
        .render(status=400, title="<b>x</b>", detail="<script>", request_id=None)
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_query_parameters_a_route_does_not_read_are_a_422_naming_them(client, world):
    h = auth(client, world.counsellor_a)
    participant = client.post("/api/v1/participants", json=participant_body(), headers=h).json()
    dossier = client.post(f"/api/v1/participants/{participant['id']}/dossiers", headers=h, json={"profile": "public"})
    typos = [
        ("/api/v1/participants", {"statuss": "active"}, "query.statuss"),
        ("/api/v1/dossiers", {"updated_sinse": "2026-01-01T00:00:00Z"}, "query.updated_sinse"),
        (f"/api/v1/dossiers/{dossier.json()['id']}", {"lng": "ar"}, "query.lng"),
        (f"/api/v1/participants/{participant['id']}/access-log", {"limit": "5", "page": "2"}, "query.page"),
    ]
    for path, params, field in typos:
        assert client.get(path, headers=h).status_code == 200, path
        response = client.get(path, params=params, headers=h)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["errors"] == [{"field": field, "message": "unknown field; remove it"}]
    repeated = client.get("/api/v1/participants", params=[("limit", "1"), ("limit", "3")], headers=h)
    assert repeated.status_code == 422
    assert repeated.json()["errors"] == [{"field": "query.limit", "message": "given more than once; give it once"}]
    # Pages ignore what they do not read: a QR code or a link may carry tracking parameters.
    code = dossier.json()["verification_url"].rsplit("/", 1)[1]
    assert client.get(f"/verify/{code}", params={"utm_source": "qr"}).status_code == 200


def test_the_schema_says_what_the_server_enforces(client, world):
    import json
    from pathlib import Path

    schema = json.loads((Path(__file__).resolve().parents[1] / "openapi" / "openapi.json").read_text())
    patch = schema["paths"]["/api/v1/participants/{participant_id}"]["patch"]
    if_match = next(p for p in patch["parameters"] if p["name"] == "If-Match")
    assert if_match["required"] is True
    sheet = schema["paths"]["/api/v1/participants/{participant_id}/literacy"]["put"]
    assert next(p for p in sheet["parameters"] if p["name"] == "If-Match")["required"] is False  # not before it exists
    assert schema["components"]["schemas"]["ReferralMove"]["enum"] == ["accept", "decline", "complete", "withdraw"]
    assert schema["components"]["schemas"]["UserCreate"]["properties"]["email"]["pattern"].startswith("^[^@")
    form = schema["components"]["schemas"]["Body_auth_token"]["properties"]["grant_type"]
    assert form["enum"] == ["password", "refresh_token", "client_credentials"]
    # What the schema requires is still answered with 428 and a message, not a generic 422.
    h = auth(client, world.counsellor_a)
    participant = client.post("/api/v1/participants", json=participant_body(), headers=h).json()
    refused = client.patch(
        f"/api/v1/participants/{participant['id']}", json={"residence_municipality": "Imola"}, headers=h
    )
    assert refused.status_code == 428
    assert "If-Match" in refused.json()["detail"]
    for grant in ("implicit", "PASSWORD", "urn:ietf:params:oauth:grant-type:jwt-bearer"):
        unsupported = client.post("/api/v1/auth/token", data={"grant_type": grant})
        assert unsupported.status_code == 400, grant
        assert unsupported.json()["error"] == "unsupported_grant_type", grant


def test_a_request_without_credentials_gets_a_challenge_without_an_error_code(client):
    # RFC 6750 §3.1: "invalid_token" is for a token that was sent and refused.
    bare = client.get("/api/v1/participants")
    assert bare.status_code == 401
    assert bare.headers["www-authenticate"] == 'Bearer realm="competenze"'
    forged = client.get("/api/v1/participants", headers={"Authorization": "Bearer not.a.token"})
    assert forged.status_code == 401
    assert forged.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_an_unexpected_error_is_a_500_with_every_header_and_no_trace(client, world, monkeypatch):
    from competenze.dossiers import public
    from competenze.participants import service

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(public, "verify_page", broken)
    monkeypatch.setattr(service, "search", broken)
    page = client.get("/verify/anything", headers={"Accept": "text/html"})
    api = client.get("/api/v1/participants", headers=auth(client, world.counsellor_a))
    for response, kind in ((page, "text/html"), (api, "application/problem+json")):
        assert response.status_code == 500
        assert response.headers["content-type"].startswith(kind)
        assert "secret internals" not in response.text
        assert "Traceback" not in response.text
        for header in ("content-security-policy", "x-frame-options", "x-content-type-options", "x-request-id"):
            assert header in response.headers, (kind, header)
        assert response.headers["cache-control"] == "no-store"
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert api.json()["request_id"] == api.headers["x-request-id"]
