"""FastAGI routes for voice calls: ``ivr`` (a caller arrives) and ``connect-failed``.

The walking-skeleton IVR answers, plays a greeting, reads one digit (1 sales, 2 support,
anything else or nothing: the default queue) and queues the caller, who then waits on
music on hold inside the AGI session. The IVR flow interpreter replaces the menu part.

The connect context of the dialplan hands a caller back here when the agent's phone was
busy or did not answer (``AGI(agi://engine/connect-failed,${DIALSTATUS},${EXTEN})``):
the caller goes back to the queue at the original place and waits again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from callcenter.asterisk.errors import AgiChannelGone, AgiError
from callcenter.asterisk.fastagi import AgiSession
from callcenter.calls.registry import CallPhase, LiveCall
from callcenter.calls.service import CallService, Clock, hold_until_moved

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SkeletonMenu:
    greeting_prompt: str = "hello-world"
    digit_timeout_ms: int = 5000
    queues_by_digit: Mapping[str, str] = field(default_factory=lambda: {"1": "sales", "2": "support"})
    default_queue: str = "general"
    hold_class: str = "default"
    hold_segment_s: int = 20


class InboundCalls:
    def __init__(self, service: CallService, clock: Clock, menu: SkeletonMenu) -> None:
        self._service = service
        self._clock = clock
        self._menu = menu

    async def on_ivr(self, session: AgiSession) -> None:
        env = session.env
        call = self._service.calls.add(
            LiveCall(
                uniqueid=env.uniqueid,
                channel=env.channel,
                caller_number=env.callerid,
                caller_name=env.calleridname,
                dialed=env.args[0] if env.args else env.extension,
                started_at=self._clock(),
            )
        )
        log.info("caller entered the IVR", extra={"uniqueid": call.uniqueid, "caller": call.caller_number})
        try:
            queue = await self._menu_choice(session, call)
        except AgiChannelGone:
            await self._service.channel_hung_up(call.channel)
            return
        except AgiError:
            # Our IVR broke, not the caller: never leave them in silence, queue them.
            log.exception(
                "IVR failed; sending the caller to the default queue", extra={"uniqueid": call.uniqueid}
            )
            queue = self._menu.default_queue
        await self._service.enqueue(call, queue)
        await self._hold(session, call)

    async def _menu_choice(self, session: AgiSession, call: LiveCall) -> str:
        await session.answer()
        played = await session.stream_file(self._menu.greeting_prompt, "0123456789#*")
        digit = played.digit or await session.wait_for_digit(self._menu.digit_timeout_ms)
        if digit:
            call.ivr_digits.append(digit)
        return self._menu.queues_by_digit.get(digit or "", self._menu.default_queue)

    async def _hold(self, session: AgiSession, call: LiveCall) -> None:
        async def one_segment() -> int:
            return await session.exec(
                "MusicOnHold",
                f"{self._menu.hold_class},{self._menu.hold_segment_s}",
                timeout=self._menu.hold_segment_s + 30.0,
            )

        await hold_until_moved(one_segment, call)

    async def on_connect_failed(self, session: AgiSession) -> None:
        env = session.env
        dial_status = env.args[0] if env.args else "UNKNOWN"
        call = self._service.calls.get(env.uniqueid)
        if call is None:
            # Not a call we know (engine restarted?): the safe path is a queue, never a hangup.
            call = self._service.calls.add(
                LiveCall(
                    uniqueid=env.uniqueid,
                    channel=env.channel,
                    caller_number=env.callerid,
                    caller_name=env.calleridname,
                    dialed=env.extension,
                    started_at=self._clock(),
                )
            )
            log.warning("unknown call handed back; queueing it", extra={"uniqueid": call.uniqueid})
            await self._service.enqueue(call, self._menu.default_queue)
        else:
            call.phase = CallPhase.QUEUED
            await self._service.agent_dial_failed(call, dial_status)
        await self._hold(session, call)
