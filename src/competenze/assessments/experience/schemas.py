"""API models for education, work experience, skills, the single sheets and the skills gap."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StrictBool, StrictInt, model_validator

from competenze.assessments.evidence import Method
from competenze.assessments.provenance import ProvenanceIn, ProvenanceOut, RecordOut
from competenze.common.codes import CountryCode
from competenze.common.fields import STRICT_INPUT, Day, Label, Note, PastDate, bounded
from competenze.common.time import today

EscoOccupationUri = Annotated[
    str,
    Field(
        max_length=200,
        pattern=r"^http://data\.europa\.eu/esco/occupation/[A-Za-z0-9-]+$",
        examples=["http://data.europa.eu/esco/occupation/..."],
    ),
]
EscoSkillUri = Annotated[str, Field(max_length=200, pattern=r"^http://data\.europa\.eu/esco/skill/[A-Za-z0-9-]+$")]
Year = Annotated[StrictInt, Field(ge=1940, le=2100)]


class Documents(StrEnum):
    available = "available"
    partial = "partial"
    none = "none"


class Recognition(StrEnum):
    """Status of the qualification in Italy (CIMEA comparability statement, formal equivalence)."""

    none = "none"
    requested = "requested"
    comparability_statement = "comparability_statement"
    recognised = "recognised"


class Arrangement(StrEnum):
    formal = "formal"  # a contract, declared work
    informal = "informal"  # family business, undeclared, voluntary


class NaceSection(StrEnum):
    """NACE Rev. 2 sections (the EU statistical classification of economic activities)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"
    H = "H"
    I = "I"  # noqa: E741 (the NACE section letter)
    J = "J"
    K = "K"
    L = "L"
    M = "M"
    N = "N"
    O = "O"  # noqa: E741 (the NACE section letter)
    P = "P"
    Q = "Q"
    R = "R"
    S = "S"
    T = "T"
    U = "U"


def _years_in_order(start: int | None, end: int | None) -> None:
    if start and end and end < start:
        raise ValueError("end_year: must not be before start_year")
    if (end or 0) > today().year or (start or 0) > today().year:
        raise ValueError("end_year: must not be in the future (the course is not finished yet? send completed=false)")


class _EducationFields(BaseModel):
    isced_level: StrictInt = Field(ge=0, le=8, description="ISCED 2011 level 0-8 of the course")
    eqf_level: StrictInt | None = Field(default=None, ge=1, le=8, description="Estimated EQF level 1-8")
    title: Label = Field(description="The qualification, as the person names it")
    field_of_study: Label | None = None
    institution: Label | None = None
    country: CountryCode
    start_year: Year | None = None
    end_year: Year | None = None
    completed: StrictBool = True
    documents: Documents = Field(description="Whether the person has the certificates with them")
    recognition_status: Recognition = Recognition.none
    recognition_note: bounded(500) | None = None


class EducationCreate(_EducationFields):
    model_config = STRICT_INPUT

    @model_validator(mode="after")
    def _check(self):
        _years_in_order(self.start_year, self.end_year)
        return self


class EducationUpdate(BaseModel):
    """Send only what changes (typically the recognition status)."""

    model_config = STRICT_INPUT
    isced_level: StrictInt | None = Field(default=None, ge=0, le=8)
    eqf_level: StrictInt | None = Field(default=None, ge=1, le=8)
    title: Label | None = None
    field_of_study: Label | None = None
    institution: Label | None = None
    country: CountryCode | None = None
    start_year: Year | None = None
    end_year: Year | None = None
    completed: StrictBool | None = None
    documents: Documents | None = None
    recognition_status: Recognition | None = None
    recognition_note: bounded(500) | None = None


class EducationOut(RecordOut, _EducationFields):
    model_config = {"from_attributes": True}
    updated_at: datetime


class WorkExperienceCreate(BaseModel):
    model_config = STRICT_INPUT
    occupation_uri: EscoOccupationUri | None = Field(
        default=None, description="ESCO occupation (find with /api/v1/esco/search)"
    )
    title: Label | None = Field(default=None, description="Free job title, when no ESCO occupation fits")
    employer: Label | None = None
    country: CountryCode
    started_on: PastDate
    ended_on: PastDate | None = Field(default=None, description="Empty while the job goes on")
    sector: NaceSection | None = Field(default=None, description="NACE Rev. 2 section letter")
    arrangement: Arrangement
    description: Note | None = None

    @model_validator(mode="after")
    def _check(self):
        if not self.occupation_uri and not self.title:
            raise ValueError("title: give an ESCO occupation_uri or a free title")
        if self.ended_on and self.ended_on < self.started_on:
            raise ValueError("ended_on: must not be before started_on")
        return self


class WorkExperienceUpdate(BaseModel):
    model_config = STRICT_INPUT
    occupation_uri: EscoOccupationUri | None = None
    title: Label | None = None
    employer: Label | None = None
    country: CountryCode | None = None
    started_on: PastDate | None = None
    ended_on: PastDate | None = None
    sector: NaceSection | None = None
    arrangement: Arrangement | None = None
    description: Note | None = None


