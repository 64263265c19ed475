"""Education, work experience, skills, the single sheets and the skills gap."""

import uuid
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, col

from competenze.assessments import records
from competenze.assessments.evidence import Method, live
from competenze.assessments.experience import gap
from competenze.assessments.experience.models import (
    Education,
    ParticipantSheet,
    SkillClaim,
    WorkExperience,
)
from competenze.assessments.experience.schemas import (
    DrivingLicencesSheet,
    EducationCreate,
    EducationOut,
    EducationUpdate,
    ExpectationsSheet,
    GapSkill,
    LiteracySheet,
    SkillClaimCreate,
    SkillClaimOut,
    SkillsGap,
    WorkExperienceCreate,
    WorkExperienceOut,
    WorkExperienceUpdate,
)
from competenze.common.context import AccessContext
from competenze.common.time import utcnow
from competenze.errors import InvalidInput, field_error
from competenze.frameworks.esco import service as esco
from competenze.participants.models import Participant

SHEETS: dict[str, type[BaseModel]] = {
    "literacy": LiteracySheet,
    "driving_licences": DrivingLicencesSheet,
    "expectations": ExpectationsSheet,
}
LABEL_LANGS = ("it", "en")


def _revalidate(schema: type[BaseModel], row: Any, changes: dict) -> None:
    """Cross-field rules hold for the record as it will be after the change."""
    merged = {name: getattr(row, name) for name in schema.model_fields} | changes
    try:
        schema.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(str(first["msg"]).removeprefix("Value error, ")) from None


def add_education(
    session: Session,
    ctx: AccessContext,
    participant: Participant,
    data: EducationCreate,
    *,
    source_step_id: uuid.UUID | None = None,
) -> EducationOut:
    row = Education(
        **records.stamp(ctx, participant), **data.model_dump(), updated_at=utcnow(), source_step_id=source_step_id
    )
    return EducationOut.model_validate(records.add(session, ctx, participant, row))


def list_education(session: Session, ctx: AccessContext, participant: Participant) -> list[EducationOut]:
    rows = records.history(
        session, ctx, participant, Education, col(Education.isced_level).desc(), col(Education.end_year).desc()
    )
    return [EducationOut.model_validate(r) for r in rows]


def update_education(
    session: Session, ctx: AccessContext, participant: Participant, row: Education, data: EducationUpdate
) -> EducationOut:
    changes = data.model_dump(exclude_unset=True)
    for name in ("isced_level", "title", "country", "documents", "recognition_status", "completed"):
        if name in changes and changes[name] is None:
            raise field_error(name, "cannot be cleared")
    _revalidate(EducationCreate, row, changes)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    records.changed(session, ctx, participant, row, "update")
    return EducationOut.model_validate(row)


def _work_out(session: Session, row: WorkExperience) -> WorkExperienceOut:
    labels = esco.preferred_labels(session, [row.occupation_uri], LABEL_LANGS) if row.occupation_uri else {}
    return WorkExperienceOut.model_validate(row).model_copy(
        update={"occupation_label": labels.get(row.occupation_uri, {})}
    )


def add_work(
    session: Session, ctx: AccessContext, participant: Participant, data: WorkExperienceCreate
) -> WorkExperienceOut:
    if data.occupation_uri:
        esco.require_concept(session, data.occupation_uri, "occupation", "occupation_uri")
    row = WorkExperience(**records.stamp(ctx, participant), **data.model_dump(), updated_at=utcnow())
    return _work_out(session, records.add(session, ctx, participant, row))


def list_work(session: Session, ctx: AccessContext, participant: Participant) -> list[WorkExperienceOut]:
    rows = records.history(session, ctx, participant, WorkExperience, col(WorkExperience.started_on).desc())
    return [_work_out(session, r) for r in rows]


def update_work(
    session: Session, ctx: AccessContext, participant: Participant, row: WorkExperience, data: WorkExperienceUpdate
) -> WorkExperienceOut:
    changes = data.model_dump(exclude_unset=True)
    for name in ("country", "started_on", "arrangement"):
        if name in changes and changes[name] is None:
            raise field_error(name, "cannot be cleared")
    if changes.get("occupation_uri"):
        esco.require_concept(session, changes["occupation_uri"], "occupation", "occupation_uri")
    _revalidate(WorkExperienceCreate, row, changes)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    records.changed(session, ctx, participant, row, "update")
    return _work_out(session, row)


