"""Tables for cross-cutting mechanisms that must live in the database (DESIGN.md §2):
idempotency keys and rate-limit counters are shared by every app process."""

from datetime import datetime

from sqlalchemy import Column, Integer, LargeBinary, String
from sqlmodel import Field, SQLModel

from competenze.common.types import UTCDateTime


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_record"

    principal: str = Field(sa_column=Column(String(80), primary_key=True))
    key: str = Field(sa_column=Column(String(255), primary_key=True))
    fingerprint: str = Field(max_length=64)
    status_code: int
    headers_json: str = Field(max_length=4000)
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class RateLimitBucket(SQLModel, table=True):
    __tablename__ = "rate_limit_bucket"

    key: str = Field(sa_column=Column(String(300), primary_key=True))
    window_start: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    count: int = Field(sa_column=Column(Integer, nullable=False))
