"""Pure scoring, priority keys and overflow requirements."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from acd import agent_state
from acd.model import Agent, OverflowStep, QueueConfig, SkillRequirement, ValueTier
from acd.overflow import next_step_at, requirement_at, step_for_wait
from acd.policy import effective_priority, priority_key, rank_agents, skill_score
from tests.fakes.acd_factories import item

R = SkillRequirement


def test_skill_score_sums_levels_of_the_best_fitting_alternative() -> None:
    assert skill_score({"a": 3, "b": 5}, ((R("a", 2), R("b", 2)),)) == 8.0
    assert skill_score({"a": 3}, ((R("a", 4),),)) is None
    assert skill_score({"a": 3, "c": 5}, ((R("a", 4),), (R("c", 1),))) == 5.0
    assert skill_score({}, ((),)) == 0.0


def test_rank_agents_skips_ineligible_and_orders_by_previous_skill_idle() -> None:
    a = [
        agent_state.login(Agent(i, {"s": lvl}), t, None)
        for i, lvl, t in [("x", 3, 0), ("y", 5, 5), ("z", 3, 2), ("w", 1, 0)]
    ]
    ranked = rank_agents(a, item("i", 0), ((R("s", 2),),), 10.0, previous_agent=None)
    assert [c.agent_id for c in ranked] == ["y", "x", "z"]
    ranked = rank_agents(a, item("i", 0), ((R("s", 2),),), 10.0, previous_agent="z", exclude=frozenset({"y"}))
    assert [c.agent_id for c in ranked] == ["z", "x"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 10_000), st.integers(-5, 20), st.sampled_from(list(ValueTier))),
        min_size=2,
        max_size=8,
    ),
    st.floats(0, 5),
    st.floats(10_000, 20_000),
)
def test_static_key_order_equals_effective_priority_order_at_any_time(rows, aging, now) -> None:
    q = QueueConfig("q", aging_per_minute=aging)
    items = [item(f"i{n}", at, priority=p, tier=t) for n, (at, p, t) in enumerate(rows)]
    keys = [priority_key(i, q) for i in items]
    for a, ka in zip(items, keys, strict=True):
        for kb in keys:
            ea, eb = effective_priority(ka, q, now), effective_priority(kb, q, now)
            want_a = a.priority + q.tier_boost[a.customer.tier] + q.aging_per_second * (now - a.arrived_at)
            assert abs(ea - want_a) < 1e-6
            if ka < kb - 1e-9:
                assert ea > eb - 1e-9


def test_overflow_steps_accumulate() -> None:
    q = QueueConfig(
        "billing",
        skills=(R("billing", 4),),
        overflow=(
            OverflowStep(30, lower_levels_by=2),
            OverflowStep(60, lower_levels_by=5, also_accept=((R("x", 3),),)),
        ),
    )
    w = item("i", 100.0, queue="billing")
    assert [step_for_wait(q, s) for s in (0, 29.9, 30, 61)] == [0, 0, 1, 2]
    assert next_step_at(q, 100.0, 0) == 130.0
    assert next_step_at(q, 100.0, 2) is None
    assert requirement_at(w, q, 0, {}) == ((R("billing", 4),),)
    assert requirement_at(w, q, 1, {}) == ((R("billing", 2),),)
    assert set(requirement_at(w, q, 2, {})) == {(R("billing", 1),), (R("x", 3),)}
