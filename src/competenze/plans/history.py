"""The change history of plans: each change to a plan, a step or a referral is one revision
naming who, when, and each field's value before and after."""

import uuid
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session, col, select

from competenze.common.context import AccessContext
from competenze.common.time import utcnow
from competenze.plans.models import PlanRevision

IGNORED = frozenset({"version", "updated_at", "created_at"})


def snapshot(row: Any, fields: list[str] | None = None) -> dict[str, Any]:
    names = fields or [c.name for c in row.__table__.columns]
    return {name: to_jsonable_python(getattr(row, name)) for name in names if name not in IGNORED}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def record(
    session: Session,
    ctx: AccessContext,
    plan_id: uuid.UUID,
    action: str,
    before: dict,
    after: dict,
    *,
    step_id: uuid.UUID | None = None,
    referral_id: uuid.UUID | None = None,
) -> None:
    session.add(
        PlanRevision(
            plan_id=plan_id,
            step_id=step_id,
            referral_id=referral_id,
            action=action,
            changes=diff(before, after),
            actor_id=uuid.UUID(ctx.actor_id),
            organisation_id=ctx.organisation_id,
            occurred_at=utcnow(),
        )
    )
    session.flush()


def revisions(session: Session, plan_id: uuid.UUID) -> list[PlanRevision]:
    return list(
        session.exec(
            select(PlanRevision).where(col(PlanRevision.plan_id) == plan_id).order_by(col(PlanRevision.id))
        ).all()
    )
