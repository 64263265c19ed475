"""Transition plans, steps, referrals, plan history and the caseload; and the withdrawal of a
participant's consent, which ends the referrals resting on it."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel
from sqlmodel import Session

from competenze.access import visibility
from competenze.auth.dependencies import Access
from competenze.common.etag import IfMatch, etag_for, require_if_match, set_etag
from competenze.common.idempotency import IdempotencyKeyHeader
from competenze.common.pagination import Cursor, Limit
from competenze.common.routing import ApiRoute
from competenze.db import SessionDep
from competenze.errors import problem_responses
from competenze.participants.dependencies import (
    CaseWorker,
    VisibleParticipant,
    WritableParticipant,
)
from competenze.participants.idempotency import create_once
from competenze.participants.schemas import ConsentOut
from competenze.plans import caseload as caseloads
from competenze.plans import referrals, service, transitions
from competenze.plans.models import TransitionPlan
from competenze.plans.rules import ReferralStatus
from competenze.plans.schemas import (
    Caseload,
    PlanCreate,
    PlanOut,
    PlanSummary,
    PlanTransition,
    PlanUpdate,
    ReferralCreate,
    ReferralOut,
    ReferralTransition,
    RevisionOut,
    StepCreate,
    StepTransition,
    StepUpdate,
)

router = APIRouter(
    route_class=ApiRoute,
    prefix="/api/v1",
    tags=["plans"],
    responses=problem_responses(400, 401, 403, 404, 405, 409, 412, 413, 422, 428, 503),
)
PLANS = "/participants/{participant_id}/plans"


def _plan_response(response: Response, plan) -> None:
    set_etag(response, plan.version)


class PlanChange:
    """A plan locked for a change whose If-Match matched (the plan's ETag: two counsellors do
    not plan past each other). done() answers with the plan's new ETag, moving its version on
    when the change was to a step rather than to the plan itself."""

    def __init__(self, session: Session, plan: TransitionPlan, response: Response) -> None:
        self.session, self.plan, self.response = session, plan, response
        self._read_version = plan.version

    def done(self, out: BaseModel) -> BaseModel:
        if self.plan.version == self._read_version:
            service.touch(self.session, self.plan)
        _plan_response(self.response, self.plan)
        return out


def plan_change(
    participant: WritableParticipant,
    plan_id: uuid.UUID,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> PlanChange:
    plan = service.get_plan(session, participant, plan_id, for_update=True)
    require_if_match(if_match, plan.version)
    return PlanChange(session, plan, response)


ChangingPlan = Annotated[PlanChange, Depends(plan_change)]


@router.post(PLANS, response_model=PlanOut, status_code=201, operation_id="plans_create")
def create_plan(
    participant: WritableParticipant,
    ctx: Access,
    body: PlanCreate,
    session: SessionDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Start a draft transition plan (one open plan per participant)."""
    return create_once(
        session,
        ctx=ctx,
        key=idempotency_key,
        participant_id=participant.id,
        body=body,
        model=TransitionPlan,
        create=lambda: service.create_plan(session, ctx, participant, body),
        location=lambda out: f"/api/v1/participants/{participant.id}/plans/{out.id}",
        etag=etag_for(1),
    )


@router.get(PLANS, response_model=list[PlanSummary], operation_id="plans_list")
def list_plans(participant: VisibleParticipant, ctx: Access, session: SessionDep):
    """The participant's plans, the open one and the closed history, newest first."""
    return service.list_plans(session, ctx, participant)


@router.get(PLANS + "/{plan_id}", response_model=PlanOut, operation_id="plans_get")
def get_plan(participant: VisibleParticipant, ctx: Access, plan_id: uuid.UUID, session: SessionDep, response: Response):
    """One plan with its steps, referrals, overdue flags and the skills gap of each target."""
    plan = service.get_plan(session, participant, plan_id)
    _plan_response(response, plan)
    return service.read_plan(session, ctx, plan)


@router.patch(PLANS + "/{plan_id}", response_model=PlanOut, operation_id="plans_update")
def update_plan(change: ChangingPlan, ctx: Access, body: PlanUpdate, session: SessionDep):
    """Change the appraisal, goals, targets, horizon or review dates (If-Match: the plan's ETag)."""
    return change.done(service.update_plan(session, ctx, change.plan, body))


@router.post(PLANS + "/{plan_id}/transitions", response_model=PlanOut, operation_id="plans_transition")
def move_plan(change: ChangingPlan, ctx: Access, body: PlanTransition, session: SessionDep):
    """Agree (with the participant's acceptance), activate, complete or discontinue the plan (If-Match)."""
    return change.done(transitions.move_plan(session, ctx, change.plan, body))


@router.post(PLANS + "/{plan_id}/steps", response_model=PlanOut, status_code=201, operation_id="plan_steps_create")
def add_step(
    participant: WritableParticipant, change: ChangingPlan, ctx: Access, body: StepCreate, session: SessionDep
):
    """Add a step (If-Match: the plan's ETag, so two counsellors do not plan past each other)."""
    return change.done(service.add_step(session, ctx, participant, change.plan, body))


