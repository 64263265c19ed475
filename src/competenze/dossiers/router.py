"""Dossiers: issue and revoke (owning organisation), list and pull (owner and recipients),
published keys, status lists and verification."""

import hashlib
import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from competenze.auth.dependencies import Access, CurrentPrincipal
from competenze.auth.principals import Principal
from competenze.common import ratelimit
from competenze.common.codes import LanguageCode
from competenze.common.idempotency import IdempotencyKeyHeader, create_once
from competenze.common.pagination import Cursor, Limit
from competenze.db import SessionDep
from competenze.dossiers import negotiation, public, service
from competenze.dossiers.schemas import (
    DossierCreate,
    DossierOut,
    DossierPage,
    DossierRevoke,
    VerifyRequest,
    VerifyResult,
)
from competenze.errors import Forbidden, NotAcceptable, problem_responses
from competenze.participants.dependencies import VisibleParticipant, WritableParticipant

router = APIRouter(tags=["dossiers"], responses=problem_responses(400, 401, 403, 404, 405, 409, 413, 422, 429, 503))
PRIVATE = {"Cache-Control": "private, no-cache"}  # personal data: revalidate with the ETag every time


def client_quota(request: Request, principal: CurrentPrincipal, session: SessionDep) -> Principal:
    """Per machine client, a fixed window of requests per minute (counted in the database so
    every app process shares it)."""
    if principal.kind == "client":
        ratelimit.enforce(session, f"quota:{principal.key}", window_seconds=60,
                          limit=request.app.state.settings.client_requests_per_minute,
                          message="This client may make {limit} dossier requests a minute; retry in {wait} s.")
    return principal


Puller = Annotated[Principal, Depends(client_quota)]


@router.post("/api/v1/participants/{participant_id}/dossiers", response_model=DossierOut, status_code=201,
             operation_id="dossiers_issue")
def issue_dossier(request: Request, participant: WritableParticipant, ctx: Access, body: DossierCreate,
                  session: SessionDep, idempotency_key: IdempotencyKeyHeader = None) -> Response:
    """Freeze the participant's competences into a new signed dossier version (cpi or public profile)."""
    state = request.app.state
    return create_once(session, principal=ctx.key, key=idempotency_key, scope=participant.id, body=body,
                       create=lambda: service.issue(session, ctx, state.settings, state.keys, participant, body),
                       location=lambda out: f"/api/v1/dossiers/{out.id}")


@router.get("/api/v1/participants/{participant_id}/dossiers", response_model=list[DossierOut],
            operation_id="participant_dossiers_list")
def participant_dossiers(request: Request, participant: VisibleParticipant, ctx: Access, session: SessionDep):
    """Every dossier version issued for the participant, with its status."""
    return service.for_participant(session, ctx, request.app.state.settings, participant)


@router.get("/api/v1/dossiers", response_model=DossierPage, operation_id="dossiers_list")
def list_dossiers(request: Request, principal: Puller, ctx: Access, session: SessionDep, response: Response,
                  updated_since: Annotated[datetime | None, Query(description="Only dossiers changed since (ISO 8601 with zone)")] = None,
                  cursor: Cursor = None, limit: Limit = 50):
    """Dossiers visible to you (shared with your organisation, or your own), newest change first."""
    response.headers.update(PRIVATE)
    return service.listing(session, ctx, request.app.state.settings, principal, updated_since=updated_since,
                           cursor=cursor, limit=limit)


@router.get("/api/v1/dossiers/{dossier_id}", operation_id="dossiers_get", response_model=dict,
            responses={200: {"description": "The dossier as the credential JSON (default), a vc+jwt, Europass XML or a PDF",
                             "content": {negotiation.VC_JWT: {"schema": {"type": "string"}},
                                         negotiation.XML: {"schema": {"type": "string"}},
                                         negotiation.PDF: {"schema": {"type": "string", "format": "binary"}}}},
                       304: {"description": "Not modified (If-None-Match)"}, **problem_responses(406)})
