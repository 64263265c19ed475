"""Education, work experience, skills and the single-sheet records (literacy, driving
licences, expectations) of a participant. Education and work records are corrected in
place (with If-Match); skill claims, like assessments, are immutable."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, Integer, String, Uuid
from sqlmodel import Field, SQLModel

from competenze.assessments.provenance import ProvenanceColumns, RecordColumns
from competenze.common.types import UTCDateTime


def _version_column() -> Column:
    # Optimistic locking (the ETag): every UPDATE says WHERE version = <read version>.
    return Column("version", Integer, nullable=False)


# Version columns live outside the class bodies: a Column object assigned inside one would
# become a pydantic private attribute, deep-copied on every instance.
_EDUCATION_VERSION = _version_column()
_WORK_VERSION = _version_column()
_SHEET_VERSION = _version_column()


class _Versioned(RecordColumns):
    updated_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class Education(_Versioned, table=True):
    __tablename__ = "education"

    version: int = Field(default=1, sa_column=_EDUCATION_VERSION)
    isced_level: int = Field(sa_type=Integer, nullable=False)
    eqf_level: int | None = Field(default=None, sa_type=Integer)
    title: str = Field(sa_type=String(200), nullable=False)
    field_of_study: str | None = Field(default=None, sa_type=String(200))
    institution: str | None = Field(default=None, sa_type=String(200))
    country: str = Field(sa_type=String(2), nullable=False)
    start_year: int | None = Field(default=None, sa_type=Integer)
    end_year: int | None = Field(default=None, sa_type=Integer)
    completed: bool = True
    documents: str = Field(sa_type=String(10), nullable=False)  # available | partial | none
    recognition_status: str = Field(sa_type=String(30), nullable=False)
    recognition_note: str | None = Field(default=None, sa_type=String(500))

    __mapper_args__ = {"version_id_col": _EDUCATION_VERSION}


class WorkExperience(_Versioned, table=True):
    __tablename__ = "work_experience"

    version: int = Field(default=1, sa_column=_WORK_VERSION)
    occupation_uri: str | None = Field(default=None, sa_type=String(200))
    title: str | None = Field(default=None, sa_type=String(200))
    employer: str | None = Field(default=None, sa_type=String(200))
    country: str = Field(sa_type=String(2), nullable=False)
    started_on: date = Field(sa_type=Date, nullable=False)
    ended_on: date | None = Field(default=None, sa_type=Date)
    sector: str | None = Field(default=None, sa_type=String(1))  # NACE Rev. 2 section
    arrangement: str = Field(sa_type=String(10), nullable=False)  # formal | informal
    description: str | None = Field(default=None, sa_type=String(2000))

    __mapper_args__ = {"version_id_col": _WORK_VERSION}


class SkillClaim(ProvenanceColumns, table=True):
    __tablename__ = "skill_claim"

    skill_uri: str = Field(sa_type=String(200), nullable=False)


class ParticipantSheet(SQLModel, table=True):
    """One small structured record per participant and kind (literacy, driving_licences,
    expectations), replaced as a whole with If-Match."""

    __tablename__ = "participant_sheet"

    participant_id: uuid.UUID = Field(sa_type=Uuid, foreign_key="participant.id", primary_key=True)
    kind: str = Field(sa_type=String(20), primary_key=True)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    organisation_id: uuid.UUID = Field(sa_type=Uuid, foreign_key="organisation.id", nullable=False)
    updated_by: uuid.UUID = Field(sa_type=Uuid, nullable=False)
    updated_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    version: int = Field(default=1, sa_column=_SHEET_VERSION)

    __mapper_args__ = {"version_id_col": _SHEET_VERSION}
