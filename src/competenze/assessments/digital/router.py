"""Digital competence (DigComp 2.2) assessments of a participant and the derived profile."""

from fastapi import APIRouter, Response

from competenze.access.visibility import reading
from competenze.assessments.digital import service
from competenze.assessments.digital.models import DigitalAssessment
from competenze.assessments.digital.schemas import (
    DigitalAssessmentCreate,
    DigitalAssessmentOut,
    DigitalProfile,
)
from competenze.auth.dependencies import Access
from competenze.common.idempotency import IdempotencyKeyHeader
from competenze.common.routing import ApiRoute
from competenze.db import SessionDep
from competenze.errors import problem_responses
from competenze.participants.dependencies import (
    ReferralVisibleParticipant,
    VisibleParticipant,
    WritableParticipant,
)
from competenze.participants.idempotency import create_once

router = APIRouter(
    route_class=ApiRoute,
    prefix="/api/v1/participants/{participant_id}",
    tags=["digital"],
    responses=problem_responses(400, 401, 403, 404, 405, 409, 413, 422, 503),
)


@router.post(
    "/digital-assessments",
    response_model=DigitalAssessmentOut,
    status_code=201,
    operation_id="digital_assessments_create",
)
def create_digital_assessment(
    participant: WritableParticipant,
    ctx: Access,
    body: DigitalAssessmentCreate,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Record DigComp levels, or questionnaire answers that are scored into levels; immutable."""
    return create_once(
        session,
        ctx=ctx,
        key=idempotency_key,
        participant_id=participant.id,
        body=body,
        model=DigitalAssessment,
        create=lambda: service.create(session, ctx, participant, body),
        location=lambda out: f"/api/v1/participants/{participant.id}/digital-assessments#{out.id}",
    )


@router.get("/digital-assessments", response_model=list[DigitalAssessmentOut], operation_id="digital_assessments_list")
def list_digital_assessments(participant: VisibleParticipant, ctx: Access, session: SessionDep):
    """Every digital assessment of the participant, newest first."""
    return service.history(session, ctx, participant)


@router.get("/digital", response_model=DigitalProfile, operation_id="digital_profile")
def digital_profile(participant: ReferralVisibleParticipant, ctx: Access, session: SessionDep):
    """Current DigComp level per competence, per area, and the Europass A/B/C grade per area."""
    return service.profile(session, reading(ctx, participant), participant)
