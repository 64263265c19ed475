"""Plan, step and referral rules (pure): no sequence of actions reaches an illegal state."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competenze.plans import rules
from competenze.plans.rules import (
    CLOSED_STEP,
    OPEN_PLAN,
    IllegalTransition,
    PlanAction,
    PlanState,
    PlanStatus,
    ReferralAction,
    ReferralStatus,
    StepAction,
    StepStatus,
)

STEP_IDS = ["s0", "s1", "s2", "s3"]
actions = st.one_of(
    st.tuples(st.just("plan"), st.sampled_from(list(PlanAction)), st.booleans()),
    st.tuples(st.just("add"), st.sampled_from(STEP_IDS), st.frozensets(st.sampled_from(STEP_IDS), max_size=2)),
    st.tuples(st.just("step"), st.sampled_from(STEP_IDS), st.sampled_from(list(StepAction))),
    st.tuples(st.just("deps"), st.sampled_from(STEP_IDS), st.frozensets(st.sampled_from(STEP_IDS), max_size=3)),
)


def apply(state: PlanState, action) -> PlanState:
    kind, a, b = action
    if kind == "plan":
        return rules.plan_move(state, a, acceptance_given=b)
    if kind == "add":
        if a in state.steps:
            raise IllegalTransition("exists")
        return rules.add_step(state, a, b)
    if a not in state.steps:
        raise IllegalTransition("no such step")
    if kind == "step":
        return rules.step_move(state, a, b)
    return rules.set_dependencies(state, a, b)


def invariants(state: PlanState, closed_before: PlanState | None) -> None:
    assert state.status in PlanStatus
    if state.status in (PlanStatus.agreed, PlanStatus.active, PlanStatus.completed):
        assert state.agreed, "only a plan the participant accepted, with steps, is past draft"
        assert state.steps, "only a plan the participant accepted, with steps, is past draft"
    if state.status == PlanStatus.completed:
        assert all(s in CLOSED_STEP for s in state.steps.values()), "a completed plan has no open step"
    for step, status in state.steps.items():
        if status in (StepStatus.in_progress, StepStatus.done):
            assert all(state.steps[d] == StepStatus.done for d in state.depends_on.get(step, ())), (
                "a started step never waits for an unfinished one"
            )
    if closed_before is not None:
        assert state == closed_before, "a closed plan never changes"


@settings(max_examples=400, derandomize=True)
@given(st.lists(actions, max_size=40))
def test_no_sequence_of_actions_reaches_an_illegal_state(sequence):
    state = PlanState(PlanStatus.draft)
    closed = None
    for action in sequence:
        try:
            state = apply(state, action)
        except IllegalTransition as exc:
            assert str(exc)  # noqa: PT017 (every refusal of a random sequence says why)
        invariants(state, closed)
        if state.status not in OPEN_PLAN and closed is None:
            closed = state


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.sampled_from(list(ReferralAction)), max_size=12))
def test_referrals_only_move_forward_and_final_states_stay_final(sequence):
    status = ReferralStatus.pending
    seen = [status]
    for action in sequence:
        try:
            status = rules.referral_move(status, action)
        except IllegalTransition:
            continue
        seen.append(status)
    order = [ReferralStatus.pending, ReferralStatus.accepted]
    finals = [s for s in seen if s not in order]
    assert len(finals) <= 1
    assert not finals or seen[-1] == finals[0]
    assert seen == sorted(seen, key=lambda s: order.index(s) if s in order else 2)


def test_agreeing_needs_acceptance_and_a_step_and_completing_needs_closed_steps():
    state = PlanState(PlanStatus.draft)
    for acceptance, message in ((False, "acceptance"), (True, "at least one step")):
        with pytest.raises(IllegalTransition, match=message):
            rules.plan_move(state, PlanAction.agree, acceptance_given=acceptance)
    state = rules.add_step(state, "a")
    state = rules.plan_move(state, PlanAction.agree, acceptance_given=True)
    state = rules.plan_move(state, PlanAction.activate)
    with pytest.raises(IllegalTransition, match=r"1 step\(s\)"):
        rules.plan_move(state, PlanAction.complete)
    state = rules.step_move(state, "a", StepAction.complete)
    assert rules.plan_move(state, PlanAction.complete).status == PlanStatus.completed


def test_dependency_cycles_are_refused():
    state = rules.add_step(rules.add_step(PlanState(PlanStatus.draft), "a"), "b", frozenset({"a"}))
    with pytest.raises(IllegalTransition, match="circle"):
        rules.set_dependencies(state, "a", frozenset({"b"}))


def test_overdue_means_past_due_and_still_open():
    today = date(2026, 11, 25)
    assert rules.is_overdue(StepStatus.planned, date(2026, 11, 24), today)
    assert rules.is_overdue(StepStatus.in_progress, date(2026, 1, 1), today)
    assert not rules.is_overdue(StepStatus.planned, today, today)  # due today is not late yet
    assert not rules.is_overdue(StepStatus.done, date(2026, 1, 1), today)
    assert not rules.is_overdue(StepStatus.dropped, date(2026, 1, 1), today)
    assert not rules.is_overdue(StepStatus.planned, None, today)
