"""API models for organisations and staff accounts."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from competenze.common.fields import STRICT_INPUT, Email, Label, Password
from competenze.organisations.models import OrganisationKind, UserRole


class OrganisationCreate(BaseModel):
    model_config = STRICT_INPUT
    name: Label
    kind: OrganisationKind
    province_code: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="Italian province code, e.g. BO")
    district_code: str | None = Field(default=None, max_length=20, pattern=r"^[A-Za-z0-9-]+$")


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    kind: OrganisationKind
    province_code: str | None
    district_code: str | None


class UserCreate(BaseModel):
    model_config = STRICT_INPUT
    email: Email
    display_name: Label
    role: UserRole
    password: Password
    organisation_id: uuid.UUID | None = Field(
        default=None, description="Admins only; org admins always create in their own organisation"
    )


class UserUpdate(BaseModel):
    model_config = STRICT_INPUT
    display_name: Label | None = None
    role: UserRole | None = None
    is_active: StrictBool | None = None
    organisation_id: uuid.UUID | None = Field(default=None, description="Admins only")
    password: Password | None = None


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    organisation_id: uuid.UUID
    email: str
    display_name: str
    role: UserRole
    is_active: bool
    created_at: datetime
    updated_at: datetime