def get_dossier(request: Request, principal: Puller, ctx: Access, dossier_id: uuid.UUID, session: SessionDep,
                accept: Annotated[str | None, Header(max_length=1000)] = None,
                if_none_match: Annotated[str | None, Header(alias="If-None-Match", max_length=1000)] = None,
                locale: Annotated[Literal["it", "en"], Query(description="Europass XML locale")] = "it",
                lang: Annotated[LanguageCode | None, Query(description="PDF: second language")] = None) -> Response:
    """One dossier by Accept: application/json, application/vc+jwt, application/xml (Europass), application/pdf."""
    media = negotiation.choose(accept)
    if media is None:
        raise NotAcceptable("Ask for application/json, application/vc+jwt, application/xml or application/pdf.")
    dossier, state, owner = service.visible(session, principal, dossier_id)
    variant = {negotiation.XML: locale, negotiation.PDF: lang or dossier.language}.get(media, "")
    etag = '"' + hashlib.sha256(f"{dossier.sha256}|{media}|{variant}|{state.status}".encode()).hexdigest()[:32] + '"'
    headers = {**PRIVATE, "ETag": etag, "Vary": "Accept"}
    service.record_pull(session, ctx, dossier, media.split("/")[1])
    if if_none_match and etag in [tag.strip() for tag in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    settings = request.app.state.settings
    if media == negotiation.JSON:
        return Response(dossier.credential, media_type=media, headers=headers)
    if media == negotiation.VC_JWT:
        return Response(dossier.jws, media_type=media, headers=headers)
    if media == negotiation.XML:
        from competenze.dossiers.europass import to_europass_xml

        return Response(to_europass_xml(service.credential_of(dossier), locale), media_type=media, headers=headers)
    from competenze.dossiers.pdf import render

    pdf = render(service.credential_of(dossier), language=variant,
                 verify_url=f"{settings.issuer.rstrip('/')}/verify/{dossier.verification_code}",
                 dossier_id=str(dossier.id))
    return Response(pdf, media_type=media, headers={**headers, "Content-Disposition":
                                                    f'attachment; filename="dossier-{dossier.id}-v{dossier.version}.pdf"'})


@router.post("/api/v1/dossiers/{dossier_id}/revoke", response_model=DossierOut, operation_id="dossiers_revoke")
def revoke_dossier(request: Request, principal: CurrentPrincipal, ctx: Access, dossier_id: uuid.UUID,
                   body: DossierRevoke, session: SessionDep, response: Response):
    """Revoke a dossier (the owning organisation's case workers); verification will say so."""
    dossier, _, owner = service.visible(session, principal, dossier_id)
    if not owner:
        raise Forbidden("Only the organisation that follows the participant can revoke their dossiers.")
    response.headers["Cache-Control"] = "no-store"
    return service.revoke(session, ctx, request.app.state.settings, dossier, body.reason)


@router.get("/.well-known/jwks.json", operation_id="jwks", response_model=dict)
def jwks(request: Request) -> JSONResponse:
    """Our public signing keys, current and retired, by kid (RFC 7517)."""
    keys = [key.jwk for key in request.app.state.keys.all()]
    return JSONResponse({"keys": keys}, headers={"Cache-Control": "public, max-age=300"})


class JSONLDResponse(JSONResponse):
    media_type = "application/ld+json"


@router.get("/contexts/competenze/v1", operation_id="jsonld_context", response_model=dict,
            response_class=JSONLDResponse)
def jsonld_context(request: Request) -> JSONLDResponse:
    """The JSON-LD context of our credential terms."""
    return JSONLDResponse(public.context(request.app.state.settings), headers={"Cache-Control": "public, max-age=86400"})


@router.get("/api/v1/status-lists/{list_id}", operation_id="status_lists_get", response_model=dict,
            responses={200: {"content": {negotiation.VC_JWT: {"schema": {"type": "string"}}}}})
def status_list(request: Request, list_id: Annotated[str, Path(max_length=30, pattern=r"^[0-9]{1,9}-[a-z]{1,12}$")],
                session: SessionDep,
                accept: Annotated[str | None, Header(max_length=1000)] = None,
                if_none_match: Annotated[str | None, Header(alias="If-None-Match", max_length=1000)] = None) -> Response:
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
