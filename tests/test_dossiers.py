"""Dossiers: issuance, independent verification, status lists, sharing and pulling, verdicts."""

import base64
import gzip
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import ECKey, KeySet
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from competenze.common.time import frozen
from competenze.dossiers.models import Dossier
from competenze.dossiers.pdf_layout import catalogue
from competenze.frameworks.esco.importer import import_directory
from tests.factories import CLIENT_SECRET, auth, count_rows, create_participant, make_client, make_org
from tests.test_esco import FIXTURE, OCC, SKILL
from tests.test_europass import schema  # noqa: F401  (the XSD, built once per module)
from tests.test_pdf import text_of

GRID = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")


@pytest.fixture
def case(client, world, db):
    """A participant of organisation A with competences of every kind, and a CPI with a client."""
    import_directory(db, FIXTURE)
    db.commit()
    h = auth(client, world.counsellor_a)
    p = create_participant(
        client, h, permit_type="Permesso per motivi familiari", support_needs="Segreto: figli piccoli"
    )
    base = f"/api/v1/participants/{p['id']}"
    posts = [
        ("language-assessments", {"language": "ar", "method": "self_declared", "mother_tongue": True}),
        (
            "language-assessments",
            {
                "language": "it",
                "method": "certificate",
                "certificate": {
                    "type": "CILS",
                    "exam": "CILS A2 Integrazione in Italia",
                    "level": "A2",
                    "date": "2026-06-10",
                },
            },
        ),
        (
            "language-assessments",
            {"language": "fr", "method": "self_declared", "levels": {"reading": "B2", "mediation": "B1"}},
        ),
        ("digital-assessments", {"method": "counsellor_observation", "levels": {"1.1": 3, "2.1": 4, "4.1": 2}}),
        (
            "education",
            {
                "isced_level": 6,
                "eqf_level": 6,
                "title": "Licence en droit",
                "institution": "Université Mohammed V",
                "country": "MA",
                "start_year": 2006,
                "end_year": 2009,
                "documents": "partial",
                "recognition_status": "requested",
            },
        ),
        (
            "work-experience",
            {
                "occupation_uri": OCC + "test-cook",
                "employer": "Riad & Co",
                "country": "MA",
                "started_on": "2012-04-01",
                "ended_on": "2016-08-31",
                "arrangement": "informal",
            },
        ),
        ("skills", {"skill_uri": SKILL + "test-knife", "method": "counsellor_observation"}),
    ]
    for path, body in posts:
        assert client.post(f"{base}/{path}", headers=h, json=body).status_code == 201, (path, body)
    client.put(f"{base}/driving-licences", headers=h, json={"licences": [{"category": "B", "country": "MA"}]})
    cpi = make_org(db, "Centro per l'Impiego di Test", kind="cpi")
    return {
        "client": client,
        "h": h,
        "base": base,
        "participant": p,
        "cpi": cpi,
        "cpi_client": make_client(db, cpi),
        "other_client": make_client(db, world.org_b),
    }


