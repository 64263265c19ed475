"""Completed steps feed the competence picture: what a step produced becomes an assessment,
an education record or certified skills, with provenance "from plan step" (source_step_id)."""

from datetime import date

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
from competenze.audit.service import AccessContext
from competenze.errors import field_error
from competenze.participants.models import Participant
from competenze.plans.models import PlanStep
from competenze.plans.schemas import StepKind, StepResult

# Which kind of step may produce which kind of result.
PRODUCES = {
    "language": {StepKind.italian_course, StepKind.literacy_course},
    "digital_levels": {StepKind.digital_skills_course},
    "recognition_status": {StepKind.qualification_recognition},
    "qualification": {StepKind.vocational_training, StepKind.competence_certification,
                      StepKind.lower_secondary_diploma, StepKind.other},
    "certified_skills": {StepKind.vocational_training, StepKind.competence_certification, StepKind.internship,
                         StepKind.driving_licence, StepKind.other},
}


def check(step: PlanStep, result: StepResult | None) -> None:
    """422 before anything is written when a result does not fit the step's kind."""
    if result is None:
        return
    for name, kinds in PRODUCES.items():
        value = getattr(result, name)
        if value and StepKind(step.kind) not in kinds:
            raise field_error(f"result.{name}", f"a {step.kind} step does not produce this; "
                                                f"it comes from: {', '.join(sorted(kinds))}")


def propagate(session: Session, ctx: AccessContext, participant: Participant, step: PlanStep,
              result: StepResult | None, completed_on: date) -> None:
    if result is None:
        return
    note = f"Esito del passo del piano: {step.title}"
    source = {"source_step_id": step.id}
    if result.language is not None:
        certificate = result.language.certificate
        language.create(session, ctx, participant, LanguageAssessmentCreate(
            language="it", method=Method.certificate if certificate else Method.placement_test,
            instrument=(step.provider or step.title)[:200], assessed_on=completed_on, evidence_note=note,
            levels=result.language.levels, certificate=certificate), **source)
    if result.digital_levels:
        digital.create(session, ctx, participant, DigitalAssessmentCreate(
            method=Method.placement_test, instrument=(step.provider or step.title)[:200],
            assessed_on=completed_on, evidence_note=note, levels=result.digital_levels), **source)
    if result.recognition_status is not None and step.education_id is not None:
        record = experience.education_by_id(session, participant, step.education_id)
        record.source_step_id = step.id
        experience.update_education(session, ctx, participant, record, EducationUpdate(
            recognition_status=result.recognition_status, recognition_note=note[:500]))
    if result.qualification is not None:
        q = result.qualification
        experience.add_education(session, ctx, participant, EducationCreate(
            isced_level=q.isced_level, eqf_level=q.eqf_level, title=q.title,
            institution=q.institution or step.provider, country="IT", end_year=completed_on.year,
            completed=True, documents="available", recognition_status="recognised",
            recognition_note="Titolo rilasciato in Italia"), **source)
    for uri in result.certified_skills:
        experience.add_skill(session, ctx, participant, SkillClaimCreate(
            skill_uri=uri, method=Method.certificate, instrument=(step.provider or step.title)[:200],
            assessed_on=completed_on, evidence_note=note), **source)
