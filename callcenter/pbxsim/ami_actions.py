"""Call-related AMI actions, answered the way Asterisk 22.10.1 answers them.

List actions use the recorded framing (fact 2)::

    Response: Success / ActionID: cap-3 / EventList: start / Message: Channels will follow
    Event: CoreShowChannel / ActionID: cap-3 / Channel: PJSIP/pstn-00000006 / ...
    Event: CoreShowChannelsComplete / ActionID: cap-3 / EventList: Complete / ListItems: 1
"""

from __future__ import annotations

import asyncio
import re

from callcenter.asterisk.ami_frames import AmiMessage
from callcenter.pbxsim import events as ev
from callcenter.pbxsim.ami_server import AmiSession
from callcenter.pbxsim.bridge_action import BRIDGED, check_bridge, join, move_out, run_bridge, yank
from callcenter.pbxsim.channels import Channel, DialplanLocation, Headers
from callcenter.pbxsim.chanspy import receive_digit
from callcenter.pbxsim.originate import originate
from callcenter.pbxsim.pbx import Pbx
from callcenter.pbxsim.recordings import write_mixmonitor_file


def _reply(msg: AmiMessage, *fields: tuple[str, str], response: str = "Success") -> Headers:
    return [("Response", response), ("ActionID", msg.action_id or ""), *fields]


def _error(msg: AmiMessage, message: str) -> Headers:
    return _reply(msg, ("Message", message), response="Error")


def _no_such_channel(msg: AmiMessage) -> Headers:
    return _error(msg, "No such channel")


