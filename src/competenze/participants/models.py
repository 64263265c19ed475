"""Participants, their restricted details and their consents (DESIGN.md §4)."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, String, Uuid
from sqlmodel import Field, SQLModel

from competenze.common.types import UTCDateTime

_VERSION_COLUMN = Column("version", Integer, nullable=False)


class Participant(SQLModel, table=True):
    __tablename__ = "participant"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("organisation.id"), nullable=False, index=True)
    )
    counsellor_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(Uuid, ForeignKey("user_account.id"), index=True)
    )
    given_names: str = Field(sa_column=Column(String(100), nullable=False))
    family_name: str = Field(sa_column=Column(String(100), nullable=False))
    # Derived from the two names by common.text.fold, kept so that search is a plain LIKE
    # that behaves the same on both engines.
    name_folded: str = Field(sa_column=Column(String(201), nullable=False, index=True))
    birth_date: date = Field(sa_column=Column(Date, nullable=False))
    sex: str = Field(sa_column=Column(String(20), nullable=False))
    country_of_birth: str = Field(sa_column=Column(String(2), nullable=False))
    citizenships: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # ",MA,AL," — fixed-width validated codes, so LIKE '%,MA,%' is an exact filter.
    citizenship_index: str = Field(sa_column=Column(String(40), nullable=False))
    residence_municipality: str | None = Field(default=None, sa_column=Column(String(100)))
    arrival_date: date | None = Field(default=None, sa_column=Column(Date))
    mother_tongues: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    preferred_language: str | None = Field(default=None, sa_column=Column(String(3)))
    email: str | None = Field(default=None, sa_column=Column(String(254)))
    phone: str | None = Field(default=None, sa_column=Column(String(20)))
    fiscal_code: str | None = Field(default=None, sa_column=Column(String(16)))
    permit_category: str | None = Field(default=None, sa_column=Column(String(30)))
    permit_expiry: date | None = Field(default=None, sa_column=Column(Date))
    status: str = Field(default="active", sa_column=Column(String(10), nullable=False, index=True))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    closure_reason: str | None = Field(default=None, sa_column=Column(String(30)))
    version: int = Field(default=1, sa_column=_VERSION_COLUMN)
    created_by: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))

    # Optimistic locking: every UPDATE says WHERE version = <read version>, so two writers
    # that both passed the If-Match check cannot both win.
    __mapper_args__ = {"version_id_col": _VERSION_COLUMN}


class ParticipantRestricted(SQLModel, table=True):
    """Details only the roles that need them may read: the fine permit type and support needs.

    A separate table so that a query for the ordinary profile cannot leak them by accident.
    """

    __tablename__ = "participant_restricted"

    participant_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("participant.id"), primary_key=True))
    permit_type: str | None = Field(default=None, sa_column=Column(String(100)))
    support_needs: str | None = Field(default=None, sa_column=Column(String(2000)))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class Consent(SQLModel, table=True):
    __tablename__ = "consent"
    # ix_consent_participant_recipient: does this participant's consent let this organisation
    # see them for this purpose? One index probe, asked by every dossier pull and for every
    # row of a list page (access/visibility.py); it also serves lookups by participant.
    __table_args__ = (
        Index("ix_consent_participant_recipient", "participant_id", "recipient_organisation_id", "purpose"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    participant_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("participant.id"), nullable=False))
    purpose: str = Field(sa_column=Column(String(30), nullable=False))
    recipient_organisation_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("organisation.id"), nullable=False, index=True)
    )
    method: str = Field(sa_column=Column(String(20), nullable=False))
    given_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    recorded_by: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    withdrawn_by: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid))
