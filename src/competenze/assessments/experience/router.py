"""Education, work experience, skills, literacy, driving licences, expectations, skills gap."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from competenze.access.visibility import reading
from competenze.assessments import records
from competenze.assessments.experience import service
from competenze.assessments.experience.models import (
    Education,
    SkillClaim,
    WorkExperience,
)
from competenze.assessments.experience.schemas import (
    DrivingLicencesOut,
    DrivingLicencesSheet,
    EducationCreate,
    EducationOut,
    EducationUpdate,
    ExpectationsOut,
    ExpectationsSheet,
    LiteracyOut,
    LiteracySheet,
    SkillClaimCreate,
    SkillClaimOut,
    SkillsGap,
    WorkExperienceCreate,
    WorkExperienceOut,
    WorkExperienceUpdate,
)
from competenze.auth.dependencies import Access
from competenze.common.etag import (
    IfMatch,
    IfMatchOnceItExists,
    etag_for,
    require_if_match,
    set_etag,
)
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
    tags=["experience"],
    responses=problem_responses(400, 401, 403, 404, 405, 409, 412, 413, 422, 428, 503),
)
BASE = "/api/v1/participants/{}"


@router.post("/education", response_model=EducationOut, status_code=201, operation_id="education_create")
def create_education(
    participant: WritableParticipant,
    ctx: Access,
    body: EducationCreate,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Record a course or qualification (ISCED level, EQF estimate, recognition status in Italy)."""
    return create_once(
        session,
        ctx=ctx,
        key=idempotency_key,
        participant_id=participant.id,
        body=body,
        model=Education,
        create=lambda: service.add_education(session, ctx, participant, body),
        location=lambda out: f"{BASE.format(participant.id)}/education/{out.id}",
        etag=etag_for(1),
    )


@router.get("/education", response_model=list[EducationOut], operation_id="education_list")
def list_education(participant: ReferralVisibleParticipant, ctx: Access, session: SessionDep):
    """The participant's education, highest level first."""
    return service.list_education(session, reading(ctx, participant), participant)


@router.patch("/education/{item_id}", response_model=EducationOut, operation_id="education_update")
def update_education(
    participant: WritableParticipant,
    ctx: Access,
    item_id: uuid.UUID,
    body: EducationUpdate,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
):
    """Correct an education record, e.g. its recognition status (If-Match required)."""
    row = service.education_by_id(session, participant, item_id)
    require_if_match(if_match, row.version)
    out = service.update_education(session, ctx, participant, row, body)
    set_etag(response, row.version)
    return out


@router.delete("/education/{item_id}", status_code=204, operation_id="education_delete")
def delete_education(
    participant: WritableParticipant, ctx: Access, item_id: uuid.UUID, session: SessionDep, if_match: IfMatch = None
) -> Response:
    """Remove an education record entered by mistake (If-Match required)."""
    row = service.education_by_id(session, participant, item_id)
    require_if_match(if_match, row.version)
    records.remove(session, ctx, participant, row)
    return Response(status_code=204)


