"""Listen, whisper and barge: a supervisor's phone leg running ChanSpy on an agent's channel.

The supervisor's phone is rung with :meth:`callcenter.pbx.PbxPort.spy` (Asterisk: an ``Originate``
into ChanSpy, see :mod:`callcenter.asterisk.pbx_adapter`); the outcome arrives as
``OriginateResponse`` carrying the supervisor's channel name.

One ring per intervention: the keys 4, 5 and 6 switch the running spy to listen, whisper and barge
(ChanSpy option ``d``, app_chanspy.c ``change_spy_mode``). A mode change from the console is
:meth:`~callcenter.pbx.PbxPort.switch_spy`: the key is queued on the leg as if the supervisor's
phone had sent it, ChanSpy reads it and switches — no new ring, no hangup, no new ChanSpyStart.
Only once ``ChanSpyStart`` names the leg: before, ChanSpy waits 100 ms for a digit of its own
(``ast_waitfordigit`` in ``common_exec``) and would eat it. (A Redirect would end ChanSpy.)
Spying on another agent, or stopping, hangs the leg up.

With option ``d`` the supervisor's own phone switches modes too (keys 4, 5, 6). Such a switch
shows only as a ``DTMFEnd`` (``Direction: Received``) on the leg that the engine did not send:
it is reported to :meth:`Supervision.watch_phone_switches` so that it is published and audited
like one from the console (the AMI user needs the ``dtmf`` read class).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from callcenter.asterisk import ami_events as ev
from callcenter.pbx import SPY_MODE_KEYS, SPY_MODE_OF_KEY, PbxPort, PbxRefused, SpyMode

log = logging.getLogger(__name__)

__all__ = ["PhoneSwitch", "SpyMode", "Supervision"]
# (supervisor, the spied channel, the mode they switched to on their phone)
PhoneSwitch = Callable[[str, str, SpyMode], None]


@dataclass
class _Leg:
    """One supervisor's spy leg. ``channel`` is None until the OriginateResponse names it;
    ``mode`` is what ChanSpy runs in, ``wanted`` what the supervisor last asked for."""

    action_id: str
    spied: str
    mode: SpyMode
    wanted: SpyMode
    channel: str | None = None
    spying: bool = False  # between ChanSpyStart and ChanSpyStop: ChanSpy reads the mode digits
    sent: deque[str] = field(default_factory=lambda: deque(maxlen=8))  # our digits not yet seen back


class Supervision:
    def __init__(self, pbx: PbxPort, channel_of: Callable[[str], str]) -> None:
        """``channel_of(supervisor)``: the phone rung for them (desk or browser phone)."""
        self._pbx = pbx
        self._channel_of = channel_of
        self._legs: dict[str, _Leg] = {}  # supervisor -> their leg
        self._abandoned: set[str] = set()  # ActionIDs of legs stopped before they answered
        self._tasks: set[asyncio.Task[Any]] = set()
        self._count = 0
        self._phone_switch: PhoneSwitch | None = None

    def watch_phone_switches(self, report: PhoneSwitch) -> None:
        """``report`` is called when a supervisor switches mode with their phone's keys."""
        self._phone_switch = report

    def on_ami_event(self, event: ev.AmiEvent) -> None:
        if isinstance(event, ev.OriginateResponse):
            self._on_originate_response(event)
        elif isinstance(event, ev.ChanSpyStart | ev.ChanSpyStop):
            self._on_spying(event.spyer.channel, isinstance(event, ev.ChanSpyStart))
        elif isinstance(event, ev.DtmfEnd) and event.direction == "Received":
            self._on_digit(event.channel.channel, event.digit)
        elif isinstance(event, ev.Hangup):
            for supervisor, leg in list(self._legs.items()):
                if leg.channel == event.channel.channel:
                    del self._legs[supervisor]

    def _on_spying(self, channel: str, spying: bool) -> None:
        for supervisor, leg in self._legs.items():
            if leg.channel == channel:
                leg.spying = spying
                if spying and leg.wanted != leg.mode:  # changed while the phone rang or ChanSpy started
                    self._spawn(self._switch(supervisor, leg))

    def _on_digit(self, channel: str, digit: str) -> None:
        supervisor, leg = next(
            ((s, leg) for s, leg in self._legs.items() if leg.channel == channel), (None, None)
        )
        if supervisor is None or leg is None or not leg.spying or digit not in SPY_MODE_OF_KEY:
            return
        if leg.sent and leg.sent[0] == digit:
            leg.sent.popleft()  # our own PlayDTMF
            return
        leg.mode = leg.wanted = SPY_MODE_OF_KEY[digit]
        log.info("supervisor switched on their phone", extra={"supervisor": supervisor, "mode": leg.mode})
        if self._phone_switch is not None:
            self._phone_switch(supervisor, leg.spied, leg.mode)

    def _on_originate_response(self, event: ev.OriginateResponse) -> None:
        if event.action_id in self._abandoned:
            self._abandoned.discard(event.action_id)
            if event.success:  # stopped while it rang: hang it up now that it has a name
                self._spawn(self._hang_up(event.channel))
            return
        supervisor, leg = next(
            ((s, leg) for s, leg in self._legs.items() if leg.action_id == event.action_id), (None, None)
        )
        if supervisor is None or leg is None:
            return
        if not event.success:
            del self._legs[supervisor]
            log.warning("supervisor leg failed", extra={"supervisor": supervisor, "reason": event.reason})
            return
        leg.channel = event.channel

    def leg_of(self, supervisor: str) -> str | None:
        leg = self._legs.get(supervisor)
        return leg.channel if leg is not None else None

    def is_spying(self, supervisor: str) -> bool:
        leg = self._legs.get(supervisor)
        return leg is not None and leg.spying

    async def start(self, supervisor: str, agent_channel: str, mode: SpyMode) -> None:
        leg = self._legs.get(supervisor)
        if leg is not None and leg.spied == agent_channel:
            leg.wanted = mode
            if not leg.spying or leg.mode == mode:
                return  # ringing, or ChanSpy not reading digits yet: switched at ChanSpyStart
            if await self._switch(supervisor, leg):
                return
        await self.stop(supervisor)
        await self._originate(supervisor, agent_channel, mode)

    async def _switch(self, supervisor: str, leg: _Leg) -> bool:
        """Send the wanted mode's digit to the leg; False when the leg is gone."""
        wanted, channel = leg.wanted, leg.channel
        assert channel is not None
        leg.sent.append(SPY_MODE_KEYS[wanted])  # before sending: its DTMFEnd may come before the reply
        try:
            await self._pbx.switch_spy(channel, wanted)
        except PbxRefused:  # hung up before its Hangup event reached us
            if self._legs.get(supervisor) is leg:
                del self._legs[supervisor]
            log.info("supervisor leg gone", extra={"supervisor": supervisor, "leg": channel})
            return False
        leg.mode = wanted
        log.info("supervisor leg switched", extra={"supervisor": supervisor, "leg": channel, "mode": wanted})
        return True

    async def _originate(self, supervisor: str, agent_channel: str, mode: SpyMode) -> None:
        self._count += 1
        # Registered before sending: the OriginateResponse can arrive in the same read as the reply.
        leg = _Leg(f"spy-{self._count}", agent_channel, mode, mode)
        self._legs[supervisor] = leg
        try:
            await self._pbx.spy(self._channel_of(supervisor), agent_channel, mode, leg.action_id)
        except Exception:
            if self._legs.get(supervisor) is leg:
                del self._legs[supervisor]
            raise
        log.info(
            "supervisor leg requested", extra={"supervisor": supervisor, "spied": agent_channel, "mode": mode}
        )

    async def stop(self, supervisor: str) -> None:
        leg = self._legs.pop(supervisor, None)
        if leg is None:
            return
        if leg.channel is None:
            self._abandoned.add(leg.action_id)
        else:
            await self._hang_up(leg.channel)

    async def _hang_up(self, channel: str) -> None:
        try:
            await self._pbx.hangup(channel)
        except PbxRefused:  # already gone: that is what was wanted
            log.info("supervisor leg already gone", extra={"leg": channel})

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("supervisor leg action failed", exc_info=task.exception())
