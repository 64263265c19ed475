"""Plan and step use-cases: create, change, move through their states, with history and audit."""

import uuid

from pydantic_core import to_jsonable_python
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from competenze.assessments.experience import service as experience
from competenze.audit import service as audit
from competenze.common.context import AccessContext
from competenze.common.time import utcnow
from competenze.errors import Conflict, NotFound, field_error
from competenze.frameworks.esco import service as esco
from competenze.organisations.models import Organisation
from competenze.participants.models import Participant
from competenze.plans import history, rules
from competenze.plans.models import PlanStep, TransitionPlan
from competenze.plans.presenters import plan_out, plan_summary, state_of, steps_of
from competenze.plans.schemas import (
    PlanCreate,
    PlanOut,
    PlanSummary,
    PlanUpdate,
    StepCreate,
    StepKind,
    StepUpdate,
)


def illegal(exc: rules.IllegalTransition) -> Conflict:
    return Conflict(str(exc))


def audit_plan(
    session: Session, ctx: AccessContext, action: str, plan: TransitionPlan, object_id: object = None
) -> None:
    audit.record(
        session,
        ctx,
        action,
        object_type="transition_plan",
        object_id=object_id or plan.id,
        participant_ids=[plan.participant_id],
    )


def _check_targets(session: Session, uris: list[str]) -> None:
    for index, uri in enumerate(uris):
        esco.require_concept(session, uri, "occupation", f"target_occupations[{index}]")


def _check_organisation(session: Session, org_id: uuid.UUID, field: str) -> None:
    if session.get(Organisation, org_id) is None:
        raise field_error(field, "no organisation of the network with this id")


def open_plan(session: Session, participant_id: uuid.UUID) -> TransitionPlan | None:
    return session.exec(
        select(TransitionPlan).where(
            col(TransitionPlan.participant_id) == participant_id,
            col(TransitionPlan.status).in_([s.value for s in rules.OPEN_PLAN]),
        )
    ).first()


def get_plan(
    session: Session, participant: Participant, plan_id: uuid.UUID, *, for_update: bool = False
) -> TransitionPlan:
    query = select(TransitionPlan).where(
        col(TransitionPlan.id) == plan_id, col(TransitionPlan.participant_id) == participant.id
    )
    plan = session.exec(query.with_for_update() if for_update else query).first()
    if plan is None:
        raise NotFound("No plan with this id for this participant.")
    return plan


def create_plan(session: Session, ctx: AccessContext, participant: Participant, data: PlanCreate) -> PlanOut:
    if participant.status == "closed":
        raise Conflict("This participant's record is closed.")
    existing = open_plan(session, participant.id)
    if existing is not None:
        raise Conflict(
            f"This participant already has an open plan ({existing.id}, {existing.status}); "
            "complete or discontinue it before starting a new one.",
            existing_id=str(existing.id),
        )
    _check_targets(session, data.target_occupations)
    goals = data.participant_goals
    if goals is None:
        sheet = experience.get_sheet(session, participant, "expectations")
        goals = (sheet.data.get("work_goals") if sheet else None) or None
    now = utcnow()
    plan = TransitionPlan(
        participant_id=participant.id,
        organisation_id=participant.organisation_id,
        status=rules.PlanStatus.draft,
        appraisal=data.appraisal,
        participant_goals=goals,
        target_occupations=data.target_occupations,
        horizon=data.horizon,
        review_dates=to_jsonable_python(sorted(data.review_dates)),
        created_by=uuid.UUID(ctx.actor_id),
        created_at=now,
        updated_at=now,
    )
    session.add(plan)
    try:
        session.flush()
    except IntegrityError:  # another counsellor opened a plan at the same moment
        raise Conflict("This participant already has an open plan.") from None
    history.record(session, ctx, plan.id, "plan.create", {}, history.snapshot(plan))
    audit_plan(session, ctx, "plan.create", plan)
    return plan_out(session, plan)


def list_plans(session: Session, ctx: AccessContext, participant: Participant) -> list[PlanSummary]:
    plans = session.exec(
        select(TransitionPlan)
        .where(col(TransitionPlan.participant_id) == participant.id)
        .order_by(col(TransitionPlan.created_at).desc())
    ).all()
    audit.record(session, ctx, "plan.list", object_type="transition_plan", participant_ids=[participant.id])
    return [plan_summary(p, steps_of(session, p.id)) for p in plans]


def read_plan(session: Session, ctx: AccessContext, plan: TransitionPlan) -> PlanOut:
    audit_plan(session, ctx, "plan.read", plan)
    return plan_out(session, plan)


