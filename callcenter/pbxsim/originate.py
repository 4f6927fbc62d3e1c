"""AMI ``Originate``: callbacks over the trunk, agent legs, and the supervisor's Local spy leg.

Recorded outcomes (fact 3, fact 16)::

    Originate Channel: PJSIP/nobody (sync)      -> Response: Error / Message: Originate failed
    Originate ... Async: true                    -> Response: Success / Message: Originate successfully queued
      ... later                                  -> Event: OriginateResponse / Response: Success / Reason: 4
      busy customer                              -> Event: OriginateResponse / Response: Failure / Reason: 0
"""

from __future__ import annotations

import asyncio
from typing import NamedTuple

from callcenter.asterisk.ami_frames import AmiMessage
from callcenter.pbxsim import events as ev
from callcenter.pbxsim.ami_server import AmiSession
from callcenter.pbxsim.channels import (
    STATE_DOWN,
    STATE_RING,
    STATE_RINGING,
    STATE_UP,
    UNKNOWN,
    Channel,
    DialplanLocation,
    Headers,
)
from callcenter.pbxsim.dial import new_callee
from callcenter.pbxsim.pbx import Pbx

QUEUED = "Originate successfully queued"


def parse_callerid(text: str) -> tuple[str, str]:
    """``'"Callback" <5551234>'`` -> ``("5551234", "Callback")``."""
    name, _, num = text.partition("<")
    if not num:
        return text.strip() or UNKNOWN, UNKNOWN
    return num.rstrip(">").strip(), name.strip().strip('"') or UNKNOWN


async def originate(pbx: Pbx, msg: AmiMessage, session: AmiSession) -> None:
    aid = msg.action_id or ""
    channel = msg.get("Channel") or ""
    is_async = (msg.get("Async") or "").lower() in ("true", "yes", "1")
    tech, _, resource = channel.partition("/")
    if tech.lower() == "local" and "@" in resource:
        session.send([("Response", "Success"), ("ActionID", aid), ("Message", QUEUED)])
        _local_spy_leg(pbx, msg, resource)
        return
    endpoint, _, via = resource.partition("@")
    if tech.upper() != "PJSIP" or (via != "pstn-out" and endpoint not in pbx.phones):
        if not is_async:
            session.send([("Response", "Error"), ("ActionID", aid), ("Message", "Originate failed")])
            return
        session.send([("Response", "Success"), ("ActionID", aid), ("Message", QUEUED)])
        pbx.emit(ev.originate_response(aid, False, channel, _target(msg), 0, "<unknown>", UNKNOWN, UNKNOWN))
        return
    if is_async:
        session.send([("Response", "Success"), ("ActionID", aid), ("Message", QUEUED)])
        pbx.spawn(_outbound_task(pbx, msg, endpoint, via))
        return
    ok = await _outbound(pbx, msg, endpoint, via)
    if ok:
        session.send([("Response", "Success"), ("ActionID", aid), ("Message", QUEUED)])
    else:
        session.send([("Response", "Error"), ("ActionID", aid), ("Message", "Originate failed")])


async def _outbound_task(pbx: Pbx, msg: AmiMessage, endpoint: str, via: str) -> None:
    await _outbound(pbx, msg, endpoint, via)


def _target(msg: AmiMessage) -> list[tuple[str, str]]:
    if msg.get("Application"):
        return [("Application", msg.get("Application") or ""), ("Data", msg.get("Data") or "")]
    return [("Context", msg.get("Context") or ""), ("Exten", msg.get("Exten") or "")]


class _Leg(NamedTuple):
    """The called leg of an Originate and how its far end behaves."""

    chan: Channel
    behaviour: str
    device: str
    answer_delay: float
    talk_s: float | None


