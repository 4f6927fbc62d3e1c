"""The caller's side of leaving a message (``VoicemailTaker``) on the caller-media fake: the review
keys, the fall-backs to a queue, a hang-up while speaking. The files are real (a temporary
directory both "Asterisk" and the engine see)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from callcenter.caller_media import Arrival, MediaFailed
from callcenter.calls.registry import LiveCall
from callcenter.calls.voicemail_taker import VoicemailTaker
from callcenter.settings_voicemail import VoicemailSettings
from ivr_flows.errors import CallerGone
from recorder.voicemail import MessageFile, VoicemailFileUnreadable
from tests.fakes.caller_media import FakeCallerMedia, HangUp, Play, RecordMessage

QUEUES = ("general", "support")


@dataclass
class Inbox:
    """Records what the taker hands over (the port to the records and the ACD)."""

    delivered: list[tuple[str, MessageFile]] = field(default_factory=list)
    unreadable_ones: list[str] = field(default_factory=list)

    async def deliver(self, call: LiveCall, mailbox: str, queue: str, message: MessageFile) -> None:
        self.delivered.append((queue, message))

    async def unreadable(
        self, call: LiveCall, mailbox: str, queue: str, error: VoicemailFileUnreadable
    ) -> None:
        self.unreadable_ones.append(queue)


def _setup(tmp_path: Path, **settings: object) -> tuple[VoicemailTaker, Inbox, LiveCall]:
    inbox = Inbox()
    vm = VoicemailSettings.model_validate({"asterisk_dir": str(tmp_path), **settings})
    taker = VoicemailTaker(vm, inbox, lambda: QUEUES, lambda: "general")
    call = LiveCall("1795383169.1", "PJSIP/pstn-1", "4155550100", "Wei", "5551234", 0.0)
    return taker, inbox, call


def _media(**kwargs: object) -> FakeCallerMedia:
    return FakeCallerMedia(Arrival("1795383169.1", "PJSIP/pstn-1", "4155550100", "Wei", "5551234"), **kwargs)  # type: ignore[arg-type]


async def test_given_no_key_at_the_review_then_the_message_is_sent_to_the_mailbox_queue(
    tmp_path: Path,
) -> None:
    taker, inbox, call = _setup(tmp_path)
    media = _media()
    assert await taker.take(media, call, "support@default") is None
    base = str(tmp_path / "vm-1795383169.1-1")
    assert media.done[:3] == [Play("vm-intro"), RecordMessage(base, 180_000), Play("vm-review", "123#")]
    assert media.done[-2:] == [Play("vm-msgsaved"), HangUp()]
    [(queue, message)] = inbox.delivered
    assert (queue, message.path, message.duration_s) == ("support", Path(base + ".wav"), 2.0)


async def test_given_3_at_the_review_then_the_caller_records_again_and_the_last_take_is_sent(
    tmp_path: Path,
) -> None:
    taker, inbox, call = _setup(tmp_path, mailboxes={"100@default": "support"})
    media = _media(keys={"vm-review": "3"})
    await taker.take(media, call, "100@default", intro=False)
    takes = [a.path for a in media.done if isinstance(a, RecordMessage)]
    assert takes == [str(tmp_path / f"vm-1795383169.1-{n}") for n in (1, 2, 3)]
    assert [(q, m.path.name) for q, m in inbox.delivered] == [("support", "vm-1795383169.1-3.wav")]


async def test_given_2_at_the_review_then_the_caller_hears_the_message_and_it_is_sent(tmp_path: Path) -> None:
    taker, inbox, call = _setup(tmp_path)
    media = _media(keys={"vm-review": "2"})
    await taker.take(media, call, "nobody@default", intro=False)
    base = str(tmp_path / "vm-1795383169.1-1")
    assert Play(base, "123#") in media.done
    assert [q for q, _m in inbox.delivered] == ["general"]  # an unknown mailbox: the default queue


async def test_given_asterisk_cannot_record_then_the_caller_is_given_the_queue(tmp_path: Path) -> None:
    taker, inbox, call = _setup(tmp_path)
    media = _media(fail_on={RecordMessage: MediaFailed("record a message", "writefile")})
    assert await taker.take(media, call, "support") == "support"
    assert inbox.delivered == []
    assert HangUp() not in media.done


async def test_given_the_engine_cannot_read_the_file_then_the_caller_is_given_the_queue(
    tmp_path: Path,
) -> None:
    taker, inbox, call = _setup(tmp_path, engine_dir=str(tmp_path / "not-mounted"))
    assert await taker.take(_media(), call, "support") == "support"
    assert (inbox.delivered, inbox.unreadable_ones) == ([], ["support"])


async def test_given_a_hang_up_while_speaking_then_a_long_enough_message_is_kept(tmp_path: Path) -> None:
    taker, inbox, call = _setup(tmp_path)
    assert (
        await taker.take(_media(fail_on={RecordMessage: CallerGone(reason="hangup")}), call, "support")
        is None
    )
    assert len(inbox.delivered) == 1
    short = _media(fail_on={RecordMessage: CallerGone(reason="hangup")}, recorded_s=0.3)
    call.uniqueid = "1795383169.2"
    assert await taker.take(short, call, "support") is None
    assert len(inbox.delivered) == 1  # a hang-up at the beep leaves nothing


async def test_given_a_hang_up_during_the_review_then_the_recorded_message_is_kept(tmp_path: Path) -> None:
    taker, inbox, call = _setup(tmp_path)
    media = _media(fail_on={Play: CallerGone(reason="hangup")})  # the review prompt (no intro here)
    assert await taker.take(media, call, "support", intro=False) is None
    assert [m.path.name for _q, m in inbox.delivered] == ["vm-1795383169.1-1.wav"]


async def test_given_a_hang_up_while_recording_again_then_the_earlier_take_is_kept(tmp_path: Path) -> None:
    taker, inbox, call = _setup(tmp_path)
    media = _media(keys={"vm-review": "3"})
    original = media.record_message

    async def second_take_hung_up(path: str, max_ms: int, silence_s: int) -> str | None:
        if path.endswith("-2"):
            media.recorded_s = 0.1  # hung up at the beep
            media.fail_on[RecordMessage] = CallerGone(reason="hangup")
        return await original(path, max_ms, silence_s)

    media.record_message = second_take_hung_up  # type: ignore[method-assign]
    await taker.take(media, call, "support", intro=False)
    assert [m.path.name for _q, m in inbox.delivered] == ["vm-1795383169.1-1.wav"]
