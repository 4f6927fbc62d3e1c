"""The Asterisk adapter of the PBX port: what goes on the wire for a domain action, and how each
AMI failure reaches the engine as a PBX error. The AMI primitive is a function (no socket)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from callcenter.asterisk.ami_actions import AmiActions, AmiResponse, Headers
from callcenter.asterisk.errors import (
    AmiActionFailed,
    AmiActionTimeout,
    AmiError,
    AmiNotConnected,
    UnsafeAmiValue,
)
from callcenter.asterisk.pbx_adapter import AsteriskPbx, trunk_dial_string
from callcenter.pbx import PbxChannelGone, PbxError, PbxNoAnswer, PbxRefused, PbxUnreachable
from callcenter.settings import DialplanSettings

Answer = Callable[[str, list[tuple[str, str]]], AmiResponse]


def _success(name: str, _headers: list[tuple[str, str]]) -> AmiResponse:
    return AmiResponse("cc-1", "Success", f"{name} done", {})


class WireAmi(AmiActions):
    """Keeps each action as (name, headers) and answers with ``answer`` (which may raise)."""

    def __init__(self, answer: Answer = _success) -> None:
        self.sent: list[tuple[str, list[tuple[str, str]]]] = []
        self.answer = answer

    async def send_action(
        self,
        name: str,
        headers: Headers = (),
        *,
        action_id: str | None = None,
        answer_timeout: float | None = None,
    ) -> AmiResponse:
        listed = list(headers)
        self.sent.append((name, listed))
        return self.answer(name, listed)


def _pbx(ami: WireAmi) -> AsteriskPbx:
    return AsteriskPbx(ami, DialplanSettings(), lambda: True)


def test_given_an_e164_number_then_the_trunk_dial_string_has_digits_only() -> None:
    assert trunk_dial_string("+4155550199", "pstn-out") == "PJSIP/4155550199@pstn-out,60"
    assert trunk_dial_string("5552000", "pstn-out") == "PJSIP/5552000@pstn-out,60"


async def test_given_a_consultation_with_a_number_then_one_dual_redirect_sends_the_agent_to_dial_it() -> None:
    ami = WireAmi()
    await _pbx(ami).consult_number("PJSIP/pstn-00000001", "PJSIP/agent-1001-00000002", "+4155550199")
    assert ami.sent == [
        (
            "Redirect",
            [
                ("Channel", "PJSIP/pstn-00000001"),
                ("Context", "cc-connect"),
                ("Exten", "cc-transfer"),
                ("Priority", "1"),
                ("ExtraChannel", "PJSIP/agent-1001-00000002"),
                ("ExtraContext", "cc-consult"),
                ("ExtraExten", "4155550199"),
                ("ExtraPriority", "1"),
            ],
        )
    ]


async def test_given_click_to_dial_then_the_agents_endpoint_is_originated_into_the_outbound_context() -> None:
    ami = WireAmi()
    await _pbx(ami).dial_out("1001", "+4155550199", "cc-out-1", "")
    [(name, headers)] = ami.sent
    assert name == "Originate"
    assert headers[:4] == [
        ("Channel", "PJSIP/agent-1001"),
        ("Context", "cc-outbound"),
        ("Exten", "4155550199"),
        ("Priority", "1"),
    ]
    assert ("ChannelId", "cc-out-1") in headers


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (AmiActionFailed("Redirect", "Channel does not exist: PJSIP/pstn-00000001"), PbxChannelGone),
        (AmiActionFailed("Setvar", "No such channel"), PbxChannelGone),
        (AmiActionFailed("Redirect", "Permission denied"), PbxRefused),
        (AmiNotConnected("no manager session"), PbxUnreachable),
        (AmiActionTimeout("no answer in 10 s"), PbxNoAnswer),
        (UnsafeAmiValue("Channel", "PJSIP/x\r\nAction: Hangup"), PbxRefused),
        (AmiError("something else"), PbxError),
    ],
)
async def test_given_an_ami_failure_then_the_engine_gets_the_matching_pbx_error(
    failure: Exception, expected: type[PbxError]
) -> None:
    def fail(_name: str, _headers: list[tuple[str, str]]) -> AmiResponse:
        raise failure

    with pytest.raises(PbxError) as raised:
        await _pbx(WireAmi(fail)).connect_to_agent("PJSIP/pstn-00000001", "1001", "{}")
    assert type(raised.value) is expected
    assert raised.value.action == "connect to agent"
    assert raised.value.__cause__ is failure


class FencedWireAmi(WireAmi):
    @property
    def fencing_token(self) -> int | None:
        return 42


async def test_an_originate_under_an_ami_lease_carries_its_fencing_token_and_none_without() -> None:
    fenced, plain = FencedWireAmi(), WireAmi()
    for ami in (fenced, plain):
        await ami.originate("PJSIP/agent-1001", context="cc-connect", exten="s", variables={"CC_X": "1"})
    assert [v for k, v in fenced.sent[0][1] if k == "Variable"] == ["CC_X=1", "CC_FENCE=42"]
    assert [v for k, v in plain.sent[0][1] if k == "Variable"] == ["CC_X=1"]
