"""to_domain_event on hand-made and edge-case messages."""

from __future__ import annotations

from callcenter.asterisk.ami_events import (
    ChanSpyStop,
    DialEnd,
    Hangup,
    MixMonitorMute,
    OtherEvent,
    VarSet,
    to_domain_event,
)
from callcenter.asterisk.ami_frames import AmiMessage


def event(*pairs: tuple[str, str]) -> AmiMessage:
    return AmiMessage.from_pairs(pairs)


def test_varset_is_flat_and_cheap() -> None:
    msg = event(("Event", "VarSet"), ("Channel", "PJSIP/a"), ("Uniqueid", "1.1"), ("Linkedid", "1.0"),
                ("Variable", "CC_Q"), ("Value", "sales"))  # fmt: skip
    assert to_domain_event(msg) == VarSet("PJSIP/a", "1.1", "1.0", "CC_Q", "sales")


def test_hangup_cause_is_an_int_and_garbage_becomes_minus_one() -> None:
    good = to_domain_event(event(("Event", "Hangup"), ("Cause", "17"), ("Cause-txt", "User busy")))
    bad = to_domain_event(event(("Event", "Hangup"), ("Cause", "x")))
    assert isinstance(good, Hangup)
    assert good.cause == 17
    assert good.cause_txt == "User busy"
    assert isinstance(bad, Hangup)
    assert bad.cause == -1


def test_originate_dial_end_has_no_caller_side() -> None:
    got = to_domain_event(event(("Event", "DialEnd"), ("DestChannel", "PJSIP/x"), ("DialStatus", "NOANSWER")))
    assert isinstance(got, DialEnd)
    assert got.caller is None
    assert got.dest.channel == "PJSIP/x"


def test_mute_state_spy_without_spyee_and_unknown_events() -> None:
    mute = to_domain_event(event(("Event", "MixMonitorMute"), ("Direction", "both"), ("State", "1")))
    assert isinstance(mute, MixMonitorMute)
    assert mute.muted
    stop = to_domain_event(event(("Event", "ChanSpyStop"), ("SpyerChannel", "Local/spy")))
    assert isinstance(stop, ChanSpyStop)
    assert stop.spyee is None
    other = to_domain_event(event(("Event", "Newexten"), ("Application", "Dial")))
    assert other == OtherEvent("Newexten", {"Event": "Newexten", "Application": "Dial"})
