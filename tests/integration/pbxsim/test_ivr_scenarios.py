"""IVR-only recordings replayed against the simulator: the engine's recorded AGI commands are sent
in order, the caller is scripted like the recorded SIPp caller, and the simulator's AGI answers and
AMI events are compared with the recording."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from callcenter.asterisk.ami_frames import AmiMessage
from callcenter.pbxsim import PbxSimulator, SimulatedCaller
from tests.integration.pbxsim.engine_stub import AgiConn, AgiServer, AmiClient, recorded_ami
from tests.integration.pbxsim.scenario import agi_answers, agi_commands, normalize_endpos, per_role


@dataclass(frozen=True)
class Scenario:
    name: str
    digits: tuple[tuple[float, str], ...]
    patience_s: float = 300.0
    # Fields dropped from the comparison, each with the reason.
    ignored_variables: tuple[tuple[str, str], ...] = ()


SCENARIOS = [
    # The caller hangs up 7.5 s into tt-monkeys: result=-1 endpos=…, then HANGUP before the next answer.
    Scenario("caller_hangup", ((0.0, "1"), (1.86, "2"), (0.36, "#")), patience_s=10.5),
    # The caller hangs up while held in EXEC MusicOnHold (queue abandon).
    Scenario("caller_abandon", ((3.0, "1"), (1.86, "2"), (0.36, "#")), patience_s=17.5),
    # Digits during EXEC MusicOnHold reach only AMI; GET DATA then times out; AGI HANGUP.
    Scenario("dtmf_in_hold", ((6.0, "1"), (1.36, "2"), (0.36, "#"))),
    # RECORD FILE ended by '#' -> 200 result=35 (dtmf) endpos=0.
    Scenario("voicemail", ((3.0, "1"), (3.86, "2"), (0.36, "#"))),
    Scenario(
        "announce",
        ((3.0, "1"), (1.86, "2"), (0.36, "#")),
        ignored_variables=(
            (
                "AGISTATUS",
                "Asterisk wrote FAILURE here and HANGUP in voicemail for the same HANGUP-then-close; "
                "the simulator always says HANGUP",
            ),
        ),
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
async def test_given_recorded_ivr_when_replayed_then_answers_and_events_match(
    scenario: Scenario, sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    commands = agi_commands(scenario.name)
    done = asyncio.Event()

    async def ivr(conn: AgiConn) -> None:
        for command in commands:
            await conn.command(command)
        done.set()

    agi.scripts["ivr"] = ivr
    handle = await sim.place_call(SimulatedCaller(digits=scenario.digits, patience_s=scenario.patience_s))
    await asyncio.wait_for(done.wait(), 10)
    await handle.finished(5)
    await ami.event("Hangup", Channel=handle.channel)

    conn = agi.sessions[0]
    assert [normalize_endpos(x) for x in conn.received] == [
        normalize_endpos(x) for x in agi_answers(scenario.name)
    ]
    ignored = {name for name, _ in scenario.ignored_variables}

    def compared(msgs: list[AmiMessage]) -> dict[str, list[tuple[str, ...]]]:
        table = per_role(msgs)
        return {
            r: [e for e in evs if not any(f"Variable={v}" in e for v in ignored)] for r, evs in table.items()
        }

    assert compared(ami.messages) == compared(recorded_ami(scenario.name))
