"""The rules of transition plans, steps and referrals: which changes are allowed when. Pure.

Plan:     draft --agree--> agreed --activate--> active --complete--> completed
          any open state --discontinue--> discontinued
          Agreeing needs the participant's acceptance (date and method) and at least one step;
          completing needs every step done or dropped. Closed plans do not change.
Step:     planned --start--> in_progress --complete--> done
          planned --complete--> done (a short step), planned|in_progress --drop--> dropped
          A step starts or completes only when every step it depends on is done; steps of a
          closed plan do not change.
Referral: pending --accept--> accepted --complete--> completed
          pending --decline--> declined; pending|accepted --withdraw--> withdrawn
          pending|accepted --end--> ended (the participant withdrew the consent)
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum


class PlanStatus(StrEnum):
    draft = "draft"
    agreed = "agreed"
    active = "active"
    completed = "completed"
    discontinued = "discontinued"


class PlanAction(StrEnum):
    agree = "agree"
    activate = "activate"
    complete = "complete"
    discontinue = "discontinue"


class StepStatus(StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    dropped = "dropped"


class StepAction(StrEnum):
    start = "start"
    complete = "complete"
    drop = "drop"


class ReferralStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    completed = "completed"
    withdrawn = "withdrawn"
    ended = "ended"


class ReferralAction(StrEnum):
    accept = "accept"
    decline = "decline"
    complete = "complete"
    withdraw = "withdraw"
    end = "end"


OPEN_PLAN = frozenset({PlanStatus.draft, PlanStatus.agreed, PlanStatus.active})
CLOSED_STEP = frozenset({StepStatus.done, StepStatus.dropped})
OPEN_REFERRAL = frozenset({ReferralStatus.pending, ReferralStatus.accepted})

PLAN_MOVES = {
    PlanStatus.draft: {PlanAction.agree: PlanStatus.agreed, PlanAction.discontinue: PlanStatus.discontinued},
    PlanStatus.agreed: {PlanAction.activate: PlanStatus.active, PlanAction.discontinue: PlanStatus.discontinued},
    PlanStatus.active: {PlanAction.complete: PlanStatus.completed, PlanAction.discontinue: PlanStatus.discontinued},
    PlanStatus.completed: {},
    PlanStatus.discontinued: {},
}
STEP_MOVES = {
    StepStatus.planned: {
        StepAction.start: StepStatus.in_progress,
        StepAction.complete: StepStatus.done,
        StepAction.drop: StepStatus.dropped,
    },
    StepStatus.in_progress: {StepAction.complete: StepStatus.done, StepAction.drop: StepStatus.dropped},
    StepStatus.done: {},
    StepStatus.dropped: {},
}
REFERRAL_MOVES = {
    ReferralStatus.pending: {
        ReferralAction.accept: ReferralStatus.accepted,
        ReferralAction.decline: ReferralStatus.declined,
        ReferralAction.withdraw: ReferralStatus.withdrawn,
        ReferralAction.end: ReferralStatus.ended,
    },
    ReferralStatus.accepted: {
        ReferralAction.complete: ReferralStatus.completed,
        ReferralAction.withdraw: ReferralStatus.withdrawn,
        ReferralAction.end: ReferralStatus.ended,
    },
}


class IllegalTransition(ValueError):
    """The change is not allowed now; the message says why, in words for the user."""


@dataclass(frozen=True)
class PlanState:
    """What the rules need to know of a plan."""

    status: PlanStatus
    steps: Mapping[str, StepStatus] = field(default_factory=dict)
    depends_on: Mapping[str, frozenset[str]] = field(default_factory=dict)
    agreed: bool = False  # the participant's acceptance is recorded


def plan_move(state: PlanState, action: PlanAction, *, acceptance_given: bool = False) -> PlanState:
    target = PLAN_MOVES[state.status].get(action)
    if target is None:
        raise IllegalTransition(
            f"A plan that is {state.status} cannot be moved with '{action}'{_allowed(PLAN_MOVES[state.status])}."
        )
    if action == PlanAction.agree:
        if not acceptance_given:
            raise IllegalTransition("Record the participant's acceptance: agreed_on and method.")
        if not state.steps:
            raise IllegalTransition("Add at least one step before the plan is agreed.")
    if action == PlanAction.complete:
        open_steps = sorted(s for s, status in state.steps.items() if status not in CLOSED_STEP)
        if open_steps:
            raise IllegalTransition(f"{len(open_steps)} step(s) are not done or dropped yet; close them first.")
    return replace(state, status=target, agreed=state.agreed or action == PlanAction.agree)


def can_edit(state: PlanState) -> None:
    if state.status not in OPEN_PLAN:
        raise IllegalTransition(f"This plan is {state.status}; a closed plan is kept as it was. Start a new plan.")


def step_move(state: PlanState, step: str, action: StepAction) -> PlanState:
    can_edit(state)
    current = state.steps[step]
    target = STEP_MOVES[current].get(action)
    if target is None:
        raise IllegalTransition(
            f"A step that is {current} cannot be moved with '{action}'{_allowed(STEP_MOVES[current])}."
        )
    if target in (StepStatus.in_progress, StepStatus.done):
        waiting = sorted(d for d in state.depends_on.get(step, ()) if state.steps.get(d) != StepStatus.done)
        if waiting:
            raise IllegalTransition(f"This step waits for {len(waiting)} other step(s) to be done first.")
    return replace(state, steps={**state.steps, step: target})


def add_step(state: PlanState, step: str, depends_on: frozenset[str] = frozenset()) -> PlanState:
    can_edit(state)
    unknown = depends_on - set(state.steps)
    if unknown:
        raise IllegalTransition("A step can only depend on steps of the same plan.")
    return replace(
        state, steps={**state.steps, step: StepStatus.planned}, depends_on={**state.depends_on, step: depends_on}
    )


def set_dependencies(state: PlanState, step: str, depends_on: frozenset[str]) -> PlanState:
    """Change what a step waits for; refuses cycles and waiting on a step that is not done
    for a step that has already started."""
    can_edit(state)
    if depends_on - set(state.steps) or step in depends_on:
        raise IllegalTransition("A step can only depend on other steps of the same plan.")
    graph = {**state.depends_on, step: depends_on}
    if _has_cycle(graph):
        raise IllegalTransition("These dependencies would make steps wait for each other in a circle.")
    if state.steps[step] != StepStatus.planned and any(state.steps[d] != StepStatus.done for d in depends_on):
        raise IllegalTransition("This step has already started; it can only depend on steps that are done.")
    return replace(state, depends_on=graph)


def _has_cycle(graph: Mapping[str, frozenset[str]]) -> bool:
    visiting, done = set(), set()

    def visit(node: str) -> bool:
        if node in done:
            return False
        if node in visiting:
            return True
        visiting.add(node)
        found = any(visit(dep) for dep in graph.get(node, ()))
        visiting.discard(node)
        done.add(node)
        return found

    return any(visit(node) for node in graph)


def referral_move(current: ReferralStatus, action: ReferralAction) -> ReferralStatus:
    target = REFERRAL_MOVES.get(current, {}).get(action)
    if target is None:
        raise IllegalTransition(
            f"A referral that is {current} cannot be moved with '{action}'{_allowed(REFERRAL_MOVES.get(current, {}))}."
        )
    return target


def is_overdue(status: StepStatus, due: date | None, today: date) -> bool:
    """A step is overdue when its due date has passed and it is neither done nor dropped."""
    return due is not None and due < today and status not in CLOSED_STEP


def _allowed(moves: Mapping) -> str:
    return f" (now possible: {', '.join(moves)})" if moves else " (it is final)"
