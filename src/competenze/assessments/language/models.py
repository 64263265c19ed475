"""Language assessments: immutable, one row per assessment of one language (DESIGN.md §4)."""

from datetime import date

from sqlalchemy import Date, String
from sqlmodel import Field

from competenze.assessments.provenance import ProvenanceColumns

CEFR = String(6)


class LanguageAssessment(ProvenanceColumns, table=True):
    __tablename__ = "language_assessment"

    language: str = Field(sa_type=String(3), nullable=False)
    mother_tongue: bool = False
    # One column per CEFR skill (the five of the Europass grid, then the 2020 Companion
    # Volume's mediation and online interaction), so statistics can query them directly.
    listening: str | None = Field(default=None, sa_type=CEFR)
    reading: str | None = Field(default=None, sa_type=CEFR)
    spoken_interaction: str | None = Field(default=None, sa_type=CEFR)
    spoken_production: str | None = Field(default=None, sa_type=CEFR)
    writing: str | None = Field(default=None, sa_type=CEFR)
    mediation: str | None = Field(default=None, sa_type=CEFR)
    online_interaction: str | None = Field(default=None, sa_type=CEFR)
    certificate_type: str | None = Field(default=None, sa_type=String(10))
    certificate_exam: str | None = Field(default=None, sa_type=String(100))
    certificate_level: str | None = Field(default=None, sa_type=CEFR)
    certificate_date: date | None = Field(default=None, sa_type=Date)
    certificate_issuer: str | None = Field(default=None, sa_type=String(200))