def path_of(url: str) -> str:
    """The local path of one of our absolute URLs (the test app's issuer is its default)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def issue(case, profile="cpi", **extra):
    response = case["client"].post(f"{case['base']}/dossiers", headers=case["h"], json={"profile": profile, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def get(case, dossier_id, accept="application/json", headers=None):
    return case["client"].get(f"/api/v1/dossiers/{dossier_id}", headers={**(headers or case["h"]), "Accept": accept})


def jwks_keyset(client) -> KeySet:
    return KeySet.import_key_set(client.get("/.well-known/jwks.json").json())


def test_issued_dossier_is_a_vc_signed_es256_that_an_independent_library_verifies(case, settings):
    client = case["client"]
    dossier = issue(case)
    token = get(case, dossier["id"], "application/vc+jwt")
    assert token.headers["content-type"].startswith("application/vc+jwt")
    keyset = jwks_keyset(client)
    verified = jws.deserialize_compact(token.text, keyset, algorithms=["ES256"])
    assert verified.headers() == {"alg": "ES256", "typ": "vc+jwt", "kid": dossier["kid"]}
    credential = json.loads(verified.payload)
    stored = get(case, dossier["id"]).content
    assert json.loads(stored) == credential
    assert verified.payload == stored
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert client.get(credential["@context"][1].removeprefix(settings.issuer)).json()["@context"]["CompetenceDossier"]
    assert credential["type"] == ["VerifiableCredential", "CompetenceDossier"]
    assert credential["issuer"]["id"] == settings.issuer
    assert credential["issuingOrganisation"]["name"] == "Comune A"
    subject = credential["credentialSubject"]
    assert subject["id"].startswith("urn:uuid:")
    assert case["participant"]["id"] not in json.dumps(credential)
    assert subject["person"]["permit"] == {"category": "family", "validUntil": "2027-05-18"}
    assert "plan" not in subject  # no plan yet: the section is left out, not sent empty
    italian = next(lang for lang in subject["languages"] if lang["language"] == "it")
    assert {s: italian["levels"][s]["level"] for s in GRID} == dict.fromkeys(GRID, "A2")
    assert [e["type"] for e in credential["credentialStatus"]] == ["BitstringStatusListEntry"] * 2
    assert credential["validFrom"].endswith("Z")
    assert credential["validUntil"] > credential["validFrom"]
    # A flipped byte anywhere in the token makes verification fail.
    head, payload, signature = token.text.split(".")
    flipped = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(f"{head}.{flipped}.{signature}", keyset, algorithms=["ES256"])


def test_restricted_details_are_in_no_dossier_and_the_public_profile_is_minimal(case):
    for profile in ("cpi", "public"):
        raw = get(case, issue(case, profile)["id"]).text
        assert "Segreto" not in raw
        assert "Permesso per motivi familiari" not in raw
        assert "support" not in raw.lower()
    public = json.loads(raw)["credentialSubject"]
    assert set(public["person"]) <= {"givenName", "familyName", "motherTongues", "preferredLanguage"}
    assert "plan" not in public
    assert public["profile"] == "public"


def test_issued_rows_cannot_be_changed_in_the_database(case, engine):
    issue(case)
    with pytest.raises(DBAPIError, match="immutable"):
        with engine.begin() as conn:
            conn.execute(text("UPDATE dossier SET version = 7"))


def _status_bit(client, entry) -> bool:
    listed = client.get(path_of(entry["statusListCredential"]), headers={"Accept": "application/json"})
    assert listed.status_code == 200
    assert "max-age" in listed.headers["cache-control"]
    encoded = listed.json()["credentialSubject"]["encodedList"]
    assert encoded[0] == "u"  # multibase base64url
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_revocation_sets_the_bit_and_verification_says_revoked(case):
    client = case["client"]
    dossier = issue(case)
    token = get(case, dossier["id"], "application/vc+jwt").text
    entries = json.loads(get(case, dossier["id"]).content)["credentialStatus"]
    revocation = next(e for e in entries if e["statusPurpose"] == "revocation")
    assert _status_bit(client, revocation) is False
    assert client.post("/api/v1/verify", json={"token": token}).json()["verdict"] == "valid"
    revoked = client.post(f"/api/v1/dossiers/{dossier['id']}/revoke", headers=case["h"], json={"reason": "Dati errati"})
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert _status_bit(client, revocation) is True
    assert client.post("/api/v1/verify", json={"token": token}).json()["verdict"] == "revoked"
    signed_list = client.get(path_of(revocation["statusListCredential"]))
    assert signed_list.headers["content-type"].startswith("application/vc+jwt")
    listed = jws.deserialize_compact(signed_list.text, jwks_keyset(client), algorithms=["ES256"])
    assert json.loads(listed.payload)["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert (
        client.post(f"/api/v1/dossiers/{dossier['id']}/revoke", headers=case["h"], json={"reason": "x"}).status_code
        == 409
    )


def test_a_new_version_supersedes_the_previous_one(case):
    client = case["client"]
    first = issue(case)
    old_token = get(case, first["id"], "application/vc+jwt").text
    second = issue(case)
    assert second["version"] == 2
    assert issue(case, "public")["version"] == 1
    verdict = client.post("/api/v1/verify", json={"token": old_token}).json()
    assert verdict["verdict"] == "superseded"
    assert verdict["superseded_by_version"] == 2
    message = next(
        e for e in json.loads(get(case, first["id"]).content)["credentialStatus"] if e["statusPurpose"] == "message"
    )
    assert _status_bit(client, message) is True
    history = client.get(f"{case['base']}/dossiers", headers=case["h"]).json()
    assert [(d["profile"], d["version"], d["status"]) for d in history] == [
        ("cpi", 2, "valid"),
        ("cpi", 1, "superseded"),
        ("public", 1, "valid"),
    ]


def test_a_dossier_that_is_not_in_force_shows_who_and_when_but_no_content(case):
    client = case["client"]
    first = issue(case)
    old_token = get(case, first["id"], "application/vc+jwt").text
    valid = client.post("/api/v1/verify", json={"token": old_token}).json()
    assert valid["verdict"] == "valid"
    assert valid["credential"]["credentialSubject"]["languages"]
    assert valid["holder"] == "Amina El Idrissi"
    assert valid["issued_by"] == "Comune A"
    second = issue(case)
    superseded = client.post("/api/v1/verify", json={"token": old_token}).json()
    assert superseded["verdict"] == "superseded"
    assert superseded["superseded_by_version"] == 2
    assert superseded["credential"] is None
    assert (superseded["holder"], superseded["issued_by"], superseded["issued_at"]) == (
        "Amina El Idrissi",
        "Comune A",
        valid["issued_at"],
    )
    client.post(f"/api/v1/dossiers/{second['id']}/revoke", headers=case["h"], json={"reason": "Dati errati"})
    revoked = client.post("/api/v1/verify", json={"token": get(case, second["id"], "application/vc+jwt").text}).json()
    assert revoked["verdict"] == "revoked"
    assert revoked["credential"] is None
    assert revoked["holder"] == "Amina El Idrissi"
    for verdict in (superseded, revoked):
        said = json.dumps(verdict, ensure_ascii=False)
        assert not [t for t in ("Université", "Licence en droit", "Riad", "1988-03-14", '"languages"') if t in said]
    page = client.get(path_of(first["verification_url"]))
    assert 'data-verdict="superseded"' in page.text
    assert "Amina El Idrissi" in page.text
    assert "Université Mohammed V" not in page.text
    assert "Licence en droit" not in page.text


def test_a_signed_credential_that_is_not_a_dossier_gets_a_verdict_that_says_so(case):
    client = case["client"]
    dossier = issue(case)
    entry = json.loads(get(case, dossier["id"]).content)["credentialStatus"][0]
    status_list = client.get(path_of(entry["statusListCredential"]))  # signed by us, a vc+jwt
    verdict = client.post("/api/v1/verify", json={"token": status_list.text}).json()
    assert verdict["verdict"] == "not_a_dossier", verdict
    assert "not a competence dossier" in verdict["message"]
    assert verdict["credential"] is None


def test_idempotent_issuance_creates_one_version(case, engine):
    headers = {**case["h"], "Idempotency-Key": "issue-1"}
    first = case["client"].post(f"{case['base']}/dossiers", headers=headers, json={"profile": "cpi"})
    again = case["client"].post(f"{case['base']}/dossiers", headers=headers, json={"profile": "cpi"})
    assert first.json() == again.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert count_rows(engine, Dossier) == 1


def _share(case, org):
    consent = case["client"].post(
        f"{case['base']}/consents",
        headers=case["h"],
        json={"purpose": "dossier_sharing", "recipient_organisation_id": str(org.id), "method": "paper"},
    )
    assert consent.status_code == 201
    return consent.json()["id"]


def client_headers(client, api_client):
    token = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": api_client.client_id, "client_secret": CLIENT_SECRET},
    )
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_a_cpi_client_pulls_what_was_shared_in_every_format_until_consent_is_withdrawn(case):
    client = case["client"]
    dossier = issue(case)
    public = issue(case, "public")
    ch = client_headers(client, case["cpi_client"])
    assert client.get("/api/v1/dossiers", headers=ch).json()["items"] == []
    assert get(case, dossier["id"], headers=ch).status_code == 404
    consent_id = _share(case, case["cpi"])
    items = client.get("/api/v1/dossiers", headers=ch).json()["items"]
    assert [i["id"] for i in items] == [dossier["id"]]  # an employment centre gets the cpi profile only
    assert items[0]["verification_url"] is None
    assert get(case, public["id"], headers=ch).status_code == 404
    for accept, kind in (
        ("application/json", "application/json"),
        ("application/vc+jwt", "application/vc+jwt"),
        ("application/xml", "application/xml"),
        ("application/pdf", "application/pdf"),
        ("*/*", "application/json"),
        ("text/html;q=0.9, application/pdf", "application/pdf"),
    ):
        response = get(case, dossier["id"], accept, headers=ch)
        assert response.status_code == 200, accept
        assert response.headers["content-type"].startswith(kind), accept
    assert get(case, dossier["id"], "text/plain", headers=ch).status_code == 406
    first = get(case, dossier["id"], headers=ch)
    again = client.get(f"/api/v1/dossiers/{dossier['id']}", headers={**ch, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert not again.content
    pdf = get(case, dossier["id"], "application/pdf", headers=ch)
    assert pdf.headers["etag"] != first.headers["etag"]
    # Rendered anew on each pull, a PDF's bytes may differ: its validator is weak, and works.
    assert pdf.headers["etag"].startswith('W/"')
    assert (
        get(case, dossier["id"], "application/pdf", headers={**ch, "If-None-Match": pdf.headers["etag"]}).status_code
        == 304
    )
    # Another organisation's client sees nothing of it.
    assert get(case, dossier["id"], headers=client_headers(client, case["other_client"])).status_code == 404
    log = client.get(f"{case['base']}/access-log", headers=case["h"]).json()["items"]
    pulls = [e for e in log if e["action"].startswith("dossier.pull")]
    assert pulls
    assert all(
        e["organisation_name"] == "Centro per l'Impiego di Test" and e["purpose"] == "dossier_sharing" for e in pulls
    )
    assert client.post(f"{case['base']}/consents/{consent_id}/withdraw", headers=case["h"]).status_code == 200
    assert get(case, dossier["id"], headers=ch).status_code == 404
    assert client.get("/api/v1/dossiers", headers=ch).json()["items"] == []


def test_a_pull_checks_its_parameters_after_the_token_and_honours_locale_and_language(case):
    client, dossier = case["client"], issue(case)
    url = f"/api/v1/dossiers/{dossier['id']}"
    assert client.get("/api/v1/dossiers/not-a-uuid").status_code == 401  # no token: nothing else is said
    for path, params, field in (
        ("/api/v1/dossiers/not-a-uuid", {}, "path.dossier_id"),
        (url, {"locale": "fr"}, "query.locale"),
        (url, {"lang": "xx"}, "query.lang"),
    ):
        answer = client.get(path, params=params, headers={**case["h"], "Accept": "application/xml"})
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json", answer.text
        assert answer.json()["errors"][0]["field"] == field
    italian = client.get(url, headers={**case["h"], "Accept": "application/xml"})
    english = client.get(url, params={"locale": "en"}, headers={**case["h"], "Accept": "application/xml"})
    assert b'locale="it"' in italian.content
    assert b'locale="en"' in english.content
    assert italian.headers["etag"] != english.headers["etag"]
    pdfs = [
        client.get(url, params=params, headers={**case["h"], "Accept": "application/pdf"})
        for params in ({}, {"lang": "uk"}, {"lang": "UK"})
    ]
    assert pdfs[0].headers["etag"] != pdfs[1].headers["etag"] == pdfs[2].headers["etag"]  # codes are case-blind
    assert catalogue()["labels"]["section_languages"]["uk"] in text_of(pdfs[1].content)


def test_list_is_newest_change_first_with_updated_since_and_cursor(case):
    client = case["client"]
    first, second = issue(case, "public"), issue(case)
    with frozen(datetime.now(UTC) + timedelta(minutes=1)):
        client.post(f"/api/v1/dossiers/{first['id']}/revoke", headers=case["h"], json={"reason": "errore"})
    page = client.get("/api/v1/dossiers", params={"limit": 1}, headers=case["h"]).json()
    assert [i["id"] for i in page["items"]] == [first["id"]]  # the revocation is the newest change
    rest = client.get("/api/v1/dossiers", params={"cursor": page["next_cursor"]}, headers=case["h"]).json()
    assert [i["id"] for i in rest["items"]] == [second["id"]]
    since = (datetime.now(UTC) + timedelta(seconds=30)).isoformat()
    recent = client.get("/api/v1/dossiers", params={"updated_since": since}, headers=case["h"]).json()
    assert [i["id"] for i in recent["items"]] == [first["id"]]
    assert client.get("/api/v1/dossiers", params={"limit": 201}, headers=case["h"]).status_code == 422


@pytest.mark.parametrize("kind", ["cpi client", "owning counsellor"])
def test_a_pull_and_a_list_page_read_only_what_they_serve_however_many_share(case, engine, world, kind):
    """The database's own plans for the statements a pull and a list page run: index lookups
    and one walk of the change index, never the whole set of consents or of dossiers, so a
    CPI with 20,000 consenting participants pulls as fast as one with ten (bench/dossiers.py
    --shared measures it). On PostgreSQL, with scans and sorts priced out: an index exists
    for every step."""
    from competenze.auth.principals import Principal
    from competenze.dossiers import service

    principal = (
        Principal(
            kind="client", id=case["cpi_client"].id, organisation_id=case["cpi"].id, scopes=frozenset({"dossiers:read"})
        )
        if kind == "cpi client"
        else Principal(kind="user", id=world.counsellor_a.id, organisation_id=world.org_a.id, role="counsellor")
    )
    changed, some_id = datetime(2026, 11, 1, tzinfo=UTC), uuid.UUID(case["participant"]["id"])
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL enable_seqscan = off"))
            connection.execute(text("SET LOCAL enable_sort = off"))
        viewer = service._viewer(connection, principal)
        plans = {
            "pull": service._pull_query(False, viewer).plan(connection, dossier_id=some_id),
            "first page": service._list_query(viewer, False, False).plan(connection, limit=51),
            "later page": service._list_query(viewer, True, True).plan(
                connection, since=changed - timedelta(days=30), changed=changed, last=some_id, limit=51
            ),
        }
    for name, plan in plans.items():
        if engine.dialect.name == "sqlite":
            assert "LIST SUBQUERY" not in plan, (name, plan)
            assert "TEMP B-TREE" not in plan, (name, plan)
            assert all("USING" in line for line in plan.splitlines() if line.startswith("SCAN")), (name, plan)
            # A consent is found by its participant, not among all of the organisation's.
            assert all("(participant_id=?" in line for line in plan.splitlines() if "consent" in line), (name, plan)
        else:
            assert "Seq Scan" not in plan, (name, plan)
            assert "Sort" not in plan, (name, plan)


@pytest.mark.parametrize(
    "params",
    [
        {"updated_since": "0.5"},
        {"updated_since": "2026-11-25T10:00:00"},
        {"updated_since": "0001-01-01T00:00:00+01:00"},
        {
            "cursor": base64.urlsafe_b64encode(
                b'["2026-01-01T00:00:00","00000000-0000-0000-0000-000000000000"]'
            ).decode()
        },
        {"cursor": base64.urlsafe_b64encode(b'["yesterday","00000000-0000-0000-0000-000000000000"]').decode()},
    ],
)
def test_list_refuses_unclear_times_with_a_422_naming_the_field(case, params):
    answer = case["client"].get("/api/v1/dossiers", params=params, headers=case["h"])
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == f"query.{next(iter(params))}"


def test_per_client_quota_answers_429_with_retry_after(case, app):
    app.state.settings = app.state.settings.model_copy(update={"client_requests_per_minute": 3})
    _share(case, case["cpi"])
    ch = client_headers(case["client"], case["cpi_client"])
    statuses = [case["client"].get("/api/v1/dossiers", headers=ch).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = case["client"].get("/api/v1/dossiers", headers=ch)
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.headers["content-type"] == "application/problem+json"


def test_verdicts_for_every_kind_of_bad_token(case, app):
    client = case["client"]
    dossier = issue(case, valid_until=(datetime.now(UTC) + timedelta(days=30)).date().isoformat())
    token = get(case, dossier["id"], "application/vc+jwt").text
    head, payload, signature = token.split(".")
    attacker = ECKey.generate_key("P-256")
    forged = jws.serialize_compact(
        {"alg": "ES256", "typ": "vc+jwt", "kid": "not-ours"},
        base64.urlsafe_b64decode(payload + "=="),
        attacker,
        algorithms=["ES256"],
    )
    ours_kid = jws.serialize_compact(
        {"alg": "ES256", "typ": "vc+jwt", "kid": dossier["kid"]},
        base64.urlsafe_b64decode(payload + "=="),
        attacker,
        algorithms=["ES256"],
    )
    cases = {"valid": token, "malformed": "not a token", "unknown_key": forged, "bad_signature": ours_kid}
    for expected, candidate in cases.items():
        verdict = client.post("/api/v1/verify", json={"token": candidate}).json()
        assert verdict["verdict"] == expected, (expected, verdict)
    assert client.post("/api/v1/verify", json={"token": token}).json()["credential"]["credentialSubject"]["person"]
    assert client.post("/api/v1/verify", json={"token": "x.y.z"}).json()["credential"] is None
    with frozen(datetime.now(UTC) + timedelta(days=31)):
        assert client.post("/api/v1/verify", json={"token": token}).json()["verdict"] == "expired"
    with frozen(datetime.now(UTC) - timedelta(days=1)):
        assert client.post("/api/v1/verify", json={"token": token}).json()["verdict"] == "not_yet_valid"


def test_a_dossier_signed_with_a_retired_key_still_verifies(case, app, settings):
    from competenze.auth import keys

    dossier = issue(case)
    token = get(case, dossier["id"], "application/vc+jwt").text
    keys.rotate(settings.keys_dir)
    app.state.keys.RELOAD_EVERY_SECONDS = 0
    try:
        kids = [k["kid"] for k in case["client"].get("/.well-known/jwks.json").json()["keys"]]
        assert dossier["kid"] in kids
        assert len(kids) >= 2
        assert case["client"].post("/api/v1/verify", json={"token": token}).json()["verdict"] == "valid"
        assert issue(case)["kid"] != dossier["kid"]
    finally:
        keys.rotate(settings.keys_dir)  # leave a current key for the other tests, as rotation does


def test_verification_page_shows_the_verdict_and_is_rate_limited(case, app):
    client = case["client"]
    dossier = issue(case)
    page = client.get(path_of(dossier["verification_url"]))
    assert page.status_code == 200
    assert 'data-verdict="valid"' in page.text
    assert "El Idrissi" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert client.get("/verify/not-a-code", headers={"Accept": "text/html"}).status_code == 404
    log = client.get(f"{case['base']}/access-log", headers=case["h"]).json()["items"]
    assert any(e["action"] == "dossier.verify_page" and e["purpose"] == "verification" for e in log)
    app.state.settings = app.state.settings.model_copy(update={"verify_requests_per_minute": 2})
    codes = [client.get("/verify/whatever").status_code for _ in range(3)]
    assert codes[-1] == 429


def test_the_europass_xml_of_every_demo_dossier_validates_against_the_xsd(settings, engine, schema):  # noqa: F811
    from sqlmodel import Session, select

    from competenze.dossiers.europass import to_europass_xml
    from tests.test_cli import run

    assert run(settings, "demo").returncode == 0
    with Session(engine) as session:
        dossiers = session.exec(select(Dossier)).all()
    assert len({d.participant_id for d in dossiers}) == 20
    for dossier in dossiers:
        for locale in ("it", "en"):
            schema.validate(to_europass_xml(json.loads(dossier.credential), locale).decode())


def test_a_new_renderer_never_serves_new_bytes_under_an_old_tag(case, monkeypatch):
    # The XML and the PDF are rendered on each pull: when their renderer changes, so must
    # their entity tags, or a client revalidating its copy keeps the old bytes forever.
    from competenze.dossiers import negotiation

    dossier = issue(case)
    before = {
        accept: get(case, dossier["id"], accept).headers["etag"]
        for accept in ("application/xml", "application/pdf", "application/json")
    }
    monkeypatch.setitem(negotiation.RENDER_VERSIONS, negotiation.PDF, negotiation.RENDER_VERSIONS[negotiation.PDF] + 1)
    monkeypatch.setitem(negotiation.RENDER_VERSIONS, negotiation.XML, negotiation.RENDER_VERSIONS[negotiation.XML] + 1)
    for accept in ("application/xml", "application/pdf"):
        revalidated = get(case, dossier["id"], accept, headers={**case["h"], "If-None-Match": before[accept]})
        assert revalidated.status_code == 200, accept
        assert revalidated.content
        assert revalidated.headers["etag"] != before[accept]
    # Stored representations are served as stored: their tags stay.
    json_again = get(case, dossier["id"], headers={**case["h"], "If-None-Match": before["application/json"]})
    assert json_again.status_code == 304


def test_a_slow_pdf_does_not_hold_other_requests_on_sqlite(case, settings, monkeypatch):
    # Rendering reads no database: the request gives up its SQLite turn before it renders, so
    # a second request is served while the first is still rendering.
    import threading
    import urllib.request

    from competenze.dossiers import pdf
    from tests.test_pages import running_server

    rendering, finish = threading.Event(), threading.Event()
    real_render = pdf.render

    def slow_render(*args, **kwargs):
        rendering.set()
        assert finish.wait(timeout=20), "the test never let the render finish"
        return real_render(*args, **kwargs)

    monkeypatch.setattr(pdf, "render", slow_render)
    dossier = issue(case)
    headers = dict(case["h"])

    def pull(accept: str) -> tuple[int, bytes]:
        request = urllib.request.Request(
            f"{base}/api/v1/dossiers/{dossier['id']}", headers={**headers, "Accept": accept}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()

    with running_server(settings) as base:
        slow: dict[str, tuple[int, bytes]] = {}
        first = threading.Thread(target=lambda: slow.setdefault("pdf", pull("application/pdf")))
        first.start()
        assert rendering.wait(timeout=20)
        try:
            status, body = pull("application/json")  # while the PDF is still being rendered
            assert status == 200
            assert json.loads(body)["id"] == f"urn:uuid:{dossier['id']}"
        finally:
            finish.set()
            first.join(timeout=30)
        assert slow["pdf"][0] == 200
        assert slow["pdf"][1].startswith(b"%PDF")
