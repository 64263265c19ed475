"""Participants, their consents and their access log."""

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from competenze.access.visibility import get_visible_participant, reading
from competenze.audit import service as audit
from competenze.auth.dependencies import Access
from competenze.common.codes import CountryCode
from competenze.common.etag import IfMatch, etag_for, require_if_match, set_etag
from competenze.common.fields import Day
from competenze.common.idempotency import IdempotencyKeyHeader, created, fingerprint, run_idempotent
from competenze.common.models import IdempotencyRecord
from competenze.common.pagination import Cursor, Limit, decode_cursor, encode_cursor
from competenze.common.routing import ApiRoute
from competenze.db import SessionDep
from competenze.errors import problem_responses
from competenze.participants import consents, service
from competenze.participants.dependencies import CaseWorker
from competenze.participants.schemas import (
    AccessLogEntry,
    AccessLogPage,
    ConsentCreate,
    ConsentOut,
    ParticipantClose,
    ParticipantCreate,
    ParticipantOut,
    ParticipantPage,
    ParticipantStatus,
    ParticipantUpdate,
)

router = APIRouter(
    route_class=ApiRoute,
    prefix="/api/v1/participants",
    tags=["participants"],
    responses=problem_responses(400, 401, 403, 404, 405, 409, 412, 413, 422, 428, 503),
)


@router.post(
    "",
    response_model=ParticipantOut,
    response_model_exclude_unset=True,
    status_code=201,
    operation_id="participants_create",
)
def create_participant(
    principal: CaseWorker,
    ctx: Access,
    body: ParticipantCreate,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
    confirm_duplicate: Annotated[bool, Query()] = False,
) -> Response:
    """Register a participant in your organisation."""

    def respond(out: ParticipantOut, version: int) -> JSONResponse:
        location = f"/api/v1/participants/{out.id}"
        return created(out, location=location, etag=etag_for(version), exclude_unset=True)

    def replay(record: IdempotencyRecord) -> JSONResponse:
        # The record as the caller may see it now, not as it was sent then (only its id is kept).
        out, version = service.replay_created(session, principal, ctx, json.loads(record.body)["id"])
        return respond(out, version)

    # A new row starts at version 1 (SQLAlchemy's version counter).
    return run_idempotent(
        session,
        principal=principal.key,
        key=idempotency_key,
        request_fingerprint=fingerprint(body.model_dump(mode="json"), confirm_duplicate),
        create=lambda: respond(service.create(session, principal, ctx, body, confirm_duplicate=confirm_duplicate), 1),
        replay=replay,
        kept=lambda body: json.dumps({"id": json.loads(body)["id"]}).encode(),
    )


@router.get("", response_model=ParticipantPage, response_model_exclude_unset=True, operation_id="participants_list")
def list_participants(
    principal: CaseWorker,
    ctx: Access,
    session: SessionDep,
    q: Annotated[
        str | None, Query(max_length=100, description="Name words (accent- and case-insensitive prefix match)")
    ] = None,
    birth_date: Annotated[Day | None, Query(description="YYYY-MM-DD")] = None,
    citizenship: Annotated[CountryCode | None, Query()] = None,
    counsellor_id: uuid.UUID | None = None,
    status_: Annotated[ParticipantStatus | None, Query(alias="status")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    """Search the participants you may see, newest first, cursor-paginated."""
    return service.search(
        session,
        principal,
        ctx,
        q=q,
        birth_date=birth_date,
        citizenship=citizenship,
        counsellor_id=counsellor_id,
        status=status_.value if status_ else None,
        cursor=cursor,
        limit=limit,
    )


@router.get(
    "/{participant_id}",
    response_model=ParticipantOut,
    response_model_exclude_unset=True,
    operation_id="participants_get",
)
def get_participant(
    principal: CaseWorker, ctx: Access, participant_id: uuid.UUID, session: SessionDep, response: Response
):
    """One participant; the ETag is needed to change it."""
    participant = get_visible_participant(session, principal, participant_id, via_referral=True)
    set_etag(response, participant.version)
    return service.read(session, principal, reading(ctx, participant), participant)


@router.patch(
    "/{participant_id}",
    response_model=ParticipantOut,
    response_model_exclude_unset=True,
    operation_id="participants_update",
)
def update_participant(
    principal: CaseWorker,
    ctx: Access,
    participant_id: uuid.UUID,
    body: ParticipantUpdate,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
):
    """Change a participant's details (If-Match required)."""
    participant = get_visible_participant(session, principal, participant_id, for_update=True)
    require_if_match(if_match, participant.version)
    out = service.update(session, principal, ctx, participant, body)
    set_etag(response, participant.version)
    return out


@router.post(
    "/{participant_id}/close",
    response_model=ParticipantOut,
    response_model_exclude_unset=True,
    operation_id="participants_close",
)
def close_participant(
    principal: CaseWorker,
    ctx: Access,
    participant_id: uuid.UUID,
    body: ParticipantClose,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
):
    """Close a participant's record with a reason (If-Match required)."""
    participant = get_visible_participant(session, principal, participant_id, for_update=True)
    require_if_match(if_match, participant.version)
    out = service.close(session, principal, ctx, participant, body.reason)
    set_etag(response, participant.version)
    return out


@router.get("/{participant_id}/consents", response_model=list[ConsentOut], operation_id="consents_list")
def list_consents(principal: CaseWorker, ctx: Access, participant_id: uuid.UUID, session: SessionDep):
    """The participant's consents, active and withdrawn."""
    participant = get_visible_participant(session, principal, participant_id)
    return consents.list_consents(session, ctx, participant)


@router.post("/{participant_id}/consents", response_model=ConsentOut, status_code=201, operation_id="consents_create")
def give_consent(
    principal: CaseWorker, ctx: Access, participant_id: uuid.UUID, body: ConsentCreate, session: SessionDep
):
    """Record the participant's consent for a recipient organisation and purpose."""
    participant = get_visible_participant(session, principal, participant_id)
    return consents.give(session, ctx, participant, body, principal.id)


# Withdrawing a consent ends the referrals resting on it: plans/router.py serves it
# (plans/transitions.withdraw_consent), so that participants never reach up into plans.


@router.get("/{participant_id}/access-log", response_model=AccessLogPage, operation_id="participants_access_log")
def access_log(
    principal: CaseWorker,
    ctx: Access,
    participant_id: uuid.UUID,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    """Who accessed this participant's data: date, organisation and purpose, newest first."""
    participant = get_visible_participant(session, principal, participant_id)
    before = decode_cursor(cursor, int)[0] if cursor else None
    rows = audit.access_log(session, participant.id, before_seq=before, limit=limit + 1)
    next_cursor = encode_cursor([rows[limit - 1][0].seq]) if len(rows) > limit else None
    items = [
        AccessLogEntry(
            occurred_at=e.occurred_at,
            organisation_id=e.organisation_id,
            organisation_name=name,
            action=e.action,
            purpose=e.purpose,
        )
        for e, name in rows[:limit]
    ]
    audit.record(
        session,
        ctx,
        "participant.access_log",
        object_type="participant",
        object_id=participant.id,
        participant_ids=[participant.id],
    )
    return AccessLogPage(items=items, next_cursor=next_cursor)
