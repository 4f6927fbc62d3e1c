"""The simulated PBX core: live channels, event emission, hangups, and the dialplan runner.

Each channel that runs dialplan has one task executing :mod:`dialplan` steps in order
(``NoOp``, ``AGI``, ``Dial``, ``Hangup``, ``MusicOnHold``, ``Answer``, ``Wait``, ``ChanSpy``).
Anything that interrupts a channel (hangup, Redirect, BlindTransfer) sets a flag on the channel
and pokes it; the running application notices and returns.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

from callcenter.pbxsim import events as ev
from callcenter.pbxsim.actors import CustomerBehaviour, SimulatedAgentPhone, SimulatedFax
from callcenter.pbxsim.channels import (
    STATE_UP,
    UNKNOWN,
    Channel,
    ChannelNamer,
    DialplanLocation,
    Headers,
    device_of,
)
from callcenter.pbxsim.config import SimConfig
from callcenter.pbxsim.dialplan import default_dialplan, find_steps, substitute
from callcenter.pbxsim.expressions import ExpressionError, expand
from callcenter.pbxsim.timing import Timing

log = logging.getLogger(__name__)

Application = Callable[["Pbx", Channel, str], Coroutine[Any, Any, None]]


class Pbx:
    """Channel registry and dialplan execution, shared by the AMI actions and the actors."""

    def answer(self, endpoint: str) -> bool:
        """Answer a ringing "manual" phone (the demo desktop's Answer button)."""
        caller = self.ringing.get(endpoint)
        if caller is None:
            return False
        self.answered.add(endpoint)
        caller.wake.set()
        return True

    def __init__(self, config: SimConfig, timing: Timing, emit: Callable[[Headers], None]) -> None:
        self.config = config
        self.timing = timing
        self.emit = emit
        self.rng = random.Random(config.seed)
        self.namer = ChannelNamer(config.epoch)
        self.plan = default_dialplan(config)
        self.channels: dict[str, Channel] = {}
        self.applications: dict[str, Application] = {}
        self.phones: dict[str, SimulatedAgentPhone] = {}
        self.customers: dict[str, CustomerBehaviour] = {}
        self.fax_machines: dict[str, SimulatedFax] = {}  # by number, for SendFAX over the trunk
        # Phones with behaviour "manual": ringing ones, and those answered from outside.
        self.ringing: dict[str, Channel] = {}
        self.answered: set[str] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self.started = 0.0

    # -- bookkeeping -------------------------------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("pbxsim task failed", exc_info=task.exception())

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.channels.clear()

    def elapsed(self) -> float:
        return asyncio.get_running_loop().time() - self.started

    def new_channel(
        self,
        name: str,
        context: str,
        exten: str,
        *,
        state: int,
        linkedid: str | None = None,
        cid: tuple[str, str] = (UNKNOWN, UNKNOWN),
        uniqueid: str | None = None,
        emit: bool = True,
    ) -> Channel:
        uid = uniqueid or self.namer.uniqueid(self.elapsed())
        chan = Channel(
            name=name,
            uniqueid=uid,
            linkedid=linkedid or uid,
            device=device_of(name),
            context=context,
            exten=exten,
            state=state,
            cid_num=cid[0],
            cid_name=cid[1],
            created=asyncio.get_running_loop().time(),
        )
        self.channels[name] = chan
        if emit:
            self.emit(ev.channel_event("Newchannel", chan))
        return chan

    def current(self, chan: Channel) -> Channel:
        """The live channel of that name: after an AMI Bridge a clone replaces the yanked one."""
        return self.channels.get(chan.name, chan)

    def find(self, name: str) -> Channel | None:
        chan = self.channels.get(name)
        return chan if chan is not None and not chan.is_gone() else None

    def set_var(self, chan: Channel, name: str, value: str) -> None:
        chan.variables[name] = value
        self.emit(ev.var_set(chan, name, value))

    def set_state(self, chan: Channel, state: int) -> None:
        chan.state = state
        self.emit(ev.channel_event("Newstate", chan))

    def device_state(self, device: str, state: str) -> None:
        self.emit(ev.device_state(device, state))

    def lookup(self, chan: Channel) -> dict[str, str]:
        """What ``${...}`` can refer to on this channel."""
        return {
            **chan.variables,
            "EXTEN": chan.exten,
            "CONTEXT": chan.context,
            "CHANNEL": chan.name,
            "UNIQUEID": chan.uniqueid,
            "CALLERID(num)": chan.cid_num,
            "CALLERID(name)": chan.cid_name,
            "CALLERID(all)": f'"{chan.cid_name}" <{chan.cid_num}>',
        }

    # -- interruptions -----------------------------------------------------------------------
    def request_hangup(self, chan: Channel, cause: int, *, by: str, event: Headers | None) -> None:
        """Mark ``chan`` for hangup with the cause its final ``Hangup`` event will carry."""
        if chan.is_gone() or chan.hangup_cause is not None:
            return
        partner = chan.partner
        if partner is not None and not partner.is_gone() and partner.hangup_cause is None:
            # A Local pair goes down together, as recorded: ;2 SoftHangupRequest, ;1 HangupRequest.
            one, two = (chan, partner) if chan.name.endswith(";1") else (partner, chan)
            self.emit(ev.soft_hangup_request(two, 16))
            self.emit(ev.hangup_request(one, 0))
            for half in (one, two):
                half.hangup_cause, half.hangup_by, half.quiet_finish = 0, by, True
                half.poke()
            return
        if event is not None:
            self.emit(event)
        chan.hangup_cause = cause
        chan.hangup_by = by
        if chan.trace is not None and chan.trace.hung_up_by is None:
            chan.trace.hung_up_by = by
        chan.poke()

    def redirect(self, chan: Channel, target: DialplanLocation) -> None:
        chan.redirect_to = target
        chan.poke()

    def destroy(self, chan: Channel, cause: int, tech_cause: str | None = None) -> None:
        """Emit the final ``Hangup`` and forget the channel."""
        if chan.is_gone():
            return
        chan.ended = True
        self.emit(ev.hangup(chan, cause, tech_cause))
        self.channels.pop(chan.name, None)
        was_in_use = chan.state == STATE_UP or chan.device.startswith("Local/")
        if was_in_use and not any(c.device == chan.device for c in self.channels.values()):
            self.device_state(chan.device, "NOT_INUSE")
        if chan.trace is not None:
            if chan.trace.talk_started is not None and chan.trace.talk_ended is None:
                chan.trace.talk_ended = asyncio.get_running_loop().time()
            chan.trace.finished.set()
        chan.poke()

    def finish(self, chan: Channel, cause: int | None = None) -> None:
        """The end of a channel's dialplan: ``SoftHangupRequest`` then ``Hangup``."""
        if chan.is_gone():
            return
        if not chan.quiet_finish:
            self.emit(ev.soft_hangup_request(chan, 16))
        final = cause if cause is not None else (chan.hangup_cause if chan.hangup_cause is not None else 16)
        self.destroy(chan, final, chan.tech_cause)

    def app_started(self, chan: Channel) -> None:
        if chan.on_app_start is not None:
            hook, chan.on_app_start = chan.on_app_start, None
            hook()

    # -- dialplan ----------------------------------------------------------------------------
    async def run(self, chan: Channel, where: DialplanLocation) -> None:
        """Execute dialplan from ``where`` until the channel hangs up."""
        try:
            await self._run(chan, where)
        finally:
            if not chan.is_gone():
                self.finish(chan)

    def _expand(self, chan: Channel, text: str) -> str:
        try:
            return expand(text, self.lookup(chan))
        except ExpressionError as exc:  # Asterisk logs it and the expression is empty
            log.warning("pbxsim expression error", extra={"channel": chan.name, "error": str(exc)})
            return substitute(text, self.lookup(chan))

    async def _run(self, chan: Channel, where: DialplanLocation) -> None:
        chan.in_pbx = True
        while True:
            steps = find_steps(self.plan, where.context, where.exten)
            if steps is None:
                log.warning(
                    "pbxsim channel sent to invalid extension",
                    extra={"channel": chan.name, "context": where.context, "exten": where.exten},
                )
                self.finish(chan, 0)
                return
            chan.context, chan.exten = where.context, where.exten
            priority = where.priority
            while 1 <= priority <= len(steps):
                chan.priority = priority
                step = steps[priority - 1]
                data = self._expand(chan, step.data)
                chan.application, chan.app_data = step.application, data
                self.emit(ev.new_exten(chan, step.application, data))
                app = self.applications.get(step.application.lower())
                if step.application.lower() not in ("noop", "dial"):
                    self.app_started(chan)  # Dial calls it itself, once its variables are reset
                if app is not None:
                    await app(self, chan, data)
                if chan.is_gone():
                    return
                if chan.redirect_to is not None:
                    break
                if chan.hangup_cause is not None:
                    self.finish(chan)
                    return
                priority += 1
            if chan.redirect_to is None:
                self.finish(chan)
                return
            where, chan.redirect_to = chan.redirect_to, None
            chan.priority = where.priority