class WorkExperienceOut(RecordOut):
    model_config = {"from_attributes": True}
    occupation_uri: str | None
    occupation_label: dict[str, str] = Field(default_factory=dict, description="ESCO preferred labels by language")
    title: str | None
    employer: str | None
    country: str
    started_on: date
    ended_on: date | None
    sector: str | None
    arrangement: Arrangement
    description: str | None
    updated_at: datetime


class SkillClaimCreate(ProvenanceIn):
    """An ESCO skill and how it is known: self_declared, counsellor_observation (observed),
    placement_test, certificate (certified)."""

    model_config = STRICT_INPUT
    skill_uri: EscoSkillUri

    @model_validator(mode="after")
    def _check(self):
        if self.method == Method.self_assessment:
            raise ValueError("method: use self_declared for a skill the person reports")
        return self


class SkillClaimOut(ProvenanceOut):
    skill_uri: str
    skill_label: dict[str, str] = Field(default_factory=dict)


class Ability(StrEnum):
    yes = "yes"
    partly = "partly"
    no = "no"


class Numeracy(StrEnum):
    none = "none"  # cannot yet count money or read prices
    basic = "basic"  # numbers, prices, simple sums
    everyday = "everyday"  # budgets, measures, timetables
    advanced = "advanced"  # percentages, formulas, technical calculations


class LiteracySheet(BaseModel):
    """Reading, writing and numbers, as the person says and as the counsellor observed. The
    Council of Europe LASLLIAM guide (Literacy and Second Language Learning for the Linguistic
    Integration of Adult Migrants) describes four reference levels below and across A1."""

    model_config = STRICT_INPUT
    latin_reading_self: Ability | None = None
    latin_reading_observed: Ability | None = None
    latin_writing_self: Ability | None = None
    latin_writing_observed: Ability | None = None
    own_script_reading_self: Ability | None = Field(default=None, description="In the script of the mother tongue")
    own_script_writing_self: Ability | None = None
    numeracy_self: Numeracy | None = None
    numeracy_observed: Numeracy | None = None
    laslliam_level: StrictInt | None = Field(
        default=None, ge=1, le=4, description="LASLLIAM reference level 1-4, observed"
    )
    years_of_schooling: StrictInt | None = Field(default=None, ge=0, le=30)
    notes: Note | None = None


class LicenceCategory(StrEnum):
    """Driving licence categories of Directive 2006/126/EC, plus the professional CQC."""

    AM = "AM"
    A1 = "A1"
    A2 = "A2"
    A = "A"
    B1 = "B1"
    B = "B"
    BE = "BE"
    C1 = "C1"
    C1E = "C1E"
    C = "C"
    CE = "CE"
    D1 = "D1"
    D1E = "D1E"
    D = "D"
    DE = "DE"
    CQC = "CQC"


class LicenceStatus(StrEnum):
    valid = "valid"  # valid in Italy (Italian or EU licence)
    convertible = "convertible"  # a non-EU licence Italy converts under a bilateral agreement
    not_valid = "not_valid"  # must take the Italian exams
    unknown = "unknown"


class DrivingLicence(BaseModel):
    model_config = STRICT_INPUT
    category: LicenceCategory
    country: CountryCode = Field(description="Issuing country")
    valid_until: Day | None = None
    status_in_italy: LicenceStatus = LicenceStatus.unknown


class DrivingLicencesSheet(BaseModel):
    model_config = STRICT_INPUT
    licences: Annotated[list[DrivingLicence], Field(max_length=12)] = Field(default_factory=list)
    notes: Note | None = None


class Availability(StrEnum):
    full_time = "full_time"
    part_time = "part_time"
    shifts = "shifts"
    nights = "nights"
    weekends = "weekends"
    seasonal = "seasonal"


class Mobility(StrEnum):
    municipality = "municipality"
    province = "province"
    region = "region"
    italy = "italy"


class ExpectationsSheet(BaseModel):
    """The person's own goals (the 'expectations' section of the EU Skills Profile Tool)."""

    model_config = STRICT_INPUT
    work_goals: Note | None = Field(default=None, description="What work they want, in their words")
    training_goals: Note | None = None
    desired_occupations: Annotated[list[EscoOccupationUri], Field(max_length=5)] = Field(default_factory=list)
    availability: Annotated[list[Availability], Field(max_length=6)] = Field(default_factory=list)
    mobility: Mobility | None = Field(default=None, description="How far they can travel for work")
    notes: Note | None = None


class SheetOut(BaseModel):
    participant_id: uuid.UUID
    updated_by: uuid.UUID | None
    updated_at: datetime | None


class LiteracyOut(SheetOut):
    data: LiteracySheet


class DrivingLicencesOut(SheetOut):
    data: DrivingLicencesSheet


class ExpectationsOut(SheetOut):
    data: ExpectationsSheet


class GapSkill(BaseModel):
    uri: str
    label: dict[str, str]
    method: Method | None = Field(default=None, description="How the matched skill is known")


class SkillsGap(BaseModel):
    occupation_uri: str
    occupation_label: dict[str, str]
    essential_total: int
    matched: list[GapSkill]
    missing: list[GapSkill]
    coverage: float = Field(description="Share of the essential skills matched, 0-1")
