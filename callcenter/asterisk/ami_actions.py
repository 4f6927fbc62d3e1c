"""Typed AMI actions: each builds the headers Asterisk expects and types the answer.

Header order follows the recorded engine traffic, so what we write is what the
transcripts show (``tests/fixtures/transcripts/*.jsonl``, direction ``ami>``).
Every value goes through ``encode_action``, which refuses CR, LF and NUL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from callcenter.asterisk.ami_events import to_domain_event
from callcenter.asterisk.ami_frames import AmiMessage
from callcenter.asterisk.ami_system_events import ChannelStatus, CoreShowChannel, WireEvent

Headers = Iterable[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class AmiResponse:
    """``Response: Success`` (or ``Goodbye``) of one action, e.g. Getvar's::

    Response: Success\\r\\nActionID: cc-5\\r\\nVariable: CC_INTERACTION\\r\\nValue: 42\\r\\n\\r\\n
    """

    action_id: str
    response: str
    message: str
    fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class AmiListResponse:
    """A list action's answer: the items, and ``ListItems`` of the closing ``...Complete`` event."""

    response: AmiResponse
    items: tuple[WireEvent, ...]
    list_items: int | None
    complete_event: str


@dataclass(frozen=True, slots=True)
class OriginateQueued:
    """Asterisk accepted the Originate; with ``Async: true`` the outcome comes later as an
    ``OriginateResponse`` event carrying the same ``action_id``."""

    action_id: str
    message: str


def response_from(message: AmiMessage) -> AmiResponse:
    return AmiResponse(
        action_id=message.action_id or "",
        response=message.response or message.event or "",
        message=message.get("Message") or "",
        fields=message.fields,
    )


def list_response_from(
    response: AmiMessage, items: Iterable[AmiMessage], complete: AmiMessage | None
) -> AmiListResponse:
    count = complete.get("ListItems") if complete is not None else None
    return AmiListResponse(
        response=response_from(response),
        items=tuple(map(to_domain_event, items)),
        list_items=int(count) if count is not None and count.isdigit() else None,
        complete_event=(complete.event or "") if complete is not None else "",
    )


