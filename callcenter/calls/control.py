"""The call-control port (Asterisk actions the call logic needs) and its AMI adapter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from callcenter.calls.handback import HANDBACK_VARIABLE
from callcenter.settings import DialplanSettings

if TYPE_CHECKING:
    from callcenter.asterisk.ami_client import AmiClient


class CallControl(Protocol):
    @property
    def ready(self) -> bool:
        """False while Asterisk is unreachable: no point offering callers to agents then."""

    async def connect_to_agent(self, caller_channel: str, agent_id: str, handback: str) -> None:
        """Move the caller to the connect context, which Dials the agent's endpoint. ``handback``
        (:mod:`callcenter.calls.handback`) is left on the caller's channel first, for whichever
        engine the connect context hands the caller back to."""

    async def hangup(self, channel: str) -> None: ...

    async def start_recording(self, channel: str, uniqueid: str) -> str:
        """Start MixMonitor on ``channel``; returns the recording's path (on the Asterisk host)."""

    async def mute_recording(self, channel: str, muted: bool) -> None: ...

    async def move_to_transfer(self, caller_channel: str) -> None:
        """Take the caller out of the agent's bridge to the engine's ``transfer`` FastAGI route
        (the agent's leg ends); from there the caller is queued again or dialed onward."""

    async def start_consult(self, caller_channel: str, agent_channel: str, target: str) -> None:
        """Consultation: the caller goes on hold in the engine's ``transfer`` route while the agent's
        own leg dials ``target`` (an agent's endpoint or a number) from the consult context."""

    async def bridge(self, channel1: str, channel2: str) -> None:
        """Join two channels (either may be waiting in AGI or be in a bridge already)."""

    async def dial_out(self, agent_id: str, number: str, channel_id: str, caller_id: str) -> None:
        """Click-to-dial: ring the agent's own phone (its channel gets ``channel_id`` as Uniqueid);
        when it answers, it dials ``number`` over the outbound trunk."""


def agent_endpoint(dialplan: DialplanSettings, agent_id: str) -> str:
    return dialplan.agent_endpoint_template.format(agent=agent_id)


def agent_id_from_endpoint(dialplan: DialplanSettings, endpoint: str) -> str | None:
    prefix, _, suffix = dialplan.agent_endpoint_template.partition("{agent}")
    if (
        endpoint.startswith(prefix)
        and endpoint.endswith(suffix)
        and len(endpoint) > len(prefix) + len(suffix)
    ):
        return endpoint[len(prefix) : len(endpoint) - len(suffix)]
    return None


def endpoint_of_channel(channel: str) -> str:
    """``PJSIP/agent-1001-00000007`` → ``agent-1001`` (the PJSIP channel suffix is 8 hex digits)."""
    _, _, rest = channel.partition("/")
    name, sep, suffix = rest.rpartition("-")
    return name if sep and len(suffix) == 8 else rest


class AmiCallControl:
    """Call control over one AMI connection owner.

    A Redirect of a channel inside AGI ends its running AGI command with ``200 result=-1``;
    the caller reaches the connect context only after our FastAGI handler returns.
    """

    def __init__(self, ami: AmiClient, dialplan: DialplanSettings) -> None:
        self._ami = ami
        self._dialplan = dialplan

    @property
    def ready(self) -> bool:
        return self._ami.connected

    async def connect_to_agent(self, caller_channel: str, agent_id: str, handback: str) -> None:
        # Redirect has no Variable header: one Setvar first (it also answers "No such channel").
        await self._ami.setvar(caller_channel, HANDBACK_VARIABLE, handback)
        await self._ami.redirect(
            caller_channel, self._dialplan.connect_context, agent_endpoint(self._dialplan, agent_id), 1
        )

    async def hangup(self, channel: str) -> None:
        await self._ami.hangup(channel)

    async def start_recording(self, channel: str, uniqueid: str) -> str:
        path = f"{self._dialplan.recordings_dir}/{uniqueid}.wav"
        # "b": record only while bridged, so hold music before the agent is not kept.
        await self._ami.mixmonitor(channel, path, "b")
        return path

    async def mute_recording(self, channel: str, muted: bool) -> None:
        await self._ami.mixmonitor_mute(channel, "both", muted)

    async def move_to_transfer(self, caller_channel: str) -> None:
        await self._ami.redirect(
            caller_channel, self._dialplan.connect_context, self._dialplan.transfer_exten, 1
        )

    async def start_consult(self, caller_channel: str, agent_channel: str, target: str) -> None:
        d = self._dialplan
        await self._ami.redirect(
            caller_channel,
            d.connect_context,
            d.transfer_exten,
            1,
            extra_channel=agent_channel,
            extra_to=(d.consult_context, target),
        )

    async def bridge(self, channel1: str, channel2: str) -> None:
        await self._ami.bridge(channel1, channel2)

    async def dial_out(self, agent_id: str, number: str, channel_id: str, caller_id: str) -> None:
        await self._ami.originate(
            f"PJSIP/{agent_endpoint(self._dialplan, agent_id)}",
            context=self._dialplan.outbound_context,
            exten=number,
            caller_id=caller_id or None,
            timeout_ms=30000,
            channel_id=channel_id,
        )
