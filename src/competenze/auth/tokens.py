"""Access tokens: the only place besides dossiers/signing.py that touches python-jose.

Verification is deliberately narrow (DESIGN.md §7, RFC 8725 best practices):
- one algorithm, ES256, checked in the header before anything else;
- the key is chosen by `kid` from our own key ring, never from jku/x5u/jwk/x5c headers
  (a token carrying those is rejected outright);
- exp, iat, iss, aud, sub, jti and our `token_use` claim are required; times are checked
  against the service clock (common/time.py);
- tokens longer than MAX_TOKEN_BYTES are rejected before parsing.
"""

import uuid
from collections.abc import Mapping
from datetime import timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from jose import jwt
from jose.exceptions import JOSEError

from competenze.auth.keys import KeyRing
from competenze.common.time import utcnow

ALGORITHM = "ES256"
ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 (RFC 9068 media type, not a secret)
MAX_TOKEN_BYTES = 4096
CLOCK_SKEW_SECONDS = 10
FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "crit"})

USER_ACCESS = "user_access"
CLIENT_ACCESS = "client_access"


class InvalidToken(Exception):
    """The token is not one of ours, or no longer valid. The reason is for logs only."""


def issue_access_token(
    ring: KeyRing,
    *,
    issuer: str,
    audience: str,
    subject: str,
    token_use: str,
    lifetime: timedelta,
    claims: dict[str, Any],
) -> str:
    key = ring.current
    now = utcnow()
    payload = {
        **claims,
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "token_use": token_use,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(payload, key.private_pem, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": ACCESS_TOKEN_TYPE})


def verify_access_token(ring: KeyRing, token: str, *, issuer: str, audience: str) -> Mapping[str, Any]:
    if len(token) > MAX_TOKEN_BYTES:
        raise InvalidToken("token too large")
    kid, claims = _verified(ring, token, issuer, audience)
    if ring.get(kid) is None:  # the key left the ring since: the token with it
        raise InvalidToken("unknown kid")
    return _check_times(claims)


# A machine client sends the same token with every request for its lifetime, and checking an
# ES256 signature (with the key parsed from PEM) is most of what authenticating costs. A
# token's signature and claims cannot change, so what it verified to is remembered (bounded,
# least recently used out; an exception is never remembered, so a forged token is checked
# every time); its times are checked on every use, above.
@lru_cache(maxsize=4096)
def _verified(ring: KeyRing, token: str, issuer: str, audience: str) -> tuple[str, Mapping[str, Any]]:
    kid, claims = _verify_signature_and_claims(ring, token, issuer=issuer, audience=audience)
    return kid, MappingProxyType(claims)  # shared by every request with this token: read-only


def _verify_signature_and_claims(
    ring: KeyRing, token: str, *, issuer: str, audience: str
) -> tuple[str, dict[str, Any]]:
    if token.count(".") != 2:
        raise InvalidToken("not a compact JWS")
    try:
        header = jwt.get_unverified_header(token)
    except JOSEError as exc:
        raise InvalidToken(f"bad header: {exc}") from None
    if header.get("alg") != ALGORITHM:
        raise InvalidToken(f"algorithm {header.get('alg')!r} not allowed")
    if header.get("typ") != ACCESS_TOKEN_TYPE:
        raise InvalidToken("not an access token")
    if FORBIDDEN_HEADERS & header.keys():
        raise InvalidToken("token names its own key material")
    kid = header.get("kid")
    if not isinstance(kid, str) or len(kid) > 100:
        raise InvalidToken("missing kid")
    key = ring.get(kid)
    if key is None:
        raise InvalidToken("unknown kid")
    try:
        claims = jwt.decode(
            token,
            key.public_pem,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            # Times are checked below against the service's one clock (common/time.py),
            # not the library's, so the whole service agrees on what "now" is.
            # (python-jose turns every require_X into verify_X, so exp and iat are required
            # by the checks below instead.)
            options={
                "require_aud": True,
                "require_iss": True,
                "require_sub": True,
                "require_jti": True,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_at_hash": False,
            },
        )
    except JOSEError as exc:
        raise InvalidToken(str(exc)) from None
    if claims.get("token_use") not in (USER_ACCESS, CLIENT_ACCESS):
        raise InvalidToken("not an access token")
    return kid, claims


def _check_times(claims: Mapping[str, Any]) -> Mapping[str, Any]:
    now = int(utcnow().timestamp())
    times = [claims.get(name) for name in ("exp", "iat", "nbf")]
    if not all(isinstance(t, int) for t in times[:2]) or not isinstance(times[2], (int, type(None))):
        raise InvalidToken("malformed time claims")
    exp, iat, nbf = times
    if exp <= now - CLOCK_SKEW_SECONDS:
        raise InvalidToken("expired")
    if iat > now + CLOCK_SKEW_SECONDS or (nbf is not None and nbf > now + CLOCK_SKEW_SECONDS):
        raise InvalidToken("not valid yet")
    return claims