async def _outbound(pbx: Pbx, msg: AmiMessage, endpoint: str, via: str) -> bool:
    """Ring a customer (``<number>@pstn-out``) or an agent phone; on answer run the target."""
    aid = msg.action_id or ""
    requested = msg.get("Channel") or ""
    cid = parse_callerid(msg.get("CallerID") or "")
    chan, behaviour, device, answer_delay, talk_s = _outbound_leg(pbx, msg, endpoint, via, cid)
    pbx.emit(ev.dial("DialBegin", None, chan, ("DialString", f"{endpoint}@{via}" if via else endpoint)))
    timeout_s = int(msg.get("Timeout") or 30000) / 1000
    if behaviour == "busy" or behaviour == "unavailable":
        await pbx.timing.sleep(0.5)
        pbx.emit(ev.hangup_request(chan, 17, "486"))
        pbx.emit(ev.dial("DialEnd", None, chan, ("DialStatus", "BUSY")))
        pbx.emit(ev.originate_response(aid, False, requested, _target(msg), 0, "<unknown>", *cid))
        pbx.destroy(chan, 17, "486")
        return False
    await pbx.timing.sleep(0.5)
    pbx.set_state(chan, STATE_RINGING)
    pbx.emit(ev.dial("DialState", None, chan, ("DialStatus", "RINGING")))
    pbx.device_state(f"PJSIP/{device}", "RINGING")
    if behaviour != "answer" or answer_delay > timeout_s:
        await pbx.timing.sleep(max(0.0, timeout_s - 0.5))
        pbx.emit(ev.dial("DialEnd", None, chan, ("DialStatus", "NOANSWER")))
        pbx.emit(ev.originate_response(aid, False, requested, _target(msg), 3, "<unknown>", *cid))
        pbx.destroy(chan, 0)
        return False
    await pbx.timing.sleep(answer_delay)
    pbx.set_state(chan, STATE_UP)
    pbx.emit(ev.dial("DialEnd", None, chan, ("DialStatus", "ANSWER")))
    pbx.device_state(f"PJSIP/{device}", "INUSE")
    _run_target(
        pbx, chan, msg, ev.originate_response(aid, True, chan.name, _target(msg), 4, chan.uniqueid, *cid)
    )
    if talk_s is not None:
        pbx.spawn(_hang_up_after(pbx, chan, talk_s))
    return True


def _outbound_leg(pbx: Pbx, msg: AmiMessage, endpoint: str, via: str, cid: tuple[str, str]) -> _Leg:
    if via == "pstn-out":
        chan = pbx.new_channel(
            pbx.namer.pjsip("pstn-out"),
            pbx.config.inbound_context,
            "s",
            state=STATE_DOWN,
            uniqueid=msg.get("ChannelId") or None,
        )
        chan.dnid = endpoint
        pbx.emit(ev.new_exten(chan, "AppDial2", "(Outgoing Line)"))
        _set_variables(pbx, chan, msg)
        chan.cid_num, chan.cid_name = cid
        pbx.emit(
            ev.channel_event(
                "NewCallerid", chan, ("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")
            )
        )
        chan.conn_num, chan.conn_name = cid
        pbx.emit(ev.channel_event("NewConnectedLine", chan))
        return _Leg(chan, pbx.customers.get(endpoint, "answer"), "pstn-out", 1.0, None)
    phone = pbx.phones[endpoint]
    behaviour, answer_delay, talk_s = phone.behaviour, phone.answer_delay_s, phone.talk_s
    chan = new_callee(pbx, endpoint, None, cid, uniqueid=msg.get("ChannelId") or None)
    if behaviour == "manual":
        # An Originate to an agent's own phone is a call the agent started (click-to-dial):
        # the desktop's softphone answers it by itself.
        behaviour = "answer"
    _set_variables(pbx, chan, msg)
    return _Leg(chan, behaviour, endpoint, answer_delay, talk_s)


