"""Digital competence assessments (DigComp 2.2): immutable, one row per assessment."""

from sqlalchemy import JSON, Column, String
from sqlmodel import Field

from competenze.assessments.provenance import ProvenanceColumns


class DigitalAssessment(ProvenanceColumns, table=True):
    __tablename__ = "digital_assessment"

    # {"1.1": 3, ...}: DigComp level 0-8 per competence assessed (0: below foundation).
    levels: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # The questionnaire answer sheet the levels were scored from, kept as evidence.
    answers: dict | None = Field(default=None, sa_column=Column(JSON))
    questionnaire_version: str | None = Field(default=None, sa_type=String(20))
    framework_version: str = Field(sa_type=String(20), nullable=False)
