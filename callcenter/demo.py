"""Demo mode: the built-in PBX simulator with simulated agent phones and callers.

Callers arrive as a Poisson stream, press 1 (sales) or 2 (support) or nothing, wait, talk
and hang up; agent phones answer after a short delay. Everything goes over real AMI and
FastAGI sockets on loopback, exactly as with a real Asterisk.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedAgentPhone, SimulatedCaller
from callcenter.settings import Settings
from crm_core.demo_data import generate
from crm_core.models import Customer

log = logging.getLogger(__name__)

# The first number belongs to the known demo customer (a VIP in the demo CRM data).
DEMO_CALLERS = (
    ("4155550100", "Wei Zhang"),
    ("4155550123", "Mary Jones"),
    ("8613800138000", "Li Lei"),
    ("2125550199", "John Doe"),
    ("4155550177", "Wang Fang"),
)


class SimulatedPhones:
    """``ContactCenter``'s demo phones: the desktop's Answer button answers the simulated phone."""

    def __init__(self, sim: PbxSimulator, endpoint_template: str) -> None:
        self._sim = sim
        self._template = endpoint_template

    async def answer(self, agent_id: str) -> bool:
        return self._sim.answer_phone(self._template.format(agent=agent_id))

    async def hold(self, agent_id: str, on: bool) -> bool:
        return self._sim.hold_phone(self._template.format(agent=agent_id), on)

    async def dtmf(self, agent_id: str, digits: str) -> bool:
        return self._sim.phone_dtmf(self._template.format(agent=agent_id), digits)


def seed_demo_customers(engine: Engine, region: str, customers: int) -> None:
    """Fill an empty CRM with realistic demo customers (always including Wei Zhang, a VIP)."""
    with engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(Customer)).scalar_one():
            return
    log.info("seeding the demo CRM", extra={"customers": customers})
    generate(engine, customers, seed=7, now=datetime.now(UTC), region=region)


class OfficeHoursClock:
    """The demo IVR's clock: a weekday 10:00 in Shanghai plus the real time elapsed since start."""

    def __init__(self) -> None:
        self._start = time.monotonic()
        self._base = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 Asia/Shanghai

    def now(self) -> datetime:
        return self._base + timedelta(seconds=time.monotonic() - self._start)


def demo_caller(rng: random.Random, settings: Settings) -> SimulatedCaller:
    """A caller of the shipped flow: language menu (1 English, 2 中文) some 8-10 s after the
    greeting starts (8-10.5 s fits the menu after both the VIP and the normal greeting), then
    the service menu (1 sales, 2 support) while its prompt plays."""
    number, name = rng.choice(DEMO_CALLERS)
    language = rng.choice(["1", "1", "2"])
    service = rng.choice(["1", "2", "2"])
    sim = settings.simulator
    return SimulatedCaller(
        number=number,
        name=name,
        dialed="5551234",
        digits=[(rng.uniform(8.0, 10.5), language), (rng.uniform(2.5, 3.5), service)],
        patience_s=sim.caller_patience_s,
        talk_s=rng.expovariate(1.0 / sim.talk_time_s),
    )


def simulator_config(settings: Settings, agi_port: int, prompt_dir: Path | None = None) -> SimConfig:
    return SimConfig(
        prompt_dir=prompt_dir,
        ami_host="127.0.0.1",
        ami_port=0,
        ami_username=settings.ami.username,
        ami_secret=settings.ami.secret.get_secret_value(),
        agi_host="127.0.0.1",
        agi_port=agi_port,
        time_scale=settings.simulator.time_scale,
        seed=settings.simulator.seed,
        connect_context=settings.dialplan.connect_context,
        transfer_exten=settings.dialplan.transfer_exten,
        outbound_context=settings.dialplan.outbound_context,
        consult_context=settings.dialplan.consult_context,
        outbound_trunk=settings.dialplan.outbound_trunk,
    )


async def start_demo_simulator(
    settings: Settings, agi_port: int, traffic: bool = True, prompt_dir: Path | None = None
) -> PbxSimulator:
    sim = PbxSimulator(simulator_config(settings, agi_port, prompt_dir))
    await sim.start()
    for agent in settings.agents:
        endpoint = settings.dialplan.agent_endpoint_template.format(agent=agent.agent_id)
        sim.add_agent_phone(
            SimulatedAgentPhone(
                endpoint=endpoint,
                answer_delay_s=settings.simulator.agent_answer_delay_s,
                behaviour="manual" if settings.simulator.agent_phones == "desktop" else "answer",
            )
        )
    rate = settings.simulator.arrival_rate_per_min / 60.0
    if traffic and rate > 0:
        sim.start_traffic(rate, lambda rng: demo_caller(rng, settings))
    return sim
