"""Our own signing key set: ES256 (EC P-256) keys, the current one and the retired ones.

Private keys live as PEM files with 0600 permissions in COMPETENZE_KEYS_DIR (ignored by git),
or the current one comes from COMPETENZE_SIGNING_KEY_PEM. The key id is the RFC 7638 JWK
thumbprint, so every process derives the same `kid` from the same key.
"""

import base64
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

KEYSET_FILE = "keyset.json"


class KeySetError(Exception):
    """A key set problem an operator must fix (missing, unreadable or malformed keys)."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(private_pem: str) -> dict[str, str]:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise KeySetError("signing keys must be EC P-256 (ES256)")
    numbers = key.public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
    }


def thumbprint(jwk: dict[str, str]) -> str:
    # RFC 7638: the required members, lexicographic order, no whitespace.
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def new_private_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@dataclass(frozen=True)
class SigningKey:
    kid: str
    status: str  # "current" | "retired"
    created_at: str
    private_pem: str

    # Derived once per key object: parsing a PEM costs more than checking a signature.
    @cached_property
    def public_pem(self) -> str:
        return public_pem(self.private_pem)

    @property
    def jwk(self) -> dict[str, str]:
        return {**public_jwk(self.private_pem), "kid": self.kid, "use": "sig", "alg": "ES256"}


# The key directory, used by the command line and at start-up.
def _read_index(keys_dir: Path) -> list[dict]:
    path = keys_dir / KEYSET_FILE
    if not path.exists():
        return []
    try:
        return json.loads(path.read_text())["keys"]
    except (ValueError, KeyError) as exc:
        raise KeySetError(f"{path} is not a valid key index: {exc}") from None


def _write_index(keys_dir: Path, entries: list[dict]) -> None:
    tmp = keys_dir / (KEYSET_FILE + ".tmp")
    tmp.write_text(json.dumps({"keys": entries}, indent=2))
    os.chmod(tmp, 0o600)
    tmp.replace(keys_dir / KEYSET_FILE)


def _write_private(keys_dir: Path, kid: str, pem: str) -> None:
    path = keys_dir / f"{kid}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(pem)


def generate(keys_dir: Path, *, if_missing: bool = False) -> SigningKey | None:
    """Create a first current key. With if_missing, do nothing when one exists."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    entries = _read_index(keys_dir)
    if any(e["status"] == "current" for e in entries):
        if if_missing:
            return None
        raise KeySetError("a current key already exists; use `competenze keys rotate`")
    return _add_current(keys_dir, entries)


def rotate(keys_dir: Path) -> SigningKey:
    """Retire the current key (it keeps verifying) and make a new one current."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    entries = _read_index(keys_dir)
    for entry in entries:
        if entry["status"] == "current":
            entry["status"] = "retired"
            entry["retired_at"] = datetime.now(UTC).isoformat()
    return _add_current(keys_dir, entries)


def _add_current(keys_dir: Path, entries: list[dict]) -> SigningKey:
    pem = new_private_pem()
    kid = thumbprint(public_jwk(pem))
    _write_private(keys_dir, kid, pem)
    created = datetime.now(UTC).isoformat()
    entries.append({"kid": kid, "status": "current", "created_at": created})
    _write_index(keys_dir, entries)
    return SigningKey(kid=kid, status="current", created_at=created, private_pem=pem)


def load(keys_dir: Path, env_pem: str | None = None) -> list[SigningKey]:
    keys: list[SigningKey] = []
    for entry in _read_index(keys_dir):
        path = keys_dir / f"{entry['kid']}.pem"
        try:
            pem = path.read_text()
        except OSError as exc:
            raise KeySetError(f"cannot read {path}: {exc.strerror}") from None
        if thumbprint(public_jwk(pem)) != entry["kid"]:
            raise KeySetError(f"{path} does not match its key id")
        keys.append(SigningKey(entry["kid"], entry["status"], entry["created_at"], pem))
    if env_pem:
        kid = thumbprint(public_jwk(env_pem))
        # The environment key is the current one; any file key becomes verification-only.
        keys = [SigningKey(k.kid, "retired", k.created_at, k.private_pem) for k in keys if k.kid != kid]
        keys.append(SigningKey(kid, "current", "environment", env_pem))
    return keys


class KeyRing:
    """The keys a running process signs and verifies with.

    Every few seconds at most, it looks at the key index on disk and reloads when it
    changed, so a rotation by an operator reaches every process without a restart: new
    tokens use the new key and tokens signed with the retired one keep verifying.
    """

    RELOAD_EVERY_SECONDS = 5.0

    def __init__(self, keys_dir: Path, env_pem: str | None = None) -> None:
        self._dir, self._env_pem = keys_dir, env_pem
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._index_mtime: float | None = None
        self._keys: dict[str, SigningKey] = {}
        self._reload()

    def _index_stamp(self) -> float | None:
        try:
            return (self._dir / KEYSET_FILE).stat().st_mtime
        except OSError:
            return None

    def _reload(self) -> None:
        self._index_mtime = self._index_stamp()
        self._keys = {k.kid: k for k in load(self._dir, self._env_pem)}
        self._checked_at = time.monotonic()

    def _refresh(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._checked_at < self.RELOAD_EVERY_SECONDS:
            return
        with self._lock:
            if force or self._index_stamp() != self._index_mtime:
                self._reload()
            self._checked_at = time.monotonic()

    @property
    def current(self) -> SigningKey:
        self._refresh()
        for key in self._keys.values():
            if key.status == "current":
                return key
        raise KeySetError("no current signing key; run `competenze keys generate`")

    def get(self, kid: str) -> SigningKey | None:
        self._refresh()
        return self._keys.get(kid)

    def all(self) -> list[SigningKey]:
        self._refresh()
        return list(self._keys.values())
