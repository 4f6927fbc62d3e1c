"""The flow format: typed pydantic models, one per node type (discriminated on ``type``).

A flow file (``ivr_flows/flows/*.yaml``)::

    name: main
    numbers: ["5551234"]
    start: greeting
    fallback: general            # a queue name or a node id, used when a node breaks at run time
    nodes:
      greeting: {type: play, prompt: hello-world, next: menu}
      menu:
        type: menu
        prompt: "text:For sales press 1."
        options: {1: sales}
        on_fail: sales
      sales: {type: queue, queue: sales, skills: {sales: 2}}

Prompts are sound file names (``hello-world``) or TTS text with the ``text:`` prefix; both may use
``{var}`` templates. Models are frozen: a loaded flow is never changed, calls keep the object they
started with. Checks that need more than one field (references, digits, loops) live in
``validation.py`` so they come back as issues with exact messages instead of schema errors.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

TEXT_PREFIX = "text:"
FLOW_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _options_to_pairs(value: Any) -> Any:
    """``{1: a, "2": b}`` → ``[("1", "a"), ("2", "b")]``, keeping duplicates for ``validate``.

    YAML keys cannot repeat, but ``1`` (int) and ``"1"`` (str) are two keys that mean one digit.
    """
    if isinstance(value, dict):
        return [(str(k), v) for k, v in value.items()]
    return value


def option_targets(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Digit → next; a digit given twice (``1`` and ``"1"``) keeps its first target (validation flags it)."""
    out: dict[str, str] = {}
    for digit, target in pairs:
        out.setdefault(digit, target)
    return out


DigitOptions = Annotated[tuple[tuple[str, str], ...], Field(default=())]


class Retry(_Model):
    """What happens on invalid input or on a timeout: play ``prompt`` and ask again, or go to ``next``."""

    prompt: str | None = None
    next: str | None = None


class PlayNode(_Model):
    type: Literal["play"]
    prompt: str | None = None
    text: str | None = None
    next: str

    def prompt_spec(self) -> str:
        if self.text is not None:
            return TEXT_PREFIX + self.text
        return self.prompt or ""


class MenuNode(_Model):
    """``prompt`` is one prompt or a list played in turn (e.g. one per language), each listening
    for the options: a key pressed during any of them counts."""

    type: Literal["menu"]
    prompt: str | tuple[str, ...]
    options: DigitOptions
    timeout_ms: int = Field(default=5000, ge=500, le=60000)
    invalid: Retry = Retry()
    timeout: Retry = Retry()
    retries: int = Field(default=2, ge=0, le=10)
    on_fail: str | None = None

    _pairs = field_validator("options", mode="before")(_options_to_pairs)

    def prompt_specs(self) -> tuple[str, ...]:
        return (self.prompt,) if isinstance(self.prompt, str) else self.prompt


class CollectNode(_Model):
    type: Literal["collect"]
    prompt: str
    variable: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    min_length: int = Field(default=1, ge=1, le=64)
    max_length: int = Field(default=16, ge=1, le=64)
    terminator: str = "#"
    timeout_ms: int = Field(default=5000, ge=500, le=60000)
    regex: str | None = None
    validator: str | None = None
    invalid: Retry = Retry()
    timeout: Retry = Retry()
    retries: int = Field(default=2, ge=0, le=10)
    next: str
    on_fail: str | None = None


class SpeechMenuNode(_Model):
    type: Literal["speech_menu"]
    prompt: str
    keywords: dict[str, str]
    options: DigitOptions
    timeout_ms: int = Field(default=5000, ge=500, le=60000)
    invalid: Retry = Retry()
    timeout: Retry = Retry()
    retries: int = Field(default=2, ge=0, le=10)
    on_fail: str | None = None

    _pairs = field_validator("options", mode="before")(_options_to_pairs)


class CrmLookupNode(_Model):
    type: Literal["crm_lookup"]
    by: Literal["caller", "variable"] = "caller"
    variable: str | None = None
    assign: dict[str, str] = Field(default_factory=dict)
    found: str
    not_found: str


class Schedule(_Model):
    timezone: str
    weekly: dict[Weekday, tuple[str, ...]] = Field(default_factory=dict)
    holidays: tuple[date, ...] = ()

    @field_validator("weekly")
    @classmethod
    def _ranges(cls, value: dict[Weekday, tuple[str, ...]]) -> dict[Weekday, tuple[str, ...]]:
        for ranges in value.values():
            for item in ranges:
                parse_range(item)
        return value

    @field_validator("holidays", mode="before")
    @classmethod
    def _expand(cls, value: Any) -> Any:
        """``2026-10-01..2026-10-07`` in the list stands for every day of that range."""
        if not isinstance(value, list | tuple):
            return value
        out: list[Any] = []
        for item in value:
            if isinstance(item, str) and ".." in item:
                first, last = (date.fromisoformat(p.strip()) for p in item.split("..", 1))
                if last < first:
                    raise ValueError(f"holiday range {item!r} ends before it starts")
                out.extend(first + timedelta(days=n) for n in range((last - first).days + 1))
            else:
                out.append(item)
        return out