def _skill_outs(session: Session, rows: list[SkillClaim]) -> list[SkillClaimOut]:
    labels = esco.preferred_labels(session, [r.skill_uri for r in rows], LABEL_LANGS)
    return [
        SkillClaimOut.model_validate(r, from_attributes=True).model_copy(
            update={"skill_label": labels.get(r.skill_uri, {})}
        )
        for r in rows
    ]


def add_skill(
    session: Session,
    ctx: AccessContext,
    participant: Participant,
    data: SkillClaimCreate,
    *,
    source_step_id: uuid.UUID | None = None,
) -> SkillClaimOut:
    esco.require_concept(session, data.skill_uri, "skill", "skill_uri")
    records.check_supersedes(session, participant, SkillClaim, data.supersedes_id, skill_uri=data.skill_uri)
    data = records.with_assessor(session, ctx, data)
    row = SkillClaim(**records.stamp(ctx, participant), **data.model_dump(), source_step_id=source_step_id)
    return _skill_outs(session, [records.add(session, ctx, participant, row)])[0]


def list_skills(session: Session, ctx: AccessContext, participant: Participant) -> list[SkillClaimOut]:
    rows = records.history(
        session, ctx, participant, SkillClaim, col(SkillClaim.assessed_on).desc(), col(SkillClaim.recorded_at).desc()
    )
    return _skill_outs(session, rows)


def skills_gap(session: Session, ctx: AccessContext, participant: Participant, occupation_uri: str) -> SkillsGap:
    esco.require_concept(session, occupation_uri, "occupation", "query.occupation")
    essential = esco.essential_skills(session, occupation_uri)
    claims = live(
        records.history(session, ctx, participant, SkillClaim, col(SkillClaim.recorded_at), action="skills_gap")
    )
    result = gap.skills_gap(essential, [(c.skill_uri, Method(c.method)) for c in claims])
    labels = esco.preferred_labels(session, [occupation_uri, *essential], LABEL_LANGS)
    return SkillsGap(
        occupation_uri=occupation_uri,
        occupation_label=labels.get(occupation_uri, {}),
        essential_total=len(essential),
        matched=[GapSkill(uri=u, label=labels.get(u, {}), method=m) for u, m in result.matched.items()],
        missing=[GapSkill(uri=u, label=labels.get(u, {})) for u in result.missing],
        coverage=result.coverage,
    )


def get_sheet(session: Session, participant: Participant, kind: str) -> ParticipantSheet | None:
    return session.get(ParticipantSheet, (participant.id, kind))


def read_sheet(session: Session, ctx: AccessContext, participant: Participant, kind: str) -> ParticipantSheet | None:
    from competenze.audit import service as audit

    row = get_sheet(session, participant, kind)
    audit.record(
        session, ctx, f"{kind}.read", object_type=ParticipantSheet.__tablename__, participant_ids=[participant.id]
    )
    return row


def put_sheet(
    session: Session,
    ctx: AccessContext,
    participant: Participant,
    kind: str,
    data: BaseModel,
    row: ParticipantSheet | None,
) -> ParticipantSheet:
    if isinstance(data, ExpectationsSheet):
        for index, uri in enumerate(data.desired_occupations):
            esco.require_concept(session, uri, "occupation", f"desired_occupations[{index}]")
    content = data.model_dump(mode="json")
    if row is None:
        row = ParticipantSheet(
            participant_id=participant.id,
            kind=kind,
            data=content,
            organisation_id=ctx.organisation_id,
            updated_by=uuid.UUID(ctx.actor_id),
            updated_at=utcnow(),
        )
    else:
        row.data, row.updated_by, row.updated_at = content, uuid.UUID(ctx.actor_id), utcnow()
        row.organisation_id = ctx.organisation_id
    records.changed(session, ctx, participant, row, f"{kind}.put")
    return row


def education_by_id(session: Session, participant: Participant, item_id: uuid.UUID) -> Education:
    return records.get_item(session, participant, Education, item_id)


def work_by_id(session: Session, participant: Participant, item_id: uuid.UUID) -> WorkExperience:
    return records.get_item(session, participant, WorkExperience, item_id)
