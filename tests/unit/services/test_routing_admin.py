"""Routing admin: a saved queue or profile is stored, audited and put in force on the live router."""

from __future__ import annotations

import pytest

from callcenter.calls.registry import LiveCall
from callcenter.services.routing_admin import RoutingAdmin, RoutingNames
from crm_core.errors import CrmError
from crm_core.routing_profiles import AgentProfile, UnknownSkill
from tests.fakes.pbx import ConnectToAgent
from tests.unit.services.conftest import SUPERVISOR, Centre
from tests.waiting import wait_until

ADMIN = SUPERVISOR


def _admin(centre: Centre) -> RoutingAdmin:
    names = RoutingNames({"sales", "support", "general"}, {"sales"})
    agents = [AgentProfile("1001", {"sales": 3}), AgentProfile("1002", {"sales": 3})]
    return RoutingAdmin(centre.db.sessions, centre.cc, centre.clock.now, names, agents)


async def _router_queues(centre: Centre) -> set[str]:
    return {q.queue for q in (await centre.cc.snapshot()).queues}


async def test_given_a_new_queue_and_skill_when_saved_then_callers_to_it_reach_the_skilled_agent(
    centre: Centre,
) -> None:
    admin = _admin(centre)

    await admin.save_queue(ADMIN, "billing", {"skills": {"billing": 1}, "wrap_up_s": 5})
    _, in_force = await admin.save_agent(ADMIN, "1002", {"skills": {"billing": 2}})

    assert in_force
    assert "billing" in await _router_queues(centre)
    assert "billing" in admin.names.queues
    assert "billing" in admin.names.skills
    service, pbx = centre.desk.service, centre.desk.pbx
    call = service.calls.add(LiveCall("b1", "PJSIP/pstn-9", "+14155550100", "Wei", "5551234", 0.0))
    await service.enqueue(call, "billing")
    await wait_until(lambda: bool(pbx.of_type(ConnectToAgent)), what="the billing caller offered")
    assert [c.agent_id for c in pbx.of_type(ConnectToAgent)] == ["1002"]
    assert [e.action for e in centre.audit("admin.")] == ["admin.agent_skills", "admin.queue"]


async def test_given_a_negative_wrap_up_time_when_a_queue_is_saved_then_refused_and_nothing_changes(
    centre: Centre,
) -> None:
    admin = _admin(centre)

    with pytest.raises(CrmError):
        await admin.save_queue(ADMIN, "billing", {"wrap_up_s": -1})

    assert "billing" not in await _router_queues(centre)
    assert "billing" not in admin.names.queues
    assert await admin.list_queues() == []
    assert centre.audit() == []


async def test_given_a_skill_no_queue_asks_for_when_given_to_an_agent_then_refused(centre: Centre) -> None:
    admin = _admin(centre)
    await admin.save_queue(ADMIN, "sales", {"skills": {"sales": 1}})

    with pytest.raises(UnknownSkill) as refused:
        await admin.save_agent(ADMIN, "1001", {"skills": {"sales": 3, "typo": 1}})

    assert refused.value.params["skill"] == "typo"
    assert await admin.list_agents() == []
    assert admin.agent_skills["1001"] == {"sales": 3}
    assert [e.action for e in centre.audit()] == ["admin.queue"]
