"""Headers every response carries: no-store for anything personal or about staff, caching only
for what is published to everyone, and a strict Content-Security-Policy on every page."""

import re

import pytest

from tests.factories import auth, client_auth, create_participant, make_org

DOSSIER_TYPES = ("application/json", "application/vc+jwt", "application/xml", "application/pdf")


@pytest.fixture
def shared(client, world, db):
    """A dossier of organisation A shared with a CPI, and everyone's headers."""
    h = auth(client, world.counsellor_a)
    participant = create_participant(client, h)
    cpi = make_org(db, "CPI Test", kind="cpi")
    from tests.factories import make_client

    api_client = make_client(db, cpi)
    client.post(
        f"/api/v1/participants/{participant['id']}/consents",
        headers=h,
        json={"purpose": "dossier_sharing", "recipient_organisation_id": str(cpi.id), "method": "paper"},
    )
    dossier = client.post(
        f"/api/v1/participants/{participant['id']}/dossiers", headers=h, json={"profile": "cpi"}
    ).json()
    return {
        "h": h,
        "admin": auth(client, world.admin_a),
        "client": client_auth(client, api_client),
        "participant": participant,
        "dossier": dossier,
    }


def test_every_response_with_personal_or_staff_data_says_no_store(client, world, shared):
    dossier, h = shared["dossier"], shared["h"]
    token = client.get(f"/api/v1/dossiers/{dossier['id']}", headers={**h, "Accept": "application/vc+jwt"}).text
    calls = [
        *(
            (f"/api/v1/dossiers/{dossier['id']}", {**who, "Accept": media})
            for media in DOSSIER_TYPES
            for who in (h, shared["client"])
        ),
        ("/api/v1/dossiers", h),
        ("/api/v1/dossiers", shared["client"]),
        ("/api/v1/users", shared["admin"]),
        (f"/api/v1/users/{world.counsellor_a.id}", shared["admin"]),
        ("/api/v1/auth/me", h),
        ("/api/v1/auth/me", shared["client"]),
        ("/api/v1/organisations", h),
        (f"/api/v1/organisations/{world.org_a.id}", h),
        ("/api/v1/participants", h),
        (f"/api/v1/participants/{shared['participant']['id']}/dossiers", h),
        ("/api/v1/caseload", h),
    ]
    for path, headers in calls:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)  # really reached, signed in
        assert response.headers["cache-control"] == "no-store", (path, headers.get("Accept"))
    verified = client.post("/api/v1/verify", json={"token": token})
    assert verified.status_code == 200
    assert verified.json()["verdict"] == "valid"
    assert verified.headers["cache-control"] == "no-store"
    # Clients that keep their own copy still revalidate it.
    pulled = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=shared["client"])
    again = client.get(
        f"/api/v1/dossiers/{dossier['id']}", headers={**shared["client"], "If-None-Match": pulled.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["cache-control"] == "no-store"


def test_what_is_published_to_everyone_keeps_its_caching(client, shared):
    entry = client.get(f"/api/v1/dossiers/{shared['dossier']['id']}", headers=shared["h"]).json()["credentialStatus"][0]
    status_list = "/" + entry["statusListCredential"].split("://", 1)[1].split("/", 1)[1]
    for path in ("/.well-known/jwks.json", "/contexts/competenze/v1", status_list, "/static/site.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"].startswith("public, max-age="), path


def _inline_script_or_style(html: str) -> list[str]:
    found = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) + re.findall(r"<style\b", html)
    return found + re.findall(r"\sstyle=", html) + re.findall(r"\son[a-z]+=", html)


def test_every_page_carries_a_strict_csp_and_needs_no_inline_code(client, shared):
    code = shared["dossier"]["verification_url"].rsplit("/", 1)[1]
    pages = [("/", 200), ("/docs", 200), (f"/verify/{code}", 200), ("/verify/unknown", 404), ("/nowhere", 404)]
    for path, status in pages:
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith("text/html"), path
        csp = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
        assert csp["default-src"] == "'self'", path
        assert csp["script-src"] == "'self'", path
        assert csp["style-src"] == "'self'", path
        assert csp["frame-ancestors"] == "'none'", path
        assert csp["object-src"] == "'none'", path
        assert "unsafe" not in response.headers["content-security-policy"]
        assert not _inline_script_or_style(response.text), (path, _inline_script_or_style(response.text))
        assert "cdn" not in response.text.lower(), path
        assert "https://" not in response.text.split("</head>")[0], path
    api = client.get("/api/v1/participants", headers=shared["h"])
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
