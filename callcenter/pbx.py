"""The PBX port: every telephony action call handling takes, in the engine's own words.

Callers, agents and supervisors are named by their channel (an opaque name the PBX gave) or by
agent id; numbers are E.164 (``+8613812345678``). How that becomes a Redirect, an Originate, a
Dial string or a context is the adapter's business (:mod:`callcenter.asterisk.pbx_adapter`);
tests use the recording fake of ``tests/fakes/pbx.py``.

The adapter raises only these errors (never the AMI ones)::

    PbxError                  the PBX did not carry out an action (``action``, ``detail``)
     ├── PbxUnreachable       no connection to the PBX right now: nothing was done
     ├── PbxNoAnswer          the connection dropped or timed out mid-action: it may have run
     └── PbxRefused           the PBX answered no (``detail`` is its reason)
          └── PbxChannelGone  the channel acted on no longer exists: the party has left
"""

from __future__ import annotations

from typing import Literal, Protocol

from callcenter.errors import CallCenterError

SpyMode = Literal["listen", "whisper", "barge"]
# A running spy leg switches mode on these keys, whether the supervisor's phone sends them or the
# engine does (:meth:`PbxPort.switch_spy`).
SPY_MODE_KEYS: dict[SpyMode, str] = {"listen": "4", "whisper": "5", "barge": "6"}
SPY_MODE_OF_KEY: dict[str, SpyMode] = {key: mode for mode, key in SPY_MODE_KEYS.items()}


class PbxError(CallCenterError):
    code = "callcenter.pbx"

    def __init__(self, action: str, detail: str) -> None:
        self.action = action
        self.detail = detail
        super().__init__(f"the phone system did not carry out {action}: {detail}")


class PbxUnreachable(PbxError):
    code = "callcenter.pbx_unreachable"


class PbxNoAnswer(PbxError):
    code = "callcenter.pbx_no_answer"


class PbxRefused(PbxError):
    code = "callcenter.pbx_refused"


class PbxChannelGone(PbxRefused):
    code = "callcenter.pbx_channel_gone"


class PbxPort(Protocol):
    @property
    def ready(self) -> bool:
        """False while the PBX is unreachable: no point offering callers to agents then."""

    async def connect_to_agent(self, caller_channel: str, agent_id: str, handback: str) -> None:
        """Ring the agent's phone for the caller. ``handback`` (:mod:`callcenter.calls.handback`) is
        left on the caller's channel for whichever engine gets the caller back if nobody answers."""

    async def hangup(self, channel: str) -> None: ...

    async def start_recording(self, channel: str, uniqueid: str) -> str:
        """Record the conversation on ``channel`` while it is bridged; returns the file's path (on
        the PBX host)."""

    async def mute_recording(self, channel: str, muted: bool) -> None: ...

    async def move_to_transfer(self, caller_channel: str) -> None:
        """Take the caller away from the agent (the agent's leg ends) to the engine's transfer
        route, where they wait on hold or are dialed onward."""

    async def consult_agent(self, caller_channel: str, agent_channel: str, agent_id: str) -> None:
        """Consultation: the caller waits on hold in the transfer route while the consulting agent's
        own leg rings the colleague ``agent_id``."""

    async def consult_number(self, caller_channel: str, agent_channel: str, number: str) -> None:
        """As :meth:`consult_agent`, the agent's leg dialing ``number`` (E.164) over the trunk."""

    async def bridge(self, channel1: str, channel2: str) -> None:
        """Join two channels (either may be on hold in the engine or in a bridge already)."""

    async def dial_out(self, agent_id: str, number: str, channel_id: str, caller_id: str) -> None:
        """Click-to-dial and callbacks: ring the agent's own phone (its channel gets ``channel_id``
        as its unique id); when it answers, it dials ``number`` (E.164) over the trunk."""

    async def spy(self, supervisor_phone: str, agent_channel: str, mode: SpyMode, request_id: str) -> None:
        """Ring the supervisor's phone (``supervisor_phone``, a dialable device) and, once answered,
        listen to, whisper to or barge into ``agent_channel``. The outcome comes later as an event
        carrying ``request_id``."""

    async def switch_spy(self, spy_channel: str, mode: SpyMode) -> None:
        """Change the mode of a running spy leg without ringing the supervisor again."""
