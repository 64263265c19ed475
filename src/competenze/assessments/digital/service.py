"""Digital assessment use-cases: record one (counsellor levels or a scored questionnaire),
read the history, derive the current DigComp profile."""

import uuid

from sqlmodel import Session, col

from competenze.assessments import records
from competenze.assessments.digital import scoring
from competenze.assessments.digital.models import DigitalAssessment
from competenze.assessments.digital.schemas import (
    AreaLevel,
    CompetenceLevel,
    DigitalAssessmentCreate,
    DigitalAssessmentOut,
    DigitalProfile,
)
from competenze.assessments.evidence import Method, Observation, current, live
from competenze.common.context import AccessContext
from competenze.frameworks.catalogue import digcomp, questionnaire
from competenze.participants.models import Participant


def out(row: DigitalAssessment) -> DigitalAssessmentOut:
    return DigitalAssessmentOut.model_validate(row, from_attributes=True)


def create(
    session: Session,
    ctx: AccessContext,
    participant: Participant,
    data: DigitalAssessmentCreate,
    *,
    source_step_id: uuid.UUID | None = None,
) -> DigitalAssessmentOut:
    records.check_supersedes(session, participant, DigitalAssessment, data.supersedes_id)
    data = records.with_assessor(session, ctx, data)
    if data.answers is not None:
        levels, answers, version = scoring.score(data.answers), data.answers, questionnaire().version
    else:
        assert data.levels is not None  # the schema asks for answers or levels
        levels, answers, version = {str(k): v for k, v in data.levels.items()}, None, None
    row = DigitalAssessment(
        **records.stamp(ctx, participant),
        source_step_id=source_step_id,
        **data.model_dump(
            include={"method", "instrument", "assessor_name", "assessed_on", "evidence_note", "supersedes_id"}
        ),
        levels=levels,
        answers=answers,
        questionnaire_version=version,
        framework_version=digcomp().version,
    )
    return out(records.add(session, ctx, participant, row))


def history(session: Session, ctx: AccessContext, participant: Participant) -> list[DigitalAssessmentOut]:
    rows = records.history(
        session,
        ctx,
        participant,
        DigitalAssessment,
        col(DigitalAssessment.assessed_on).desc(),
        col(DigitalAssessment.recorded_at).desc(),
    )
    return [out(r) for r in rows]


def current_levels(rows: list[DigitalAssessment]) -> dict[str, Observation[int]]:
    """Per DigComp competence, the observation that counts (assessments.evidence rule)."""
    chosen: dict[str, Observation[int]] = {}
    rows = live(rows)
    for code in digcomp().competences:
        found = current(
            Observation(r.id, r.levels[code], Method(r.method), r.assessed_on, r.recorded_at)
            for r in rows
            if code in r.levels
        )
        if found is not None:
            chosen[code] = found
    return chosen


def profile(session: Session, ctx: AccessContext, participant: Participant) -> DigitalProfile:
    framework = digcomp()
    chosen = current_levels(
        records.history(
            session, ctx, participant, DigitalAssessment, col(DigitalAssessment.recorded_at), action="profile"
        )
    )
    competences = {
        code: CompetenceLevel(
            level=o.value,
            band=framework.band_of(o.value) if o.value else None,
            assessment_id=o.assessment_id,
            method=o.method,
            assessed_on=o.assessed_on,
        )
        for code, o in chosen.items()
    }
    areas = [
        AreaLevel(
            area=a.area,
            title=framework.areas[a.area],
            level=a.level,
            europass=a.europass,
            assessed=a.assessed,
            total=a.total,
        )
        for a in scoring.areas({code: o.value for code, o in chosen.items()})
    ]
    return DigitalProfile(framework_version=framework.version, competences=competences, areas=areas)
