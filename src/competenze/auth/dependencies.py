"""Route dependencies that authenticate the caller and gate routes by role.

One way to authenticate a request, in two steps: valid_token checks the bearer token's
signature and claims without the database (so a caller without a valid token hears 401 before
anything else), then authenticate(connection, request, claims) reads, in the request's own
transaction, whether that user or client still exists and may act. CurrentPrincipal is both
for ordinary routes; the dossier hot path calls the same two itself (dossiers/router.py).

Dependencies that touch no database are `async def`: FastAPI runs sync ones on a worker
thread each, and those hops were a large share of a dossier pull's time.

Deny by default: every /api/v1 route except the token endpoint depends on one of these,
and the authorisation-matrix test fails when a route has no row.
"""

import uuid
from collections.abc import Callable, Collection, Mapping
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam, select

from competenze.auth.models import RefreshToken
from competenze.auth.principals import Principal
from competenze.auth.tokens import USER_ACCESS, InvalidToken, verify_access_token
from competenze.common.context import AccessContext
from competenze.db import SessionDep
from competenze.errors import Forbidden, Unauthorized
from competenze.hotpath import AnyConnection, Prepared
from competenze.organisations.models import ApiClient, User

_bearer = HTTPBearer(auto_error=False, description="An access token from POST /api/v1/auth/token")


def _uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidToken("malformed identifier") from None


# They run on every authenticated request: built once, run as prepared statements (hotpath.Prepared).
_users, _clients, _refresh = User.__table__.c, ApiClient.__table__.c, RefreshToken.__table__.c
_USER = Prepared(
    select(_users.is_active, _users.token_version, _users.role, _users.organisation_id).where(
        _users.id == bindparam("id")
    )
)
_SIGNED_OUT = Prepared(
    select(_refresh.id).where(_refresh.family_id == bindparam("sid"), _refresh.revoked_at.is_not(None)).limit(1)
)
_CLIENT = Prepared(
    select(_clients.is_active, _clients.scopes, _clients.organisation_id).where(_clients.id == bindparam("id"))
)


def _principal_from_claims(connection: AnyConnection, claims: Mapping) -> Principal:
    subject = _uuid(claims["sub"])
    if claims["token_use"] == USER_ACCESS:
        user = _USER.first(connection, id=subject)
        if user is None:
            raise InvalidToken("no such user")
        is_active, token_version, role, organisation_id = user
        if (
            not is_active
            or claims.get("ver") != token_version
            or claims.get("role") != role
            or claims.get("org") != str(organisation_id)
        ):
            raise InvalidToken("user disabled or changed since the token was issued")
        sid = _uuid(claims.get("sid"))
        if _SIGNED_OUT.first(connection, sid=sid) is not None:
            raise InvalidToken("signed out")
        return Principal(kind="user", id=subject, organisation_id=organisation_id, role=role, session_id=sid)
    client = _CLIENT.first(connection, id=subject)
    if client is None or not client[0]:
        raise InvalidToken("client disabled")
    _, scopes, organisation_id = client
    granted = set(str(claims.get("scope", "")).split()) & set(scopes.split())
    return Principal(kind="client", id=subject, organisation_id=organisation_id, scopes=frozenset(granted))


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
# The same scheme, named for OpenAPI on routes that take ValidToken instead (the hot path,
# where resolving one more dependency per request is measurable).
BEARER_SECURITY = {"security": [{"HTTPBearer": []}]}
_INVALID = "The access token is invalid or expired; sign in again."


def valid_token(request: Request) -> Mapping:
    """The claims of the request's bearer token, checked without the database (signature,
    issuer, audience, times), or 401. A dependency, so that a caller without a token, or with
    a forged or expired one, hears 401 before anything about its input. (On the routes that
    take it, whether the principal was signed out or disabled since is read from the database
    after the input is validated: such a caller may hear 422 first.)"""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Sign in first: send 'Authorization: Bearer <access token>'.", token_sent=False)
    settings = request.app.state.settings
    try:
        return verify_access_token(
            request.app.state.keys, token.strip(), issuer=settings.issuer, audience=settings.audience
        )
    except InvalidToken:
        # One message for every reason: the reason helps an attacker more than a user.
        raise Unauthorized(_INVALID) from None


async def _valid_token(request: Request) -> Mapping:
    return valid_token(request)


ValidToken = Annotated[Mapping, Depends(_valid_token)]


def authenticate(connection: AnyConnection, request: Request, claims: Mapping) -> Principal:
    """The principal the token's claims name, if it still exists and may act, or 401."""
    try:
        principal = _principal_from_claims(connection, claims)
    except InvalidToken:
        raise Unauthorized(_INVALID) from None
    request.state.principal = principal
    return principal


def current_principal(request: Request, session: SessionDep, claims: ValidToken, _credentials: Bearer) -> Principal:
    return authenticate(session.connection(), request, claims)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def ensure_role(principal: Principal, roles: Collection[str]) -> Principal:
    if principal.kind != "user":
        raise Forbidden("This route is for staff accounts; machine-client tokens cannot use it.")
    if principal.role not in roles:
        raise Forbidden(f"Your role ({principal.role}) may not do this.")
    return principal


def require_roles(*roles: str) -> Callable[..., Principal]:
    async def dependency(principal: CurrentPrincipal) -> Principal:
        return ensure_role(principal, roles)

    return dependency


async def access_context(request: Request, principal: CurrentPrincipal) -> AccessContext:
    return principal.access(request.state.request_id)


Access = Annotated[AccessContext, Depends(access_context)]
