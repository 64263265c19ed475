"""API models for digital competence assessments and the derived DigComp profile."""

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, StrictInt, model_validator

from competenze.assessments.digital.scoring import IncompleteAnswers, score
from competenze.assessments.evidence import Method
from competenze.assessments.provenance import ProvenanceIn, ProvenanceOut
from competenze.common.fields import STRICT_INPUT
from competenze.frameworks.catalogue import DigCompCode

Level = Annotated[StrictInt, Field(ge=0, le=8)]
Answer = Annotated[StrictInt, Field(ge=0, le=3)]
QuestionId = Annotated[str, Field(max_length=10, pattern=r"^[1-5]\.[1-6]-[abc]$")]


class DigitalAssessmentCreate(ProvenanceIn):
    """Either `levels` recorded by a counsellor or a test (method other than self_assessment),
    or the questionnaire's `answers` (method self_assessment), which are scored here."""

    model_config = STRICT_INPUT
    levels: (
        Annotated[
            dict[DigCompCode, Level],
            Field(
                max_length=21,
                description=("DigComp 2.2 level 1-8 per competence ('1.1' ... '5.4'); 0 = not yet foundation"),
            ),
        ]
        | None
    ) = None
    answers: (
        Annotated[
            dict[QuestionId, Answer],
            Field(
                max_length=63,
                description=(
                    "Questionnaire answers 0-3 per question id (GET /api/v1/frameworks/digcomp/questionnaire)"
                ),
            ),
        ]
        | None
    ) = None

    @model_validator(mode="after")
    def _one_source(self):
        if (self.levels is None) == (self.answers is None):
            raise ValueError("levels: send either levels or questionnaire answers, not both or neither")
        if self.answers is not None:
            if self.method != Method.self_assessment:
                raise ValueError("method: questionnaire answers are a self_assessment")
            try:
                if not score(self.answers):
                    raise ValueError("answers: answer at least one competence's questions")
            except IncompleteAnswers as exc:
                raise ValueError(f"answers: {exc}") from None
        else:
            if self.method == Method.self_assessment:
                raise ValueError("method: self_assessment means questionnaire answers; send answers")
            if not self.levels:
                raise ValueError("levels: give a level for at least one competence")
        return self


class DigitalAssessmentOut(ProvenanceOut):
    levels: dict[str, int]
    answers: dict[str, int] | None
    questionnaire_version: str | None
    framework_version: str


class CompetenceLevel(BaseModel):
    level: int
    band: str | None = Field(description="foundation, intermediate, advanced, highly_specialised")
    assessment_id: uuid.UUID
    method: Method
    assessed_on: date


class AreaLevel(BaseModel):
    area: str
    title: dict[str, str]
    level: int | None = Field(description="Lower median of the assessed competences of the area")
    europass: str | None = Field(description="Europass self-assessment grade: A basic, B independent, C proficient")
    assessed: int
    total: int


class DigitalProfile(BaseModel):
    framework_version: str
    competences: dict[str, CompetenceLevel]
    areas: list[AreaLevel]
