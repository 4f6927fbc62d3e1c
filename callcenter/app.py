"""The composition root: builds and wires everything, once, from the settings.

``Engine`` is the whole server in one process: the ACD router (store: ``acd.store``), the CRM
database, the FastAGI server, the AMI connection owner, the call service and the web app.
In simulator mode it also starts the built-in PBX simulator on loopback and points the
AMI client at it, so the engine talks real AMI and FastAGI over TCP in demo and tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Coroutine, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from acd.events import AcdEvent
from callcenter.acd_wiring import build_router
from callcenter.agent_journal import AgentStateJournal, restore_agent_states
from callcenter.agi_routes import agi_routes
from callcenter.ami_ownership import start_ami
from callcenter.asterisk.ami_backoff import Backoff
from callcenter.asterisk.ami_client import AmiClient
from callcenter.asterisk.fastagi import FastAgiServer
from callcenter.asterisk.pbx_adapter import AsteriskPbx
from callcenter.bus import EventBus
from callcenter.calls.agent_calls import AgentCalls
from callcenter.calls.callback_delivery import CallbackDelivery
from callcenter.calls.callbacks import CallbackScheduler
from callcenter.calls.consult import Consults
from callcenter.calls.customers import CrmCallerLookup
from callcenter.calls.flow_ivr import FlowIvr, open_flow_repository, warm_text_prompts
from callcenter.calls.hold_options import WaitingOptions
from callcenter.calls.inbound import InboundCalls, InboundOptions
from callcenter.calls.interactions import CrmInteractionWriter
from callcenter.calls.ivr_adapters import CrmFlowLookup, SoundPromptStore
from callcenter.calls.ivr_adapters import SystemClock as FlowClock
from callcenter.calls.phone_switches import PhoneSwitchAudit
from callcenter.calls.service import CallService
from callcenter.calls.speech import KeywordRecognizer, bundled_model_path
from callcenter.calls.supervision import Supervision
from callcenter.calls.tracker import AmiCallTracker
from callcenter.clock import SystemClock
from callcenter.contact_center import ContactCenter
from callcenter.conversation_wiring import build_conversation_service, start_conversation_channels
from callcenter.conversations.service import ConversationService
from callcenter.demo import OfficeHoursClock, SimulatedPhones, seed_demo_customers, start_demo_simulator
from callcenter.demo_conversations import DemoConversations
from callcenter.email.channel import EmailChannel
from callcenter.errors import ConfigError, SpeechModelUnavailable
from callcenter.fax_wiring import FaxParts, build_fax
from callcenter.live_calls_wiring import build_live_calls
from callcenter.pbxsim import PbxSimulator
from callcenter.recorder_wiring import build_recorder
from callcenter.routing_config import load_routing_profiles, queues_in_force, routing_agent
from callcenter.settings import Settings
from callcenter.voicemail_wiring import build_voicemail
from callcenter.webrtc_phones import supervisor_channel
from crm_core.callbacks import CallbackBook
from crm_core.db import make_engine, make_session_factory, migrate
from crm_core.routing_profiles import AgentProfile
from ivr_flows.catalog import FlowCatalog
from ivr_flows.interpreter import RunPorts
from ivr_flows.ports import Clock as FlowClockPort
from ivr_flows.ports import CrmLookup
from ivr_flows.store import FileFlowRepository

log = logging.getLogger(__name__)


def ensure_sqlite_dir(url: str) -> None:
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != "sqlite:///:memory:":
        Path(url[len(prefix) :]).parent.mkdir(parents=True, exist_ok=True)


class Engine:
    """The whole server. ``start`` builds and starts everything; ``stop`` undoes what started,
    in reverse order, also after a failed start."""

    def __init__(
        self, settings: Settings, simulator_mode: bool, flow_clock: FlowClockPort | None = None
    ) -> None:
        self.settings = settings
        self.simulator_mode = simulator_mode
        # The IVR's business-hours clock (tests pin it; production reads the system clock).
        if flow_clock is None and simulator_mode and settings.simulator.ivr_clock == "office_hours":
            flow_clock = OfficeHoursClock()
        self._flow_clock = flow_clock or FlowClock()
        self.simulator: PbxSimulator | None = None
        # The IVR's CRM port, also used by the flow editor's dry runs (None without flows).
        self.flow_crm: CrmLookup | None = None
        # The versioned IVR flows (None without ``ivr.use_flows``).
        self.flows: FileFlowRepository | None = None
        self._stack = contextlib.AsyncExitStack()
        self.bus = EventBus()
        # Chats and e-mails (built with the calls; None only while the engine starts).
        self._conversations: ConversationService | None = None
        self.email: EmailChannel | None = None  # with ``email.enabled``
        self.fax: FaxParts | None = None  # with ``fax.enabled``
        # Is a person signed in as this agent on the web desktop? (The composition root sets it.)
        self.people_at_desks: Callable[[str], bool] = lambda _agent_id: False

    async def start(self) -> None:
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        sessions = await self._start_database()
        await self._start_routing(sessions)
        ami_host, ami_port = await self._start_agi_and_simulator()
        self._build_ami(ami_host, ami_port)
        self._build_calls(sessions)
        await self._build_inbound(sessions)
        self._build_callbacks(sessions)
        self.recorder = build_recorder(
            self.settings, sessions, self.calls.calls, self.bus, self._stack, self._run_task
        )
        # Web chats and e-mails: work items in the same router as the calls.
        self._conversations = build_conversation_service(
            self.settings, sessions, self.router, self.bus.publish,
            self.routing_profiles, self.known_queues, self._stack,
        )  # fmt: skip
        self.inbound.voicemail, self.voicemail = build_voicemail(
            self.settings, sessions, self.conversations, self.bus, lambda: self.known_queues,
            self._default_queue, lambda: self.email, self._stack,
        )  # fmt: skip
        self.fax = await build_fax(
            self.settings, sessions, self.conversations, self.ami, self.known_queues, self._stack
        )
        self._run_task(self.calls.deliver_offers(), "offer-delivery")
        self._run_task(self.tracker.run(), "ami-call-tracker")
        self.ami_ownership = await start_ami(self.settings.ami, self.ami, self._stack)
        # Nobody is signed in for being configured: each agent is back as they were, or logged out.
        self.unseen_agents = await restore_agent_states(
            self.router, self.agent_journal, map(routing_agent, self.routing_profiles.agents)
        )
        self.email = await start_conversation_channels(
            self.settings, sessions, self.conversations, self._stack, self._run_task
        )
        await self.voicemail.requeue_unqueued()
        self._run_task(self._tick_forever(), "acd-tick")
        self._run_task(self.callbacks.run(), "callback-scheduler")
        log.info("engine started", extra={"agi_port": self.agi.port, "ami": f"{ami_host}:{ami_port}"})

    async def _start_database(self) -> sessionmaker[Session]:
        s = self.settings
        ensure_sqlite_dir(s.database.url)
        await asyncio.to_thread(migrate, s.database.url)
        self.db_engine = make_engine(s.database.url)
        self._stack.callback(self.db_engine.dispose)
        sessions = make_session_factory(self.db_engine)
        self.agent_journal = AgentStateJournal(sessions)
        self._stack.push_async_callback(self.agent_journal.close)
        if self.simulator_mode:
            await asyncio.to_thread(
                seed_demo_customers, self.db_engine, s.default_region, s.simulator.demo_customers
            )
        return sessions

    async def _start_routing(self, sessions: sessionmaker[Session]) -> None:
        self.routing_profiles = await asyncio.to_thread(load_routing_profiles, self.settings, sessions)
        # Live sets (the admin page adds what it creates): IVR flows may use new queues at once.
        self.known_queues = {q.name for q in self.routing_profiles.queues}
        self.known_skills = {k for a in self.routing_profiles.agents for k in a.skills} | {
            k for q in self.routing_profiles.queues for k in q.skills
        }
        self.router = await build_router(self.settings.acd, self._stack, self._on_acd_event)
        for queue in queues_in_force(self.settings, self.routing_profiles):
            await self.router.add_queue(queue)

    async def _start_agi_and_simulator(self) -> tuple[str, int]:
        """The FastAGI server, and the simulator in simulator mode; where the AMI is."""
        s = self.settings
        self.agi = FastAgiServer(
            host=s.agi.bind_host,
            port=s.agi.port,
            routes=agi_routes(lambda: self.inbound, lambda: self.consults, lambda: self.fax),
            allowed_hosts=s.agi.allowed_hosts,
            command_timeout=s.agi.command_timeout_s,
        )
        await self.agi.start()
        self._stack.push_async_callback(self.agi.stop)
        if not self.simulator_mode:
            return s.ami.host, s.ami.port
        self.sounds_dir.mkdir(parents=True, exist_ok=True)
        self.simulator = await start_demo_simulator(s, self.agi.port, prompt_dir=self.sounds_dir)
        self._stack.push_async_callback(self.simulator.stop)
        return "127.0.0.1", self.simulator.ami_port

    def _build_ami(self, host: str, port: int) -> None:
        s = self.settings
        self.ami = AmiClient(
            host=host,
            port=port,
            username=s.ami.username,
            secret=s.ami.secret.get_secret_value(),
            connect_timeout=s.ami.connect_timeout_s,
            backoff=Backoff(initial=s.ami.reconnect_initial_s, maximum=s.ami.reconnect_max_s),
            action_timeout=s.ami.action_timeout_s,
            keepalive_interval=s.ami.keepalive_s,
            rng=random.Random(),
        )
        self.pbx = AsteriskPbx(self.ami, s.dialplan, lambda: self.ami.connected)

    def _build_calls(self, sessions: sessionmaker[Session]) -> None:
        s = self.settings
        self.calls = CallService(
            self.router,
            self.pbx,
            clock=time.time,
            record_interaction=CrmInteractionWriter(sessions, s.default_region),
            caller_lookup=CrmCallerLookup(sessions, s.default_region),
            publish=self.bus.publish,
            record_calls=s.dialplan.record_calls,
        )
        self.supervision = Supervision(self.pbx, self._spy_channel)
        self.supervision.watch_phone_switches(
            PhoneSwitchAudit(self.calls.calls, self.bus.publish, sessions, time.time)
        )
        self.ami.subscribe(self.supervision.on_ami_event)
        demo_phones = None
        if self.simulator is not None:
            demo_phones = SimulatedPhones(self.simulator, s.dialplan.agent_endpoint_template)
        self.agent_calls = AgentCalls(self.calls, s.dialplan, s.default_region)
        self.consults = Consults(self.calls, self.agent_calls)
        self.contact_center = ContactCenter(
            self.router,
            self.calls,
            self.agent_calls,
            self.consults,
            self.supervision,
            self.bus,
            sessions,
            s.default_region,
            demo_phones,
        )
        self.tracker = AmiCallTracker(self.calls, self.agent_calls, self.consults)
        self.ami.subscribe(self.tracker.on_ami_event)
        self.live_calls = build_live_calls(s, sessions, self.calls, self.tracker, self._stack, self._run_task)

    def _spy_channel(self, supervisor: str) -> str:
        if self.simulator_mode:
            return f"Local/spy@{self.settings.dialplan.spy_context}"  # the simulator's supervisor leg
        return supervisor_channel(self.settings, supervisor)

    async def _build_inbound(self, sessions: sessionmaker[Session]) -> None:
        s = self.settings
        menu = InboundOptions(
            greeting_prompt=s.greeting_prompt,
            outbound_trunk=s.dialplan.outbound_trunk,
            default_queue=self._default_queue(preferred=InboundOptions().default_queue),
        )
        self.hold_prompts = SoundPromptStore(self.sounds_dir)
        self.hold_options = WaitingOptions(
            self.calls,
            self.hold_prompts,
            [q.name for q in s.queues if q.callback_while_waiting],
            s.ivr.language,
            music_class=menu.hold_class,
            segment_s=menu.hold_segment_s,
        )
        self.inbound = InboundCalls(
            self.calls,
            time.time,
            menu,
            self._flow_ivr(sessions, await self._speech()) if s.ivr.use_flows else None,
            self.hold_options,
        )

    def _build_callbacks(self, sessions: sessionmaker[Session]) -> None:
        """Scheduled and IVR callbacks: due rows become ACD items; their offers ring the agent first."""
        s = self.settings
        self.callbacks = CallbackScheduler(
            self.router,
            sessions,
            CallbackBook(SystemClock(), s.default_region),
            CrmCallerLookup(sessions, s.default_region),
            SystemClock(),
            fallback_queue=next((q.name for q in s.queues if q.name in self.known_queues), None),
            publish=self.bus.publish,
        )
        self.callback_delivery = CallbackDelivery(self.calls, self.callbacks, s.dialplan)
        self.calls.callbacks = self.callback_delivery
        self.ami.subscribe(self.callback_delivery.on_ami_event)
        self._stack.push_async_callback(self.callback_delivery.close)

    @property
    def conversations(self) -> ConversationService:
        """The conversation service (``ConversationPort``) of a started engine."""
        if self._conversations is None:
            raise RuntimeError("the engine is not started")
        return self._conversations

    def _flow_ivr(self, sessions: sessionmaker[Session], speech: KeywordRecognizer | None) -> FlowIvr:
        s = self.settings
        ports = RunPorts(
            speech_available=speech is not None,
            crm=CrmFlowLookup(sessions, s.default_region),
            clock=self._flow_clock,
            prompts=SoundPromptStore(self.sounds_dir),
            default_queue=self._default_queue(),
        )
        self.flow_crm = ports.crm
        self.flows = open_flow_repository(Path(s.ivr.flows_dir), self.known_queues, self.known_skills, ports)
        catalog = FlowCatalog(self.flows)
        self.prompts_ready = asyncio.Event()
        self._run_task(self._warm_prompts(catalog, ports), "warm-text-prompts")
        record_dir = Path(s.ivr.speech_record_dir).resolve()
        if speech is not None:
            record_dir.mkdir(parents=True, exist_ok=True)
        return FlowIvr(catalog, ports, s.ivr.language, speech, record_dir)

    def _default_queue(self, preferred: str | None = None) -> str:
        """Where a caller goes when nothing chose a queue that exists: ``preferred`` if the site has
        it, else the settings' first queue."""
        known = self.known_queues
        if preferred in known:
            return preferred
        return next((q.name for q in self.settings.queues if q.name in known), min(known, default="general"))

    async def _warm_prompts(self, catalog: FlowCatalog, ports: RunPorts) -> None:
        spoken = await warm_text_prompts(catalog.snapshot().flows.values(), ports.prompts)
        log.info("text prompts ready", extra={"prompts": spoken})
        self.prompts_ready.set()

    async def _speech(self) -> KeywordRecognizer | None:
        model = self.settings.ivr.speech_model
        if model is None:
            return None
        path = bundled_model_path() if model == "bundled" else Path(model)
        if path is None:
            raise ConfigError("ivr.speech_model is 'bundled' but no vosk model package is installed")
        try:
            return await asyncio.to_thread(KeywordRecognizer, path)
        except SpeechModelUnavailable as exc:
            raise ConfigError(f"ivr.speech_model: {exc}") from exc

    @property
    def sounds_dir(self) -> Path:
        return Path(self.settings.ivr.sounds_dir).resolve()

    def _run_task(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(coro, name=name)

        async def cancel() -> None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        self._stack.push_async_callback(cancel)

    def _on_acd_event(self, event: AcdEvent) -> None:
        # Queue configuration emits nothing; the first events (logins) come after ``calls`` exists.
        self.calls.on_acd_event(event)
        if self._conversations is not None:
            self._conversations.on_acd_event(event)
        self.agent_journal.record(event)
        self.bus.publish(event)

    def start_demo_conversations(self) -> DemoConversations:
        """The demo's simulated chat visitors, e-mail senders and agents (simulator mode)."""
        demo = DemoConversations(
            self.conversations, self.bus, self.settings, self.contact_center.sessions,
            self.known_queues, lambda agent_id: self.people_at_desks(agent_id),
        )  # fmt: skip
        self._run_task(demo.run(), "demo-conversations")
        return demo

    async def sign_in(self, agent_ids: Iterable[str]) -> None:
        """Log these agents in as available with their profiles (the demo's simulated agents)."""
        profiles = {p.agent_id: p for p in self.routing_profiles.agents}
        for agent_id in agent_ids:
            await self.router.login(routing_agent(profiles.get(agent_id) or AgentProfile(agent_id)))

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(0.5)
            await self.calls.tick()

    async def stop(self) -> None:
        await self._stack.aclose()
