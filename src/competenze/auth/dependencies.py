"""Route dependencies that authenticate the caller and gate routes by role or scope.

Dependencies that touch no database are `async def`: FastAPI runs sync ones on a worker
thread each, and those hops were a large share of a dossier pull's time.

Deny by default: every /api/v1 route except the token endpoint depends on one of these,
and the authorisation-matrix test fails when a route has no row.
"""

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session, col, select

from competenze.audit.service import AccessContext
from competenze.auth.models import RefreshToken
from competenze.auth.principals import Principal
from competenze.auth.tokens import USER_ACCESS, InvalidToken, verify_access_token
from competenze.db import SessionDep
from competenze.errors import Forbidden, Unauthorized
from competenze.organisations.models import ApiClient, User

_bearer = HTTPBearer(auto_error=False, description="An access token from POST /api/v1/auth/token")


def _uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidToken("malformed identifier") from None


def _principal_from_claims(session: Session, claims: dict) -> Principal:
    if claims["token_use"] == USER_ACCESS:
        user = session.get(User, _uuid(claims["sub"]))
        if (user is None or not user.is_active or claims.get("ver") != user.token_version
                or claims.get("role") != user.role or claims.get("org") != str(user.organisation_id)):
            raise InvalidToken("user disabled or changed since the token was issued")
        sid = _uuid(claims.get("sid"))
        revoked = session.exec(select(RefreshToken.id).where(
            col(RefreshToken.family_id) == sid, col(RefreshToken.revoked_at).is_not(None)).limit(1)).first()
        if revoked is not None:
            raise InvalidToken("signed out")
        return Principal(kind="user", id=user.id, organisation_id=user.organisation_id,
                         role=user.role, session_id=sid)
    client = session.get(ApiClient, _uuid(claims["sub"]))
    if client is None or not client.is_active:
        raise InvalidToken("client disabled")
    granted = set(str(claims.get("scope", "")).split()) & set(client.scopes.split())
    return Principal(kind="client", id=client.id, organisation_id=client.organisation_id,
                     scopes=frozenset(granted))


def current_principal(request: Request, session: SessionDep,
                      credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
                      ) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Sign in first: send 'Authorization: Bearer <access token>'.")
    settings = request.app.state.settings
    try:
        claims = verify_access_token(request.app.state.keys, credentials.credentials,
                                     issuer=settings.issuer, audience=settings.audience)
        principal = _principal_from_claims(session, claims)
    except InvalidToken:
        # One message for every reason: the reason helps an attacker more than a user.
        raise Unauthorized("The access token is invalid or expired; sign in again.") from None
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str) -> Callable[..., Principal]:
    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.kind != "user":
            raise Forbidden("This route is for staff accounts; machine-client tokens cannot use it.")
        if principal.role not in roles:
            raise Forbidden(f"Your role ({principal.role}) may not do this.")
        return principal

    return dependency


def require_scope(scope: str) -> Callable[..., Principal]:
    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.kind != "client":
            raise Forbidden("This route is for machine clients; staff tokens cannot use it.")
        if scope not in principal.scopes:
            raise Forbidden(f"This client's token lacks the '{scope}' scope.")
        return principal

    return dependency


async def request_id(request: Request) -> str:
    return request.state.request_id


async def access_context(request: Request, principal: CurrentPrincipal) -> AccessContext:
    return principal.access(request.state.request_id)


Access = Annotated[AccessContext, Depends(access_context)]
