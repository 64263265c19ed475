"""Plan, step and referral views for the API: the stored rows plus what is derived on read
(overdue flags, next review, the skills gap of each target occupation)."""

import uuid
from collections.abc import Iterable

from sqlmodel import Session, col, select

from competenze.assessments.evidence import Method, live
from competenze.assessments.experience.gap import skills_gap
from competenze.assessments.experience.models import SkillClaim
from competenze.common.time import today
from competenze.db import existing
from competenze.frameworks.esco import service as esco
from competenze.organisations.models import Organisation
from competenze.participants.models import Participant
from competenze.plans import rules
from competenze.plans.models import PlanStep, Referral, TransitionPlan
from competenze.plans.schemas import (
    PlanOut,
    PlanSummary,
    ReferralOut,
    StepOut,
    TargetOut,
)


def steps_of(session: Session, plan_id: uuid.UUID) -> list[PlanStep]:
    return list(
        session.exec(
            select(PlanStep)
            .where(col(PlanStep.plan_id) == plan_id)
            .order_by(col(PlanStep.due_date).is_(None), col(PlanStep.due_date), col(PlanStep.created_at))
        ).all()
    )


def state_of(plan: TransitionPlan, steps: Iterable[PlanStep]) -> rules.PlanState:
    steps = list(steps)
    return rules.PlanState(
        status=rules.PlanStatus(plan.status),
        steps={str(s.id): rules.StepStatus(s.status) for s in steps},
        depends_on={str(s.id): frozenset(s.depends_on) for s in steps},
        agreed=plan.agreed_on is not None,
    )


def overdue(step: PlanStep) -> bool:
    return rules.is_overdue(rules.StepStatus(step.status), step.due_date, today())


# What a referral says about whom and what; a redacted one shows none of it.
ABOUT = (
    "participant_id",
    "participant_name",
    "plan_id",
    "step_id",
    "step_kind",
    "step_title",
    "step_due_date",
    "step_status",
    "note",
    "response_note",
)


def referral_out(
    session: Session,
    referral: Referral,
    step: PlanStep | None = None,
    *,
    show_name: bool = True,
    redacted: bool = False,
) -> ReferralOut:
    """A referral as one side sees it. `redacted`: the receiving organisation after the
    participant withdrew the consent behind it sees that a referral existed, between whom and
    when, and nothing about whom or what: no ids that lead to the person, no free text, and no
    live state of the step (it knew whose referral this was, and could follow their plan)."""
    names = dict(
        session.exec(
            select(Organisation.id, Organisation.name).where(
                col(Organisation.id).in_([referral.from_organisation_id, referral.to_organisation_id])
            )
        ).all()
    )
    shown = {
        "id": referral.id,
        "status": referral.status,
        "created_at": referral.created_at,
        "updated_at": referral.updated_at,
        "from_organisation_id": referral.from_organisation_id,
        "from_organisation_name": names.get(referral.from_organisation_id, ""),
        "to_organisation_id": referral.to_organisation_id,
        "to_organisation_name": names.get(referral.to_organisation_id, ""),
    }
    if redacted:
        return ReferralOut(**shown, **dict.fromkeys(ABOUT))
    step = step or existing(session, PlanStep, referral.step_id)
    name = None
    if show_name:
        person = existing(session, Participant, referral.participant_id)
        name = f"{person.given_names} {person.family_name}"
    return ReferralOut(
        **shown,
        participant_id=referral.participant_id,
        participant_name=name,
        plan_id=step.plan_id,
        step_id=step.id,
        step_kind=step.kind,
        step_title=step.title,
        step_due_date=step.due_date,
        step_status=step.status,
        note=referral.note,
        response_note=referral.response_note,
    )


def latest_referrals(session: Session, step_ids: list[uuid.UUID]) -> dict[uuid.UUID, Referral]:
    latest: dict[uuid.UUID, Referral] = {}
    if step_ids:
        for referral in session.exec(
            select(Referral).where(col(Referral.step_id).in_(step_ids)).order_by(col(Referral.created_at))
        ).all():
            latest[referral.step_id] = referral
    return latest


def step_out(session: Session, step: PlanStep, referral: Referral | None) -> StepOut:
    return StepOut(
        **{
            name: getattr(step, name)
            for name in StepOut.model_fields
            if name not in ("overdue", "referral", "depends_on")
        },
        overdue=overdue(step),
        depends_on=[uuid.UUID(d) for d in step.depends_on],
        referral=referral_out(session, referral, step) if referral else None,
    )


def targets(session: Session, plan: TransitionPlan) -> list[TargetOut]:
    claims = live(session.exec(select(SkillClaim).where(col(SkillClaim.participant_id) == plan.participant_id)).all())
    labels = esco.preferred_labels(session, plan.target_occupations, ("it", "en"))
    out = []
    for uri in plan.target_occupations:
        gap = skills_gap(esco.essential_skills(session, uri), [(c.skill_uri, Method(c.method)) for c in claims])
        out.append(
            TargetOut(
                occupation_uri=uri,
                label=labels.get(uri, {}),
                essential_total=len(gap.matched) + len(gap.missing),
                matched=len(gap.matched),
                coverage=gap.coverage,
                missing=gap.missing,
            )
        )
    return out


def plan_out(session: Session, plan: TransitionPlan) -> PlanOut:
    steps = steps_of(session, plan.id)
    referrals = latest_referrals(session, [s.id for s in steps])
    upcoming = sorted(d for d in plan.review_dates if d >= today().isoformat())
    return PlanOut(
        **{
            name: getattr(plan, name)
            for name in (
                "id",
                "participant_id",
                "organisation_id",
                "status",
                "appraisal",
                "participant_goals",
                "horizon",
                "review_dates",
                "agreed_on",
                "agreement_method",
                "closed_at",
                "closure_note",
                "created_at",
                "updated_at",
            )
        },
        targets=targets(session, plan),
        next_review=upcoming[0] if upcoming else None,
        steps=[step_out(session, s, referrals.get(s.id)) for s in steps],
        overdue_steps=sum(overdue(s) for s in steps),
    )


def plan_summary(plan: TransitionPlan, steps: list[PlanStep]) -> PlanSummary:
    return PlanSummary(
        id=plan.id,
        status=plan.status,
        horizon=plan.horizon,
        agreed_on=plan.agreed_on,
        steps=len(steps),
        overdue_steps=sum(overdue(s) for s in steps),
        created_at=plan.created_at,
        closed_at=plan.closed_at,
    )
