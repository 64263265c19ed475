"""How plans, steps and referrals move through their states, and what each move sets off in
the others: one module, so that the rules that tie them are read in one place.

- A plan that closes withdraws its steps' open referrals.
- A step that closes completes (done) or withdraws its open referral.
- A referral that completes completes its step, and what the step produced joins the
  participant's competence picture (outcomes.py).
- A referral consent that the participant withdraws ends the referrals resting on it.

The state machines themselves are the pure rules of rules.py; this module applies them with
history and audit.
"""

import uuid

from sqlmodel import Session, col, select

from competenze.access import visibility
from competenze.auth.principals import Principal
from competenze.common.context import AccessContext
from competenze.common.time import today, utcnow
from competenze.db import existing
from competenze.errors import Conflict, Forbidden
from competenze.participants import consents
from competenze.participants.models import Participant
from competenze.participants.schemas import ConsentOut
from competenze.plans import history, outcomes, referrals, rules, service
from competenze.plans.models import PlanStep, Referral, TransitionPlan
from competenze.plans.presenters import plan_out, referral_out, state_of, steps_of
from competenze.plans.schemas import PlanOut, PlanTransition, ReferralOut, ReferralTransition, StepTransition


def move_plan(session: Session, ctx: AccessContext, plan: TransitionPlan, data: PlanTransition) -> PlanOut:
    steps = steps_of(session, plan.id)
    try:
        moved = rules.plan_move(state_of(plan, steps), data.action, acceptance_given=data.agreed_on is not None)
    except rules.IllegalTransition as exc:
        raise service.illegal(exc) from None
    before = history.snapshot(plan)
    plan.status = moved.status
    if data.action == rules.PlanAction.agree:
        plan.agreed_on, plan.agreement_method = data.agreed_on, data.method
    if moved.status not in rules.OPEN_PLAN:
        plan.closed_at, plan.closure_note = utcnow(), data.note
        # A closed plan hands nothing over any more: open referrals are withdrawn, which also
        # ends what the receiving organisations could see.
        for step in steps:
            withdraw_open(session, ctx, step, "Il piano è stato chiuso.")
    plan.updated_at = utcnow()
    session.add(plan)
    session.flush()
    history.record(session, ctx, plan.id, f"plan.{data.action}", before, history.snapshot(plan))
    service.audit_plan(session, ctx, f"plan.{data.action}", plan)
    return plan_out(session, plan)


def move_step(
    session: Session,
    ctx: AccessContext,
    participant: Participant,
    plan: TransitionPlan,
    step: PlanStep,
    data: StepTransition,
    *,
    referral: Referral | None = None,
) -> PlanOut:
    try:
        rules.step_move(state_of(plan, steps_of(session, plan.id)), str(step.id), data.action)
    except rules.IllegalTransition as exc:
        raise service.illegal(exc) from None
    outcome = outcomes.prepare(step, data.result, data.completed_on or today())
    before = history.snapshot(step)
    step.status = rules.STEP_MOVES[rules.StepStatus(step.status)][data.action]
    if data.outcome is not None:
        step.outcome = data.outcome
    if data.evidence_note is not None:
        step.evidence_note = data.evidence_note
    if data.action == rules.StepAction.complete:
        step.completed_on = data.completed_on or today()
    step.updated_at = utcnow()
    session.add(step)
    session.flush()
    history.record(
        session,
        ctx,
        plan.id,
        f"step.{data.action}",
        before,
        history.snapshot(step),
        step_id=step.id,
        referral_id=referral.id if referral else None,
    )
    service.audit_plan(session, ctx, f"plan.step.{data.action}", plan, step.id)
    if data.action == rules.StepAction.complete:
        outcomes.propagate(session, ctx, participant, step, outcome)
    if step.status in rules.CLOSED_STEP and referral is None:
        close_with_step(session, ctx, step)
    return plan_out(session, plan)


