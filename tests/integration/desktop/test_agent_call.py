"""A call end to end through the desktop API and ``/ws``: screen pop, answer, recording, wrap-up;
the supervisor's whisper and barge are audited; agents only see their own calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from callcenter.pbxsim import SimulatedCaller
from crm_core.interactions import InteractionLog
from tests.integration.desktop.conftest import Desktop, live_socket, next_message
from tests.waiting import wait_until


async def test_given_the_vip_calls_when_offered_to_agent_1001_then_the_pop_answer_recording_and_wrap_up_work(
    desktop: Desktop,
) -> None:
    engine = desktop.engine
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    async with (
        desktop.signed_in("agent1001") as agent,
        desktop.signed_in("agent1002") as other,
        desktop.signed_in("supervisor") as supervisor,
        live_socket(desktop, agent) as agent_ws,
        live_socket(desktop, other) as other_ws,
        live_socket(desktop, supervisor) as sup_ws,
    ):
        snapshot = await next_message(agent_ws, "snapshot")
        assert snapshot["agent"]["state"] == "available"
        await next_message(other_ws, "snapshot")
        await next_message(sup_ws, "wallboard")

        await engine.simulator.place_call(
            SimulatedCaller(number="4155550100", digits=[(0.2, "1")], waits_to_be_heard=True, talk_s=None)
        )
        pop = await next_message(agent_ws, "CallOffered")
        assert pop["agent_id"] == "1001"
        assert pop["queue"] == "sales"
        assert pop["ivr_digits"] == ["1"]
        customer = pop["customer"]["matches"][0]
        assert customer["profile"]["display_name"] == "Wei Zhang"
        assert customer["profile"]["tier"] == "vip"
        assert any("peanut" in alert["text"].lower() for alert in customer["alerts"])

        board = await next_message(sup_ws, "wallboard", lambda m: _agent(m, "1001")["call"] is not None)
        assert _agent(board, "1001")["call"]["caller_number"] == "4155550100"

        assert (await agent.post("/api/agent/offer/accept")).status_code == 200
        await next_message(agent_ws, "CallConnected")
        paused = await agent.post("/api/agent/call/recording", json={"paused": True})
        assert paused.status_code == 200
        assert (await next_message(agent_ws, "RecordingPaused"))["paused"] is True

        for mode in ("whisper", "barge"):
            response = await supervisor.post("/api/supervisor/agents/1001/supervise", json={"mode": mode})
            assert response.status_code == 200, response.text
            await next_message(sup_ws, "SupervisionChanged", _mode_is(mode))
        assert (
            await supervisor.post("/api/supervisor/agents/1001/supervise", json={"mode": None})
        ).is_success
        audit = (await supervisor.get("/api/supervisor/audit?action=supervise")).json()
        assert [e["action"] for e in audit] == ["supervise.stop", "supervise.barge", "supervise.whisper"]
        assert audit[-1]["actor"] == "supervisor"
        assert audit[-1]["target"] == "agent:1001"
        assert audit[-1]["details"]["call"] == pop["uniqueid"]

        assert (await agent.post("/api/agent/call/hangup")).status_code == 200
        await next_message(agent_ws, "CallEnded")

        async def wrapped() -> int:
            response = await agent.post(
                "/api/agent/wrap-up",
                json={
                    "uniqueid": pop["uniqueid"],
                    "disposition": "resolved",
                    "sub_disposition": "order_placed",
                    "notes": "VIP reorder",
                },
            )
            return response.status_code

        status: list[int] = []

        async def wrapped_up() -> bool:  # the interaction is written just after the hangup
            status.append(await wrapped())
            return status[-1] == 200

        await wait_until(wrapped_up, what="the wrap-up accepted")
        with engine.contact_center.sessions() as session:
            mine = InteractionLog().recent(session, agent_id="1001")
        assert mine[0].disposition == "resolved/order_placed"
        assert mine[0].notes == "VIP reorder"
        history = (await agent.get("/api/agent/history")).json()
        assert history[0]["disposition"] == "resolved/order_placed"

        # Agent 1002 saw none of it: only its own snapshot and state.
        while True:
            try:
                message = await next_message(other_ws, "CallOffered", timeout=0.3)
            except TimeoutError:
                break
            raise AssertionError(f"agent 1002 received another agent's pop: {message}")


def _agent(board: dict[str, Any], agent_id: str) -> dict[str, Any]:
    return next(a for a in board["agents"] if a["agent_id"] == agent_id)


def _mode_is(mode: str) -> Callable[[dict[str, Any]], bool]:
    return lambda message: message["mode"] == mode


async def test_given_a_bad_disposition_when_wrapping_up_then_422_with_a_code(desktop: Desktop) -> None:
    async with desktop.signed_in("agent1002") as agent:
        response = await agent.post("/api/agent/wrap-up", json={"uniqueid": "x", "disposition": "bogus"})
        assert response.status_code == 422
        assert response.json()["code"] == "desktop.bad_disposition"


async def test_given_an_unknown_caller_card_when_creating_the_customer_then_it_is_found_by_number(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1003") as agent:
        made = await agent.post(
            "/api/customers", json={"display_name": "Ada New", "phone": "+1 415 555 0999"}
        )
        assert made.status_code == 201
        found = (await agent.get("/api/customers", params={"q": "4155550999"})).json()
        assert [c["display_name"] for c in found["items"]] == ["Ada New"]
        view = (await agent.get(f"/api/customers/{made.json()['id']}")).json()
        assert view["profile"]["display_name"] == "Ada New"
        bad = await agent.post("/api/customers", json={"display_name": "X", "phone": "12"})
        assert bad.status_code == 422
        assert bad.json()["code"] == "crm.invalid_phone"
