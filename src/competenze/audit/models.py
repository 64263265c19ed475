"""The append-only, hash-chained access log (DESIGN.md §7)."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Column, Integer, String, Uuid
from sqlmodel import Field, SQLModel

from competenze.common.types import UTCDateTime


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    # A sequence, not a UUID: the chain order is the insertion order.
    seq: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    )
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor_type: str = Field(sa_column=Column(String(10), nullable=False))  # user|client|system
    actor_id: str = Field(sa_column=Column(String(80), nullable=False))
    organisation_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid))
    action: str = Field(sa_column=Column(String(60), nullable=False))
    object_type: str = Field(sa_column=Column(String(40), nullable=False))
    object_id: str | None = Field(default=None, sa_column=Column(String(80)))
    participant_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, index=True))
    purpose: str = Field(sa_column=Column(String(40), nullable=False))
    request_id: str = Field(sa_column=Column(String(64), nullable=False))
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))
