"""Referrals: handing a plan step to another organisation of the network.

A referral needs the participant's consent (purpose `referral`) for the receiving
organisation. Once accepted, that organisation's counsellors see the participant through the
visibility chokepoint (participants/visibility.py), limited to what the work needs; declining,
completing, withdrawing the referral or the consent ends it. Every hand-off is audited on the
participant's record, so it appears in their access log.
"""

import uuid

from sqlmodel import Session, col, select

from competenze.audit import service as audit
from competenze.auth.principals import Principal
from competenze.common.context import AccessContext
from competenze.common.time import utcnow
from competenze.errors import Conflict, Forbidden, NotFound, field_error
from competenze.organisations.models import Organisation
from competenze.participants.consents import has_active_consent
from competenze.participants.models import Participant
from competenze.participants.visibility import CASE_ROLES
from competenze.plans import history, rules
from competenze.plans.models import PlanStep, Referral, TransitionPlan
from competenze.plans.schemas import (
    ReferralCreate,
    ReferralOut,
    ReferralTransition,
    StepTransition,
)
from competenze.plans.views import referral_out

CONSENT_PURPOSE = "referral"


def _audit(session: Session, ctx: AccessContext, action: str, referral: Referral) -> None:
    audit.record(
        session, ctx, action, object_type="referral", object_id=referral.id, participant_ids=[referral.participant_id]
    )


def refer(
    session: Session,
    ctx: AccessContext,
    participant: Participant,
    plan: TransitionPlan,
    step: PlanStep,
    data: ReferralCreate,
) -> ReferralOut:
    if plan.status not in rules.OPEN_PLAN or step.status in rules.CLOSED_STEP:
        raise Conflict("Only a step of an open plan that is not done or dropped can be referred.")
    recipient = session.get(Organisation, data.to_organisation_id)
    if recipient is None:
        raise field_error("to_organisation_id", "no organisation of the network with this id")
    if recipient.id == plan.organisation_id:
        raise field_error("to_organisation_id", "this is the plan's own organisation; refer to another one")
    if not has_active_consent(session, participant.id, recipient.id, CONSENT_PURPOSE):
        raise Conflict(
            f"{participant.given_names} {participant.family_name} has not consented to referrals to "
            f"{recipient.name}. Record their consent first (POST /api/v1/participants/{participant.id}/consents "
            f"with purpose 'referral' and this organisation), then refer the step.",
            missing_consent={"purpose": CONSENT_PURPOSE, "recipient_organisation_id": str(recipient.id)},
        )
    if open_referral(session, step.id) is not None:
        raise Conflict("This step already has an open referral; withdraw it before referring elsewhere.")
    now = utcnow()
    referral = Referral(
        step_id=step.id,
        participant_id=participant.id,
        from_organisation_id=plan.organisation_id,
        to_organisation_id=recipient.id,
        status=rules.ReferralStatus.pending,
        note=data.note,
        created_by=uuid.UUID(ctx.actor_id),
        created_at=now,
        updated_at=now,
    )
    session.add(referral)
    session.flush()
    history.record(
        session,
        ctx,
        plan.id,
        "referral.create",
        {},
        history.snapshot(referral),
        step_id=step.id,
        referral_id=referral.id,
    )
    _audit(session, ctx, "referral.create", referral)
    return referral_out(session, referral, step)


def open_referral(session: Session, step_id: uuid.UUID) -> Referral | None:
    return session.exec(
        select(Referral).where(
            col(Referral.step_id) == step_id, col(Referral.status).in_([s.value for s in rules.OPEN_REFERRAL])
        )
    ).first()


def _set(
    session: Session, ctx: AccessContext, referral: Referral, status: rules.ReferralStatus, note: str | None = None
) -> None:
    plan_id = session.get(PlanStep, referral.step_id).plan_id
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
    _audit(session, ctx, f"referral.{status}", referral)


