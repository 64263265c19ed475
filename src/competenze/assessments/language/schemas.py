"""API models for language assessments and the derived language profile."""

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, StrictBool, model_validator

from competenze.assessments.evidence import Method
from competenze.assessments.provenance import ProvenanceIn, ProvenanceOut
from competenze.common.codes import LanguageCode
from competenze.common.fields import STRICT_INPUT, Label, PastDate
from competenze.frameworks.catalogue import (
    CefrLevel,
    CefrSkill,
    CertificateType,
    cefr,
    italian_certificates,
)

Levels = Annotated[
    dict[CefrSkill, CefrLevel],
    Field(
        max_length=7,
        description=(
            "CEFR level per skill: listening, reading, spoken_interaction, spoken_production, writing "
            "(the Europass grid), mediation, online_interaction"
        ),
    ),
]


class CertificateIn(BaseModel):
    model_config = STRICT_INPUT
    type: CertificateType = Field(description="CILS, CELI, PLIDA, CERT.IT (Italian L2, CLIQ) or other")
    exam: Label | None = Field(
        default=None, description="e.g. 'CILS UNO - B1'; see GET /api/v1/frameworks/language-certificates"
    )
    level: CefrLevel
    date: PastDate
    issuer: Label | None = Field(default=None, description="Examining centre or school, if not the certificate's body")


class LanguageAssessmentCreate(ProvenanceIn):
    model_config = STRICT_INPUT
    language: LanguageCode
    mother_tongue: StrictBool = False
    levels: Levels = Field(default_factory=dict)
    certificate: CertificateIn | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.method == Method.self_assessment:
            raise ValueError(
                "method: self_assessment is the digital questionnaire; for a language "
                "use self_declared, counsellor_observation, placement_test or certificate"
            )
        if self.mother_tongue:
            if self.levels or self.certificate:
                raise ValueError(
                    "levels: a mother tongue is not graded on the CEFR; send no levels "
                    "(record reading and writing under literacy)"
                )
            return self
        if (self.method == Method.certificate) != (self.certificate is not None):
            raise ValueError("certificate: send a certificate exactly when method is 'certificate'")
        if self.certificate is not None:
            cert = italian_certificates()[self.certificate.type]
            if cert.code != "other" and self.language != "it":
                raise ValueError(f"certificate.type: {cert.code} certifies Italian; use 'other' for {self.language}")
            exams = dict(cert.exams)
            if self.certificate.exam is None:
                raise ValueError(
                    f"certificate.exam: name the exam ({'one of: ' + ', '.join(exams) if exams else 'e.g. DELF B1'}); "
                    "a certificate is weighed by what it examined"
                )
            if exams:
                if self.certificate.exam not in exams:
                    raise ValueError(f"certificate.exam: not a {cert.code} exam; one of: {', '.join(exams)}")
                if exams[self.certificate.exam] != self.certificate.level:
                    raise ValueError(
                        f"certificate.level: {self.certificate.exam} certifies {exams[self.certificate.exam]}"
                    )
            if not self.levels:
                # A certificate attests the level in every skill of the grid it examined.
                self.levels = {CefrSkill(s): self.certificate.level for s in cefr().europass_skills}
        if not self.levels:
            raise ValueError("levels: give a CEFR level for at least one skill (or mark a mother tongue)")
        return self


class CertificateOut(BaseModel):
    type: str
    exam: str | None
    level: str
    date: date
    issuer: str | None


class LanguageAssessmentOut(ProvenanceOut):
    language: str
    mother_tongue: bool
    levels: dict[str, str]
    certificate: CertificateOut | None


class SkillLevel(BaseModel):
    level: str
    assessment_id: uuid.UUID
    method: Method
    assessed_on: date
    source: str | None = Field(default=None, description="The exam, test or assessor the level comes from")


class LanguageStandingOut(BaseModel):
    language: str
    mother_tongue: bool
    skills: dict[str, SkillLevel] = Field(description="Per skill, the level the strongest evidence gives")
    latest: dict[str, SkillLevel] = Field(
        default_factory=dict, description="Per skill, the latest level assessed, where it differs from `skills`"
    )


class MilestoneOut(BaseModel):
    code: str = Field(description="long_term_permit, citizenship, integration_agreement")
    label: dict[str, str]
    required_level: str
    status: str = Field(description="formally_evidenced (a certificate), reached (levels, no document), not_reached")
    evidence: list[uuid.UUID]
    gap: dict[str, str | None] = Field(
        description="Grid skills below the level, with the current level (null: not assessed)"
    )


class LanguageProfile(BaseModel):
    languages: list[LanguageStandingOut]
    italian_milestones: list[MilestoneOut]