def move_referral(
    session: Session, ctx: AccessContext, principal: Principal, referral: Referral, data: ReferralTransition
) -> ReferralOut:
    receiving = visibility.receives(principal, referral)
    if (
        data.action in (rules.ReferralAction.accept, rules.ReferralAction.decline, rules.ReferralAction.complete)
        and not receiving
    ):
        raise Forbidden("Only the receiving organisation accepts, declines or completes a referral.")
    if data.action == rules.ReferralAction.withdraw and receiving:
        raise Forbidden("Only the referring organisation withdraws a referral; decline it instead.")
    try:
        target = rules.referral_move(rules.ReferralStatus(referral.status), rules.ReferralAction(data.action))
    except rules.IllegalTransition as exc:
        raise Conflict(str(exc)) from None
    step = existing(session, PlanStep, referral.step_id)
    plan = existing(session, TransitionPlan, step.plan_id)
    participant = existing(session, Participant, referral.participant_id)
    if data.action == rules.ReferralAction.accept:
        if not visibility.has_active_consent(
            session, participant.id, referral.to_organisation_id, referrals.CONSENT_PURPOSE
        ):
            set_referral_status(session, ctx, referral, rules.ReferralStatus.ended, "Consenso non più attivo.")
            raise Conflict(
                "The participant's consent for this organisation is no longer active; the referral has ended.",
                keep_changes=True,
            )
        before = history.snapshot(step)
        step.responsible_organisation_id = referral.to_organisation_id
        step.updated_at = utcnow()
        session.add(step)
        session.flush()
        history.record(
            session,
            ctx,
            plan.id,
            "step.handed_over",
            before,
            history.snapshot(step),
            step_id=step.id,
            referral_id=referral.id,
        )
    if data.action == rules.ReferralAction.complete:
        # The receiving organisation delivered the step: completing the referral completes the
        # step, and what it produced joins the participant's competence picture.
        move_step(
            session,
            ctx,
            participant,
            plan,
            step,
            StepTransition(
                action=rules.StepAction.complete, outcome=data.note, completed_on=data.completed_on, result=data.result
            ),
            referral=referral,
        )
    set_referral_status(session, ctx, referral, target, data.note)
    return referral_out(session, referral, step, show_name=True)


def set_referral_status(
    session: Session, ctx: AccessContext, referral: Referral, status: rules.ReferralStatus, note: str | None = None
) -> None:
    plan_id = existing(session, PlanStep, referral.step_id).plan_id
    before = history.snapshot(referral)
    referral.status = status
    if note is not None:
        referral.response_note = note
    referral.updated_by, referral.updated_at = uuid.UUID(ctx.actor_id), utcnow()
    session.add(referral)
    session.flush()
    history.record(
        session,
        ctx,
        plan_id,
        f"referral.{status}",
        before,
        history.snapshot(referral),
        step_id=referral.step_id,
        referral_id=referral.id,
    )
    referrals.audit_referral(session, ctx, f"referral.{status}", referral)


def withdraw_open(session: Session, ctx: AccessContext, step: PlanStep, note: str) -> None:
    referral = referrals.open_referral(session, step.id)
    if referral is not None:
        set_referral_status(session, ctx, referral, rules.ReferralStatus.withdrawn, note)


def close_with_step(session: Session, ctx: AccessContext, step: PlanStep) -> None:
    """The owner closed the step: an accepted referral is completed, a pending one withdrawn."""
    referral = referrals.open_referral(session, step.id)
    if referral is None:
        return
    done = step.status == rules.StepStatus.done and referral.status == rules.ReferralStatus.accepted
    set_referral_status(
        session,
        ctx,
        referral,
        rules.ReferralStatus.completed if done else rules.ReferralStatus.withdrawn,
        "Passo chiuso dall'organizzazione titolare del piano.",
    )


def end_for_withdrawn_consent(
    session: Session, ctx: AccessContext, participant_id: uuid.UUID, organisation_id: uuid.UUID
) -> None:
    """The participant withdrew the referral consent for an organisation: its open referrals
    end at once, and with them what it could see."""
    for referral in session.exec(
        select(Referral).where(
            visibility.resting_on_consent(participant_id, organisation_id),
            col(Referral.status).in_([s.value for s in rules.OPEN_REFERRAL]),
        )
    ).all():
        set_referral_status(session, ctx, referral, rules.ReferralStatus.ended, "Consenso revocato dalla persona.")


def withdraw_consent(
    session: Session, ctx: AccessContext, participant: Participant, consent_id: uuid.UUID, withdrawn_by: uuid.UUID
) -> ConsentOut:
    """The participant withdraws a consent. It takes effect at once: a referral consent's
    open referrals to that organisation end with it, and with them what it could see."""
    withdrawn = consents.withdraw(session, ctx, participant, consent_id, withdrawn_by)
    if withdrawn.purpose == referrals.CONSENT_PURPOSE:
        end_for_withdrawn_consent(session, ctx, participant.id, withdrawn.recipient_organisation_id)
    return withdrawn
