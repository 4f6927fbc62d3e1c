"""ReceiveFAX and SendFAX in the simulator, against the recorded ``fax.jsonl`` (res_fax_spandsp)."""

from __future__ import annotations

from pathlib import Path

from callcenter.asterisk.ami_frames import AmiMessage
from callcenter.pbxsim import PbxSimulator
from callcenter.pbxsim.actors import SimulatedFax
from tests.integration.pbxsim.engine_stub import AgiConn, AgiServer, AmiClient, recorded_ami

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"
FAX_VARS = {"FAXSTATUS", "FAXERROR", "FAXSTATUSSTRING", "FAXPAGES", "FAXMODE", "FAXBITRATE", "FAXRESOLUTION"}
FAX_VARS |= {"REMOTESTATIONID", "LOCALSTATIONID"}
EVENT_FIELDS = ("LocalStationID", "RemoteStationID", "PagesTransferred", "Resolution", "TransferRate")


def _fax_vars(messages: list[AmiMessage], channel: str) -> list[tuple[str, str]]:
    return [
        (m.get("Variable") or "", m.get("Value") or "")
        for m in messages
        if m.event == "VarSet" and m.get("Channel") == channel and m.get("Variable") in FAX_VARS
    ]


def _recorded(channel_suffix: str) -> tuple[list[tuple[str, str]], AmiMessage]:
    messages = recorded_ami("fax")
    channel = f"Local/s@fax-recv-00000002;{channel_suffix}"
    event = next(m for m in messages if m.event in ("ReceiveFAX", "SendFAX") and m.get("Channel") == channel)
    return _fax_vars(messages, channel), event


def _receive(path: Path, status: list[str]) -> object:
    async def script(conn: AgiConn) -> None:
        status.append(await conn.command(f"EXEC ReceiveFAX {path}", wait_s=10))
        for name in ("FAXSTATUS", "FAXERROR", "FAXPAGES", "REMOTESTATIONID"):
            status.append(await conn.command(f"GET VARIABLE {name}"))

    return script


async def test_given_fax_caller_when_receivefax_then_variables_event_and_file_match_recording(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient, tmp_path: Path
) -> None:
    target = tmp_path / "spool" / "fax-in.tif"
    answers: list[str] = []
    agi.scripts["ivr"] = _receive(target, answers)  # type: ignore[assignment]
    document = MEDIA / "received-fax.tif"
    handle = await sim.place_fax_call(SimulatedFax(document=document, transfer_s=2.0))
    event = await ami.event("ReceiveFAX", wait_s=10, Channel=handle.channel)
    await handle.finished(10)
    recorded_vars, recorded_event = _recorded("2")
    assert _fax_vars(ami.messages, handle.channel) == recorded_vars
    assert [event.get(k) for k in EVENT_FIELDS] == [recorded_event.get(k) for k in EVENT_FIELDS]
    assert event.get("FileName") == str(target)
    assert target.read_bytes() == document.read_bytes()
    assert answers == [
        "200 result=0",
        "200 result=1 (SUCCESS)",
        "200 result=1 ()",
        "200 result=1 (1)",
        "200 result=1 ()",
    ]


async def test_given_failing_fax_caller_when_receivefax_then_failed_with_error_and_no_file(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient, tmp_path: Path
) -> None:
    target = tmp_path / "fax-in.tif"
    answers: list[str] = []
    agi.scripts["ivr"] = _receive(target, answers)  # type: ignore[assignment]
    fax = SimulatedFax(
        document=MEDIA / "received-fax.tif", error="RETRAIN_FAILED", station_id="ACME", pages=2
    )
    handle = await sim.place_fax_call(fax)
    event = await ami.event("ReceiveFAX", wait_s=10, Channel=handle.channel)
    assert event.get("PagesTransferred") == "1"
    assert event.get("RemoteStationID") == "ACME"
    assert not target.exists()
    await handle.finished(10)
    assert answers[1:] == [
        "200 result=1 (FAILED)",
        "200 result=1 (RETRAIN_FAILED)",
        "200 result=1 (1)",
        "200 result=1 (ACME)",
    ]


async def test_given_fax_machine_when_originate_sendfax_then_variables_and_event_match_recording(
    sim: PbxSimulator, ami: AmiClient
) -> None:
    sim.set_fax_machine("4155550177", SimulatedFax(transfer_s=2.0))
    ami.send(
        "Originate",
        "fx-1",
        Channel="PJSIP/4155550177@pstn-out",
        Application="SendFAX",
        Data="/var/spool/callcenter/fax/outbound.tif",
        ChannelId="fax-out-1",
        Async="true",
    )
    answered = await ami.event("OriginateResponse", wait_s=10, ActionID="fx-1")
    assert answered.get("Response") == "Success"
    assert answered.get("Uniqueid") == "fax-out-1"
    event = await ami.event("SendFAX", wait_s=10, Uniqueid="fax-out-1")
    recorded_vars, recorded_event = _recorded("1")
    assert _fax_vars(ami.messages, answered.get("Channel") or "") == recorded_vars
    assert [event.get(k) for k in EVENT_FIELDS] == [recorded_event.get(k) for k in EVENT_FIELDS]
    assert event.get("FileName") == recorded_event.get("FileName")
    await ami.event("Hangup", wait_s=10, Uniqueid="fax-out-1")


async def test_given_busy_fax_number_when_originate_sendfax_then_failure_without_fax_session(
    sim: PbxSimulator, ami: AmiClient
) -> None:
    sim.set_customer_behaviour("4155550178", "busy")
    ami.send(
        "Originate",
        "fx-2",
        Channel="PJSIP/4155550178@pstn-out",
        Application="SendFAX",
        Data="/tmp/x.tif",
        Async="true",
    )
    failed = await ami.event("OriginateResponse", wait_s=10, ActionID="fx-2")
    assert (failed.get("Response"), failed.get("Reason")) == ("Failure", "0")
    assert not [m for m in ami.messages if m.event == "SendFAX"]
