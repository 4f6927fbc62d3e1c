"""``Dial(PJSIP/<endpoint>,<timeout>)``: ring a simulated agent phone and bridge on answer.

Event order follows ``inbound_redirect`` / ``agent_busy``: the DIAL* VarSets reset, Newchannel
of the callee, DialBegin, DialState RINGING, then either DialEnd ANSWER + BridgeCreate/Enter, or
DialEnd BUSY|NOANSWER|CANCEL. After a failed Dial the dialplan goes on (fact 9); after an answered
Dial ends, the caller is hung up.
"""

from __future__ import annotations

import asyncio
import uuid

from callcenter.pbxsim import events as ev
from callcenter.pbxsim.channels import STATE_DOWN, STATE_RINGING, STATE_UP, UNKNOWN, Channel, wait_any
from callcenter.pbxsim.pbx import Pbx

RESET_VARS = (
    "DIALSTATUS",
    "DIALEDPEERNUMBER",
    "DIALEDPEERNAME",
    "ANSWEREDTIME",
    "ANSWEREDTIME_MS",
    "DIALEDTIME",
    "DIALEDTIME_MS",
    "RINGTIME",
    "RINGTIME_MS",
    "PROGRESSTIME",
    "PROGRESSTIME_MS",
)


def new_callee(
    pbx: Pbx, endpoint: str, caller: Channel | None, cid: tuple[str, str], uniqueid: str | None = None
) -> Channel:
    """Newchannel, AppDial Newexten, NewCallerid, NewConnectedLine of an outgoing PJSIP leg.

    An Originate'd leg (no caller) keeps Exten ``s`` and runs ``AppDial2``, and its connected
    line is its own CallerID (inbound_bridge); a Dial'd one takes the endpoint as Exten.
    """
    app = "AppDial" if caller is not None else "AppDial2"
    callee = pbx.new_channel(
        pbx.namer.pjsip(endpoint),
        pbx.config.agent_context,
        "s",
        state=STATE_DOWN,
        linkedid=caller.linkedid if caller else None,
        uniqueid=uniqueid,
    )
    if caller is not None:
        pbx.set_var(callee, "DIALEDPEERNUMBER", endpoint)
    if caller is not None:
        callee.exten = endpoint
    callee.application, callee.app_data = app, "(Outgoing Line)"
    pbx.emit(ev.new_exten(callee, app, "(Outgoing Line)"))
    callee.cid_num, callee.cid_name = cid
    pbx.emit(
        ev.channel_event("NewCallerid", callee, ("CID-CallingPres", "0 (Presentation Allowed, Not Screened)"))
    )
    callee.conn_num, callee.conn_name = (caller.cid_num, caller.cid_name) if caller is not None else cid
    pbx.emit(ev.channel_event("NewConnectedLine", callee))
    return callee


async def dial_app(pbx: Pbx, caller: Channel, data: str) -> None:
    target, _, rest = data.partition(",")
    timeout, _, options = rest.partition(",")
    # "g": when the called party hangs up (or is moved away), the caller goes on in the dialplan.
    go_on = "g" in options
    endpoint = target.split("/", 1)[1] if "/" in target else target
    for name in RESET_VARS:
        pbx.set_var(caller, name, "")
    pbx.app_started(caller)
    if "@" in endpoint:
        number, _, trunk = endpoint.partition("@")
        await dial_trunk(pbx, caller, number, trunk, float(timeout or pbx.config.dial_timeout_s), go_on)
        return
    phone = pbx.phones.get(endpoint)
    if phone is None or phone.behaviour == "unavailable":
        pbx.set_var(caller, "DIALSTATUS", "CHANUNAVAIL")
        return
    agent = new_callee(pbx, endpoint, caller, (endpoint, UNKNOWN))
    pbx.emit(ev.dial("DialBegin", caller, agent, ("DialString", endpoint)))
    if phone.behaviour == "busy":
        await caller.pause(pbx.timing.wall(0.002))
        pbx.emit(ev.hangup_request(agent, 17, "486"))
        pbx.emit(ev.dial("DialEnd", caller, agent, ("DialStatus", "BUSY")))
        pbx.set_var(caller, "DIALSTATUS", "BUSY")
        caller.dial_cause, caller.dial_tech_cause = 17, "486"
        pbx.destroy(agent, 17, "486")
        return
    pbx.set_state(agent, STATE_RINGING)
    caller.conn_num, caller.conn_name = endpoint, UNKNOWN
    pbx.emit(ev.channel_event("NewConnectedLine", caller))
    pbx.device_state(agent.device, "RINGING")
    pbx.emit(ev.dial("DialState", caller, agent, ("DialStatus", "RINGING")))
    ring_s = (
        phone.answer_delay_s if phone.behaviour == "answer" else float(timeout or pbx.config.dial_timeout_s)
    )
    ring_s = min(ring_s, float(timeout or ring_s))
    if phone.behaviour == "manual":
        answered, interrupted = await _ring_until_answered(pbx, caller, endpoint, ring_s)
    else:
        answered, interrupted = phone.behaviour == "answer", await caller.pause(pbx.timing.wall(ring_s))
    if interrupted or not answered or agent.is_interrupted():
        status = "CANCEL" if interrupted else "NOANSWER"
        pbx.emit(ev.dial("DialEnd", caller, agent, ("DialStatus", status)))
        pbx.set_var(caller, "DIALSTATUS", status)
        caller.dial_cause = 19 if status == "NOANSWER" else None
        pbx.destroy(agent, 16 if interrupted else 0)
        return
    await _bridge_call(pbx, caller, agent, endpoint, phone.talk_s, go_on)


