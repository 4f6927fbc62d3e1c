"""The facade: ``PbxSimulator(SimConfig)`` — start it, point the engine at ``ami_port``, place calls.

sim = PbxSimulator(SimConfig(agi_port=4573, time_scale=0.01))
await sim.start()
sim.add_agent_phone(SimulatedAgentPhone("agent-1001"))
handle = await sim.place_call(SimulatedCaller(digits=[(3.0, "1")]))
outcome = await handle.finished(timeout=5)
await sim.stop()
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from callcenter.pbxsim import phone_actions
from callcenter.pbxsim.actors import (
    AgentBehaviour,
    CustomerBehaviour,
    SimulatedAgentPhone,
    SimulatedCaller,
    SimulatedFax,
)
from callcenter.pbxsim.agi_client import agi_app
from callcenter.pbxsim.ami_actions import CallActions
from callcenter.pbxsim.ami_server import AmiServer
from callcenter.pbxsim.apps import BASIC_APPLICATIONS
from callcenter.pbxsim.caller_driver import caller_hangs_up, press, start_inbound_call
from callcenter.pbxsim.channels import STATE_DESC, CallTrace, Channel, Headers
from callcenter.pbxsim.config import SimConfig
from callcenter.pbxsim.dial import dial_app
from callcenter.pbxsim.fax import receive_fax_app, send_fax_app
from callcenter.pbxsim.goto_apps import GOTO_APPLICATIONS
from callcenter.pbxsim.pbx import Pbx
from callcenter.pbxsim.timing import Timing

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CallOutcome:
    agent: str | None
    talk_time_s: float | None
    hung_up_by: str | None
    prompts: tuple[str, ...]
    agi_commands: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChannelSnapshot:
    name: str
    uniqueid: str
    state: str
    context: str
    exten: str
    application: str
    bridge_id: str
    spy_mode: str = ""  # listen, whisper or barge while ChanSpy runs on the channel


class SimulatedCallHandle:
    """One placed call: its channel, and its outcome once finished."""

    def __init__(self, chan: Channel, trace: CallTrace, timing: Timing, caller: Pbx) -> None:
        self.channel = chan.name
        self.uniqueid = chan.uniqueid
        self._chan = chan
        self._trace = trace
        self._timing = timing
        self._pbx = caller

    @property
    def done(self) -> bool:
        return self._trace.finished.is_set()

    @property
    def outcome(self) -> CallOutcome:
        t = self._trace
        talk = None
        if t.talk_started is not None:
            end = t.talk_ended if t.talk_ended is not None else asyncio.get_running_loop().time()
            talk = (end - t.talk_started) / (self._timing.time_scale or 1.0)
        return CallOutcome(t.agent, talk, t.hung_up_by, tuple(t.prompts), tuple(t.agi_commands))

    async def finished(self, wait_s: float | None = None) -> CallOutcome:
        """Wait up to ``wait_s`` wall seconds until the call's channel is gone."""
        await asyncio.wait_for(self._trace.finished.wait(), wait_s)
        return self.outcome

    def hang_up(self) -> None:
        """The caller hangs up now."""
        caller_hangs_up(self._pbx, self._chan)

    async def press(self, digit: str) -> None:
        """The caller presses ``digit`` now: AMI DTMFBegin/DTMFEnd always, the AGI sees it only while
        the running command collects digits (not during EXEC MusicOnHold, fact 12)."""
        await press(self._pbx, self._chan, digit)


