"""Language assessments of a participant and their derived language profile."""

from fastapi import APIRouter, Response

from competenze.access.visibility import reading
from competenze.assessments.language import service
from competenze.assessments.language.models import LanguageAssessment
from competenze.assessments.language.schemas import (
    LanguageAssessmentCreate,
    LanguageAssessmentOut,
    LanguageProfile,
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
    tags=["languages"],
    responses=problem_responses(400, 401, 403, 404, 405, 409, 413, 422, 503),
)


@router.post(
    "/language-assessments",
    response_model=LanguageAssessmentOut,
    status_code=201,
    operation_id="language_assessments_create",
)
def create_language_assessment(
    participant: WritableParticipant,
    ctx: Access,
    body: LanguageAssessmentCreate,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Record a language assessment (CEFR level per skill, or a mother tongue); immutable."""
    return create_once(
        session,
        ctx=ctx,
        key=idempotency_key,
        participant_id=participant.id,
        body=body,
        model=LanguageAssessment,
        create=lambda: service.create(session, ctx, participant, body),
        location=lambda out: f"/api/v1/participants/{participant.id}/language-assessments#{out.id}",
    )


@router.get(
    "/language-assessments", response_model=list[LanguageAssessmentOut], operation_id="language_assessments_list"
)
def list_language_assessments(participant: VisibleParticipant, ctx: Access, session: SessionDep):
    """Every language assessment of the participant, corrections included, newest first."""
    return service.history(session, ctx, participant)


@router.get("/languages", response_model=LanguageProfile, operation_id="languages_profile")
def language_profile(participant: ReferralVisibleParticipant, ctx: Access, session: SessionDep):
    """Current level per language and skill (strongest, then newest evidence) and Italian L2 milestones."""
    return service.profile(session, reading(ctx, participant), participant)