@router.post(
    "/work-experience", response_model=WorkExperienceOut, status_code=201, operation_id="work_experience_create"
)
def create_work(
    participant: WritableParticipant,
    ctx: Access,
    body: WorkExperienceCreate,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Record a job (ESCO occupation or free title), formal or informal, in Italy or abroad."""
    return create_once(
        session,
        ctx=ctx,
        key=idempotency_key,
        participant_id=participant.id,
        body=body,
        model=WorkExperience,
        create=lambda: service.add_work(session, ctx, participant, body),
        location=lambda out: f"{BASE.format(participant.id)}/work-experience/{out.id}",
        etag=etag_for(1),
    )


@router.get("/work-experience", response_model=list[WorkExperienceOut], operation_id="work_experience_list")
def list_work(participant: ReferralVisibleParticipant, ctx: Access, session: SessionDep):
    """The participant's work experience, most recent first."""
    return service.list_work(session, reading(ctx, participant), participant)


@router.patch("/work-experience/{item_id}", response_model=WorkExperienceOut, operation_id="work_experience_update")
def update_work(
    participant: WritableParticipant,
    ctx: Access,
    item_id: uuid.UUID,
    body: WorkExperienceUpdate,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
):
    """Correct a work experience record (If-Match required)."""
    row = service.work_by_id(session, participant, item_id)
    require_if_match(if_match, row.version)
    out = service.update_work(session, ctx, participant, row, body)
    set_etag(response, row.version)
    return out


@router.delete("/work-experience/{item_id}", status_code=204, operation_id="work_experience_delete")
def delete_work(
    participant: WritableParticipant, ctx: Access, item_id: uuid.UUID, session: SessionDep, if_match: IfMatch = None
) -> Response:
    """Remove a work experience record entered by mistake (If-Match required)."""
    row = service.work_by_id(session, participant, item_id)
    require_if_match(if_match, row.version)
    records.remove(session, ctx, participant, row)
    return Response(status_code=204)


@router.post("/skills", response_model=SkillClaimOut, status_code=201, operation_id="skills_create")
def create_skill(
    participant: WritableParticipant,
    ctx: Access,
    body: SkillClaimCreate,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Record an ESCO skill with how it is known (self-declared, observed, tested, certified)."""
    return create_once(
        session,
        ctx=ctx,
        key=idempotency_key,
        participant_id=participant.id,
        body=body,
        model=SkillClaim,
        create=lambda: service.add_skill(session, ctx, participant, body),
        location=lambda out: f"{BASE.format(participant.id)}/skills#{out.id}",
    )


@router.get("/skills", response_model=list[SkillClaimOut], operation_id="skills_list")
def list_skills(participant: ReferralVisibleParticipant, ctx: Access, session: SessionDep):
    """The participant's ESCO skills with their evidence, newest first."""
    return service.list_skills(session, reading(ctx, participant), participant)


@router.get("/skills-gap", response_model=SkillsGap, operation_id="skills_gap")
def skills_gap(
    participant: ReferralVisibleParticipant,
    ctx: Access,
    session: SessionDep,
    occupation: Annotated[str, Query(max_length=200, description="ESCO occupation URI")],
):
    """The target occupation's essential ESCO skills the participant has on record, and those missing."""
    return service.skills_gap(session, reading(ctx, participant), participant, occupation)


# Single sheets: one record each, replaced as a whole.
def _sheet_routes(kind: str, path: str, schema: type[BaseModel], out: type[BaseModel], what: str) -> None:
    def view(participant, row) -> BaseModel:
        return out(
            participant_id=participant.id,
            data=schema.model_validate(row.data) if row else schema(),
            updated_by=row.updated_by if row else None,
            updated_at=row.updated_at if row else None,
        )

    @router.get(path, response_model=out, operation_id=f"{kind}_get", description=f"The participant's {what}.")
    def get_sheet(participant: VisibleParticipant, ctx: Access, session: SessionDep, response: Response):
        row = service.read_sheet(session, ctx, participant, kind)
        set_etag(response, row.version if row else 0)
        return view(participant, row)

    @router.put(
        path,
        response_model=out,
        operation_id=f"{kind}_put",
        description=f"Replace the participant's {what} (If-Match required once it exists).",
    )
    def put_sheet(
        participant: WritableParticipant,
        ctx: Access,
        body: schema,
        session: SessionDep,  # type: ignore[valid-type]
        response: Response,
        if_match: IfMatchOnceItExists = None,
    ):
        row = service.get_sheet(session, participant, kind)
        if row is not None or if_match:
            require_if_match(if_match, row.version if row else 0)
        row = service.put_sheet(session, ctx, participant, kind, body, row)
        set_etag(response, row.version)
        return view(participant, row)


_sheet_routes("literacy", "/literacy", LiteracySheet, LiteracyOut, "literacy and numeracy")
_sheet_routes("driving_licences", "/driving-licences", DrivingLicencesSheet, DrivingLicencesOut, "driving licences")
_sheet_routes("expectations", "/expectations", ExpectationsSheet, ExpectationsOut, "expectations and goals")
