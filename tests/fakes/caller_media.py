"""A recording fake of the caller-media port (:class:`callcenter.caller_media.CallerMedia`).

Every action is kept in ``done`` in order as a frozen value. The caller is scripted: ``keys`` maps a
prompt to the key pressed while it plays; ``dial_status`` is how a dial ends; ``fail_on`` makes
the first action of a kind raise (``CallerGone`` is what a hang-up, or an agent's ring taking the
caller away, looks like to the engine).
"""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path

from callcenter.caller_media import Arrival


@dataclass(frozen=True, slots=True)
class Answer:
    pass


@dataclass(frozen=True, slots=True)
class HangUp:
    pass


@dataclass(frozen=True, slots=True)
class Play:
    prompt: str
    escape_digits: str = ""


@dataclass(frozen=True, slots=True)
class SayNumber:
    number: int


@dataclass(frozen=True, slots=True)
class WaitForKey:
    timeout_ms: int


@dataclass(frozen=True, slots=True)
class ReadDigits:
    prompt: str | None


@dataclass(frozen=True, slots=True)
class RecordAnswer:
    path: str


@dataclass(frozen=True, slots=True)
class SetVariable:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class MusicOnHold:
    music_class: str
    seconds: int


@dataclass(frozen=True, slots=True)
class SetMusic:
    on: bool


@dataclass(frozen=True, slots=True)
class RecordMessage:
    path: str
    max_ms: int


@dataclass(frozen=True, slots=True)
class DialNumber:
    number: str
    trunk: str


@dataclass(frozen=True, slots=True)
class ReadHandback:
    pass


MediaAction = (
    Answer
    | HangUp
    | Play
    | SayNumber
    | WaitForKey
    | ReadDigits
    | RecordAnswer
    | SetVariable
    | MusicOnHold
    | SetMusic
    | RecordMessage
    | DialNumber
    | ReadHandback
)


@dataclass
class FakeCallerMedia:
    arrival: Arrival
    keys: dict[str, str] = field(default_factory=dict)  # prompt -> key pressed while it plays
    dial_status: str = "ANSWER"
    handback_value: str | None = None
    done: list[MediaAction] = field(default_factory=list)
    fail_on: dict[type[MediaAction], Exception] = field(default_factory=dict)
    recorded_s: float = 2.0  # how long a message the caller leaves (written as Asterisk would)

    def _do(self, action: MediaAction) -> None:
        self.done.append(action)
        failure = self.fail_on.pop(type(action), None)
        if failure is not None:
            raise failure

    async def answer(self) -> None:
        self._do(Answer())

    async def hangup(self) -> None:
        self._do(HangUp())

    async def play(self, prompt: str, escape_digits: str = "") -> str | None:
        self._do(Play(prompt, escape_digits))
        key = self.keys.get(prompt)
        return key if key is not None and key in escape_digits else None

    async def say_number(self, number: int, escape_digits: str = "") -> str | None:
        self._do(SayNumber(number))
        return None

    async def wait_for_digit(self, timeout_ms: int) -> str | None:
        self._do(WaitForKey(timeout_ms))
        return None

    async def read_digits(self, prompt: str | None, timeout_ms: int, max_digits: int, terminator: str) -> str:
        self._do(ReadDigits(prompt))
        return self.keys.get(prompt or "", "")

    async def record_answer(self, path: str, timeout_ms: int) -> None:
        self._do(RecordAnswer(path))

    async def set_variable(self, name: str, value: str) -> None:
        self._do(SetVariable(name, value))

    async def music_on_hold(self, music_class: str, seconds: int) -> None:
        self._do(MusicOnHold(music_class, seconds))

    async def set_music(self, on: bool, music_class: str = "default") -> None:
        self._do(SetMusic(on))

    async def record_message(self, path: str, max_ms: int, silence_s: int) -> str | None:
        """Writes ``path.wav`` (``recorded_s`` of silence) when its directory exists, even when the
        caller hangs up meanwhile (``fail_on`` CallerGone), as Asterisk does."""
        target = Path(f"{path}.wav")
        if target.parent.is_dir():
            with wave.open(str(target), "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(8000)
                wav.writeframes(b"\0\0" * int(8000 * self.recorded_s))
        self._do(RecordMessage(path, max_ms))
        return "#"

    async def dial_number(self, number: str, trunk: str) -> str:
        self._do(DialNumber(number, trunk))
        return self.dial_status

    async def handback(self) -> str | None:
        self._do(ReadHandback())
        return self.handback_value
