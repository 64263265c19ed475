"""Referrals: handing a plan step to another organisation of the network.

A referral needs the participant's consent (purpose `referral`) for the receiving
organisation. Once accepted, that organisation's counsellors see the participant through the
visibility chokepoint (access/visibility.py), limited to what the work needs; declining,
completing, withdrawing the referral or the consent ends it. Every hand-off is audited on the
participant's record, so it appears in their access log.
"""

import uuid

from sqlmodel import Session, col, select

from competenze.access import visibility
from competenze.audit import service as audit
from competenze.auth.principals import Principal
from competenze.common.context import AccessContext
from competenze.common.time import utcnow
from competenze.errors import Conflict, field_error
from competenze.organisations.models import Organisation
from competenze.participants.models import Participant
from competenze.plans import history, rules
from competenze.plans.models import PlanStep, Referral, TransitionPlan
from competenze.plans.presenters import referral_out
from competenze.plans.schemas import (
    ReferralCreate,
    ReferralOut,
)

CONSENT_PURPOSE = "referral"


def audit_referral(session: Session, ctx: AccessContext, action: str, referral: Referral) -> None:
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
    if not visibility.has_active_consent(session, participant.id, recipient.id, CONSENT_PURPOSE):
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
    audit_referral(session, ctx, "referral.create", referral)
    return referral_out(session, referral, step)


def open_referral(session: Session, step_id: uuid.UUID) -> Referral | None:
    return session.exec(
        select(Referral).where(
            col(Referral.step_id) == step_id, col(Referral.status).in_([s.value for s in rules.OPEN_REFERRAL])
        )
    ).first()


def view(session: Session, ctx: AccessContext, principal: Principal, referral: Referral) -> ReferralOut:
    if not _redacted(principal, referral):  # else nothing of the participant is read
        audit_referral(session, ctx, "referral.read", referral)
    return _out_for(session, principal, referral)


def _redacted(principal: Principal, referral: Referral) -> bool:
    # The participant withdrew the consent behind it: the receiving organisation no longer
    # learns who or what it was about.
    return not visibility.sends(principal, referral) and referral.status == rules.ReferralStatus.ended


def _out_for(session: Session, principal: Principal, referral: Referral) -> ReferralOut:
    # Before accepting, the receiving organisation sees the request, not the person.
    sending = visibility.sends(principal, referral)
    return referral_out(
        session,
        referral,
        show_name=sending or referral.status != rules.ReferralStatus.pending,
        redacted=_redacted(principal, referral),
    )


def listing(
    session: Session,
    ctx: AccessContext,
    principal: Principal,
    *,
    direction: visibility.Direction,
    status: str | None,
    limit: int = 200,
) -> list[ReferralOut]:
    query = select(Referral).where(visibility.referrals_filter(principal, direction))
    if status:
        query = query.where(col(Referral.status) == status)
    rows = session.exec(query.order_by(col(Referral.updated_at).desc()).limit(limit)).all()
    about = sorted({r.participant_id for r in rows if not _redacted(principal, r)}, key=str)
    if about:  # a redacted referral shows nothing of its participant: no access to log
        audit.record(session, ctx, "referral.list", object_type="referral", participant_ids=about)
    return [_out_for(session, principal, r) for r in rows]
