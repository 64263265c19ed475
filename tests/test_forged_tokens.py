"""DESIGN.md §7 forged-token suite: every protected route answers 401 to every forgery.

Forgeries are built with joserfc and the standard library, not with our own token code.
"""

import base64
import hashlib
import hmac
import json
import time

import pytest
from joserfc import jwt as jrfc_jwt
from joserfc.jwk import ECKey

from tests.factories import token_for
from tests.routes import concrete, protected_routes


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _sign(key_pem: str, header: dict, claims: dict) -> str:
    return jrfc_jwt.encode(header, claims, ECKey.import_key(key_pem), algorithms=["ES256"])


def forgeries(app, genuine: dict) -> dict[str, str]:
    key = app.state.keys.current
    access = genuine["access_token"]
    claims = _claims(access)
    header = {"alg": "ES256", "typ": "at+jwt", "kid": key.kid}
    now = int(time.time())
    attacker = ECKey.generate_key("P-256")
    attacker_pem = attacker.as_pem(private=True).decode()

    unsigned = f"{_b64(json.dumps({**header, 'alg': 'none'}).encode())}.{_b64(json.dumps(claims).encode())}."
    hs_header = _b64(json.dumps({**header, "alg": "HS256"}).encode())
    hs_body = _b64(json.dumps(claims).encode())
    hs_sig = hmac.new(key.public_pem.encode(), f"{hs_header}.{hs_body}".encode(), hashlib.sha256).digest()
    return {
        "alg none": unsigned,
        "HS256 signed with our public key": f"{hs_header}.{hs_body}.{_b64(hs_sig)}",
        "wrong audience": _sign(key.private_pem, header, {**claims, "aud": "someone-else"}),
        "wrong issuer": _sign(key.private_pem, header, {**claims, "iss": "https://evil.example"}),
        "expired": _sign(key.private_pem, header, {**claims, "iat": now - 3600, "nbf": now - 3600, "exp": now - 1800}),
        "not yet valid (future nbf)": _sign(key.private_pem, header, {**claims, "nbf": now + 3600}),
        "unknown kid": _sign(attacker_pem, {**header, "kid": "unknown-key-id"}, claims),
        "attacker key, our kid": _sign(attacker_pem, header, claims),
        "embedded jwk header": _sign(attacker_pem, {**header, "jwk": attacker.as_dict(private=False)}, claims),
        "missing sub": _sign(key.private_pem, header, {k: v for k, v in claims.items() if k != "sub"}),
        "missing exp": _sign(key.private_pem, header, {k: v for k, v in claims.items() if k != "exp"}),
        "not an access token (token_use)": _sign(key.private_pem, header, {**claims, "token_use": "id"}),
        "wrong typ": _sign(key.private_pem, {**header, "typ": "JWT"}, claims),
        "refresh token used as access token": genuine["refresh_token"],
        "huge token": access + "A" * 20_000,
        "garbage": "not.a.token",
        "tampered payload": ".".join(
            [access.split(".")[0], _b64(json.dumps({**claims, "role": "admin"}).encode()), access.split(".")[2]]
        ),
    }


def test_every_protected_route_rejects_every_forgery(client, app, world):
    genuine = token_for(client, world.counsellor_a.email)
    # The genuine token works, so a 401 below is the forgery's doing.
    assert (
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {genuine['access_token']}"}).status_code == 200
    )
    routes = protected_routes(app)
    assert len(routes) >= 15
    failures = []
    for name, token in forgeries(app, genuine).items():
        for method, path in routes:
            response = client.request(
                method,
                concrete(path),
                headers={"Authorization": f"Bearer {token}"},
                json={} if method in ("POST", "PATCH", "PUT") else None,
            )
            if response.status_code != 401 or "www-authenticate" not in response.headers:
                failures.append(f"{name}: {method} {path} -> {response.status_code}")
            elif response.headers["content-type"] != "application/problem+json":
                failures.append(f"{name}: {method} {path} not problem+json")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("header", ["", "Bearer", "Basic dXNlcjpwYXNz", "Bearer  "])
def test_missing_or_malformed_authorization_is_401(client, app, header):
    for method, path in protected_routes(app):
        headers = {"Authorization": header} if header else {}
        response = client.request(method, concrete(path), headers=headers)
        assert response.status_code == 401, (method, path, response.status_code)


def test_forged_token_error_does_not_echo_the_token(client, app, world):
    genuine = token_for(client, world.counsellor_a.email)
    token = forgeries(app, genuine)["wrong audience"]
    response = client.get("/api/v1/participants", headers={"Authorization": f"Bearer {token}"})
    assert token not in response.text
    assert token.split(".")[1] not in response.text