async def dial_trunk(
    pbx: Pbx, caller: Channel, number: str, trunk: str, timeout_s: float, go_on: bool = False
) -> None:
    """``Dial(PJSIP/<number>@<trunk>)``: an outside number (a customer's behaviour decides)."""
    behaviour = pbx.customers.get(number, "answer")
    callee = new_callee(pbx, trunk, caller, (number, UNKNOWN))
    callee.exten = number
    pbx.emit(ev.dial("DialBegin", caller, callee, ("DialString", f"{number}@{trunk}")))
    if behaviour == "busy":
        await caller.pause(pbx.timing.wall(0.5))
        pbx.emit(ev.hangup_request(callee, 17, "486"))
        pbx.emit(ev.dial("DialEnd", caller, callee, ("DialStatus", "BUSY")))
        pbx.set_var(caller, "DIALSTATUS", "BUSY")
        pbx.destroy(callee, 17, "486")
        return
    pbx.set_state(callee, STATE_RINGING)
    pbx.emit(ev.dial("DialState", caller, callee, ("DialStatus", "RINGING")))
    ring_s = 1.0 if behaviour == "answer" else timeout_s
    interrupted = await caller.pause(pbx.timing.wall(ring_s))
    if interrupted or behaviour != "answer" or callee.is_interrupted():
        status = "CANCEL" if interrupted else "NOANSWER"
        pbx.emit(ev.dial("DialEnd", caller, callee, ("DialStatus", status)))
        pbx.set_var(caller, "DIALSTATUS", status)
        pbx.destroy(callee, 16 if interrupted else 0)
        return
    await _bridge_call(pbx, caller, callee, trunk, None, go_on)


