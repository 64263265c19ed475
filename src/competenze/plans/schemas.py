"""API models for transition plans, steps, referrals, history and the caseload."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StrictInt, model_validator

from competenze.assessments.experience.schemas import (
    EscoOccupationUri,
    EscoSkillUri,
    Recognition,
)
from competenze.assessments.language.schemas import CertificateIn, Levels
from competenze.common.fields import STRICT_INPUT, Day, Label, Note, PastDate, bounded
from competenze.frameworks.catalogue import CefrLevel, DigCompCode
from competenze.plans.rules import (
    PlanAction,
    PlanStatus,
    ReferralStatus,
    StepAction,
    StepStatus,
)


class StepKind(StrEnum):
    """What the programme offers, in the words of the Emilia-Romagna network."""

    italian_course = "italian_course"  # at a CPIA or another school; target CEFR level
    literacy_course = "literacy_course"  # alfabetizzazione, before A1 (LASLLIAM)
    lower_secondary_diploma = "lower_secondary_diploma"  # licenza media at a CPIA
    qualification_recognition = "qualification_recognition"  # comparability statement, equivalence
    vocational_training = "vocational_training"  # with the regional qualification, if any
    competence_certification = "competence_certification"  # regional formalisation and certification (SRFC)
    internship = "internship"  # tirocinio
    job_search_support = "job_search_support"
    driving_licence = "driving_licence"
    digital_skills_course = "digital_skills_course"
    civic_orientation = "civic_orientation"  # educazione civica, orientation
    other = "other"


class AgreementMethod(StrEnum):
    paper = "paper"
    in_person = "in_person"


OccupationList = Annotated[list[EscoOccupationUri], Field(max_length=5)]
ReviewDates = Annotated[list[Day], Field(max_length=12)]


class PlanCreate(BaseModel):
    model_config = STRICT_INPUT
    appraisal: bounded(4000) | None = Field(default=None, description="The counsellor's overall appraisal")
    participant_goals: Note | None = Field(
        default=None, description="The participant's own goals; defaults to the work goals of their expectations"
    )
    target_occupations: OccupationList = Field(default_factory=list, description="ESCO occupations aimed at")
    horizon: Day | None = Field(default=None, description="When the plan should be achieved")
    review_dates: ReviewDates = Field(default_factory=list)


class PlanUpdate(BaseModel):
    model_config = STRICT_INPUT
    appraisal: bounded(4000) | None = None
    participant_goals: Note | None = None
    target_occupations: OccupationList | None = None
    horizon: Day | None = None
    review_dates: ReviewDates | None = None


class PlanTransition(BaseModel):
    model_config = STRICT_INPUT
    action: PlanAction
    agreed_on: PastDate | None = Field(default=None, description="agree: the day the participant accepted")
    method: AgreementMethod | None = Field(default=None, description="agree: how the participant accepted")
    note: Note | None = Field(default=None, description="complete/discontinue: why")

    @model_validator(mode="after")
    def _agreement(self):
        if self.action == PlanAction.agree and (self.agreed_on is None or self.method is None):
            raise ValueError("agreed_on: record when and how (method) the participant accepted the plan")
        if self.action == PlanAction.discontinue and not self.note:
            raise ValueError("note: say why the plan is discontinued")
        return self


class StepCreate(BaseModel):
    model_config = STRICT_INPUT
    kind: StepKind
    title: Label
    description: Note | None = None
    responsible_organisation_id: uuid.UUID | None = Field(
        default=None, description="Defaults to the plan's organisation; refer the step to hand it over"
    )
    due_date: Day | None = None
    depends_on: Annotated[list[uuid.UUID], Field(max_length=20)] = Field(
        default_factory=list, description="Steps of this plan that must be done first"
    )
    target_level: CefrLevel | None = Field(default=None, description="italian_course: the CEFR level aimed at")
    provider: Label | None = Field(default=None, description="e.g. 'CPIA Metropolitano di Bologna'")
    qualification: Label | None = Field(
        default=None, description="vocational_training/certification: the regional qualification"
    )
    education_id: uuid.UUID | None = Field(
        default=None, description="qualification_recognition: the education record concerned"
    )

    @model_validator(mode="after")
    def _kind_details(self):
        if self.target_level and self.kind != StepKind.italian_course:
            raise ValueError("target_level: only an italian_course has a target CEFR level")
        if self.education_id and self.kind != StepKind.qualification_recognition:
            raise ValueError("education_id: only a qualification_recognition step refers to an education record")
        if self.kind == StepKind.qualification_recognition and not self.education_id:
            raise ValueError("education_id: say which education record is to be recognised")
        return self


class StepUpdate(BaseModel):
    model_config = STRICT_INPUT
    title: Label | None = None
    description: Note | None = None
    responsible_organisation_id: uuid.UUID | None = None
    due_date: Day | None = None
    depends_on: Annotated[list[uuid.UUID], Field(max_length=20)] | None = None
    target_level: CefrLevel | None = None
    provider: Label | None = None
    qualification: Label | None = None


class LanguageResult(BaseModel):
    model_config = STRICT_INPUT
    levels: Levels = Field(default_factory=dict)
    certificate: CertificateIn | None = None

    @model_validator(mode="after")
    def _something(self):
        if not self.levels and self.certificate is None:
            raise ValueError("levels: give the levels reached or the certificate obtained")
        return self


class QualificationResult(BaseModel):
    model_config = STRICT_INPUT
    title: Label
    isced_level: StrictInt = Field(ge=0, le=8)
    eqf_level: StrictInt | None = Field(default=None, ge=1, le=8)
    institution: Label | None = None


class StepResult(BaseModel):
    """What the completed step produced; it becomes part of the competence picture."""

    model_config = STRICT_INPUT
    language: LanguageResult | None = Field(
        default=None, description="italian_course: Italian levels reached or certified"
    )
    digital_levels: (
        Annotated[dict[DigCompCode, Annotated[StrictInt, Field(ge=0, le=8)]], Field(max_length=21)] | None
    ) = Field(default=None, description="digital_skills_course: DigComp levels assessed at the end")
    recognition_status: Recognition | None = Field(default=None, description="qualification_recognition: the outcome")
    qualification: QualificationResult | None = Field(
        default=None,
        description="vocational_training, competence_certification, lower_secondary_diploma: the title obtained",
    )
    certified_skills: Annotated[list[EscoSkillUri], Field(max_length=30)] = Field(
        default_factory=list, description="ESCO skills the step certified"
    )


class StepTransition(BaseModel):
    model_config = STRICT_INPUT
    action: StepAction
    outcome: Note | None = None
    evidence_note: Note | None = None
    completed_on: PastDate | None = Field(default=None, description="complete: defaults to today")
    result: StepResult | None = None

    @model_validator(mode="after")
    def _result_only_on_completion(self):
        if self.result is not None and self.action != StepAction.complete:
            raise ValueError("result: only a completed step has a result")
        if self.action == StepAction.drop and not self.outcome:
            raise ValueError("outcome: say why the step is dropped")
        return self


class ReferralCreate(BaseModel):
    model_config = STRICT_INPUT
    to_organisation_id: uuid.UUID
    note: Note | None = Field(default=None, description="What the receiving organisation should know")


class ReferralMove(StrEnum):
    """What a person does to a referral. The referral's other move, `end`, is the service's
    own: it happens when the participant withdraws the consent behind it."""

    accept = "accept"
    decline = "decline"
    complete = "complete"
    withdraw = "withdraw"


class ReferralTransition(BaseModel):
    model_config = STRICT_INPUT
    action: ReferralMove
    note: Note | None = Field(default=None, description="decline: the reason (required)")
    completed_on: PastDate | None = None
    result: StepResult | None = Field(default=None, description="complete: what the step produced")

    @model_validator(mode="after")
    def _reason(self):
        if self.action == ReferralMove.decline and not self.note:
            raise ValueError("note: give the reason for declining")
        return self


class ReferralOut(BaseModel):
    """A referral. Once it ended because the participant withdrew the consent behind it, the
    receiving organisation sees only that it existed, between whom and when: everything about
    whom or what (the person, plan and step, their state, the notes) is null."""

    id: uuid.UUID
    participant_id: uuid.UUID | None
    participant_name: str | None = Field(description="Shown to the receiving organisation once it accepted")
    plan_id: uuid.UUID | None
    step_id: uuid.UUID | None
    step_kind: StepKind | None
    step_title: str | None
    step_due_date: date | None
    step_status: StepStatus | None
    from_organisation_id: uuid.UUID
    from_organisation_name: str
    to_organisation_id: uuid.UUID
    to_organisation_name: str
    status: ReferralStatus
    note: str | None
    response_note: str | None
    created_at: datetime
    updated_at: datetime


class StepOut(BaseModel):
    id: uuid.UUID
    kind: StepKind
    title: str
    description: str | None
    responsible_organisation_id: uuid.UUID
    due_date: date | None
    status: StepStatus
    overdue: bool
    depends_on: list[uuid.UUID]
    target_level: str | None
    provider: str | None
    qualification: str | None
    education_id: uuid.UUID | None
    outcome: str | None
    evidence_note: str | None
    completed_on: date | None
    referral: ReferralOut | None = Field(description="The open or latest referral of this step")
    created_at: datetime
    updated_at: datetime


class TargetOut(BaseModel):
    occupation_uri: str
    label: dict[str, str]
    essential_total: int
    matched: int
    coverage: float = Field(description="Share of the occupation's essential skills on record")
    missing: list[str] = Field(description="Essential skills not on record (URIs)")


class PlanOut(BaseModel):
    id: uuid.UUID
    participant_id: uuid.UUID
    organisation_id: uuid.UUID
    status: PlanStatus
    appraisal: str | None
    participant_goals: str | None
    targets: list[TargetOut]
    horizon: date | None
    review_dates: list[date]
    next_review: date | None
    agreed_on: date | None
    agreement_method: AgreementMethod | None
    closed_at: datetime | None
    closure_note: str | None
    steps: list[StepOut]
    overdue_steps: int
    created_at: datetime
    updated_at: datetime


class PlanSummary(BaseModel):
    id: uuid.UUID
    status: PlanStatus
    horizon: date | None
    agreed_on: date | None
    steps: int
    overdue_steps: int
    created_at: datetime
    closed_at: datetime | None


class RevisionOut(BaseModel):
    occurred_at: datetime
    actor_id: uuid.UUID
    organisation_id: uuid.UUID
    action: str
    step_id: uuid.UUID | None
    referral_id: uuid.UUID | None
    changes: dict = Field(description="field -> [before, after]")


class CaseloadRow(BaseModel):
    participant_id: uuid.UUID
    given_names: str
    family_name: str
    plan_id: uuid.UUID | None
    plan_status: PlanStatus | None
    next_step_id: uuid.UUID | None
    next_step_title: str | None
    next_due: date | None
    overdue_steps: int
    open_referrals: int = Field(description="This participant's referrals still pending or accepted")


class Caseload(BaseModel):
    items: list[CaseloadRow]
    next_cursor: str | None
    incoming_referrals: list[ReferralOut] = Field(description="Referrals to your organisation awaiting an answer")
