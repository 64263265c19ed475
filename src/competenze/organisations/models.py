"""Organisations of the network, their staff and their machine clients."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, Uuid
from sqlmodel import Field, SQLModel

from competenze.common.types import UTCDateTime


class OrganisationKind(StrEnum):
    region = "region"
    municipality = "municipality"
    cpi = "cpi"  # centro per l'impiego: the regional labour agency's employment centre
    cti = "cti"  # consiglio territoriale per l'immigrazione
    third_sector = "third_sector"
    training_agency = "training_agency"


class UserRole(StrEnum):
    counsellor = "counsellor"
    org_admin = "org_admin"
    region_analyst = "region_analyst"
    admin = "admin"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    kind: str = Field(sa_column=Column(String(30), nullable=False))
    province_code: str | None = Field(default=None, sa_column=Column(String(2)))
    district_code: str | None = Field(default=None, sa_column=Column(String(20)))
    # Demo rows let a production process refuse to start on a database seeded for a demo.
    is_demo: bool = False
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


_VERSION_COLUMN = Column("version", Integer, nullable=False)


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("organisation.id"), nullable=False, index=True)
    )
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    display_name: str = Field(sa_column=Column(String(200), nullable=False))
    role: str = Field(sa_column=Column(String(30), nullable=False))
    password_hash: str = Field(sa_column=Column(String(200), nullable=False))
    is_active: bool = True
    # Bumped on disable, role or organisation change: tokens carrying an older value stop
    # working on their next request, without waiting for them to expire.
    token_version: int = 1
    version: int = Field(default=1, sa_column=_VERSION_COLUMN)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))

    __mapper_args__ = {"version_id_col": _VERSION_COLUMN}


class ApiClient(SQLModel, table=True):
    __tablename__ = "api_client"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    client_id: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    organisation_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("organisation.id"), nullable=False, index=True)
    )
    secret_hash: str = Field(sa_column=Column(String(200), nullable=False))
    scopes: str = Field(sa_column=Column(String(500), nullable=False))  # space-separated
    is_active: bool = True
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
