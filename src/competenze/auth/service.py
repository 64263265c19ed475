"""Sign-in use-cases: password, refresh and client-credentials grants, and logout."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from competenze.auth import throttle
from competenze.auth.keys import KeyRing
from competenze.auth.models import RefreshToken
from competenze.auth.passwords import verify_password
from competenze.auth.schemas import TokenResponse
from competenze.auth.tokens import CLIENT_ACCESS, USER_ACCESS, issue_access_token
from competenze.common.fields import normalise_email
from competenze.common.time import utcnow
from competenze.config import Settings
from competenze.errors import AppError
from competenze.organisations.models import ApiClient, User

CLIENT_SCOPES = frozenset({"dossiers:read"})


class OAuthError(AppError):
    """RFC 6749 §5.2 error, carried as problem+json with the OAuth `error` code."""

    status, slug, title = 400, "invalid-grant", "Sign-in failed"

    def __init__(self, error: str, detail: str, *, status: int = 400, keep_changes: bool = False) -> None:
        headers = {"WWW-Authenticate": "Basic"} if status == 401 else None
        super().__init__(detail, headers=headers, keep_changes=keep_changes, error=error)
        self.status = status
        self.slug = error.replace("_", "-")


@dataclass(frozen=True)
class Issuer:
    settings: Settings
    keys: KeyRing

    def access_token(self, subject: uuid.UUID, token_use: str, claims: dict) -> tuple[str, int]:
        lifetime = timedelta(minutes=self.settings.access_token_minutes)
        token = issue_access_token(
            self.keys,
            issuer=self.settings.issuer,
            audience=self.settings.audience,
            subject=str(subject),
            token_use=token_use,
            lifetime=lifetime,
            claims=claims,
        )
        return token, int(lifetime.total_seconds())


def _hash_refresh(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_user_tokens(session: Session, issuer: Issuer, user: User, family_id: uuid.UUID) -> TokenResponse:
    """An access token and a new refresh token of the sign-in `family_id`."""
    now = utcnow()
    refresh = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            family_id=family_id,
            user_id=user.id,
            token_hash=_hash_refresh(refresh),
            issued_at=now,
            expires_at=now + timedelta(days=issuer.settings.refresh_token_days),
        )
    )
    session.flush()
    access, expires_in = issuer.access_token(
        user.id,
        USER_ACCESS,
        {"org": str(user.organisation_id), "role": user.role, "ver": user.token_version, "sid": str(family_id)},
    )
    return TokenResponse(access_token=access, expires_in=expires_in, refresh_token=refresh)


def password_grant(session: Session, issuer: Issuer, *, email: str, password: str, client_ip: str) -> TokenResponse:
    email = normalise_email(email)
    attempt = throttle.Attempt(account=f"user:{email}", address=client_ip)
    throttle.admit(session, issuer.settings, attempt)
    user = session.exec(select(User).where(col(User.email) == email)).first()
    # verify_password does the same argon2 work for an unknown email (timing) and the
    # error below is the same for every cause (body).
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        raise OAuthError("invalid_grant", "The email or the password is wrong.", keep_changes=True)
    throttle.succeeded(session, attempt)
    return issue_user_tokens(session, issuer, user, uuid.uuid4())


def revoke_family(session: Session, family_id: uuid.UUID) -> None:
    session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    session.flush()


def refresh_grant(session: Session, issuer: Issuer, *, refresh_token: str) -> TokenResponse:
    invalid = "The refresh token is invalid or expired; sign in again."
    row = session.exec(select(RefreshToken).where(col(RefreshToken.token_hash) == _hash_refresh(refresh_token))).first()
    if row is None:
        raise OAuthError("invalid_grant", invalid)
    if row.used_at is not None or row.revoked_at is not None:
        # A used token coming back means two holders: one of them stole it. End the
        # whole sign-in (OAuth 2.0 Security BCP, refresh token rotation).
        revoke_family(session, row.family_id)
        raise OAuthError("invalid_grant", invalid, keep_changes=True)
    now = utcnow()
    user = session.get(User, row.user_id)
    if row.expires_at <= now or user is None or not user.is_active:
        raise OAuthError("invalid_grant", invalid)
    # Conditional update: of two concurrent refreshes with the same token, one wins.
    claimed = session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.id) == row.id, col(RefreshToken.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        revoke_family(session, row.family_id)
        raise OAuthError("invalid_grant", invalid, keep_changes=True)
    return issue_user_tokens(session, issuer, user, row.family_id)


def client_credentials_grant(
    session: Session, issuer: Issuer, *, client_id: str, client_secret: str, scope: str | None, client_ip: str
) -> TokenResponse:
    attempt = throttle.Attempt(account=f"client:{client_id}", address=client_ip)
    throttle.admit(session, issuer.settings, attempt)
    client = session.exec(select(ApiClient).where(col(ApiClient.client_id) == client_id)).first()
    valid = verify_password(client.secret_hash if client else None, client_secret)
    if client is None or not valid or not client.is_active:
        raise OAuthError(
            "invalid_client", "The client id or the client secret is wrong.", status=401, keep_changes=True
        )
    throttle.succeeded(session, attempt)
    allowed = set(client.scopes.split())
    requested = set(scope.split()) if scope else allowed
    if not requested <= allowed:
        raise OAuthError("invalid_scope", f"This client may request only: {' '.join(sorted(allowed))}.")
    granted = " ".join(sorted(requested))
    access, expires_in = issuer.access_token(
        client.id, CLIENT_ACCESS, {"org": str(client.organisation_id), "scope": granted, "client_id": client.client_id}
    )
    return TokenResponse(access_token=access, expires_in=expires_in, scope=granted)
