"""Supervisor listen / whisper / barge and recording pause, over AMI against the simulator."""

from __future__ import annotations

from callcenter.app import Engine
from callcenter.asterisk import ami_events as ev
from callcenter.events import RecordingPaused, SupervisionChanged
from callcenter.pbxsim import SimulatedCaller
from tests.waiting import wait_until


def _spy_legs(engine: Engine) -> list[tuple[str, str]]:
    assert engine.simulator is not None
    return [(c.name, c.application) for c in engine.simulator.channels() if c.name.startswith("Local/spy@")]


def _spy_mode(engine: Engine, leg: str | None) -> str:
    assert engine.simulator is not None
    return next((c.spy_mode for c in engine.simulator.channels() if c.name == leg), "")


async def test_given_a_call_in_progress_when_a_supervisor_listens_whispers_and_barges_then_one_leg_switches(
    engine: Engine,
) -> None:
    """One Originate for the whole intervention: the mode changes on the same ChanSpy leg (DTMF 5, 6
    received on it), the leg is never hung up until the supervisor stops."""
    assert engine.simulator is not None
    events = engine.bus.subscribe()
    ami_seen: list[ev.AmiEvent] = []
    engine.ami.subscribe(ami_seen.append)
    await engine.ami.wait_connected(5)
    handle = await engine.simulator.place_call(SimulatedCaller(digits=[(0.2, "2")], talk_s=60.0))
    cc = engine.contact_center

    def talking() -> bool:
        call = cc.call_of_agent("1002")
        return call is not None and call.phase == "talking"

    await wait_until(talking, what="the agent talking")

    await cc.supervise("sup-1", "1002", "listen")
    await wait_until(lambda: engine.supervision.leg_of("sup-1") is not None, what="the listen leg")
    leg = engine.supervision.leg_of("sup-1")
    await wait_until(lambda: _spy_mode(engine, leg) == "listen", what="ChanSpy listening")
    await cc.supervise("sup-1", "1002", "whisper")
    await wait_until(lambda: _spy_mode(engine, leg) == "whisper", what="the same leg whispering")
    await cc.supervise("sup-1", "1002", "barge")
    await wait_until(lambda: _spy_mode(engine, leg) == "barge", what="the same leg barging")
    assert engine.supervision.leg_of("sup-1") == leg
    assert [c for c in _spy_legs(engine) if c[1] == "ChanSpy"] == [(leg, "ChanSpy")]
    originated = [e for e in ami_seen if isinstance(e, ev.OriginateResponse) and e.application == "ChanSpy"]
    assert len(originated) == 1
    assert [e.digit for e in ami_seen if isinstance(e, ev.DtmfEnd) and e.channel.channel == leg] == ["5", "6"]
    assert len([e for e in ami_seen if isinstance(e, ev.ChanSpyStart)]) == 1
    assert not [
        e for e in ami_seen if isinstance(e, ev.Hangup) and e.channel.channel.startswith("Local/spy@")
    ]

    await cc.supervise("sup-1", "1002", None)
    await wait_until(lambda: not [leg for leg in _spy_legs(engine) if leg[1] == "ChanSpy"], what="no spy leg")
    await wait_until(
        lambda: any(isinstance(e, ev.Hangup) and e.channel.channel == leg for e in ami_seen),
        what="the leg's Hangup",
    )
    assert engine.supervision.leg_of("sup-1") is None

    await cc.set_recording_paused("1002", True)
    assert cc.call_of_agent("1002").recording_paused  # type: ignore[union-attr]
    await cc.set_recording_paused("1002", False)

    await cc.hang_up("1002")
    outcome = await handle.finished(10)
    assert outcome.agent == "agent-1002"
    seen = events.drain()
    modes = [e.mode for e in seen if isinstance(e, SupervisionChanged)]
    assert modes == ["listen", "whisper", "barge", None]
    assert [e.paused for e in seen if isinstance(e, RecordingPaused)] == [True, False]
