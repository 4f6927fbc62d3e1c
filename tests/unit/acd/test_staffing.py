"""The router, driven by a seeded M/M/N simulation, matches Erlang C (small version of
``bench/acd_staffing.py``; wider tolerances because it simulates fewer calls)."""

from __future__ import annotations

import pytest

from bench.acd_staffing import Load, simulate


@pytest.mark.parametrize(("load", "seed"), [(Load(4, 2.4, aht=120, threshold=15), 11), (Load(8, 6.0), 12)])
async def test_given_mmn_traffic_when_routed_then_service_level_and_asa_match_erlang_c(
    load: Load, seed: int
) -> None:
    r = await simulate(load, calls=15_000, seed=seed)
    assert abs(r.service_level - r.erlang_service_level) <= 0.05
    assert r.asa == pytest.approx(r.erlang_asa, rel=0.25)
    assert 0.3 < r.erlang_service_level < 0.9  # a load where the check is meaningful
