"""An engine after hours (the shipped flow sends callers to voicemail) with the web app served, and
a caller leaving a message through the simulator."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from agent_desktop.auth.seed import seed_demo_users
from agent_desktop.runner import running_server
from callcenter.app import Engine
from callcenter.composition import web_app
from callcenter.pbxsim import SimulatedCaller
from crm_core.models_voicemail import VoicemailRecord
from tests.integration.desktop.conftest import PASSWORD, Desktop, StepClock
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until

SUNDAY_NIGHT_SHANGHAI = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)  # 22:00 on a Sunday: closed


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@contextlib.asynccontextmanager
async def after_hours(
    tmp_path: Path,
    agents: tuple[str, ...] | None = ("1002",),
    email: dict[str, Any] | None = None,
    **voicemail: Any,
) -> AsyncIterator[Desktop]:
    """The engine with IVR flows, closed; voicemail written to ``tmp_path/vm`` (Asterisk and engine
    on one host), short messages; these agents signed in; the web app on an ephemeral port."""
    (tmp_path / "vm").mkdir(exist_ok=True)
    settings = engine_settings(
        tmp_path,
        voicemail={"asterisk_dir": str(tmp_path / "vm"), "max_seconds": 5, "min_seconds": 0.5, **voicemail},
        **({"email": email} if email else {}),
    )
    settings = settings.model_copy(update={"ivr": settings.ivr.model_copy(update={"use_flows": True})})
    engine = Engine(settings, simulator_mode=True, flow_clock=FixedClock(SUNDAY_NIGHT_SHANGHAI))
    await engine.start()
    try:
        if agents is not None:  # None: those the engine restored from its last run
            await sign_in_agents(engine, *agents)
        await asyncio.wait_for(engine.prompts_ready.wait(), 60)
        await engine.ami.wait_connected(5)
        seed_demo_users(engine.contact_center.sessions, engine.settings, PASSWORD)
        clock = StepClock()
        app = web_app(
            engine, clock=clock, idle_timeout_s=60, absolute_timeout_s=600, wallboard_interval_s=0.05
        )
        async with running_server(app) as url:
            yield Desktop(engine, app, url, clock)
    finally:
        await engine.stop()


def voicemails(engine: Engine) -> list[VoicemailRecord]:
    with engine.contact_center.sessions() as session:
        return list(session.scalars(select(VoicemailRecord).order_by(VoicemailRecord.id)))


async def leave_message(engine: Engine, number: str = "4155550100") -> Any:
    assert engine.simulator is not None
    handle = await engine.simulator.place_call(SimulatedCaller(number=number, patience_s=300))
    return await handle.finished(30)


async def voicemail_row(engine: Engine) -> VoicemailRecord:
    await wait_until(
        lambda: any(r.conversation_id for r in voicemails(engine)), timeout=10, what="a queued voicemail"
    )
    return voicemails(engine)[-1]