def withdraw_open(session: Session, ctx: AccessContext, plan: TransitionPlan, step: PlanStep, note: str) -> None:
    referral = open_referral(session, step.id)
    if referral is not None:
        _set(session, ctx, referral, rules.ReferralStatus.withdrawn, note)


def close_with_step(session: Session, ctx: AccessContext, plan: TransitionPlan, step: PlanStep) -> None:
    """The owner closed the step: an accepted referral is completed, a pending one withdrawn."""
    referral = open_referral(session, step.id)
    if referral is None:
        return
    done = step.status == rules.StepStatus.done and referral.status == rules.ReferralStatus.accepted
    _set(
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
            col(Referral.participant_id) == participant_id,
            col(Referral.to_organisation_id) == organisation_id,
            col(Referral.status).in_([s.value for s in rules.OPEN_REFERRAL]),
        )
    ).all():
        _set(session, ctx, referral, rules.ReferralStatus.ended, "Consenso revocato dalla persona.")


def visible_referral(session: Session, principal: Principal, referral_id: uuid.UUID) -> Referral:
    """Referrals are seen by the sending and the receiving organisation's case workers only."""
    if principal.kind != "user" or principal.role not in CASE_ROLES:
        raise Forbidden("Your role does not work with referrals.")
    referral = session.get(Referral, referral_id)
    if referral is None or principal.organisation_id not in (
        referral.from_organisation_id,
        referral.to_organisation_id,
    ):
        raise NotFound("No referral with this id is visible to you.")
    return referral


def view(session: Session, ctx: AccessContext, principal: Principal, referral: Referral) -> ReferralOut:
    if not _redacted(principal, referral):  # else nothing of the participant is read
        _audit(session, ctx, "referral.read", referral)
    return _out_for(session, principal, referral)


def _redacted(principal: Principal, referral: Referral) -> bool:
    # The participant withdrew the consent behind it: the receiving organisation no longer
    # learns who or what it was about.
    return principal.organisation_id != referral.from_organisation_id and referral.status == rules.ReferralStatus.ended


def _out_for(session: Session, principal: Principal, referral: Referral) -> ReferralOut:
    # Before accepting, the receiving organisation sees the request, not the person.
    sending = principal.organisation_id == referral.from_organisation_id
    return referral_out(
        session,
        referral,
        show_name=sending or referral.status != rules.ReferralStatus.pending,
        redacted=_redacted(principal, referral),
    )


def listing(
    session: Session, ctx: AccessContext, principal: Principal, *, direction: str, status: str | None, limit: int = 200
) -> list[ReferralOut]:
    side = Referral.to_organisation_id if direction == "incoming" else Referral.from_organisation_id
    query = select(Referral).where(col(side) == principal.organisation_id)
    if status:
        query = query.where(col(Referral.status) == status)
    rows = session.exec(query.order_by(col(Referral.updated_at).desc()).limit(limit)).all()
    about = sorted({r.participant_id for r in rows if not _redacted(principal, r)}, key=str)
    if about:  # a redacted referral shows nothing of its participant: no access to log
        audit.record(session, ctx, "referral.list", object_type="referral", participant_ids=about)
    return [_out_for(session, principal, r) for r in rows]


def move(
    session: Session, ctx: AccessContext, principal: Principal, referral: Referral, data: ReferralTransition
) -> ReferralOut:
    receiving = principal.organisation_id == referral.to_organisation_id
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
    step = session.get(PlanStep, referral.step_id)
    plan = session.get(TransitionPlan, step.plan_id)
    participant = session.get(Participant, referral.participant_id)
    if data.action == rules.ReferralAction.accept:
        if not has_active_consent(session, participant.id, referral.to_organisation_id, CONSENT_PURPOSE):
            _set(session, ctx, referral, rules.ReferralStatus.ended, "Consenso non più attivo.")
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
        from competenze.plans import service

        service.move_step(
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
    _set(session, ctx, referral, target, data.note)
    return referral_out(session, referral, step, show_name=True)
