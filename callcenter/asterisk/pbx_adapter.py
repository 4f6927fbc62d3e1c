"""The PBX port (:mod:`callcenter.pbx`) over one AMI connection owner: dialplan contexts, Dial
strings, PJSIP endpoint names and the AMI error tree stop here.

A Redirect of a channel inside AGI ends its running AGI command with ``200 result=-1``; the
caller reaches the connect context only after our FastAGI handler returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from callcenter.asterisk.ami_actions import AmiActions
from callcenter.asterisk.errors import (
    AmiActionFailed,
    AmiActionLost,
    AmiError,
    AmiLoginFailed,
    AmiNotConnected,
    UnsafeAmiValue,
)
from callcenter.asterisk.fastagi import DONE_VARIABLE
from callcenter.calls.handback import HANDBACK_VARIABLE
from callcenter.pbx import (
    SPY_MODE_KEYS,
    PbxChannelGone,
    PbxError,
    PbxNoAnswer,
    PbxRefused,
    PbxUnreachable,
    SpyMode,
)
from callcenter.settings import DialplanSettings

Connected = Callable[[], bool]

# q: no beep when spying starts; d: DTMF 4/5/6 switch modes; w: whisper to the agent; B: barge.
CHANSPY_OPTIONS: dict[SpyMode, str] = {"listen": "qd", "whisper": "qdw", "barge": "qdB"}


def agent_endpoint(dialplan: DialplanSettings, agent_id: str) -> str:
    """``agent-1001``: the PJSIP endpoint of an agent's phone."""
    return dialplan.agent_endpoint_template.format(agent=agent_id)


def trunk_number(number: str) -> str:
    """What is dialed over the trunk for an E.164 number: its digits without ``+``.

    The outbound contexts match ``_X.``, which a ``+`` does not, and the trunk is given the same
    digits when the engine Dials it itself (``trunk_dial_string``).
    """
    return number.lstrip("+")


def trunk_dial_string(number: str, trunk: str, timeout_s: int = 60) -> str:
    """``Dial`` data for an outside number: ``trunk_dial_string("+4155550199", "pstn-out")`` →
    ``PJSIP/4155550199@pstn-out,60``."""
    return f"PJSIP/{trunk_number(number)}@{trunk},{timeout_s}"


@contextmanager
def pbx_errors(action: str) -> Iterator[None]:
    """AMI errors become the port's (:mod:`callcenter.pbx`), with Asterisk's reason kept."""
    try:
        yield
    except AmiActionFailed as exc:
        kind = PbxChannelGone if exc.channel_gone else PbxRefused
        raise kind(action, exc.asterisk_message) from exc
    except AmiActionLost as exc:
        raise PbxNoAnswer(action, str(exc)) from exc
    except (AmiNotConnected, AmiLoginFailed) as exc:
        raise PbxUnreachable(action, str(exc)) from exc
    except AmiError as exc:
        raise PbxError(action, str(exc)) from exc
    except UnsafeAmiValue as exc:  # nothing was sent
        raise PbxRefused(action, str(exc)) from exc


