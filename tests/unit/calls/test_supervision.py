"""Listen, whisper and barge over the PBX fake: one ring per intervention, mode switches on the
running leg, and a new ring when the leg turns out to be gone."""

from __future__ import annotations

from callcenter.asterisk import ami_events as ev
from callcenter.calls.supervision import SpyMode, Supervision
from callcenter.pbx import PbxChannelGone
from tests.fakes.pbx import FakePbx, Hangup, Spy, SwitchSpy

AGENT = "PJSIP/agent-1001-00000007"
DESK = "PJSIP/sup-1-00000009"


def _ref(channel: str) -> ev.ChannelRef:
    return ev.ChannelRef(channel, "1795382159.20", "1795382159.20", "", "", "sup-sim", "s", 6, "Up")


def _answered(supervision: Supervision, spy: Spy) -> None:
    """The supervisor picks up: OriginateResponse, then ChanSpy starts on the agent."""
    supervision.on_ami_event(
        ev.OriginateResponse(spy.request_id, "Success", 4, DESK, None, None, None, "ChanSpy", "", "", "")
    )
    supervision.on_ami_event(ev.ChanSpyStart(_ref(DESK), _ref(AGENT)))


def _supervision() -> tuple[FakePbx, Supervision]:
    pbx = FakePbx()
    return pbx, Supervision(pbx, lambda supervisor: f"PJSIP/{supervisor}")


async def test_given_a_supervisor_listening_when_they_whisper_then_barge_then_one_leg_switches_modes() -> (
    None
):
    pbx, supervision = _supervision()
    await supervision.start("sup-1", AGENT, "listen")
    [spy] = pbx.of_type(Spy)
    assert (spy.supervisor_phone, spy.agent_channel, spy.mode) == ("PJSIP/sup-1", AGENT, "listen")
    _answered(supervision, spy)

    await supervision.start("sup-1", AGENT, "whisper")
    await supervision.start("sup-1", AGENT, "barge")

    assert pbx.sent == [spy, SwitchSpy(DESK, "whisper"), SwitchSpy(DESK, "barge")]
    assert supervision.leg_of("sup-1") == DESK


async def test_given_a_supervisor_spying_when_they_stop_then_their_leg_is_hung_up() -> None:
    pbx, supervision = _supervision()
    await supervision.start("sup-1", AGENT, "barge")
    _answered(supervision, pbx.of_type(Spy)[0])

    await supervision.stop("sup-1")

    assert pbx.of_type(Hangup) == [Hangup(DESK)]
    assert supervision.leg_of("sup-1") is None


async def test_given_the_leg_gone_unnoticed_when_the_mode_changes_then_the_supervisor_is_rung_again() -> None:
    pbx, supervision = _supervision()
    await supervision.start("sup-1", AGENT, "listen")
    _answered(supervision, pbx.of_type(Spy)[0])
    pbx.fail_next(SwitchSpy, PbxChannelGone("switch spy mode", "Channel not found"))

    await supervision.start("sup-1", AGENT, "whisper")

    assert [s.mode for s in pbx.of_type(Spy)] == ["listen", "whisper"]
    assert supervision.leg_of("sup-1") is None  # the new leg rings


async def test_given_a_supervisor_switching_on_their_phone_then_it_is_reported_and_not_our_own_digits() -> (
    None
):
    pbx, supervision = _supervision()
    reported: list[tuple[str, str, SpyMode]] = []
    supervision.watch_phone_switches(lambda sup, spied, mode: reported.append((sup, spied, mode)))
    await supervision.start("sup-1", AGENT, "listen")
    _answered(supervision, pbx.of_type(Spy)[0])
    await supervision.start("sup-1", AGENT, "whisper")

    supervision.on_ami_event(ev.DtmfEnd(_ref(DESK), "5", "Received", 80))  # ours, coming back
    supervision.on_ami_event(ev.DtmfEnd(_ref(DESK), "6", "Received", 80))  # the phone's key

    assert reported == [("sup-1", AGENT, "barge")]
