"""Issued dossiers (immutable), their current status (mutable), and the status lists."""

import uuid
from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlmodel import Field, SQLModel

from competenze.common.types import UTCDateTime

# Version columns live outside the class bodies: a Column object assigned inside one would
# become a pydantic private attribute, deep-copied on every instance.
_STATE_VERSION = Column("version", Integer, nullable=False)
_LIST_VERSION = Column("version", Integer, nullable=False)


class Dossier(SQLModel, table=True):
    """One issued version, exactly as signed. The database refuses any UPDATE (a trigger);
    what changes later (revoked, superseded) lives in DossierState and the status lists."""

    __tablename__ = "dossier"
    __table_args__ = (
        UniqueConstraint("participant_id", "profile", "version"),
        UniqueConstraint("status_series", "status_index"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    participant_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("participant.id"), nullable=False, index=True))
    organisation_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("organisation.id"), nullable=False))
    profile: str = Field(sa_column=Column(String(10), nullable=False))
    version: int = Field(sa_column=Column(Integer, nullable=False))
    subject_id: str = Field(sa_column=Column(String(60), nullable=False))
    credential: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # the canonical bytes signed
    jws: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(sa_column=Column(String(64), nullable=False))
    kid: str = Field(sa_column=Column(String(100), nullable=False))
    status_series: int = Field(sa_column=Column(Integer, nullable=False))
    status_index: int = Field(sa_column=Column(Integer, nullable=False))
    # For the PDF's QR code and /verify/{code}: random (>= 128 bits), not the dossier UUID,
    # so a printed code reveals nothing else and cannot be guessed from other ids.
    verification_code: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    language: str = Field(sa_column=Column(String(3), nullable=False))  # the PDF's second language
    supersedes_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid))
    issued_by: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    issued_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class DossierState(SQLModel, table=True):
    """What happened to a dossier since it was issued; changed_at orders the pull list."""

    __tablename__ = "dossier_state"
    # ix_dossier_state_current: issuing a version finds the one it supersedes (the valid one
    # of that participant and profile) in one index lookup, however many versions exist.
    __table_args__ = (
        Index("ix_dossier_state_changed", "changed_at", "dossier_id"),
        Index("ix_dossier_state_current", "participant_id", "profile", "status"),
    )

    dossier_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("dossier.id"), primary_key=True))
    # Copies of the dossier's, written with it and never changed: the visibility rule reads
    # them here (access/visibility.py dossier_filter) so a list page is one index walk.
    participant_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("participant.id"), nullable=False))
    profile: str = Field(sa_column=Column(String(10), nullable=False))
    status: str = Field(sa_column=Column(String(12), nullable=False))  # valid | superseded | revoked
    superseded_by_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid))
    superseded_by_version: int | None = Field(default=None, sa_column=Column(Integer))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    revocation_reason: str | None = Field(default=None, sa_column=Column(String(500)))
    changed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    version: int = Field(default=1, sa_column=_STATE_VERSION)

    __mapper_args__ = {"version_id_col": _STATE_VERSION}


class StatusList(SQLModel, table=True):
    """One bitstring of a series: `revocation` or `message` (superseded). A series pairs
    the two, so a dossier holds the same index in both."""

    __tablename__ = "status_list"
    __table_args__ = (UniqueConstraint("series", "purpose"),)

    id: str = Field(sa_column=Column(String(30), primary_key=True))  # "1-revocation"
    series: int = Field(sa_column=Column(Integer, nullable=False))
    purpose: str = Field(sa_column=Column(String(12), nullable=False))
    bits: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    used: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    version: int = Field(default=1, sa_column=_LIST_VERSION)

    __mapper_args__ = {"version_id_col": _LIST_VERSION}
