"""Refresh tokens: opaque, stored only as a hash, rotating within a family."""

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Uuid
from sqlmodel import Field, SQLModel

from competenze.common.types import UTCDateTime


class RefreshToken(SQLModel, table=True):
    __tablename__ = "refresh_token"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # One family per sign-in; access tokens carry it as `sid` so that logout and replay
    # detection end the whole sign-in at once.
    family_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False, index=True))
    user_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("user_account.id"), nullable=False, index=True))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    issued_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