class PbxSimulator:
    """AMI server + FastAGI client + simulated people, all on the running event loop."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.timing = Timing(config.time_scale)
        self.pbx = Pbx(config, self.timing, self._emit)
        self.pbx.applications.update(BASIC_APPLICATIONS)
        self.pbx.applications.update(GOTO_APPLICATIONS)
        self.pbx.applications["agi"] = agi_app
        self.pbx.applications["dial"] = dial_app
        self.pbx.applications["receivefax"] = receive_fax_app
        self.pbx.applications["sendfax"] = send_fax_app
        self._ami = self._new_ami(config.ami_port)
        self._traffic: asyncio.Task[None] | None = None
        self._handles: list[SimulatedCallHandle] = []

    def _new_ami(self, port: int) -> AmiServer:
        c = self.config
        return AmiServer(
            c.ami_host,
            port,
            c.ami_username,
            c.ami_secret,
            c.ami_permit,
            self.timing,
            c.login_failure_delay_s,
            CallActions(self.pbx),
            lambda: len(self.pbx.channels),
        )

    def _emit(self, headers: Headers) -> None:
        self._ami.broadcast(headers)

    @property
    def ami_port(self) -> int:
        return self._ami.port

    async def start(self) -> None:
        self.pbx.started = asyncio.get_running_loop().time()
        await self._ami.start()

    async def stop(self) -> None:
        self.stop_traffic_nowait()
        if self._traffic is not None:
            await asyncio.gather(self._traffic, return_exceptions=True)
            self._traffic = None
        await self._ami.stop()
        await self.pbx.close()

    # -- AMI listener hooks ------------------------------------------------------------------
    async def stop_ami(self) -> None:
        """Drop AMI sessions and stop listening; calls and AGI sessions live on."""
        await self._ami.stop()

    async def start_ami(self) -> None:
        """Listen again on the same port."""
        self._ami = self._new_ami(self._ami.port)
        await self._ami.start()

    async def restart_ami(self) -> None:
        await self.stop_ami()
        await self.start_ami()

    async def shutdown_asterisk(self, restart: bool = True) -> None:
        """``core stop now``: ``Event: Shutdown`` then EOF; every call is lost."""
        self._emit(
            [
                ("Event", "Shutdown"),
                ("Privilege", "system,all"),
                ("Shutdown", "Cleanly"),
                ("Restart", "False"),
            ]
        )
        await self._ami.stop()
        for chan in list(self.pbx.channels.values()):
            if chan.trace is not None and chan.trace.hung_up_by is None:
                chan.trace.hung_up_by = "pbx"
        traces = [c.trace for c in self.pbx.channels.values() if c.trace is not None]
        await self.pbx.close()
        for trace in traces:
            trace.finished.set()
        if restart:
            await self.start_ami()

    # -- people --------------------------------------------------------------------------------
    def add_agent_phone(self, phone: SimulatedAgentPhone) -> None:
        self.pbx.phones[phone.endpoint] = phone

    def remove_agent_phone(self, endpoint: str) -> None:
        self.pbx.phones.pop(endpoint, None)

    def set_agent_behaviour(
        self,
        endpoint: str,
        behaviour: AgentBehaviour | None = None,
        answer_delay_s: float | None = None,
        talk_s: float | None = None,
    ) -> None:
        phone = self.pbx.phones.get(endpoint, SimulatedAgentPhone(endpoint))
        changes: dict[str, object] = {}
        if behaviour is not None:
            changes["behaviour"] = behaviour
        if answer_delay_s is not None:
            changes["answer_delay_s"] = answer_delay_s
        if talk_s is not None:
            changes["talk_s"] = talk_s
        self.pbx.phones[endpoint] = dataclasses.replace(phone, **changes)  # type: ignore[arg-type]

    def answer_phone(self, endpoint: str) -> bool:
        """Answer the ringing phone of ``endpoint`` (behaviour "manual"); False if it is not ringing."""
        return self.pbx.answer(endpoint)

    def hold_phone(self, endpoint: str, on: bool) -> bool:
        """The agent's phone holds / resumes its call; False if it is not on a call."""
        return phone_actions.hold(self.pbx, endpoint, on)

    def phone_dtmf(self, endpoint: str, digits: str) -> bool:
        """The agent's phone sends DTMF into its call; False if it is not on a call."""
        return phone_actions.send_dtmf(self.pbx, endpoint, digits)

    def press_on_channel(self, channel: str, digit: str) -> bool:
        """The phone of ``channel`` (a supervisor's spy leg, say) sends one RFC 4733 digit;
        False if there is no such channel."""
        chan = self.pbx.find(channel)
        if chan is None:
            return False
        self.pbx.spawn(self._press_once(chan, digit))
        return True

    async def _press_once(self, chan: Channel, digit: str) -> None:
        await press(self.pbx, chan, digit)

    def set_customer_behaviour(self, number: str, behaviour: CustomerBehaviour) -> None:
        self.pbx.customers[number] = behaviour

    async def place_call(self, caller: SimulatedCaller) -> SimulatedCallHandle:
        chan, trace = start_inbound_call(self.pbx, caller)
        handle = SimulatedCallHandle(chan, trace, self.timing, self.pbx)
        self._handles = [h for h in self._handles if not h.done]
        self._handles.append(handle)
        return handle

    async def place_fax_call(self, fax: SimulatedFax) -> SimulatedCallHandle:
        """A fax machine calls ``fax.dialed``; it hangs up once its transfer ended."""
        caller = SimulatedCaller(number=fax.number, name=fax.station_id or fax.number, dialed=fax.dialed)
        caller = dataclasses.replace(caller, patience_s=fax.transfer_s + 600.0)
        handle = await self.place_call(caller)
        handle._chan.fax = fax
        return handle

    def set_fax_machine(self, number: str, fax: SimulatedFax) -> None:
        """A fax machine answers calls to ``number`` (SendFAX over the trunk reaches it)."""
        self.pbx.fax_machines[number] = fax

    def channels(self) -> list[ChannelSnapshot]:
        return [
            ChannelSnapshot(
                c.name,
                c.uniqueid,
                STATE_DESC[c.state],
                c.context,
                c.exten,
                c.application,
                c.bridge_id,
                c.spy.mode if c.spy is not None else "",
            )
            for c in self.pbx.channels.values()
            if not c.is_gone()
        ]

    # -- demo traffic --------------------------------------------------------------------------
    def start_traffic(
        self, arrival_rate_per_s: float, caller_factory: Callable[[random.Random], SimulatedCaller]
    ) -> None:
        """Poisson arrivals (seeded) of callers made by ``caller_factory``."""
        self.stop_traffic_nowait()
        rng = random.Random(self.config.seed)
        self._traffic = asyncio.get_running_loop().create_task(
            self._arrivals(arrival_rate_per_s, caller_factory, rng)
        )

    async def stop_traffic(self) -> None:
        self.stop_traffic_nowait()
        if self._traffic is not None:
            await asyncio.gather(self._traffic, return_exceptions=True)
            self._traffic = None

    def stop_traffic_nowait(self) -> None:
        if self._traffic is not None:
            self._traffic.cancel()

    async def _arrivals(
        self, rate: float, factory: Callable[[random.Random], SimulatedCaller], rng: random.Random
    ) -> None:
        while True:
            await self.timing.sleep(rng.expovariate(rate))
            await self.place_call(factory(rng))
