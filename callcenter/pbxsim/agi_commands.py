"""AGI command semantics, as recorded from Asterisk 22.10.1.

Answers the engine sees (facts 5, 6, 13, 14, 15)::

    WAIT FOR DIGIT 6000              -> 200 result=49          (ASCII of "1"; 0 on timeout)
    STREAM FILE no-such-prompt ""    -> 200 result=-1 endpos=0 (live channel, missing prompt)
    EXEC Playback no-such-prompt     -> 200 result=0
    GET DATA beep 3000 1             -> 200 result= (timeout)
    RECORD FILE /x wav "#" 15000 0   -> 200 result=35 (dtmf) endpos=0
    RECORD FILE /no/such/dir/x wav …  -> 200 result=-1 (writefile)   (res_agi; the channel stays up)
    HANGUP                           -> 200 result=1, then "HANGUP" before the next answer
    BOGUS COMMAND                    -> 510 Invalid or unknown command
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from callcenter.pbxsim import events as ev
from callcenter.pbxsim.agi_exec import Answer, exec_application
from callcenter.pbxsim.agi_parse import split_command
from callcenter.pbxsim.channels import STATE_UP, Channel
from callcenter.pbxsim.dialplan import substitute
from callcenter.pbxsim.pbx import Pbx
from callcenter.pbxsim.prompts import PromptLibrary, can_write_recording, write_recording
from callcenter.pbxsim.timing import SAMPLE_RATE

OK = ("200", "Success")
SAY_SECONDS_PER_CHAR = 0.75


class AgiCommands:
    """Executes commands for one AGI session on one channel."""

    def __init__(self, pbx: Pbx, chan: Channel, send: Callable[[str], None]) -> None:
        self.pbx = pbx
        self.chan = chan
        self.send = send
        self.prompts = PromptLibrary(pbx.config)
        self.hangup_line_due = False
        self.hangup_line_sent = False

    async def execute(self, line: str) -> None:
        name, args = split_command(line)
        trace = self.chan.trace
        if trace is not None:
            trace.agi_commands.append(line)
        command_id = self.pbx.rng.randrange(1, 2**31)
        live = not self.chan.is_gone()
        if live:
            self.pbx.emit(ev.agi_exec(self.chan, command_id, line))
        was_interrupted = self.chan.is_interrupted()
        if self.hangup_line_due and not self.hangup_line_sent:
            self.hangup_line_sent, self.hangup_line_due = True, False
            self.send("HANGUP")
        if name is None:
            answer: Answer = ("510 Invalid or unknown command", ("510", "Invalid or unknown command"))
        else:
            handler = getattr(self, "cmd_" + name.replace(" ", "_"))
            answer = await handler(args)
        if not was_interrupted and self.chan.is_interrupted() and not self.hangup_line_sent:
            self.hangup_line_due = True
        if live and not self.chan.is_gone():
            self.pbx.emit(ev.agi_exec(self.chan, command_id, line, answer[1]))
        self.send(answer[0])

    # -- media helpers -----------------------------------------------------------------------
    def _heard(self, prompt: str) -> None:
        if self.chan.trace is not None:
            self.chan.trace.prompts.append(prompt)
            self.chan.trace.first_prompt.set()

    async def _play(self, samples: int, escape: str) -> tuple[int, int]:
        """Play for ``samples``; returns (result, endpos): 0 done, ASCII digit, or -1 interrupted."""
        if self.chan.is_interrupted():
            return -1, 0
        loop = asyncio.get_running_loop()
        start = loop.time()
        wall = self.pbx.timing.wall(samples / SAMPLE_RATE)
        scale = self.pbx.timing.time_scale or 1.0
        self.chan.collecting, self.chan.accepting = True, escape
        self.chan.digit_buffer.clear()
        try:
            while True:
                remaining = wall - (loop.time() - start)
                digit = await self.chan.wait_digit(remaining) if remaining > 0 else None
                pos = min(samples, int((loop.time() - start) / scale * SAMPLE_RATE))
                if self.chan.is_interrupted():
                    return -1, pos
                if digit is None:
                    return 0, samples
                if digit in escape:
                    return ord(digit), pos
        finally:
            self.chan.collecting, self.chan.accepting = False, ""

    async def _collect(self, wall_timeout: float | None, accept: str) -> tuple[str | None, bool]:
        """One digit from ``accept`` within the timeout; (digit, interrupted)."""
        self.chan.collecting, self.chan.accepting = True, accept
        try:
            loop = asyncio.get_running_loop()
            deadline = None if wall_timeout is None else loop.time() + wall_timeout
            while True:
                remaining = None if deadline is None else max(0.0, deadline - loop.time())
                digit = await self.chan.wait_digit(remaining)
                if self.chan.is_interrupted():
                    return None, True
                if digit is None or digit in accept:
                    return digit, False
        finally:
            self.chan.collecting, self.chan.accepting = False, ""

    def _ms(self, value: str | None, default_ms: int) -> float | None:
        ms = int(value) if value and value.lstrip("-").isdigit() else default_ms
        return None if ms < 0 else self.pbx.timing.wall(ms / 1000)

    # -- commands ----------------------------------------------------------------------------
    async def cmd_answer(self, args: list[str]) -> Answer:
        if self.chan.state != STATE_UP and not self.chan.is_gone():
            self.pbx.set_state(self.chan, STATE_UP)
            self.pbx.device_state(self.chan.device, "INUSE")
        return "200 result=0", OK

    async def cmd_stream_file(self, args: list[str]) -> Answer:
        prompt, escape = args[0] if args else "", args[1] if len(args) > 1 else ""
        samples = self.prompts.samples(prompt)
        if samples is None or self.chan.is_interrupted():
            return "200 result=-1 endpos=0", OK
        self._heard(prompt)
        result, endpos = await self._play(samples, escape)
        if not self.chan.is_gone():
            self.pbx.set_var(self.chan, "PLAYBACKSTATUS", "FAILED" if result < 0 else "SUCCESS")
        return f"200 result={result} endpos={endpos}", (("-1", "Failure") if result < 0 else OK)

    async def cmd_control_stream_file(self, args: list[str]) -> Answer:
        prompt, escape = args[0] if args else "", args[1] if len(args) > 1 else ""
        samples = self.prompts.samples(prompt)
        if samples is None or self.chan.is_interrupted():
            return "200 result=-1 endpos=0", OK
        self._heard(prompt)
        result, endpos = await self._play(samples, escape)
        if result == 0 and not self.chan.is_gone():
            self.pbx.set_var(self.chan, "CPLAYBACKSTATUS", "SUCCESS")
            self.pbx.set_var(self.chan, "CPLAYBACKOFFSET", "-1")
            endpos = -1  # as recorded: a control playback that ran to its end reports endpos=-1
        return f"200 result={result} endpos={endpos}", OK

    async def cmd_wait_for_digit(self, args: list[str]) -> Answer:
        digit, interrupted = await self._collect(self._ms(args[0] if args else None, -1), "0123456789*#ABCD")
        if interrupted:
            return "200 result=-1", OK
        return f"200 result={ord(digit) if digit else 0}", OK

    async def cmd_get_data(self, args: list[str]) -> Answer:
        prompt = args[0] if args else ""
        timeout = self._ms(args[1] if len(args) > 1 else None, 6000)
        max_digits = int(args[2]) if len(args) > 2 and args[2].isdigit() else 1024
        digits = ""
        samples = self.prompts.samples(prompt)
        if samples is not None:
            self._heard(prompt)
            result, _ = await self._play(samples, "0123456789*#")
            if result < 0:
                return "200 result=-1", OK
            if result > 0:
                digits = chr(result)
        while len(digits) < max_digits and not digits.endswith("#"):
            digit, interrupted = await self._collect(timeout, "0123456789*#")
            if interrupted:
                return "200 result=-1", OK
            if digit is None:
                return f"200 result={digits} (timeout)", OK
            digits += digit
        return f"200 result={digits.rstrip('#')}", OK

    async def cmd_get_option(self, args: list[str]) -> Answer:
        prompt, escape = args[0] if args else "", args[1] if len(args) > 1 else ""
        samples = self.prompts.samples(prompt)
        if samples is None:
            return "200 result=-1 endpos=0", OK
        self._heard(prompt)
        result, endpos = await self._play(samples, escape)
        if result == 0:
            digit, interrupted = await self._collect(
                self._ms(args[2] if len(args) > 2 else None, 5000), escape
            )
            result = -1 if interrupted else (ord(digit) if digit else 0)
        return f"200 result={result} endpos={endpos}", OK

    async def _say(self, text: str, escape: str, units: int) -> Answer:
        self._heard(f"say:{text}")
        samples = int(units * SAY_SECONDS_PER_CHAR * SAMPLE_RATE) + SAMPLE_RATE // 10
        result, _ = await self._play(samples, escape)
        return f"200 result={result}", OK

    async def cmd_say_number(self, args: list[str]) -> Answer:
        return await self._say(args[0] if args else "", args[1] if len(args) > 1 else "", 1)

    async def cmd_say_digits(self, args: list[str]) -> Answer:
        text = args[0] if args else ""
        return await self._say(text, args[1] if len(args) > 1 else "", len(text))

    async def cmd_say_alpha(self, args: list[str]) -> Answer:
        text = args[0] if args else ""
        return await self._say(text, args[1] if len(args) > 1 else "", len(text))

    async def cmd_set_variable(self, args: list[str]) -> Answer:
        if len(args) >= 2 and not self.chan.is_gone():
            self.pbx.set_var(self.chan, args[0], args[1])
        return "200 result=1", OK

    async def cmd_get_variable(self, args: list[str]) -> Answer:
        value = self.pbx.lookup(self.chan).get(args[0] if args else "")
        return (f"200 result=1 ({value})", OK) if value is not None else ("200 result=0", OK)

    async def cmd_get_full_variable(self, args: list[str]) -> Answer:
        return f"200 result=1 ({substitute(args[0] if args else '', self.pbx.lookup(self.chan))})", OK

    async def cmd_verbose(self, args: list[str]) -> Answer:
        return "200 result=1", OK

    async def cmd_noop(self, args: list[str]) -> Answer:
        return "200 result=0", OK

    async def cmd_record_file(self, args: list[str]) -> Answer:
        path, fmt = [*args, "", ""][:2]
        escape = args[2] if len(args) > 2 else ""
        timeout = self._ms(args[3] if len(args) > 3 else None, -1)
        loop = asyncio.get_running_loop()
        self._heard(f"record:{path}")
        if "BEEP" in (a.upper() for a in args[4:]):
            await self._play(self.prompts.samples("beep") or 0, "")
        if not can_write_recording(path, fmt):
            # res_agi: ast_writefile failed (no such directory); the channel stays up.
            return "200 result=-1 (writefile)", OK
        start = loop.time()
        digit, interrupted = await self._collect(timeout, escape)
        write_recording(path, fmt, (loop.time() - start) / (self.pbx.timing.time_scale or 1.0))
        if interrupted:
            return "200 result=-1 (hangup) endpos=0", OK
        if digit is not None:
            return f"200 result={ord(digit)} (dtmf) endpos=0", OK
        return "200 result=1 (timeout) endpos=0", OK

    async def cmd_exec(self, args: list[str]) -> Answer:
        return await exec_application(self, args[0] if args else "", " ".join(args[1:]))

    async def cmd_channel_status(self, args: list[str]) -> Answer:
        return f"200 result={self.chan.state}", OK

    async def cmd_set_music(self, args: list[str]) -> Answer:
        on = bool(args) and args[0].lower() == "on"
        self.chan.on_hold = on
        if on:
            self.pbx.emit(
                ev.channel_event(
                    "MusicOnHoldStart", self.chan, ("Class", args[1] if len(args) > 1 else "default")
                )
            )
        else:
            self.pbx.emit(ev.channel_event("MusicOnHoldStop", self.chan))
        return "200 result=0", OK

    async def cmd_set_callerid(self, args: list[str]) -> Answer:
        text = " ".join(args)
        name, _, num = text.partition("<")
        self.chan.cid_name = name.strip().strip('"') or self.chan.cid_name
        self.chan.cid_num = num.rstrip(">").strip() or self.chan.cid_num
        self.pbx.emit(
            ev.channel_event(
                "NewCallerid", self.chan, ("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")
            )
        )
        return "200 result=1", OK

    async def cmd_hangup(self, args: list[str]) -> Answer:
        if not self.chan.is_gone():
            self.pbx.request_hangup(self.chan, 0, by="engine", event=ev.soft_hangup_request(self.chan, 32))
            self.hangup_line_due = True
        return "200 result=1", OK