def _run_target(pbx: Pbx, chan: Channel, msg: AmiMessage, answered: Headers) -> None:
    """The answered leg runs the Originate's application or dialplan."""
    if msg.get("Application"):
        pbx.emit(answered)
        pbx.spawn(_run_application(pbx, chan, msg.get("Application") or "", msg.get("Data") or ""))
    else:
        # Asterisk reports the answered Originate once the channel's dialplan is under way.
        chan.on_app_start = lambda: pbx.emit(answered)
        where = DialplanLocation(
            msg.get("Context") or "", msg.get("Exten") or "", int(msg.get("Priority") or 1)
        )
        pbx.spawn(pbx.run(chan, where))


def _set_variables(pbx: Pbx, chan: Channel, msg: AmiMessage) -> None:
    for item in msg.get_all("Variable"):
        for assignment in item.split(","):
            key, _, value = assignment.partition("=")
            if key:
                pbx.set_var(chan, key.strip(), value)


async def _run_application(pbx: Pbx, chan: Channel, app: str, data: str) -> None:
    chan.application, chan.app_data = app, data
    handler = pbx.applications.get(app.lower())
    try:
        if handler is not None:
            await handler(pbx, chan, data)
        while (
            not chan.is_interrupted()
            and not chan.is_gone()
            and handler is not None
            and app.lower() == "chanspy"
        ):
            await chan.pause(None)
    finally:
        if not chan.is_gone():
            pbx.finish(chan)


async def _hang_up_after(pbx: Pbx, chan: Channel, talk_s: float) -> None:
    await pbx.timing.sleep(talk_s)
    pbx.request_hangup(pbx.current(chan), 16, by="agent", event=None)


def _local_spy_leg(pbx: Pbx, msg: AmiMessage, resource: str) -> None:
    """``Local/spy@sup-sim``: ;1 runs the Application (ChanSpy), ;2 runs the dialplan."""
    exten, _, context = resource.partition("@")
    one_name, two_name = pbx.namer.local_pair(resource)
    app, data = msg.get("Application") or "", msg.get("Data") or ""
    one = pbx.new_channel(one_name, context, exten, state=STATE_DOWN, emit=False)
    # Asterisk reports a Local originate as answered before the channels' own events.
    pbx.emit(
        ev.originate_response(
            msg.action_id or "", True, one.name, _target(msg), 4, one.uniqueid, UNKNOWN, UNKNOWN
        )
    )
    pbx.emit(ev.channel_event("Newchannel", one))
    two = pbx.new_channel(two_name, context, exten, state=STATE_RING, linkedid=one.linkedid)
    pbx.emit(ev.new_exten(one, "AppDial2", "(Outgoing Line)"))
    pbx.emit(
        ev.two_channel_event(
            "LocalBridge",
            ("LocalOne", one),
            ("LocalTwo", two),
            ("Context", context),
            ("Exten", exten),
            ("LocalOptimization", "Yes"),
        )
    )
    pbx.emit(ev.dial("DialBegin", None, one, ("DialString", resource)))
    pbx.set_state(one, STATE_UP)
    pbx.emit(ev.dial("DialEnd", None, one, ("DialStatus", "ANSWER")))
    pbx.device_state("Local/" + resource, "INUSE")
    pbx.spawn(_local_pair(pbx, one, two, app, data, DialplanLocation(context, exten, 1)))


async def _local_pair(
    pbx: Pbx, one: Channel, two: Channel, app: str, data: str, where: DialplanLocation
) -> None:
    """Both halves live and die together."""
    one.partner, two.partner = two, one
    first = asyncio.ensure_future(_run_application(pbx, one, app, data))
    second = asyncio.ensure_future(pbx.run(two, where))
    try:
        await asyncio.wait({first, second}, return_when=asyncio.FIRST_COMPLETED)
        for chan in (two, one):
            pbx.request_hangup(chan, 0, by="pbx", event=None)
        await asyncio.gather(first, second, return_exceptions=True)
    finally:
        for task in (first, second):
            task.cancel()
        await asyncio.gather(first, second, return_exceptions=True)
