"""Password hashing (argon2id) and the password policy of DESIGN.md §7 / NIST SP 800-63B:
length 8..128, no composition rules, common passwords rejected."""

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 128

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 default parameters


@lru_cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords from public breach corpora.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.casefold() for p in FREQUENCY_LISTS["passwords"])


def policy_problem(password: str, *, email: str | None = None) -> str | None:
    """Why this password is refused, in words a person can act on; None if acceptable."""
    if len(password) < MIN_LENGTH:
        return f"use at least {MIN_LENGTH} characters (a few words together work well)"
    if len(password) > MAX_LENGTH:
        return f"use at most {MAX_LENGTH} characters"
    folded = password.casefold()
    if folded in _common_passwords():
        return "this password is one of the most common ones; choose something less guessable"
    if email and folded in (email.casefold(), email.split("@")[0].casefold()):
        return "the password must not be your email address"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@lru_cache
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password-used-for-timing")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists: an unknown account is checked
    against a dummy hash, so timing does not reveal which emails are registered."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
