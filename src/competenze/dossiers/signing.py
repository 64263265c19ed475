"""Securing dossiers with JOSE (W3C VC-JOSE-COSE): a compact JWS whose payload is the
credential's canonical bytes, header `typ` "vc+jwt", `alg` ES256, `kid` from our key set.

With auth/tokens.py, the only user of python-jose. Verification mirrors the access-token
rules: one algorithm, the key chosen by `kid` from our own ring (current and retired keys),
never from key material the token carries.
"""

import base64
import json
from functools import lru_cache

from jose import jwk, jws
from jose.exceptions import JOSEError

from competenze.auth.keys import KeyRing, SigningKey

ALGORITHM = "ES256"
MEDIA_TYPE = "vc+jwt"
MAX_TOKEN_BYTES = 200 * 1024
FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "crit"})


class Malformed(Exception):
    """Not a compact JWS of ours (the message says what is wrong)."""


class UnknownKey(Exception):
    """Signed with a key that is not in our key set."""


class BadSignature(Exception):
    """The signature does not match the content: altered or forged."""


@lru_cache(maxsize=16)
def _jose_key(private_pem: str) -> jwk.Key:
    # Parsing a PEM costs more than an ES256 signature, and python-jose parses the one it is
    # given on every call: each key is parsed once.
    return jwk.construct(private_pem, ALGORITHM)


def sign(payload: bytes, key: SigningKey) -> str:
    return jws.sign(
        payload, _jose_key(key.private_pem), headers={"kid": key.kid, "typ": MEDIA_TYPE}, algorithm=ALGORITHM
    )


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def header_of(token: str) -> dict:
    if len(token) > MAX_TOKEN_BYTES:
        raise Malformed("too large")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise Malformed("not a compact JWS (three dot-separated parts)")
    try:
        header = json.loads(_b64decode(parts[0]))
    except ValueError:
        raise Malformed("the header is not base64url JSON") from None
    if not isinstance(header, dict):
        raise Malformed("the header is not a JSON object")
    return header


def verify(token: str, ring: KeyRing) -> tuple[dict, bytes]:
    """(header, payload bytes) of a dossier we signed; raises Malformed, UnknownKey, BadSignature."""
    header = header_of(token.strip())
    if header.get("alg") != ALGORITHM or header.get("typ") != MEDIA_TYPE or FORBIDDEN_HEADERS & header.keys():
        raise Malformed(f"expected alg {ALGORITHM} and typ {MEDIA_TYPE}, with no embedded key")
    kid = header.get("kid")
    key = ring.get(kid) if isinstance(kid, str) and len(kid) <= 100 else None
    if key is None:
        raise UnknownKey(str(kid)[:100])
    try:
        payload = jws.verify(token.strip(), key.public_pem, algorithms=[ALGORITHM])
    except JOSEError:
        raise BadSignature() from None
    return header, payload