async def _ring_until_answered(pbx: Pbx, caller: Channel, endpoint: str, ring_s: float) -> tuple[bool, bool]:
    """A phone answered from outside (the demo desktop): ring until ``Pbx.answer`` or the timeout.

    Returns (answered, caller interrupted)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + pbx.timing.wall(ring_s)
    pbx.ringing[endpoint] = caller
    try:
        while endpoint not in pbx.answered:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False, False
            if await caller.pause(remaining):
                return False, True
        return True, False
    finally:
        pbx.ringing.pop(endpoint, None)
        pbx.answered.discard(endpoint)


async def _bridge_call(
    pbx: Pbx, caller: Channel, agent: Channel, endpoint: str, talk_s: float | None, go_on: bool = False
) -> None:
    bridge = _enter_bridge(pbx, caller, agent, endpoint)
    loop = asyncio.get_running_loop()
    answered = loop.time()
    if caller.trace is not None:
        caller.trace.agent = endpoint
        caller.trace.talk_started = answered
        caller.trace.bridged.set()
    if talk_s is not None:
        pbx.spawn(_agent_hangs_up_after(pbx, agent, talk_s))
    moved_away = await _talk(caller, agent, bridge, go_on)
    if caller.trace is not None:
        caller.trace.talk_ended = loop.time()
        if not caller.is_interrupted() and caller.trace.hung_up_by is None:
            caller.trace.hung_up_by = agent.hangup_by or "agent"
    _leave_bridge(pbx, caller, agent, bridge, moved_away)
    talk_ms = int((loop.time() - answered) / (pbx.timing.time_scale or 1.0) * 1000)
    _after_bridge(pbx, caller, agent, talk_ms, moved_away, go_on)


def _enter_bridge(pbx: Pbx, caller: Channel, agent: Channel, endpoint: str) -> ev.BridgeInfo:
    """The agent answers: dial ends, both legs enter a new bridge."""
    pbx.set_state(agent, STATE_UP)
    pbx.set_var(caller, "DIALSTATUS", "ANSWER")
    pbx.set_var(caller, "DIALEDPEERNAME", agent.name)
    pbx.set_var(caller, "DIALEDPEERNUMBER", endpoint)
    pbx.emit(ev.dial("DialEnd", caller, agent, ("DialStatus", "ANSWER")))
    bridge = ev.BridgeInfo(str(uuid.UUID(int=pbx.rng.getrandbits(128), version=4)))
    pbx.emit(ev.bridge_event("BridgeCreate", bridge, 0))
    agent.exten = ""
    pbx.emit(ev.new_exten(agent, "AppDial", "(Outgoing Line)"))
    agent.bridge_id = caller.bridge_id = bridge.uniqueid
    pbx.emit(ev.bridge_event("BridgeEnter", bridge, 1, agent))
    pbx.emit(ev.bridge_event("BridgeEnter", bridge, 2, caller))
    pbx.set_var(agent, "BRIDGEPEER", caller.name)
    pbx.set_var(caller, "BRIDGEPEER", agent.name)
    pbx.device_state(agent.device, "INUSE")
    return bridge


async def _talk(caller: Channel, agent: Channel, bridge: ev.BridgeInfo, go_on: bool) -> bool:
    """Wait while the two talk; answers whether the agent was moved into another bridge."""

    def agent_here() -> bool:
        return agent.bridge_id == bridge.uniqueid and not agent.is_interrupted() and not agent.is_gone()

    moved_away = False
    while not caller.is_interrupted() and not caller.is_gone():
        if not agent_here():
            # Moved into another bridge (AMI Bridge): the caller stays alone until it hangs up.
            moved_away = agent.bridge_id not in ("", bridge.uniqueid) and not agent.is_gone()
            if not moved_away or go_on:
                break
            await wait_any([caller], None)
            continue
        await wait_any([caller, agent], None)
    return moved_away


def _leave_bridge(pbx: Pbx, caller: Channel, agent: Channel, bridge: ev.BridgeInfo, moved_away: bool) -> None:
    # The side that left first leaves the bridge first.
    first, second = (agent, caller) if agent.is_interrupted() or agent.is_gone() else (caller, agent)
    if moved_away:
        first, second = caller, caller
    for chan in (agent, caller):
        if not chan.is_gone():
            pbx.set_var(chan, "BRIDGEPEER", "")
    for count, chan in ((1, first), (0, second))[: 1 if moved_away else 2]:
        if not chan.is_gone():
            pbx.emit(ev.bridge_event("BridgeLeave", bridge, 0 if moved_away else count, chan))
        chan.bridge_id = ""
    pbx.emit(ev.bridge_event("BridgeDestroy", bridge, 0))


def _after_bridge(
    pbx: Pbx, caller: Channel, agent: Channel, talk_ms: int, moved_away: bool, go_on: bool
) -> None:
    """Redirected legs run dialplan elsewhere; otherwise the caller goes on or the call ends."""
    if agent.redirect_to is not None and agent.hangup_cause is None and not agent.is_gone():
        # Redirected too (Redirect with ExtraChannel): the called leg runs dialplan from there.
        where, agent.redirect_to = agent.redirect_to, None
        pbx.spawn(pbx.run(agent, where))
        if caller.redirect_to is not None:
            return
    elif caller.redirect_to is not None and caller.hangup_cause is None:
        if not moved_away:
            pbx.destroy(agent, 16)  # BlindTransfer / Redirect of the caller: the agent leg ends
        return
    if go_on and not caller.is_interrupted() and not caller.is_gone():
        if not moved_away:
            pbx.destroy(agent, 16)
        return  # the caller's dialplan goes on at the next priority
    for name, value in (("ANSWEREDTIME", str(talk_ms // 1000)), ("ANSWEREDTIME_MS", str(talk_ms))):
        pbx.set_var(caller, name, value)
    pbx.set_var(caller, "DIALSTATUS", "ANSWER")
    pbx.finish(caller, 16)
    if not moved_away:
        pbx.destroy(agent, 16)


async def _agent_hangs_up_after(pbx: Pbx, agent: Channel, talk_s: float) -> None:
    await pbx.timing.sleep(talk_s)
    if not agent.is_gone():
        pbx.request_hangup(agent, 16, by="agent", event=None)
