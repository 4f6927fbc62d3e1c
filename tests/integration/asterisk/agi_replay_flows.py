"""Scenario handlers for the transcript replays: each issues exactly the commands the recorded engine sent.

They use the typed session API only, and note what each command returned so the replay test can check
the parsed values as well as the wire.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from callcenter.asterisk.agi_session import AgiPromptMissing, AgiSession, PlaybackResult, RecordResult
from callcenter.asterisk.errors import AgiChannelGone, AgiInvalidCommand


async def queue_flow(s: AgiSession, notes: list[object], record: str = "", after_hold: str = "") -> None:
    await s.answer()
    notes.append(await s.stream_file("hello-world", "0123456789#*"))
    notes += [await s.wait_for_digit(6000), await s.get_data("beep", 4000, 2)]
    await s.set_variable("CC_INTERACTION", "42")
    notes += [await s.get_variable("CC_INTERACTION"), await s.get_variable("CALLERID(num)")]
    notes += [await s.get_full_variable("${CALLERID(name)} ${EXTEN}"), await s.get_variable("NO_SUCH_VAR")]
    await s.verbose("queued", 1)
    if record:
        path = f"/var/spool/callcenter/recordings/vm-{record}"
        notes.append(await s.record_file(path, "wav", "#", 3000, beep=True, silence_s=2))
    await s.noop("hello")
    try:
        await s.command("BOGUS COMMAND")
    except AgiInvalidCommand as exc:
        notes.append(str(exc))
    try:
        await s.exec("MusicOnHold", "default,20", timeout=30)
    except AgiChannelGone:  # the AMI Redirect (or Bridge) took the caller: return at once
        notes.append("gone")
        if after_hold:
            await s.noop(after_hold)
            notes.append(s.hung_up)


async def caller_hangup_flow(s: AgiSession, notes: list[object]) -> None:
    await s.answer()
    notes.append(await s.exec("Wait", "3"))
    try:
        await s.stream_file("tt-monkeys")
    except AgiChannelGone:
        notes.append("gone")
    await s.noop("after-hangup")
    notes += [s.hung_up, await s.get_variable("CALLERID(num)")]


async def voicemail_flow(s: AgiSession, notes: list[object]) -> None:
    await s.answer()
    notes.append(await s.stream_file("vm-intro"))
    path = "/var/spool/callcenter/recordings/vm-voicemail"
    notes.append(await s.record_file(path, "wav", "#", 15000, beep=True))
    notes.append(await s.stream_file("vm-msgsaved"))
    await s.hangup()


async def announce_flow(s: AgiSession, notes: list[object]) -> None:
    await s.answer()
    notes += [await s.say_number(3), await s.say_digits("42"), await s.say_alpha("ab")]
    notes.append(await s.stream_file("queue-thereare"))
    notes.append(await s.control_stream_file("tt-monkeys", "", 3000))
    notes.append(await s.get_option("beep", "12", 2000))
    await s.set_music(True)
    notes.append(await s.wait_for_digit(1500))
    await s.set_music(False)
    notes.append(await s.channel_status())
    # The recorded (lossy) wire form; set_callerid() sends the form that keeps the number.
    await s.command("SET CALLERID", "Known Customer", "<4155550100>")
    try:
        await s.stream_file("no-such-prompt", check_channel=False)
    except AgiPromptMissing:
        notes.append("missing")
    notes.append(await s.exec("Playback", "no-such-prompt"))
    await s.hangup()


async def dtmf_in_hold_flow(s: AgiSession, notes: list[object]) -> None:
    await s.answer()
    notes.append(await s.exec("MusicOnHold", "default,10", timeout=30))
    notes.append(await s.get_data("beep", 3000, 1))
    await s.hangup()
    await s.noop("after-agi-hangup")
    notes.append(s.hung_up)


QUEUE_NOTES: list[object] = [PlaybackResult(None, 11234), "1", "2", "42", "4155550100", "Test Caller 5551234"]
INVALID = "Asterisk refused BOGUS COMMAND: 510 Invalid or unknown command"
RECORDED = RecordResult("timeout", None, 0)
ANNOUNCE_TAIL: list[object] = [PlaybackResult(None, 3404), None, 6, "missing", 0]
SCENARIOS: dict[str, tuple[Callable[..., Awaitable[None]], dict[str, str], list[object]]] = {
    "inbound_redirect": (
        queue_flow,
        {"record": "inbound_redirect"},
        [*QUEUE_NOTES, None, RECORDED, INVALID, "gone"],
    ),
    "inbound_bridge": (
        queue_flow,
        {"record": "inbound_bridge", "after_hold": "after-hold"},
        [*QUEUE_NOTES, None, RECORDED, INVALID, "gone", True],
    ),
    "caller_abandon": (queue_flow, {}, [*QUEUE_NOTES, None, INVALID, "gone"]),
    "agent_busy": (queue_flow, {}, [*QUEUE_NOTES, None, INVALID, "gone"]),
    "blind_transfer": (queue_flow, {}, [*QUEUE_NOTES, None, INVALID, "gone"]),
    "caller_hangup": (caller_hangup_flow, {}, [0, "gone", True, "4155550100"]),
    "voicemail": (
        voicemail_flow,
        {},
        [PlaybackResult(None, 45235), RecordResult("dtmf", "#", 0), PlaybackResult(None, 17350)],
    ),
    "announce": (
        announce_flow,
        {},
        [None, None, None, PlaybackResult(None, 18054), PlaybackResult(None, -1), *ANNOUNCE_TAIL],
    ),
    "dtmf_in_hold": (dtmf_in_hold_flow, {}, [0, "", True]),
}
