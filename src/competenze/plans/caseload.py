"""A counsellor's caseload: their participants with plan status, next due step, overdue
steps and open referrals, plus the referrals waiting for an answer from their organisation."""

import uuid
from datetime import date
from typing import Literal

from sqlmodel import Session, col, select

from competenze.access.visibility import visible_filter
from competenze.audit import service as audit
from competenze.auth.principals import Principal
from competenze.common.context import AccessContext
from competenze.common.pagination import decode_cursor, encode_cursor
from competenze.errors import field_error
from competenze.organisations.models import User
from competenze.participants.models import Participant
from competenze.plans import referrals, rules
from competenze.plans.models import PlanStep, Referral, TransitionPlan
from competenze.plans.presenters import overdue
from competenze.plans.schemas import Caseload, CaseloadRow

Sort = Literal["attention", "next_due", "name"]
FAR = date.max


def _key(sort: Sort, row: CaseloadRow) -> tuple:
    name = (row.family_name.casefold(), row.given_names.casefold(), str(row.participant_id))
    if sort == "name":
        return name
    if sort == "next_due":
        return (row.next_due or FAR, *name)
    # "attention": most overdue first, then the soonest due, then people without a plan.
    return (-row.overdue_steps, row.next_due or FAR, row.plan_id is None, *name)


def caseload(
    session: Session,
    ctx: AccessContext,
    principal: Principal,
    *,
    counsellor_id: uuid.UUID | None,
    sort: Sort,
    cursor: str | None,
    limit: int,
) -> Caseload:
    owner = counsellor_id or principal.id
    if owner != principal.id:
        user = session.get(User, owner)
        if principal.role != "org_admin" or user is None or user.organisation_id != principal.organisation_id:
            raise field_error(
                "query.counsellor_id",
                "you can see your own caseload, or as org admin a counsellor's of your organisation",
            )
    people = session.exec(
        select(Participant).where(
            col(Participant.counsellor_id) == owner,
            visible_filter(principal),
            col(Participant.status) == "active",
        )
    ).all()
    ids = [p.id for p in people]
    plans = (
        {
            p.participant_id: p
            for p in session.exec(
                select(TransitionPlan).where(
                    col(TransitionPlan.participant_id).in_(ids),
                    col(TransitionPlan.status).in_([s.value for s in rules.OPEN_PLAN]),
                )
            )
        }
        if ids
        else {}
    )
    steps: dict[uuid.UUID, list[PlanStep]] = {}
    for step in (
        session.exec(select(PlanStep).where(col(PlanStep.plan_id).in_([p.id for p in plans.values()]))) if plans else []
    ):
        steps.setdefault(step.plan_id, []).append(step)
    open_referrals: dict[uuid.UUID, int] = {}
    for referral in (
        session.exec(
            select(Referral).where(
                col(Referral.participant_id).in_(ids), col(Referral.status).in_([s.value for s in rules.OPEN_REFERRAL])
            )
        )
        if ids
        else []
    ):
        open_referrals[referral.participant_id] = open_referrals.get(referral.participant_id, 0) + 1
    rows = []
    for person in people:
        plan = plans.get(person.id)
        pending = (
            sorted(
                (s for s in steps.get(plan.id, []) if s.status not in rules.CLOSED_STEP),
                key=lambda s: (s.due_date or FAR, s.created_at),
            )
            if plan
            else []
        )
        nxt = pending[0] if pending else None
        rows.append(
            CaseloadRow(
                participant_id=person.id,
                given_names=person.given_names,
                family_name=person.family_name,
                plan_id=plan.id if plan else None,
                plan_status=plan.status if plan else None,
                next_step_id=nxt.id if nxt else None,
                next_step_title=nxt.title if nxt else None,
                next_due=nxt.due_date if nxt else None,
                overdue_steps=sum(overdue(s) for s in pending),
                open_referrals=open_referrals.get(person.id, 0),
            )
        )
    rows.sort(key=lambda row: _key(sort, row))
    # The order is computed, so the cursor is a position in it (a caseload is a few hundred
    # people at most; the page is re-sorted on every call).
    start = 0
    if cursor:
        start = decode_cursor(cursor, int)[0]
    page = rows[start : start + limit]
    next_cursor = encode_cursor([start + limit]) if start + limit < len(rows) else None
    if page:
        audit.record(
            session,
            ctx,
            "caseload.list",
            object_type="participant",
            participant_ids=[row.participant_id for row in page],
        )
    incoming = referrals.listing(session, ctx, principal, direction="incoming", status="pending")
    return Caseload(items=page, next_cursor=next_cursor, incoming_referrals=incoming)