@router.patch(PLANS + "/{plan_id}/steps/{step_id}", response_model=PlanOut, operation_id="plan_steps_update")
def update_step(change: ChangingPlan, ctx: Access, step_id: uuid.UUID, body: StepUpdate, session: SessionDep):
    """Change a step: due date, responsible organisation, dependencies... (If-Match: the plan's ETag)."""
    step = service.get_step(session, change.plan, step_id)
    return change.done(service.update_step(session, ctx, change.plan, step, body))


@router.post(
    PLANS + "/{plan_id}/steps/{step_id}/transitions", response_model=PlanOut, operation_id="plan_steps_transition"
)
def move_step(
    participant: WritableParticipant,
    change: ChangingPlan,
    ctx: Access,
    step_id: uuid.UUID,
    body: StepTransition,
    session: SessionDep,
):
    """Start, complete (with its result) or drop a step (If-Match: the plan's ETag)."""
    step = service.get_step(session, change.plan, step_id)
    return change.done(transitions.move_step(session, ctx, participant, change.plan, step, body))


@router.post(
    PLANS + "/{plan_id}/steps/{step_id}/referrals",
    response_model=ReferralOut,
    status_code=201,
    operation_id="referrals_create",
)
def refer_step(
    participant: WritableParticipant,
    ctx: Access,
    plan_id: uuid.UUID,
    step_id: uuid.UUID,
    body: ReferralCreate,
    session: SessionDep,
):
    """Refer a step to another organisation; needs the participant's referral consent for it (else 409)."""
    plan = service.get_plan(session, participant, plan_id, for_update=True)
    return referrals.refer(session, ctx, participant, plan, service.get_step(session, plan, step_id), body)


@router.get(PLANS + "/{plan_id}/history", response_model=list[RevisionOut], operation_id="plans_history")
def plan_history(participant: VisibleParticipant, ctx: Access, plan_id: uuid.UUID, session: SessionDep):
    """Every change to the plan, its steps and referrals: who, when, each field before and after."""
    plan = service.get_plan(session, participant, plan_id)
    return [RevisionOut.model_validate(r, from_attributes=True) for r in service.plan_history(session, ctx, plan)]


@router.get("/referrals", response_model=list[ReferralOut], operation_id="referrals_list")
def list_referrals(
    principal: CaseWorker,
    ctx: Access,
    session: SessionDep,
    direction: Annotated[Literal["incoming", "outgoing"], Query()] = "incoming",
    status: Annotated[ReferralStatus | None, Query()] = None,
):
    """Referrals to your organisation (incoming) or from it (outgoing), newest change first."""
    return referrals.listing(session, ctx, principal, direction=direction, status=status)


@router.get("/referrals/{referral_id}", response_model=ReferralOut, operation_id="referrals_get")
def get_referral(principal: CaseWorker, ctx: Access, referral_id: uuid.UUID, session: SessionDep):
    """One referral, for the referring or the receiving organisation."""
    return referrals.view(session, ctx, principal, visibility.visible_referral(session, principal, referral_id))


@router.post("/referrals/{referral_id}/transitions", response_model=ReferralOut, operation_id="referrals_transition")
def move_referral(
    principal: CaseWorker, ctx: Access, referral_id: uuid.UUID, body: ReferralTransition, session: SessionDep
):
    """Accept, decline (with a reason) or complete a referral (receiving side), or withdraw it (referring side)."""
    referral = visibility.visible_referral(session, principal, referral_id)
    return transitions.move_referral(session, ctx, principal, referral, body)


# Documented among the participant's consents, where a reader of the API looks for it.
consent_router = APIRouter(route_class=ApiRoute, prefix="/api/v1", tags=["participants"], responses=router.responses)


@consent_router.post(
    "/participants/{participant_id}/consents/{consent_id}/withdraw",
    response_model=ConsentOut,
    operation_id="consents_withdraw",
)
def withdraw_consent(
    principal: CaseWorker, ctx: Access, participant_id: uuid.UUID, consent_id: uuid.UUID, session: SessionDep
):
    """Withdraw a consent; it stops applying immediately."""
    participant = visibility.get_visible_participant(session, principal, participant_id)
    return transitions.withdraw_consent(session, ctx, participant, consent_id, principal.id)


@router.get("/caseload", response_model=Caseload, operation_id="caseload")
def caseload(
    principal: CaseWorker,
    ctx: Access,
    session: SessionDep,
    sort: Annotated[caseloads.Sort, Query(description="attention (overdue first), next_due or name")] = "attention",
    counsellor_id: Annotated[uuid.UUID | None, Query(description="Org admins: a counsellor's caseload")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    """Your participants with plan status, next due step, overdue steps and open referrals."""
    return caseloads.caseload(
        session, ctx, principal, counsellor_id=counsellor_id, sort=sort, cursor=cursor, limit=limit
    )
