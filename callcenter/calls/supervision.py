"""Listen, whisper and barge: a supervisor's phone leg running ChanSpy on an agent's channel.

Recorded with Asterisk 22: ``Originate`` of the supervisor's channel with
``Application: ChanSpy`` and ``Data: PJSIP/agent-1001-00000007,qw``; the outcome arrives as
``OriginateResponse`` carrying the supervisor's channel name. Switching mode hangs up the
old leg and originates a new one with the new options (portable; no DTMF mode tricks).
"""

from __future__ import annotations

import logging
from typing import Literal

from callcenter.asterisk import ami_events as ev
from callcenter.asterisk.ami_client import AmiClient

log = logging.getLogger(__name__)

# q: no beep when spying starts; w: whisper to the agent only; B: barge (talk to both sides).
CHANSPY_OPTIONS: dict[str, str] = {"listen": "q", "whisper": "qw", "barge": "qB"}


class Supervision:
    def __init__(self, ami: AmiClient, channel_template: str) -> None:
        self._ami = ami
        self._template = channel_template
        self._pending: dict[str, str] = {}  # ActionID -> supervisor
        self._legs: dict[str, str] = {}  # supervisor -> their spy channel
        self._count = 0

    def on_ami_event(self, event: ev.AmiEvent) -> None:
        if isinstance(event, ev.OriginateResponse):
            supervisor = self._pending.pop(event.action_id, None)
            if supervisor is not None and event.success:
                self._legs[supervisor] = event.channel
            elif supervisor is not None:
                log.warning("supervisor leg failed", extra={"supervisor": supervisor, "reason": event.reason})
        elif isinstance(event, ev.Hangup):
            for supervisor, channel in list(self._legs.items()):
                if channel == event.channel.channel:
                    del self._legs[supervisor]

    def leg_of(self, supervisor: str) -> str | None:
        return self._legs.get(supervisor)

    async def start(
        self, supervisor: str, agent_channel: str, mode: Literal["listen", "whisper", "barge"]
    ) -> None:
        await self.stop(supervisor)
        self._count += 1
        # Registered before sending: the OriginateResponse can arrive in the same read as the reply.
        action_id = f"spy-{self._count}"
        self._pending[action_id] = supervisor
        try:
            await self._ami.originate(
                self._template.format(supervisor=supervisor),
                application="ChanSpy",
                data=f"{agent_channel},{CHANSPY_OPTIONS[mode]}",
                async_=True,
                action_id=action_id,
            )
        except Exception:
            self._pending.pop(action_id, None)
            raise
        log.info(
            "supervisor leg requested", extra={"supervisor": supervisor, "spied": agent_channel, "mode": mode}
        )

    async def stop(self, supervisor: str) -> None:
        channel = self._legs.pop(supervisor, None)
        if channel is not None:
            await self._ami.hangup(channel)