class AmiActions:
    """The typed actions; ``AmiClient`` provides the two primitives they use."""

    @property
    def fencing_token(self) -> int | None:
        """The AMI ownership term this sender acts under (``ami_lease``); None without a lease."""
        return None

    async def send_action(
        self,
        name: str,
        headers: Headers = (),
        *,
        action_id: str | None = None,
        answer_timeout: float | None = None,
    ) -> AmiResponse:
        raise NotImplementedError

    async def send_list_action(
        self,
        name: str,
        headers: Headers = (),
        *,
        action_id: str | None = None,
        answer_timeout: float | None = None,
    ) -> AmiListResponse:
        raise NotImplementedError

    async def originate(
        self,
        channel: str,
        *,
        context: str | None = None,
        exten: str | None = None,
        priority: int = 1,
        application: str | None = None,
        data: str | None = None,
        caller_id: str | None = None,
        variables: Mapping[str, str] | None = None,
        timeout_ms: int | None = None,
        async_: bool = True,
        action_id: str | None = None,
        channel_id: str | None = None,
    ) -> OriginateQueued:
        """Place a call to ``channel`` and send it to an extension or an application.

        Wire (callback.jsonl)::

            Action: Originate\\r\\nActionID: cc-3\\r\\nChannel: PJSIP/4155550100@pstn-out\\r\\n
            Context: cc-connect\\r\\nExten: agent-1001\\r\\nPriority: 1\\r\\nAsync: true\\r\\n
            Timeout: 15000\\r\\nCallerID: "Callback" <5551234>\\r\\nVariable: CC_CALLBACK_ID=77\\r\\n\\r\\n
            → Response: Success ... Message: Originate successfully queued

        Under an AMI lease the new channel also gets ``CC_FENCE=<fencing token>``.
        A missing endpoint is refused at once (``AmiActionFailed``: "Originate failed").
        If the connection drops before the answer, ``AmiActionLost`` is raised and the
        Originate is **not** re-sent: ringing an agent twice is worse than asking again.
        """
        if (application is None) == (context is None or exten is None):
            raise ValueError("originate needs either context and exten, or application")
        headers: list[tuple[str, str]] = [("Channel", channel)]
        if application is not None:
            headers.append(("Application", application))
            if data is not None:
                headers.append(("Data", data))
        else:
            headers += [("Context", context or ""), ("Exten", exten or ""), ("Priority", str(priority))]
        if async_:
            headers.append(("Async", "true"))
        if timeout_ms is not None:
            headers.append(("Timeout", str(timeout_ms)))
        if caller_id is not None:
            headers.append(("CallerID", caller_id))
        if channel_id is not None:
            # The new channel's Uniqueid, chosen by us, so its events can be told apart at once.
            headers.append(("ChannelId", channel_id))
        for key, value in (variables or {}).items():
            if not key or "=" in key:
                raise ValueError(f"bad channel variable name {key!r}")
            headers.append(("Variable", f"{key}={value}"))
        if self.fencing_token is not None:
            # Which ownership term sent it: a later owner can tell an earlier owner's Originate.
            headers.append(("Variable", f"CC_FENCE={self.fencing_token}"))
        # A synchronous Originate answers only when the call is answered or fails.
        wait = None if async_ else (timeout_ms or 30000) / 1000 + 5
        response = await self.send_action("Originate", headers, action_id=action_id, answer_timeout=wait)
        return OriginateQueued(response.action_id, response.message)

    async def redirect(
        self,
        channel: str,
        context: str,
        exten: str,
        priority: int = 1,
        extra_channel: str | None = None,
        extra_to: tuple[str, str] | None = None,
    ) -> AmiResponse:
        """Send ``channel`` (and ``extra_channel``, to the same place or to ``extra_to`` =
        (context, exten)) to a dialplan location. Two bridged channels redirected together both
        leave the bridge and neither is hung up.

        Wire: ``Action: Redirect / Channel: PJSIP/pstn-00000006 / Context: cc-connect /
        Exten: agent-1001 / Priority: 1`` → ``Message: Redirect successful``. A channel inside
        AGI sees its running command end with ``200 result=-1``.
        """
        headers = [("Channel", channel), ("Context", context), ("Exten", exten), ("Priority", str(priority))]
        if extra_channel is not None:
            extra_context, extra_exten = extra_to or (context, exten)
            headers += [
                ("ExtraChannel", extra_channel),
                ("ExtraContext", extra_context),
                ("ExtraExten", extra_exten),
                ("ExtraPriority", str(priority)),
            ]
        return await self.send_action("Redirect", headers)

    async def hangup(self, channel: str, cause: int = 16) -> AmiResponse:
        """Hang up ``channel``: ``Action: Hangup / Channel: PJSIP/agent-1001-00000007`` →
        ``Message: Channel Hungup``; a missing channel is ``AmiActionFailed("No such channel")``.

        Cause 16 is what Asterisk applies without a ``Cause`` header (recorded ``Hangup`` event:
        ``Cause: 16``), so the header is only written for another cause. A ``/regex/`` channel
        is a list action in Asterisk (``ChannelHungup`` items); its response is returned.
        """
        headers = [("Channel", channel)]
        if cause != 16:
            headers.append(("Cause", str(cause)))
        if len(channel) > 1 and channel.startswith("/") and channel.endswith("/"):
            return (await self.send_list_action("Hangup", headers)).response
        return await self.send_action("Hangup", headers)

    async def bridge(self, channel1: str, channel2: str, tone: bool = False) -> AmiResponse:
        """``Action: Bridge / Channel1: PJSIP/pstn-00000002 / Channel2: PJSIP/agent-1001-00000003 /
        Tone: no`` → ``Message: Channels have been bridged``."""
        headers = [("Channel1", channel1), ("Channel2", channel2), ("Tone", "yes" if tone else "no")]
        return await self.send_action("Bridge", headers)

    async def setvar(self, channel: str, variable: str, value: str) -> AmiResponse:
        """``Action: Setvar / Channel: ... / Variable: CC_AGENT / Value: 1001`` → ``Variable Set``."""
        return await self.send_action(
            "Setvar", [("Channel", channel), ("Variable", variable), ("Value", value)]
        )

    async def getvar(self, channel: str, variable: str) -> str | None:
        """``Action: Getvar / Channel: ... / Variable: CC_INTERACTION`` → ``Value: 42``.

        Asterisk answers an unset variable with an empty ``Value:``; that is returned as None.
        """
        response = await self.send_action("Getvar", [("Channel", channel), ("Variable", variable)])
        return response.fields.get("Value") or None

    async def mixmonitor(self, channel: str, file: str, options: str = "") -> AmiResponse:
        """``Action: MixMonitor / Channel: ... / File: /var/spool/callcenter/x.wav / Options: b``."""
        headers = [("Channel", channel), ("File", file)]
        if options:
            headers.append(("Options", options))
        return await self.send_action("MixMonitor", headers)

    async def mixmonitor_mute(self, channel: str, direction: str = "both", state: bool = True) -> AmiResponse:
        """``Action: MixMonitorMute / Channel: ... / Direction: both / State: 1`` (0 to unmute)."""
        if direction not in ("read", "write", "both"):
            raise ValueError(f"direction must be read, write or both, not {direction!r}")
        headers = [("Channel", channel), ("Direction", direction), ("State", "1" if state else "0")]
        return await self.send_action("MixMonitorMute", headers)

    async def stop_mixmonitor(self, channel: str) -> AmiResponse:
        """``Action: StopMixMonitor / Channel: PJSIP/pstn-00000006``."""
        return await self.send_action("StopMixMonitor", [("Channel", channel)])

    async def blind_transfer(self, channel: str, context: str, exten: str) -> AmiResponse:
        """Transfer the party bridged to ``channel`` (the agent's) to ``context,exten``.

        ``Action: BlindTransfer / Channel: PJSIP/agent-1001-00000004 / Context: cc-connect /
        Exten: agent-1002`` → ``Message: Transfer succeeded``; the caller is then Dialed there.
        """
        headers = [("Channel", channel), ("Context", context), ("Exten", exten)]
        return await self.send_action("BlindTransfer", headers)

    async def play_dtmf(self, channel: str, digit: str, *, receive: bool = False) -> AmiResponse:
        """``Action: PlayDTMF / Channel: ... / Digit: 5 / Receive: true`` → ``DTMF successfully queued``.

        ``receive``: the digit is queued on the channel as if its own phone had sent it (what the
        channel's application reads), instead of being played out to the phone. A missing channel
        is ``AmiActionFailed("Channel not found")``.
        """
        if len(digit) != 1 or digit not in "0123456789*#ABCDabcd":
            raise ValueError(f"a DTMF digit is one of 0-9 * # A-D, not {digit!r}")
        headers = [("Channel", channel), ("Digit", digit)]
        if receive:
            headers.append(("Receive", "true"))
        return await self.send_action("PlayDTMF", headers)

    async def ping(self) -> AmiResponse:
        """``Action: Ping`` → ``Response: Success / Ping: Pong / Timestamp: 1795381775.337295``."""
        return await self.send_action("Ping")

    async def core_show_channels(self) -> list[CoreShowChannel]:
        """Every live channel: ``Action: CoreShowChannels`` → ``EventList: start``, one
        ``CoreShowChannel`` event each, then ``CoreShowChannelsComplete`` with ``ListItems``."""
        answer = await self.send_list_action("CoreShowChannels")
        return [item for item in answer.items if isinstance(item, CoreShowChannel)]

    async def status(self, channel: str | None = None) -> list[ChannelStatus]:
        """``Action: Status [/ Channel: ...]`` → ``Status`` events, then ``StatusComplete``."""
        headers = [("Channel", channel)] if channel is not None else []
        answer = await self.send_list_action("Status", headers)
        return [item for item in answer.items if isinstance(item, ChannelStatus)]
