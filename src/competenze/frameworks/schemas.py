"""API models for the framework catalogue and the ESCO search."""

from typing import Literal

from pydantic import BaseModel, Field

Text = dict[str, str]


class CefrSkillOut(BaseModel):
    code: str
    label: Text
    europass: bool = Field(description="One of the five skills of the Europass self-assessment grid")


class CefrOut(BaseModel):
    version: str
    levels: list[str]
    level_labels: dict[str, Text]
    skills: list[CefrSkillOut]
    descriptors: dict[str, dict[str, Text]] = Field(description="skill -> level -> can-do statement")


class DigCompCompetenceOut(BaseModel):
    code: str
    title: Text
    summary: Text


class DigCompAreaOut(BaseModel):
    code: str
    title: Text
    competences: list[DigCompCompetenceOut]


class DigCompLevelOut(BaseModel):
    level: int
    band: str
    label: Text
    description: Text


class DigCompOut(BaseModel):
    version: str
    areas: list[DigCompAreaOut]
    levels: list[DigCompLevelOut]
    europass: dict[str, list[int]] = Field(description="Europass grade (A/B/C) -> DigComp levels")


class QuestionOut(BaseModel):
    id: str
    competence: str
    tier: Literal["foundation", "intermediate", "advanced"]
    text: Text


class QuestionnaireOut(BaseModel):
    version: str
    framework_version: str
    scale: list[dict] = Field(description="Answer values 0-3 with their labels")
    questions: list[QuestionOut]


class LevelOut(BaseModel):
    level: int
    label: Text
    note: Text | int | None = Field(default=None, description="EQF: Italian examples; ISCED: typical EQF level")


class QualificationsOut(BaseModel):
    eqf: list[LevelOut]
    isced: list[LevelOut]


class ExamOut(BaseModel):
    name: str
    level: str


class CertificateOut(BaseModel):
    code: str
    name: str
    issuer: Text
    recognised: bool = Field(description="A CLIQ certificate, valid for the permit and citizenship")
    exams: list[ExamOut]


class MilestoneDefinitionOut(BaseModel):
    code: str
    level: str
    label: Text
    basis: str
    notes: Text


class LanguageCertificatesOut(BaseModel):
    certificates: list[CertificateOut]
    milestones: list[MilestoneDefinitionOut]


class EscoHitOut(BaseModel):
    uri: str
    kind: Literal["occupation", "skill"]
    matched_label: str
    matched_lang: str
    preferred: Text = Field(description="Preferred labels by language")
    isco_group: str | None
    code: str | None


class EscoSearchOut(BaseModel):
    items: list[EscoHitOut]


class EscoSkillRef(BaseModel):
    uri: str
    preferred: Text


class EscoConceptOut(BaseModel):
    uri: str
    kind: Literal["occupation", "skill"]
    isco_group: str | None
    code: str | None
    skill_type: str | None
    preferred: Text
    alternative: dict[str, list[str]]
    description: Text
    essential_skills: list[EscoSkillRef]
    optional_skills: list[EscoSkillRef]
