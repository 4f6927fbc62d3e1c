"""``EXEC <application> <args>`` inside AGI.

``EXEC MusicOnHold default,20`` blocks until the duration ends (``200 result=0``) or the channel
is redirected or hung up (``200 result=-1``, AGIExecEnd ``Result: Unknown Result``); digits
pressed meanwhile never reach the AGI, they only show as AMI DTMFBegin/DTMFEnd (fact 12).
``EXEC Playback no-such-prompt`` answers ``200 result=0`` (fact 13).
"""

from __future__ import annotations

from typing import Protocol

from callcenter.pbxsim import events as ev
from callcenter.pbxsim.channels import Channel
from callcenter.pbxsim.dial import dial_app
from callcenter.pbxsim.fax import run_fax
from callcenter.pbxsim.pbx import Pbx
from callcenter.pbxsim.prompts import PromptLibrary

Answer = tuple[str, tuple[str, str]]  # (line sent to the engine, (ResultCode, Result) of AGIExecEnd)
OK = ("200", "Success")


class ExecContext(Protocol):
    """What EXEC needs of the AGI session (:class:`callcenter.pbxsim.agi_commands.AgiCommands`)."""

    @property
    def pbx(self) -> Pbx: ...

    @property
    def chan(self) -> Channel: ...

    @property
    def prompts(self) -> PromptLibrary: ...

    def _heard(self, prompt: str) -> None: ...

    async def _play(self, samples: int, escape: str) -> tuple[int, int]: ...


async def exec_application(cmds: ExecContext, app: str, data: str) -> Answer:
    pbx, chan = cmds.pbx, cmds.chan
    name = app.lower()
    if chan.is_interrupted():
        return "200 result=-1", OK
    if name == "musiconhold":
        parts = data.split(",")
        pbx.emit(ev.channel_event("MusicOnHoldStart", chan, ("Class", parts[0] or "default")))
        chan.on_hold = True
        cmds._heard("moh")
        duration = float(parts[1]) if len(parts) > 1 and parts[1] else None
        interrupted = await chan.pause(pbx.timing.wall(duration) if duration is not None else None)
        if not chan.is_gone():  # a yanked (AMI Bridge) channel's clone stops it in the bridge
            chan.on_hold = False
            pbx.emit(ev.channel_event("MusicOnHoldStop", chan))
        if interrupted:
            return "200 result=-1", ("200", "Unknown Result")
        return "200 result=0", OK
    if name == "wait":
        interrupted = await chan.pause(pbx.timing.wall(float(data or "0")))
        return ("200 result=-1", OK) if interrupted else ("200 result=0", OK)
    if name in ("playback", "background"):
        prompt = data.split(",")[0]
        samples = cmds.prompts.samples(prompt)
        if samples is None:
            pbx.set_var(chan, "PLAYBACKSTATUS", "FAILED")
            return "200 result=0", OK
        cmds._heard(prompt)
        result, _ = await cmds._play(samples, "")
        if not chan.is_gone():
            pbx.set_var(chan, "PLAYBACKSTATUS", "FAILED" if result < 0 else "SUCCESS")
        return ("200 result=-1", OK) if result < 0 else ("200 result=0", OK)
    if name == "dial":
        await dial_app(pbx, chan, data)
        return ("200 result=-1", OK) if chan.is_gone() or chan.is_interrupted() else ("200 result=0", OK)
    if name in ("receivefax", "sendfax"):
        await run_fax(pbx, chan, data.split(",")[0], receive=name == "receivefax")
        return ("200 result=-1", OK) if chan.is_gone() or chan.is_interrupted() else ("200 result=0", OK)
    if name in ("noop", "verbose", "set", "answer"):
        if name == "set" and "=" in data:
            key, _, value = data.partition("=")
            pbx.set_var(chan, key, value)
        return "200 result=0", OK
    return "200 result=-2", ("200", "Failure")