class AsteriskPbx:
    """:class:`callcenter.pbx.PbxPort` over AMI. ``ami`` is the connection owner (an ``AmiClient``),
    ``connected`` tells whether its manager session is up."""

    def __init__(self, ami: AmiActions, dialplan: DialplanSettings, connected: Connected) -> None:
        self._ami = ami
        self._dialplan = dialplan
        self._connected = connected

    @property
    def ready(self) -> bool:
        return self._connected()

    async def connect_to_agent(self, caller_channel: str, agent_id: str, handback: str) -> None:
        """``Setvar CC_HANDBACK`` then ``Redirect`` to ``cc-connect,agent-1001,1``, which Dials the
        agent's endpoint and hands the caller back to ``connect-failed`` when nobody answers."""
        with pbx_errors("connect to agent"):
            # Redirect has no Variable header: one Setvar first (it also answers "No such channel").
            await self._ami.setvar(caller_channel, HANDBACK_VARIABLE, handback)
            await self._ami.redirect(
                caller_channel, self._dialplan.connect_context, agent_endpoint(self._dialplan, agent_id), 1
            )

    async def hangup(self, channel: str) -> None:
        with pbx_errors("hang up"):
            await self._ami.hangup(channel)

    async def start_recording(self, channel: str, uniqueid: str) -> str:
        path = f"{self._dialplan.recordings_dir}/{uniqueid}.wav"
        with pbx_errors("start recording"):
            # "b": record only while bridged, so hold music before the agent is not kept.
            await self._ami.mixmonitor(channel, path, "b")
        return path

    async def mute_recording(self, channel: str, muted: bool) -> None:
        with pbx_errors("pause recording" if muted else "resume recording"):
            await self._ami.mixmonitor_mute(channel, "both", muted)

    async def move_to_transfer(self, caller_channel: str) -> None:
        d = self._dialplan
        with pbx_errors("transfer"):
            await self._ami.redirect(caller_channel, d.connect_context, d.transfer_exten, 1)

    async def consult_agent(self, caller_channel: str, agent_channel: str, agent_id: str) -> None:
        await self._consult(caller_channel, agent_channel, agent_endpoint(self._dialplan, agent_id))

    async def consult_number(self, caller_channel: str, agent_channel: str, number: str) -> None:
        await self._consult(caller_channel, agent_channel, trunk_number(number))

    async def _consult(self, caller_channel: str, agent_channel: str, exten: str) -> None:
        """One dual ``Redirect``: the caller to ``cc-connect,cc-transfer`` (hold, FastAGI), the
        agent's leg to ``cc-consult,<exten>``, which Dials with ``g`` and then runs ``consult-end``."""
        d = self._dialplan
        with pbx_errors("consult"):
            await self._ami.redirect(
                caller_channel,
                d.connect_context,
                d.transfer_exten,
                1,
                extra_channel=agent_channel,
                extra_to=(d.consult_context, exten),
            )

    async def bridge(self, channel1: str, channel2: str) -> None:
        """``channel1`` (the caller) leaves the engine's hands for good: when the bridge ends Asterisk
        goes on after their AGI(), and without the CC_DONE mark the crash-safe dialplan would take
        them back into an engine instead of ending the call."""
        with pbx_errors("bridge"):
            await self._ami.setvar(channel1, DONE_VARIABLE, "1")
            await self._ami.bridge(channel1, channel2)

    async def dial_out(self, agent_id: str, number: str, channel_id: str, caller_id: str) -> None:
        """``Originate Channel: PJSIP/agent-1001 / Context: cc-outbound / Exten: 4155550199 /
        ChannelId: <channel_id>``: the agent's phone first, then the outbound context dials."""
        with pbx_errors("dial out"):
            await self._ami.originate(
                f"PJSIP/{agent_endpoint(self._dialplan, agent_id)}",
                context=self._dialplan.outbound_context,
                exten=trunk_number(number),
                caller_id=caller_id or None,
                timeout_ms=30000,
                channel_id=channel_id,
            )

    async def spy(self, supervisor_phone: str, agent_channel: str, mode: SpyMode, request_id: str) -> None:
        """``Originate Channel: PJSIP/sup-1 / Application: ChanSpy / Data: PJSIP/agent-1001-00000007,qdw
        / Async: true / ActionID: <request_id>``; the ``OriginateResponse`` carries the ActionID."""
        with pbx_errors("spy"):
            await self._ami.originate(
                supervisor_phone,
                application="ChanSpy",
                data=f"{agent_channel},{CHANSPY_OPTIONS[mode]}",
                async_=True,
                action_id=request_id,
            )

    async def switch_spy(self, spy_channel: str, mode: SpyMode) -> None:
        """``PlayDTMF Channel: <spy leg> / Digit: 5 / Receive: true``: ChanSpy (option ``d``) reads
        the digit as if the supervisor had pressed it and switches (app_chanspy.c)."""
        with pbx_errors("switch spy mode"):
            await self._ami.play_dtmf(spy_channel, SPY_MODE_KEYS[mode], receive=True)
