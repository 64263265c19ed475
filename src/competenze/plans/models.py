"""Transition plans, their steps, referrals to other organisations, and the change history."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Uuid,
    text,
)
from sqlmodel import Field, SQLModel

from competenze.common.types import UTCDateTime


def _version() -> Column:
    # Optimistic locking (the ETag): every UPDATE says WHERE version = <read version>.
    return Column("version", Integer, nullable=False)


# Version columns live outside the class bodies: a Column object assigned inside one would
# become a pydantic private attribute, deep-copied on every instance.
_PLAN_VERSION = _version()
_STEP_VERSION = _version()
_REFERRAL_VERSION = _version()


class TransitionPlan(SQLModel, table=True):
    __tablename__ = "transition_plan"
    # At most one open plan per participant, enforced by the database too (two counsellors
    # creating a plan at the same moment get one plan and one 409).
    __table_args__ = (
        Index(
            "uq_transition_plan_one_open",
            "participant_id",
            unique=True,
            sqlite_where=text("status IN ('draft', 'agreed', 'active')"),
            postgresql_where=text("status IN ('draft', 'agreed', 'active')"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    participant_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("participant.id"), nullable=False, index=True))
    organisation_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("organisation.id"), nullable=False))
    status: str = Field(sa_column=Column(String(15), nullable=False))
    appraisal: str | None = Field(default=None, sa_column=Column(String(4000)))
    participant_goals: str | None = Field(default=None, sa_column=Column(String(2000)))
    target_occupations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    horizon: date | None = Field(default=None, sa_column=Column(Date))
    review_dates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    agreed_on: date | None = Field(default=None, sa_column=Column(Date))
    agreement_method: str | None = Field(default=None, sa_column=Column(String(20)))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    closure_note: str | None = Field(default=None, sa_column=Column(String(2000)))
    created_by: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    version: int = Field(default=1, sa_column=_PLAN_VERSION)

    __mapper_args__ = {"version_id_col": _PLAN_VERSION}


class PlanStep(SQLModel, table=True):
    __tablename__ = "plan_step"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    plan_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("transition_plan.id"), nullable=False, index=True))
    participant_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("participant.id"), nullable=False, index=True))
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    title: str = Field(sa_column=Column(String(200), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(String(2000)))
    responsible_organisation_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("organisation.id"), nullable=False)
    )
    due_date: date | None = Field(default=None, sa_column=Column(Date, index=True))
    status: str = Field(sa_column=Column(String(15), nullable=False))
    depends_on: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Kind-specific details: the target CEFR level of an Italian course, the provider (CPIA
    # or other), the regional qualification of a training, the education record a
    # recognition is about, the licence category.
    target_level: str | None = Field(default=None, sa_column=Column(String(6)))
    provider: str | None = Field(default=None, sa_column=Column(String(200)))
    qualification: str | None = Field(default=None, sa_column=Column(String(200)))
    education_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(Uuid, ForeignKey("education.id", ondelete="SET NULL"))
    )
    outcome: str | None = Field(default=None, sa_column=Column(String(2000)))
    evidence_note: str | None = Field(default=None, sa_column=Column(String(2000)))
    completed_on: date | None = Field(default=None, sa_column=Column(Date))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    version: int = Field(default=1, sa_column=_STEP_VERSION)

    __mapper_args__ = {"version_id_col": _STEP_VERSION}


class Referral(SQLModel, table=True):
    __tablename__ = "referral"
    # One open referral per step at a time. ix_referral_participant_recipient: is this
    # participant referred to this organisation? One index probe (access/visibility.py);
    # it also serves lookups by participant.
    __table_args__ = (
        Index(
            "uq_referral_one_open",
            "step_id",
            unique=True,
            sqlite_where=text("status IN ('pending', 'accepted')"),
            postgresql_where=text("status IN ('pending', 'accepted')"),
        ),
        Index("ix_referral_participant_recipient", "participant_id", "to_organisation_id", "status"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    step_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("plan_step.id"), nullable=False, index=True))
    participant_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("participant.id"), nullable=False))
    from_organisation_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("organisation.id"), nullable=False))
    to_organisation_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("organisation.id"), nullable=False, index=True)
    )
    status: str = Field(sa_column=Column(String(15), nullable=False))
    note: str | None = Field(default=None, sa_column=Column(String(2000)))
    response_note: str | None = Field(default=None, sa_column=Column(String(2000)))
    created_by: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_by: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    version: int = Field(default=1, sa_column=_REFERRAL_VERSION)

    __mapper_args__ = {"version_id_col": _REFERRAL_VERSION}


class PlanRevision(SQLModel, table=True):
    """Who changed what in a plan, its steps or its referrals, and when (append-only)."""

    __tablename__ = "plan_revision"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    plan_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("transition_plan.id"), nullable=False, index=True))
    step_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid))
    referral_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid))
    action: str = Field(sa_column=Column(String(40), nullable=False))
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    actor_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    organisation_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
