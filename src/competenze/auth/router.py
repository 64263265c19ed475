"""OAuth2 token endpoint (RFC 6749), logout and who-am-i."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from competenze.auth.dependencies import CurrentPrincipal
from competenze.auth.schemas import TokenResponse, WhoAmI
from competenze.auth.service import (
    Issuer,
    OAuthError,
    client_credentials_grant,
    password_grant,
    refresh_grant,
    revoke_family,
)
from competenze.common.routing import ApiRoute
from competenze.db import SessionDep
from competenze.errors import problem_responses

router = APIRouter(
    route_class=ApiRoute,
    prefix="/api/v1/auth",
    tags=["auth"],
    responses=problem_responses(400, 401, 403, 405, 413, 422, 429, 503),
)

FormStr = Annotated[str | None, Form(max_length=512)]
GRANT_TYPES = ("password", "refresh_token", "client_credentials")


def _require(value: str | None, name: str, grant: str) -> str:
    if not value:
        raise OAuthError("invalid_request", f"The {grant} grant needs the '{name}' field.")
    return value


@router.post("/token", response_model=TokenResponse, operation_id="auth_token")
def token(
    request: Request,
    session: SessionDep,
    grant_type: Annotated[
        str,
        Form(
            min_length=1,
            max_length=200,
            # Declared for clients; checked below so that another value gets RFC 6749's
            # unsupported_grant_type rather than a validation error.
            json_schema_extra={"enum": list(GRANT_TYPES)},
        ),
    ],
    username: FormStr = None,
    password: FormStr = None,
    refresh_token: FormStr = None,
    client_id: FormStr = None,
    client_secret: FormStr = None,
    scope: FormStr = None,
) -> TokenResponse:
    """Exchange credentials for tokens: password (staff), refresh_token, client_credentials."""
    issuer = Issuer(request.app.state.settings, request.app.state.keys)
    ip = request.client.host if request.client else "unknown"
    if grant_type == "password":
        return password_grant(
            session,
            issuer,
            email=_require(username, "username", grant_type),
            password=_require(password, "password", grant_type),
            client_ip=ip,
        )
    if grant_type == "refresh_token":
        return refresh_grant(session, issuer, refresh_token=_require(refresh_token, "refresh_token", grant_type))
    if grant_type == "client_credentials":
        return client_credentials_grant(
            session,
            issuer,
            client_id=_require(client_id, "client_id", grant_type),
            client_secret=_require(client_secret, "client_secret", grant_type),
            scope=scope,
            client_ip=ip,
        )
    raise OAuthError("unsupported_grant_type", "grant_type must be password, refresh_token or client_credentials.")


@router.post("/logout", status_code=204, operation_id="auth_logout")
def logout(principal: CurrentPrincipal, session: SessionDep) -> Response:
    """End this sign-in: its refresh tokens and access tokens stop working at once."""
    if principal.session_id is not None:
        revoke_family(session, principal.session_id)
    return Response(status_code=204)


@router.get("/me", response_model=WhoAmI, operation_id="auth_me")
def me(principal: CurrentPrincipal) -> WhoAmI:
    """Who the access token belongs to."""
    return WhoAmI(
        kind=principal.kind,
        id=principal.id,
        organisation_id=principal.organisation_id,
        role=principal.role,
        scopes=sorted(principal.scopes),
    )