def _hms(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


class CallActions:
    """The AMI action handler for everything that touches channels."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    async def __call__(self, msg: AmiMessage, session: AmiSession) -> bool:
        handler = getattr(self, "act_" + (msg.get("Action") or "").lower(), None)
        if handler is None:
            return False
        await handler(msg, session)
        return True

    def _channel(self, msg: AmiMessage, key: str = "Channel") -> Channel | None:
        return self.pbx.find(msg.get(key) or "")

    def _seconds(self, chan: Channel) -> float:
        return (asyncio.get_running_loop().time() - chan.created) / (self.pbx.timing.time_scale or 1.0)

    async def act_originate(self, msg: AmiMessage, session: AmiSession) -> None:
        await originate(self.pbx, msg, session)

    async def act_redirect(self, msg: AmiMessage, session: AmiSession) -> None:
        # action_redirect words a missing channel its own way (not "No such channel").
        chan = self._channel(msg)
        if chan is None:
            session.send(_error(msg, f"Channel does not exist: {msg.get('Channel') or ''}"))
            return
        target = DialplanLocation(
            msg.get("Context") or chan.context, msg.get("Exten") or chan.exten, int(msg.get("Priority") or 1)
        )
        extra = None
        if msg.get("ExtraChannel"):
            extra = self.pbx.find(msg.get("ExtraChannel") or "")
            if extra is None:
                session.send(_error(msg, f"ExtraChannel does not exist: {msg.get('ExtraChannel') or ''}"))
                return
        session.send(_reply(msg, ("Message", "Dual Redirect successful" if extra else "Redirect successful")))
        if extra is not None:
            # Both leave their bridge; neither is hung up (the "dual redirect" of action_redirect).
            self.pbx.redirect(
                extra,
                DialplanLocation(
                    msg.get("ExtraContext") or msg.get("Context") or extra.context,
                    msg.get("ExtraExten") or msg.get("Exten") or extra.exten,
                    int(msg.get("ExtraPriority") or msg.get("Priority") or 1),
                ),
            )
        self.pbx.redirect(chan, target)

    async def act_bridge(self, msg: AmiMessage, session: AmiSession) -> None:
        error, pair = check_bridge(self.pbx, msg.get("Channel1") or "", msg.get("Channel2") or "")
        if pair is None:
            session.send(_reply(msg, ("Message", error or ""), response="Error"))
            return
        # Tone (no|Channel1|Channel2|Both) would play a courtesy beep: no audio here.
        # A channel already in a bridge is moved (ast_bridge_add_channel → bridge_move); others yanked.
        first, second = (move_out(self.pbx, c) if c.bridge_id else yank(self.pbx, c) for c in pair)
        session.send(_reply(msg, ("Message", BRIDGED)))
        bridge = join(self.pbx, first, second)
        self.pbx.spawn(run_bridge(self.pbx, bridge, first, second))

    async def act_hangup(self, msg: AmiMessage, session: AmiSession) -> None:
        name = msg.get("Channel") or ""
        cause = int(msg.get("Cause") or 16)
        if len(name) > 1 and name.startswith("/") and name.endswith("/"):
            pattern = re.compile(name[1:-1])
            victims = [
                c
                for c in reversed(list(self.pbx.channels.values()))
                if pattern.search(c.name) and not c.is_gone()
            ]
            session.send(_reply(msg, ("EventList", "start"), ("Message", "Channels hung up will follow")))
            for chan in victims:
                session.send(
                    [("Event", "ChannelHungup"), ("Channel", chan.name), ("ActionID", msg.action_id or "")]
                )
            session.send(
                [
                    ("Event", "ChannelsHungupListComplete"),
                    ("ActionID", msg.action_id or ""),
                    ("EventList", "Complete"),
                    ("ListItems", str(len(victims))),
                ]
            )
        else:
            found = self.pbx.find(name)
            if found is None:
                session.send(_no_such_channel(msg))
                return
            session.send(_reply(msg, ("Message", "Channel Hungup")))
            victims = [found]
        for chan in victims:
            # Local channels report Cause 0 in the recordings, whatever the action asked.
            self.pbx.request_hangup(
                chan, 0 if chan.name.startswith("Local/") else cause, by="engine", event=None
            )

    async def act_playdtmf(self, msg: AmiMessage, session: AmiSession) -> None:
        """app_senddtmf.c's manager_play_dtmf: ``Receive: true`` queues the digit on the channel
        (its application reads it); otherwise it goes out to the phone, with no AMI event."""
        chan = self._channel(msg)
        digit, duration = msg.get("Digit") or "", msg.get("Duration") or ""
        if chan is None:
            session.send(_reply(msg, ("Message", "Channel not found"), response="Error"))
        elif not digit:
            session.send(_reply(msg, ("Message", "No digit specified"), response="Error"))
        elif duration and not duration.isdigit():
            session.send(_reply(msg, ("Message", "Could not convert Duration parameter"), response="Error"))
        else:
            session.send(_reply(msg, ("Message", "DTMF successfully queued")))
            if (msg.get("Receive") or "").lower() in ("yes", "true", "y", "t", "1", "on"):
                receive_digit(self.pbx, chan, digit[0], int(duration or 0))

    async def act_setvar(self, msg: AmiMessage, session: AmiSession) -> None:
        chan = self._channel(msg)
        if chan is None and msg.get("Channel"):
            session.send(_no_such_channel(msg))
            return
        session.send(_reply(msg, ("Message", "Variable Set")))
        if chan is not None:
            self.pbx.set_var(chan, msg.get("Variable") or "", msg.get("Value") or "")

    async def act_getvar(self, msg: AmiMessage, session: AmiSession) -> None:
        chan = self._channel(msg)
        if chan is None:
            session.send(_no_such_channel(msg))
            return
        variable = msg.get("Variable") or ""
        value = self.pbx.lookup(chan).get(variable, "")
        session.send(_reply(msg, ("Variable", variable), ("Value", value)))

    async def act_mixmonitor(self, msg: AmiMessage, session: AmiSession) -> None:
        chan = self._channel(msg)
        if chan is None:
            session.send(_no_such_channel(msg))
            return
        session.send(_reply(msg))
        await asyncio.to_thread(write_mixmonitor_file, msg.get("File") or "")
        self.pbx.set_var(chan, "MIXMONITOR_FILENAME", msg.get("File") or "")
        self.pbx.emit(ev.channel_event("MixMonitorStart", chan))

    async def act_mixmonitormute(self, msg: AmiMessage, session: AmiSession) -> None:
        chan = self._channel(msg)
        if chan is None:
            session.send(_no_such_channel(msg))
            return
        session.send(_reply(msg))
        fields = (("Direction", msg.get("Direction") or "both"), ("State", msg.get("State") or "1"))
        self.pbx.emit(ev.channel_event("MixMonitorMute", chan, *fields))

    async def act_stopmixmonitor(self, msg: AmiMessage, session: AmiSession) -> None:
        chan = self._channel(msg)
        if chan is None:
            session.send(_no_such_channel(msg))
            return
        session.send(_reply(msg))
        self.pbx.emit(ev.channel_event("MixMonitorStop", chan))

    async def act_coreshowchannels(self, msg: AmiMessage, session: AmiSession) -> None:
        aid = msg.action_id or ""
        chans = [c for c in reversed(list(self.pbx.channels.values())) if not c.is_gone()]
        session.send(_reply(msg, ("EventList", "start"), ("Message", "Channels will follow")))
        for chan in chans:
            session.send(
                [
                    ("Event", "CoreShowChannel"),
                    ("ActionID", aid),
                    *chan.header_block(),
                    ("Application", chan.application),
                    ("ApplicationData", chan.app_data),
                    ("Duration", _hms(self._seconds(chan))),
                    ("BridgeId", chan.bridge_id),
                ]
            )
        session.send(
            [
                ("Event", "CoreShowChannelsComplete"),
                ("ActionID", aid),
                ("EventList", "Complete"),
                ("ListItems", str(len(chans))),
            ]
        )

    async def act_status(self, msg: AmiMessage, session: AmiSession) -> None:
        aid = msg.action_id or ""
        wanted = msg.get("Channel")
        if wanted:
            one = self.pbx.find(wanted)
            if one is None:
                session.send(_no_such_channel(msg))
                return
            chans = [one]
        else:
            chans = [c for c in self.pbx.channels.values() if not c.is_gone()]
        session.send(_reply(msg, ("EventList", "start"), ("Message", "Channel status will follow")))
        for chan in chans:
            session.send(
                [
                    ("Event", "Status"),
                    ("Privilege", "Call"),
                    *chan.header_block(),
                    ("Type", chan.name.split("/", 1)[0]),
                    ("DNID", chan.dnid),
                    ("EffectiveConnectedLineNum", chan.conn_num),
                    ("EffectiveConnectedLineName", chan.conn_name),
                    ("TimeToHangup", "0"),
                    ("BridgeID", chan.bridge_id),
                    ("Application", chan.application),
                    ("Data", chan.app_data),
                    ("Nativeformats", "(alaw)"),
                    ("Readformat", "alaw"),
                    ("Readtrans", ""),
                    ("Writeformat", "alaw"),
                    ("Writetrans", ""),
                    ("Callgroup", "0"),
                    ("Pickupgroup", "0"),
                    ("Seconds", str(int(self._seconds(chan)))),
                    ("ActionID", aid),
                ]
            )
        n = str(len(chans))
        session.send(
            [
                ("Event", "StatusComplete"),
                ("ActionID", aid),
                ("EventList", "Complete"),
                ("ListItems", n),
                ("Items", n),
            ]
        )

    async def act_blindtransfer(self, msg: AmiMessage, session: AmiSession) -> None:
        transferer = self._channel(msg)
        if transferer is None:
            session.send(_no_such_channel(msg))
            return
        peers = [
            c
            for c in self.pbx.channels.values()
            if c is not transferer and c.bridge_id and c.bridge_id == transferer.bridge_id
        ]
        if not peers:
            session.send(_reply(msg, ("Message", "Transfer failed"), response="Error"))
            return
        transferee = peers[0]
        context, exten = msg.get("Context") or transferee.context, msg.get("Exten") or ""
        session.send(_reply(msg, ("Message", "Transfer succeeded")))
        self.pbx.set_var(transferee, "BLINDTRANSFER", transferer.name)
        self.pbx.set_var(transferer, "BLINDTRANSFER", transferee.name)
        bridge = ev.BridgeInfo(transferer.bridge_id, "native_rtp")
        self.pbx.emit(
            [
                ("Event", "BlindTransfer"),
                ("Privilege", "call,all"),
                ("Result", "Success"),
                *transferer.header_block("Transferer"),
                *transferee.header_block("Transferee"),
                *bridge.block(2),
                ("IsExternal", "Yes"),
                ("Context", context),
                ("Extension", exten),
            ]
        )
        self.pbx.redirect(transferee, DialplanLocation(context, exten, 1))

    async def act_devicestatelist(self, msg: AmiMessage, session: AmiSession) -> None:
        aid = msg.action_id or ""
        in_use = {c.device for c in self.pbx.channels.values() if not c.is_gone()}
        devices = sorted({f"PJSIP/{e}" for e in self.pbx.phones} | {"PJSIP/pstn"})
        session.send(_reply(msg, ("EventList", "start"), ("Message", "Device State Changes will follow")))
        for device in devices:
            session.send(ev.device_state(device, "INUSE" if device in in_use else "NOT_INUSE", aid))
        session.send(
            [
                ("Event", "DeviceStateListComplete"),
                ("ActionID", aid),
                ("EventList", "Complete"),
                ("ListItems", str(len(devices))),
            ]
        )
