"""Dossiers: issue and revoke (owning organisation), list and pull (owner and recipients),
published keys, status lists and verification."""

import uuid
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from competenze.access import visibility
from competenze.auth.dependencies import (
    BEARER_SECURITY,
    Access,
    CurrentPrincipal,
    ValidToken,
    authenticate,
    valid_token,
)
from competenze.auth.principals import Principal
from competenze.common import ratelimit
from competenze.common.codes import LanguageCode
from competenze.common.idempotency import IdempotencyKeyHeader
from competenze.common.pagination import Cursor, Limit
from competenze.common.routing import ApiRoute, refuse_unknown_query
from competenze.config import Settings
from competenze.db import SessionDep
from competenze.dossiers import negotiation, public, service
from competenze.dossiers.models import Dossier
from competenze.dossiers.schemas import (
    DossierCreate,
    DossierOut,
    DossierPage,
    DossierRevoke,
    VerifyRequest,
    VerifyResult,
)
from competenze.errors import Forbidden, NotAcceptable, field_error, problem_responses
from competenze.hotpath import AnyConnection, in_session, in_transaction
from competenze.participants.dependencies import VisibleParticipant
from competenze.participants.idempotency import create_once
from competenze.web.middleware import release_turn

router = APIRouter(
    route_class=ApiRoute,
    tags=["dossiers"],
    responses=problem_responses(400, 401, 403, 404, 405, 409, 413, 422, 429, 503),
)
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "An ETag from an earlier pull: 304 when the representation is unchanged",
}


def enforce_client_quota(connection: AnyConnection, settings: Settings, principal: Principal) -> None:
    """Per machine client, a fixed window of requests per minute (counted in the database so
    every app process shares it)."""
    if principal.kind == "client":
        ratelimit.enforce(
            connection,
            f"quota:{principal.key}",
            window_seconds=60,
            limit=settings.client_requests_per_minute,
            message="This client may make {limit} dossier requests a minute; retry in {wait} s.",
        )


