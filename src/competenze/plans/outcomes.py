"""Completed steps feed the competence picture: what a step produced becomes an assessment,
an education record or certified skills, with provenance "from plan step" (source_step_id)."""

from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError
from sqlmodel import Session

from competenze.assessments.digital import service as digital
from competenze.assessments.digital.schemas import DigitalAssessmentCreate
from competenze.assessments.evidence import Method
from competenze.assessments.experience import service as experience
from competenze.assessments.experience.schemas import (
    EducationCreate,
    EducationUpdate,
    SkillClaimCreate,
)
from competenze.assessments.language import service as language
from competenze.assessments.language.schemas import LanguageAssessmentCreate
from competenze.common.context import AccessContext
from competenze.errors import field_error, invalid_input
from competenze.participants.models import Participant
from competenze.plans.models import PlanStep
from competenze.plans.schemas import StepKind, StepResult

# Which kind of step may produce which kind of result.
PRODUCES = {
    "language": {StepKind.italian_course, StepKind.literacy_course},
    "digital_levels": {StepKind.digital_skills_course},
    "recognition_status": {StepKind.qualification_recognition},
    "qualification": {
        StepKind.vocational_training,
        StepKind.competence_certification,
        StepKind.lower_secondary_diploma,
        StepKind.other,
    },
    "certified_skills": {
        StepKind.vocational_training,
        StepKind.competence_certification,
        StepKind.internship,
        StepKind.driving_licence,
        StepKind.other,
    },
}


@dataclass(frozen=True)
class Outcome:
    """What a completed step adds to the competence picture, validated before anything is written."""

    language: LanguageAssessmentCreate | None = None
    digital: DigitalAssessmentCreate | None = None
    recognition: EducationUpdate | None = None
    qualification: EducationCreate | None = None
    skills: tuple[SkillClaimCreate, ...] = ()


def _build(model, within: tuple, *, same: str | None = None, **fields):
    """model(**fields), or a 422 naming the field of the step's result it came from: the
    result's values become another record, whose own rules apply (a certificate's exam must
    be one of its body's exams), and a failure must not be a 500 from inside the write.
    `within` is where the values sit in the result; `same`, the model's field that *is* that
    place (the result's digital_levels are the assessment's levels)."""
    try:
        return model(**fields)
    except ValidationError as exc:
        errors = [
            {**e, "loc": e["loc"][1:] if same and e["loc"][:1] == (same,) else e["loc"]}
            for e in exc.errors(include_url=False)
        ]
        raise invalid_input(errors, within=("body", "result", *within)) from None


def prepare(step: PlanStep, result: StepResult | None, completed_on: date) -> Outcome:
    """The records a completed step produces, or 422 before anything is written when a result
    does not fit the step's kind or the records' own rules."""
    if result is None:
        return Outcome()
    for name, kinds in PRODUCES.items():
        value = getattr(result, name)
        if value and StepKind(step.kind) not in kinds:
            raise field_error(
                f"result.{name}", f"a {step.kind} step does not produce this; it comes from: {', '.join(sorted(kinds))}"
            )
    note = f"Esito del passo del piano: {step.title}"
    instrument = (step.provider or step.title)[:200]
    language = digital = recognition = qualification = None
    if result.language is not None:
        certificate = result.language.certificate
        language = _build(
            LanguageAssessmentCreate,
            ("language",),
            language="it",
            method=Method.certificate if certificate else Method.placement_test,
            instrument=instrument,
            assessed_on=completed_on,
            evidence_note=note,
            levels=result.language.levels,
            certificate=certificate,
        )
    if result.digital_levels:
        digital = _build(
            DigitalAssessmentCreate,
            ("digital_levels",),
            same="levels",
            method=Method.placement_test,
            instrument=instrument,
            assessed_on=completed_on,
            evidence_note=note,
            levels=result.digital_levels,
        )
    if result.recognition_status is not None and step.education_id is not None:
        recognition = _build(
            EducationUpdate,
            ("recognition_status",),
            same="recognition_status",
            recognition_status=result.recognition_status,
            recognition_note=note[:500],
        )
    if result.qualification is not None:
        q = result.qualification
        qualification = _build(
            EducationCreate,
            ("qualification",),
            isced_level=q.isced_level,
            eqf_level=q.eqf_level,
            title=q.title,
            institution=q.institution or step.provider,
            country="IT",
            end_year=completed_on.year,
            completed=True,
            documents="available",
            recognition_status="recognised",
            recognition_note="Titolo rilasciato in Italia",
        )
    skills = tuple(
        _build(
            SkillClaimCreate,
            ("certified_skills", index),
            same="skill_uri",
            skill_uri=uri,
            method=Method.certificate,
            instrument=instrument,
            assessed_on=completed_on,
            evidence_note=note,
        )
        for index, uri in enumerate(result.certified_skills)
    )
    return Outcome(language, digital, recognition, qualification, skills)


def propagate(session: Session, ctx: AccessContext, participant: Participant, step: PlanStep, outcome: Outcome) -> None:
    source = {"source_step_id": step.id}
    if outcome.language is not None:
        language.create(session, ctx, participant, outcome.language, **source)
    if outcome.digital is not None:
        digital.create(session, ctx, participant, outcome.digital, **source)
    if outcome.recognition is not None:
        record = experience.education_by_id(session, participant, step.education_id)
        record.source_step_id = step.id
        experience.update_education(session, ctx, participant, record, outcome.recognition)
    if outcome.qualification is not None:
        experience.add_education(session, ctx, participant, outcome.qualification, **source)
    for skill in outcome.skills:
        experience.add_skill(session, ctx, participant, skill, **source)