def update_plan(session: Session, ctx: AccessContext, plan: TransitionPlan, data: PlanUpdate) -> PlanOut:
    try:
        rules.can_edit(state_of(plan, []))
    except rules.IllegalTransition as exc:
        raise illegal(exc) from None
    changes = data.model_dump(exclude_unset=True)
    if changes.get("target_occupations"):
        _check_targets(session, changes["target_occupations"])
    if "review_dates" in changes:
        changes["review_dates"] = to_jsonable_python(sorted(changes["review_dates"] or []))
    if "target_occupations" in changes and changes["target_occupations"] is None:
        changes["target_occupations"] = []
    before = history.snapshot(plan)
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.updated_at = utcnow()
    session.add(plan)
    session.flush()
    history.record(session, ctx, plan.id, "plan.update", before, history.snapshot(plan))
    audit_plan(session, ctx, "plan.update", plan)
    return plan_out(session, plan)


def touch(session: Session, plan: TransitionPlan) -> None:
    """A change to a step is a change to the plan: its version (the ETag) moves on, so a
    counsellor holding an older view of the plan gets 412 instead of planning past a colleague."""
    plan.updated_at = utcnow()
    session.add(plan)
    session.flush()


def plan_history(session: Session, ctx: AccessContext, plan: TransitionPlan) -> list:
    audit_plan(session, ctx, "plan.history", plan)
    return history.revisions(session, plan.id)


def get_step(session: Session, plan: TransitionPlan, step_id: uuid.UUID) -> PlanStep:
    step = session.get(PlanStep, step_id)
    if step is None or step.plan_id != plan.id:
        raise NotFound("No step with this id in this plan.")
    return step


def _check_step_details(session: Session, participant: Participant, education_id: uuid.UUID | None) -> None:
    if education_id is not None:
        try:
            experience.education_by_id(session, participant, education_id)
        except NotFound:
            raise field_error("education_id", "no education record with this id for this participant") from None


def add_step(
    session: Session, ctx: AccessContext, participant: Participant, plan: TransitionPlan, data: StepCreate
) -> PlanOut:
    steps = steps_of(session, plan.id)
    step_id = uuid.uuid4()
    try:
        rules.add_step(state_of(plan, steps), str(step_id), frozenset(str(d) for d in data.depends_on))
    except rules.IllegalTransition as exc:
        if plan.status not in rules.OPEN_PLAN:
            raise illegal(exc) from None
        raise field_error("depends_on", str(exc)) from None
    responsible = data.responsible_organisation_id or plan.organisation_id
    _check_organisation(session, responsible, "responsible_organisation_id")
    _check_step_details(session, participant, data.education_id)
    now = utcnow()
    step = PlanStep(
        id=step_id,
        plan_id=plan.id,
        participant_id=participant.id,
        **data.model_dump(exclude={"depends_on", "responsible_organisation_id"}),
        responsible_organisation_id=responsible,
        depends_on=[str(d) for d in data.depends_on],
        status=rules.StepStatus.planned,
        created_at=now,
        updated_at=now,
    )
    session.add(step)
    session.flush()
    history.record(session, ctx, plan.id, "step.create", {}, history.snapshot(step), step_id=step.id)
    audit_plan(session, ctx, "plan.step.create", plan, step.id)
    return plan_out(session, plan)


def update_step(
    session: Session, ctx: AccessContext, plan: TransitionPlan, step: PlanStep, data: StepUpdate
) -> PlanOut:
    changes = data.model_dump(exclude_unset=True)
    state = state_of(plan, steps_of(session, plan.id))
    try:
        rules.can_edit(state)
        if "depends_on" in changes:
            rules.set_dependencies(state, str(step.id), frozenset(str(d) for d in changes["depends_on"] or []))
    except rules.IllegalTransition as exc:
        if plan.status not in rules.OPEN_PLAN:
            raise illegal(exc) from None
        raise field_error("depends_on", str(exc)) from None
    if step.status in rules.CLOSED_STEP:
        raise Conflict(f"This step is {step.status}; it is kept as it was.")
    if changes.get("responsible_organisation_id"):
        _check_organisation(session, changes["responsible_organisation_id"], "responsible_organisation_id")
    if "target_level" in changes and changes["target_level"] and step.kind != StepKind.italian_course:
        raise field_error("target_level", "only an italian_course has a target CEFR level")
    for name in ("title", "responsible_organisation_id"):
        if name in changes and changes[name] is None:
            raise field_error(name, "cannot be cleared")
    before = history.snapshot(step)
    for name, value in changes.items():
        setattr(step, name, [str(d) for d in value or []] if name == "depends_on" else value)
    step.updated_at = utcnow()
    session.add(step)
    session.flush()
    history.record(session, ctx, plan.id, "step.update", before, history.snapshot(step), step_id=step.id)
    audit_plan(session, ctx, "plan.step.update", plan, step.id)
    return plan_out(session, plan)