# What get_dossier reads itself (see there), declared for the OpenAPI document.
PULL_PARAMETERS = [
    {"name": "dossier_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}},
    {
        "name": "locale",
        "in": "query",
        "required": False,
        "description": "Europass XML locale",
        "schema": {"type": "string", "enum": ["it", "en"], "default": "it"},
    },
    {
        "name": "lang",
        "in": "query",
        "required": False,
        "description": "PDF: second language (ISO 639-1, or 639-3)",
        "schema": {"type": "string", "minLength": 2, "maxLength": 3, "examples": ["ar"]},
    },
    IF_NONE_MATCH,
]
_LANGUAGE = TypeAdapter(LanguageCode)
PULL_QUERY = frozenset(p["name"] for p in PULL_PARAMETERS if p["in"] == "query")


def _pull_parameters(request: Request) -> tuple[uuid.UUID, str, str | None]:
    """(dossier id, Europass locale, PDF language) from the request, or 422 naming the field."""
    try:
        dossier_id = uuid.UUID(request.path_params["dossier_id"])
    except ValueError:
        raise field_error("path.dossier_id", "not a dossier id (a UUID)") from None
    query = request.query_params
    refuse_unknown_query(request, PULL_QUERY)
    locale = query.get("locale", "it")
    if locale not in ("it", "en"):
        raise field_error("query.locale", "must be 'it' or 'en'")
    lang = query.get("lang")
    if lang is not None:
        try:
            lang = _LANGUAGE.validate_python(lang)
        except ValidationError as exc:  # worded by the one handler of request validation errors
            raise RequestValidationError([{**error, "loc": ("query", "lang")} for error in exc.errors()]) from None
    return dossier_id, locale, lang


class RequestOnlyRoute(APIRoute):
    """A route whose endpoint takes only the Request and reads its token, parameters and
    headers itself (declared for OpenAPI by hand). FastAPI documents it like any other but
    runs the endpoint as it is, without solving dependencies and parameters on each request:
    that was ~8 % of a dossier pull (bench/dossiers.py)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return self.endpoint


# The dossier pull: its own router, whose routes the app puts ahead of every included router
# (main.py), because CPI systems pull dossiers all day and routing tries routes in order.
pull_router = APIRouter(tags=router.tags, responses=router.responses, route_class=RequestOnlyRoute)


@pull_router.get(
    "/api/v1/dossiers/{dossier_id}",
    operation_id="dossiers_get",
    response_model=dict,
    responses={
        200: {
            "description": "The dossier as the credential JSON (default), a vc+jwt, Europass XML or a PDF",
            "content": {
                negotiation.VC_JWT: {"schema": {"type": "string"}},
                negotiation.XML: {"schema": {"type": "string"}},
                negotiation.PDF: {"schema": {"type": "string", "format": "binary"}},
            },
        },
        304: {"description": "Not modified (If-None-Match)"},
        **problem_responses(406),
    },
    openapi_extra={**BEARER_SECURITY, "parameters": PULL_PARAMETERS},
)
async def get_dossier(request: Request) -> Response:
    """One dossier by Accept: application/json, application/vc+jwt, application/xml (Europass), application/pdf."""
    # CPI systems' hot path, read by the handler itself (see RequestOnlyRoute). The token
    # first, as for every route: 401 before anything else.
    token = valid_token(request)
    dossier_id, locale, lang = _pull_parameters(request)
    settings = request.app.state.settings
    media = negotiation.choose(request.headers.get("accept", "")[:1000])
    if_none_match = request.headers.get("if-none-match", "")[:1000]

    def work(connection: AnyConnection) -> service.Pulled:
        principal = authenticate(connection, request, token)
        enforce_client_quota(connection, settings, principal)
        if media is None:
            raise NotAcceptable("Ask for application/json, application/vc+jwt, application/xml or application/pdf.")
        return service.pull(connection, principal.access(request.state.request_id), principal, dossier_id, media)

    # Authentication, quota, the read and its audit row in one transaction, without a thread
    # hop per dependency (see hotpath.in_transaction).
    pulled = await in_transaction(request, work)
    assert media is not None  # else work() answered 406
    variant = {negotiation.XML: locale, negotiation.PDF: lang or pulled.language}.get(media, "")
    etag = negotiation.entity_tag(pulled.sha256, media, variant, pulled.status)
    # no-store, as every response by default (web/middleware.py): a CPI system that keeps its
    # own copy revalidates it with If-None-Match.
    headers = {"ETag": etag, "Vary": "Accept"}
    if if_none_match and negotiation.matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    if media in (negotiation.JSON, negotiation.VC_JWT):
        return Response(pulled.document, media_type=media, headers=headers)
    # Rendering reads no database: on SQLite the next request may take its turn meanwhile.
    release_turn(request)
    if media == negotiation.XML:
        from competenze.dossiers.europass import to_europass_xml

        xml = await run_in_threadpool(to_europass_xml, service.credential_of(pulled), locale)
        return Response(xml, media_type=media, headers=headers)
    from competenze.dossiers.pdf import render

    pdf = await run_in_threadpool(
        render,
        service.credential_of(pulled),
        language=variant,
        verify_url=f"{settings.issuer.rstrip('/')}/verify/{pulled.verification_code}",
        dossier_id=str(pulled.id),
    )
    return Response(
        pdf,
        media_type=media,
        headers={**headers, "Content-Disposition": f'attachment; filename="dossier-{pulled.id}-v{pulled.version}.pdf"'},
    )


@router.post(
    "/api/v1/participants/{participant_id}/dossiers",
    response_model=DossierOut,
    status_code=201,
    operation_id="dossiers_issue",
    openapi_extra=BEARER_SECURITY,
)
async def issue_dossier(
    request: Request,
    token: ValidToken,
    participant_id: uuid.UUID,
    body: DossierCreate,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Freeze the participant's competences into a new signed dossier version (cpi or public profile)."""
    state = request.app.state

    def work(session: Session) -> Response:
        # The WritableParticipant dependency's check, called here so that the whole issuance is
        # one call without thread hops (see hotpath.in_transaction).
        principal = authenticate(session.connection(), request, token)
        participant = visibility.writable_participant(session, principal, participant_id)
        ctx = principal.access(request.state.request_id)
        return create_once(
            session,
            ctx=ctx,
            key=idempotency_key,
            participant_id=participant.id,
            body=body,
            model=Dossier,
            create=lambda: service.issue(session, ctx, state.settings, state.keys, participant, body),
            location=lambda out: f"/api/v1/dossiers/{out.id}",
        )

    return await in_session(request, work)


@router.get(
    "/api/v1/participants/{participant_id}/dossiers",
    response_model=list[DossierOut],
    operation_id="participant_dossiers_list",
)
def participant_dossiers(request: Request, participant: VisibleParticipant, ctx: Access, session: SessionDep):
    """Every dossier version issued for the participant, with its status."""
    return service.for_participant(session, ctx, request.app.state.settings, participant)


@router.get("/api/v1/dossiers", response_model=DossierPage, operation_id="dossiers_list", openapi_extra=BEARER_SECURITY)
async def list_dossiers(
    request: Request,
    token: ValidToken,
    updated_since: Annotated[
        str | None,
        Query(
            max_length=40,
            json_schema_extra={"format": "date-time"},
            description="Only dossiers changed since (ISO 8601 with zone)",
        ),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Response:
    """Dossiers visible to you (shared with your organisation, or your own), newest change first."""
    settings = request.app.state.settings

    def work(connection: AnyConnection) -> DossierPage:
        principal = authenticate(connection, request, token)
        enforce_client_quota(connection, settings, principal)
        return service.listing(
            connection,
            principal.access(request.state.request_id),
            settings,
            principal,
            updated_since=updated_since,
            cursor=cursor,
            limit=limit,
        )

    # A CPI system's bulk sync: one transaction without thread hops (see hotpath.in_transaction),
    # serialised once (pydantic-core) rather than re-validated as a response model.
    page = await in_transaction(request, work)
    return Response(page.model_dump_json(), media_type="application/json")


@router.post("/api/v1/dossiers/{dossier_id}/revoke", response_model=DossierOut, operation_id="dossiers_revoke")
def revoke_dossier(
    request: Request,
    principal: CurrentPrincipal,
    ctx: Access,
    dossier_id: uuid.UUID,
    body: DossierRevoke,
    session: SessionDep,
):
    """Revoke a dossier (the owning organisation's case workers); verification will say so."""
    dossier, _, owner = visibility.visible_dossier(session, principal, dossier_id)
    if not owner:
        raise Forbidden("Only the organisation that follows the participant can revoke their dossiers.")
    return service.revoke(session, ctx, request.app.state.settings, dossier, body.reason)


@router.get("/.well-known/jwks.json", operation_id="jwks", response_model=dict)
def jwks(request: Request) -> JSONResponse:
    """Our public signing keys, current and retired, by kid (RFC 7517)."""
    keys = [key.jwk for key in request.app.state.keys.all()]
    return JSONResponse({"keys": keys}, headers={"Cache-Control": "public, max-age=300"})


class JSONLDResponse(JSONResponse):
    media_type = "application/ld+json"


@router.get(
    "/contexts/competenze/v1", operation_id="jsonld_context", response_model=dict, response_class=JSONLDResponse
)
def jsonld_context(request: Request) -> JSONLDResponse:
    """The JSON-LD context of our credential terms."""
    return JSONLDResponse(
        public.context(request.app.state.settings), headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get(
    "/api/v1/status-lists/{list_id}",
    operation_id="status_lists_get",
    response_model=dict,
    responses={200: {"content": {negotiation.VC_JWT: {"schema": {"type": "string"}}}}},
)
def status_list(
    request: Request,
    list_id: Annotated[str, Path(max_length=30, pattern=r"^[0-9]{1,9}-[a-z]{1,12}$")],
    session: SessionDep,
    accept: Annotated[str | None, Header(max_length=1000)] = None,
    if_none_match: Annotated[str | None, Header(alias="If-None-Match", max_length=1000)] = None,
) -> Response:
    """A Bitstring Status List credential, signed (application/vc+jwt, default) or as JSON."""
    state = request.app.state
    return public.status_list_response(session, state.settings, state.keys, list_id, accept, if_none_match)


@router.post("/api/v1/verify", response_model=VerifyResult, operation_id="verify")
def verify(request: Request, body: VerifyRequest, session: SessionDep) -> VerifyResult:
    """A vc+jwt in, a verdict out: valid, revoked, superseded, bad signature, unknown key, expired..."""
    public.throttle(request, session, scale=10)
    state = request.app.state
    return public.verify(session, state.settings, state.keys, body.token)


@router.get("/verify/{code}", include_in_schema=False, response_class=HTMLResponse)
def verify_page(request: Request, code: str, session: SessionDep) -> HTMLResponse:
    """The page a dossier's QR code opens: the verdict and what the document states."""
    public.throttle(request, session, scale=1)
    return public.verify_page(request, session, code[:64])
