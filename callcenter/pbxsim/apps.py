"""Small dialplan applications: Hangup, Answer, Wait, MusicOnHold and ChanSpy (in :mod:`chanspy`)."""

from __future__ import annotations

from callcenter.pbxsim import events as ev
from callcenter.pbxsim.channels import STATE_UP, Channel
from callcenter.pbxsim.chanspy import chan_spy_app
from callcenter.pbxsim.pbx import Application, Pbx


async def hangup_app(pbx: Pbx, chan: Channel, data: str) -> None:
    # Hangup() after a failed Dial keeps the Dial's cause (17 "User busy" in agent_busy).
    chan.tech_cause = chan.dial_tech_cause
    pbx.finish(chan, chan.dial_cause if chan.dial_cause is not None else 16)


async def answer_app(pbx: Pbx, chan: Channel, data: str) -> None:
    if chan.state != STATE_UP:
        pbx.set_state(chan, STATE_UP)


async def wait_app(pbx: Pbx, chan: Channel, data: str) -> None:
    seconds = float(data or "0")
    await chan.pause(pbx.timing.wall(seconds))


async def music_on_hold_app(pbx: Pbx, chan: Channel, data: str) -> None:
    moh_class = data.split(",")[0] or "default"
    pbx.emit(ev.channel_event("MusicOnHoldStart", chan, ("Class", moh_class)))
    chan.on_hold = True
    duration = data.split(",")[1] if "," in data else ""
    await chan.pause(pbx.timing.wall(float(duration)) if duration else None)
    if not chan.is_gone():
        chan.on_hold = False
        pbx.emit(ev.channel_event("MusicOnHoldStop", chan))


BASIC_APPLICATIONS: dict[str, Application] = {
    "hangup": hangup_app,
    "answer": answer_app,
    "wait": wait_app,
    "musiconhold": music_on_hold_app,
    "chanspy": chan_spy_app,
}
