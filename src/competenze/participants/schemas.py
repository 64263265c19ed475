"""API models for participants and consents (DESIGN.md §4)."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from competenze.common.codes import CountryCode, LanguageCode
from competenze.common.fields import (
    STRICT_INPUT,
    Email,
    Moment,
    Name,
    Note,
    PastDate,
    Phone,
    bounded,
    within_years,
)
from competenze.participants import fiscal_code


class Sex(StrEnum):
    female = "female"
    male = "male"
    unspecified = "unspecified"


class PermitCategory(StrEnum):
    """Coarse permit category; the fine permit type lives in the restricted table."""

    asylum_seeker = "asylum_seeker"
    international_protection = "international_protection"
    special_protection = "special_protection"
    temporary_protection = "temporary_protection"
    work = "work"
    family = "family"
    study = "study"
    long_term_eu = "long_term_eu"
    other = "other"


class ParticipantStatus(StrEnum):
    active = "active"
    closed = "closed"


class ClosureReason(StrEnum):
    completed = "completed"
    moved_away = "moved_away"
    withdrew = "withdrew"
    no_contact = "no_contact"
    other = "other"


class ConsentPurpose(StrEnum):
    referral = "referral"  # hand-offs of plan steps to the recipient
    dossier_sharing = "dossier_sharing"  # the recipient may pull the skills dossier


class ConsentMethod(StrEnum):
    paper = "paper"
    in_person = "in_person"


def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("list each code once")
    return values


def _fiscal(value: str | None) -> str | None:
    return None if value is None else fiscal_code.normalise(value)


PermitExpiry = within_years(30)
Countries = Annotated[list[CountryCode], Field(max_length=5), AfterValidator(_unique)]
Languages = Annotated[list[LanguageCode], Field(max_length=5), AfterValidator(_unique)]
FiscalCode = Annotated[str, Field(max_length=20, examples=["RSSMRA85T10A562S"]), AfterValidator(_fiscal)]
PermitType = bounded(100)


class _Checks(BaseModel):
    @model_validator(mode="after")
    def _consistent(self):
        birth = getattr(self, "birth_date", None)
        arrival = getattr(self, "arrival_date", None)
        if birth and arrival and arrival < birth:
            raise ValueError("arrival_date: must not be before birth_date")
        code, sex = getattr(self, "fiscal_code", None), getattr(self, "sex", None)
        if code and birth and sex:
            problem = fiscal_code.mismatch(code, birth, sex)
            if problem:
                raise ValueError(f"fiscal_code: {problem}")
        return self


class ParticipantCreate(_Checks):
    model_config = STRICT_INPUT
    given_names: Name
    family_name: Name
    birth_date: PastDate
    sex: Sex
    country_of_birth: CountryCode
    citizenships: Countries = Field(default_factory=list, description="Empty for stateless people")
    residence_municipality: Name | None = None
    arrival_date: PastDate | None = None
    mother_tongues: Languages = Field(default_factory=list)
    preferred_language: LanguageCode | None = None
    email: Email | None = None
    phone: Phone | None = None
    fiscal_code: FiscalCode | None = None
    permit_category: PermitCategory | None = None
    permit_expiry: PermitExpiry | None = None
    counsellor_id: uuid.UUID | None = Field(default=None, description="Defaults to you if you are a counsellor")
    permit_type: PermitType | None = Field(default=None, description="Restricted: counsellors only")
    support_needs: Note | None = Field(default=None, description="Restricted: counsellors only")


class ParticipantUpdate(_Checks):
    """Every field optional; send only what changes. null clears an optional field."""

    model_config = STRICT_INPUT
    given_names: Name | None = None
    family_name: Name | None = None
    birth_date: PastDate | None = None
    sex: Sex | None = None
    country_of_birth: CountryCode | None = None
    citizenships: Countries | None = None
    residence_municipality: Name | None = None
    arrival_date: PastDate | None = None
    mother_tongues: Languages | None = None
    preferred_language: LanguageCode | None = None
    email: Email | None = None
    phone: Phone | None = None
    fiscal_code: FiscalCode | None = None
    permit_category: PermitCategory | None = None
    permit_expiry: PermitExpiry | None = None
    counsellor_id: uuid.UUID | None = None
    permit_type: PermitType | None = None
    support_needs: Note | None = None


REQUIRED_ON_UPDATE = (
    "given_names",
    "family_name",
    "birth_date",
    "sex",
    "country_of_birth",
    "citizenships",
    "mother_tongues",
)
RESTRICTED_FIELDS = ("permit_type", "support_needs")


class ParticipantClose(BaseModel):
    model_config = STRICT_INPUT
    reason: ClosureReason


class ParticipantOut(BaseModel):
    """A participant. permit_type and support_needs are present only for roles that may
    read restricted details (counsellors of the owning organisation)."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    organisation_id: uuid.UUID
    counsellor_id: uuid.UUID | None
    given_names: str
    family_name: str
    birth_date: date
    sex: Sex
    country_of_birth: str
    citizenships: list[str]
    residence_municipality: str | None
    arrival_date: date | None
    mother_tongues: list[str]
    preferred_language: str | None
    email: str | None
    phone: str | None
    fiscal_code: str | None
    permit_category: PermitCategory | None
    permit_expiry: date | None
    status: ParticipantStatus
    closed_at: datetime | None
    closure_reason: ClosureReason | None
    created_at: datetime
    updated_at: datetime
    permit_type: str | None = None
    support_needs: str | None = None


class ParticipantPage(BaseModel):
    items: list[ParticipantOut]
    next_cursor: str | None


class ConsentCreate(BaseModel):
    model_config = STRICT_INPUT
    purpose: ConsentPurpose
    recipient_organisation_id: uuid.UUID
    method: ConsentMethod
    given_at: Moment | None = Field(default=None, description="Defaults to now; not in the future")


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    participant_id: uuid.UUID
    purpose: ConsentPurpose
    recipient_organisation_id: uuid.UUID
    method: ConsentMethod
    given_at: datetime
    withdrawn_at: datetime | None
    active: bool


class AccessLogEntry(BaseModel):
    occurred_at: datetime
    organisation_id: uuid.UUID | None
    organisation_name: str | None
    action: str
    purpose: str


class AccessLogPage(BaseModel):
    items: list[AccessLogEntry]
    next_cursor: str | None
