"""Supervisor listen / whisper / barge and recording pause, over AMI against the simulator."""

from __future__ import annotations

from callcenter.app import Engine
from callcenter.asterisk import ami_events as ev
from callcenter.events import RecordingPaused, SupervisionChanged
from callcenter.pbxsim import SimulatedCaller
from crm_core.audit import AuditLog, AuditView
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
    handle = await engine.simulator.place_call(
        SimulatedCaller(digits=[(0.2, "2")], waits_to_be_heard=True, talk_s=60.0)
    )
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


async def test_given_a_supervisor_listening_when_they_press_6_on_their_phone_then_the_barge_is_audited(
    engine: Engine,
) -> None:
    """ChanSpy option d lets the supervisor's own phone switch modes: the engine sees the DTMFEnd it did
    not send on the leg, follows the mode, publishes it and audits it (via phone) like a console click."""
    assert engine.simulator is not None
    events = engine.bus.subscribe()
    await engine.ami.wait_connected(5)
    await engine.simulator.place_call(
        SimulatedCaller(digits=[(0.2, "2")], waits_to_be_heard=True, talk_s=60.0)
    )
    cc = engine.contact_center
    await wait_until(
        lambda: (c := cc.call_of_agent("1002")) is not None and c.phase == "talking", what="talking"
    )
    await cc.supervise("sup-1", "1002", "listen")
    await wait_until(lambda: engine.supervision.is_spying("sup-1"), what="ChanSpy listening")
    leg = engine.supervision.leg_of("sup-1")
    assert leg is not None

    assert engine.simulator.press_on_channel(leg, "6")
    await wait_until(lambda: _spy_mode(engine, leg) == "barge", what="the leg barging")
    published: list[object] = []

    def modes() -> list[str | None]:
        published.extend(events.drain())
        return [e.mode for e in published if isinstance(e, SupervisionChanged)]

    await wait_until(lambda: modes() == ["listen", "barge"], what="the barge published")

    def audited() -> list[AuditView]:
        with cc.sessions() as session:
            return AuditLog().recent(session, action_prefix="supervise.")

    await wait_until(lambda: bool(audited()), what="the barge audited")
    (entry,) = audited()
    assert (entry.actor, entry.action, entry.target) == ("sup-1", "supervise.barge", "agent:1002")
    assert entry.details["via"] == "phone"
    assert entry.details["call"] == cc.call_of_agent("1002").uniqueid  # type: ignore[union-attr]

    # Back to listen from the console: the engine's own digit is not taken for a phone switch.
    await cc.supervise("sup-1", "1002", "listen")
    await wait_until(lambda: _spy_mode(engine, leg) == "listen", what="the leg listening again")
    assert modes() == ["listen", "barge", "listen"]
    assert len(audited()) == 1  # the console's click is audited by the web route, not here