def split_text_prompt(spec: str, language: str) -> tuple[str, str]:
    """``"text:[zh]你好"`` → ("你好", "zh"); without a ``[tag]`` the caller's ``language`` is used."""
    text = spec.removeprefix(TEXT_PREFIX)
    m = re.match(r"^\[([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)\]", text)
    if m:
        return text[m.end() :], m.group(1)
    return text, language


def parse_range(text: str) -> tuple[time, time | None]:
    """``"09:00-18:00"`` → (09:00, 18:00); an end of ``24:00`` is returned as None (end of day)."""
    m = _RANGE.match(text)
    if m is None:
        raise ValueError(f"time range {text!r} must look like 09:00-18:00")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise ValueError(f"time range {text!r} has an impossible time")
    start = time(h1, m1)
    end = None if h2 == 24 else time(h2, m2)
    if end is not None and end <= start:
        raise ValueError(f"time range {text!r} ends before it starts")
    return start, end


class BusinessHoursTest(_Model):
    business_hours: Schedule


class ValueTierTest(_Model):
    value_tier: tuple[str, ...]


Operator = Literal["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "matches", "set", "unset"]


class VariableTest(_Model):
    variable: str
    op: Operator = "eq"
    value: str | int | float | tuple[str | int | float, ...] | None = None


def _test_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("business_hours", "value_tier", "variable"):
            if key in value:
                return key
        return None
    for key, model in (
        ("business_hours", BusinessHoursTest),
        ("value_tier", ValueTierTest),
        ("variable", VariableTest),
    ):
        if isinstance(value, model):
            return key
    return None


Test = Annotated[
    Annotated[BusinessHoursTest, Tag("business_hours")]
    | Annotated[ValueTierTest, Tag("value_tier")]
    | Annotated[VariableTest, Tag("variable")],
    Discriminator(
        _test_kind,
        custom_error_type="unknown_test",
        custom_error_message="a test needs one of business_hours, value_tier or variable",
    ),
]


class Branch(_Model):
    when: Test
    then: str


class ConditionNode(_Model):
    type: Literal["condition"]
    branches: tuple[Branch, ...] = ()
    else_: str = Field(alias="else")


class SetNode(_Model):
    type: Literal["set"]
    variables: dict[str, str | int | float | bool]
    next: str


class QueueNode(_Model):
    type: Literal["queue"]
    queue: str
    skills: dict[str, int] = Field(default_factory=dict)
    priority: int | str = 0
    announce: bool = True
    prompt: str | None = None

    @field_validator("skills")
    @classmethod
    def _levels(cls, value: dict[str, int]) -> dict[str, int]:
        for skill, level in value.items():
            if not 1 <= level <= 5:
                raise ValueError(f"skill {skill!r} needs a level from 1 to 5, not {level}")
        return value


class VoicemailNode(_Model):
    type: Literal["voicemail"]
    mailbox: str
    prompt: str | None = None


class CallbackOfferNode(_Model):
    type: Literal["callback_offer"]
    queue: str
    prompt: str | None = None


class TransferNode(_Model):
    type: Literal["transfer"]
    number: str
    prompt: str | None = None


class SubflowNode(_Model):
    type: Literal["subflow"]
    flow: str
    return_to: str = Field(alias="return")


class ReturnNode(_Model):
    """Ends a subflow: the caller continues at the calling node's ``return``."""

    type: Literal["return"]


class HangupNode(_Model):
    type: Literal["hangup"]
    prompt: str | None = None


Node = Annotated[
    PlayNode
    | MenuNode
    | CollectNode
    | SpeechMenuNode
    | CrmLookupNode
    | ConditionNode
    | SetNode
    | QueueNode
    | VoicemailNode
    | CallbackOfferNode
    | TransferNode
    | SubflowNode
    | ReturnNode
    | HangupNode,
    Field(discriminator="type"),
]

NODE_TYPES = (
    "play",
    "menu",
    "collect",
    "speech_menu",
    "crm_lookup",
    "condition",
    "set",
    "queue",
    "voicemail",
    "callback_offer",
    "transfer",
    "subflow",
    "return",
    "hangup",
)
TERMINAL_TYPES = frozenset({"queue", "voicemail", "callback_offer", "transfer", "hangup", "return"})
INPUT_TYPES = frozenset({"menu", "collect", "speech_menu"})


class Flow(_Model):
    name: str = Field(pattern=FLOW_NAME_PATTERN)
    description: str = ""
    numbers: tuple[str, ...] = ()
    start: str
    fallback: str
    nodes: dict[str, Node] = Field(min_length=1)

    @field_validator("numbers", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        # YAML reads 5551234 as an int; a dialed number is text.
        if isinstance(value, list | tuple):
            return [str(v) if isinstance(v, int) else v for v in value]
        return value
