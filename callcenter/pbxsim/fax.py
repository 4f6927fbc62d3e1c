"""``ReceiveFAX`` and ``SendFAX`` (res_fax + res_fax_spandsp), as recorded in ``fax.jsonl``.

Each run sets the channel variables in three blocks, then raises its AMI event::

    start:  FAXSTATUS FAILED, FAXPAGES 0, FAXSTATUS FAILED, FAXERROR INIT_ERROR,
            FAXSTATUSSTRING "error starting fax session", REMOTESTATIONID, LOCALSTATIONID,
            FAXMODE audio, FAXPAGES 0
            (ReceiveFAX on a channel not yet up: FAXERROR "Channel Problems", then it answers)
    reset:  FAXSTATUS "", FAXERROR "", FAXSTATUSSTRING "", REMOTESTATIONID, LOCALSTATIONID,
            FAXMODE, FAXPAGES 0
    end:    FAXSTATUS SUCCESS, FAXSTATUSSTRING OK, REMOTESTATIONID, LOCALSTATIONID, FAXBITRATE 14400,
            FAXRESOLUTION 8031x7700, FAXMODE audio, FAXPAGES 1
    Event: ReceiveFAX | SendFAX  (LocalStationID, RemoteStationID, PagesTransferred, Resolution,
            TransferRate, FileName)

The sender's side of a successful transfer keeps ``FAXERROR: HANGUP`` next to ``FAXSTATUS: SUCCESS``
(the receiver hung up first): only FAXSTATUS tells success. A failed transfer (not recorded; built
from the same blocks) ends ``FAXSTATUS FAILED`` with the far machine's FAXERROR, and the event
reports the pages that did arrive.
"""

from __future__ import annotations

from pathlib import Path

from callcenter.pbxsim import events as ev
from callcenter.pbxsim.actors import SimulatedFax
from callcenter.pbxsim.caller_driver import caller_hangs_up
from callcenter.pbxsim.channels import STATE_UP, Channel
from callcenter.pbxsim.pbx import Pbx

# What answers when nobody has set up a fax machine for the call: a one-page sender that sends
# nothing to store (a voice caller reaching a fax number fails the same way on a real line).
NO_MACHINE = SimulatedFax(error="HANGUP", pages=0, transfer_s=5.0)


def _machine(pbx: Pbx, chan: Channel) -> SimulatedFax:
    if chan.fax is not None:
        return chan.fax
    return pbx.fax_machines.get(chan.dnid, NO_MACHINE)


def _block(pbx: Pbx, chan: Channel, pairs: list[tuple[str, str]]) -> None:
    for name, value in pairs:
        pbx.set_var(chan, name, value)


_START = [
    ("FAXSTATUS", "FAILED"),
    ("FAXPAGES", "0"),
    ("FAXSTATUS", "FAILED"),
    ("FAXERROR", "INIT_ERROR"),
    ("FAXSTATUSSTRING", "error starting fax session"),
    ("REMOTESTATIONID", ""),
    ("LOCALSTATIONID", ""),
    ("FAXMODE", "audio"),
    ("FAXPAGES", "0"),
]
_NOT_UP = [("FAXERROR", "Channel Problems"), ("FAXSTATUSSTRING", "Error before FAX transmission started.")]
_RESET = [
    ("FAXSTATUS", ""),
    ("FAXERROR", ""),
    ("FAXSTATUSSTRING", ""),
    ("REMOTESTATIONID", ""),
    ("LOCALSTATIONID", ""),
    ("FAXMODE", "audio"),
    ("FAXPAGES", "0"),
]
# Recorded: the receiver hangs up first, so the sender sees a HANGUP before its SUCCESS.
_RECEIVER_HUNG_UP = [
    ("FAXSTATUS", "FAILED"),
    ("FAXERROR", "HANGUP"),
    ("FAXSTATUSSTRING", "remote channel hungup"),
    ("REMOTESTATIONID", ""),
    ("LOCALSTATIONID", ""),
    ("FAXMODE", "audio"),
    ("FAXPAGES", "0"),
]


def _end(machine: SimulatedFax, error: str | None, pages: str, receive: bool) -> list[tuple[str, str]]:
    remote = machine.station_id
    if error is not None:
        return [
            ("FAXSTATUS", "FAILED"),
            ("FAXERROR", error),
            ("FAXSTATUSSTRING", machine.status_string),
            ("REMOTESTATIONID", remote),
            ("LOCALSTATIONID", ""),
            ("FAXMODE", "audio"),
            ("FAXPAGES", pages),
        ]
    return [
        ("FAXSTATUS", "SUCCESS"),
        *([] if receive else [("FAXERROR", "HANGUP")]),
        ("FAXSTATUSSTRING", "OK"),
        ("REMOTESTATIONID", remote),
        ("LOCALSTATIONID", ""),
        ("FAXBITRATE", machine.bit_rate),
        ("FAXRESOLUTION", machine.resolution),
        ("FAXMODE", "audio"),
        ("FAXPAGES", pages),
    ]


async def run_fax(pbx: Pbx, chan: Channel, path: str, *, receive: bool) -> None:
    """One fax session on ``chan``; returns when the transfer ended (or the channel went)."""
    machine = _machine(pbx, chan)
    _block(pbx, chan, _START)
    if chan.state != STATE_UP:
        _block(pbx, chan, _NOT_UP)
        pbx.set_state(chan, STATE_UP)
    _block(pbx, chan, _RESET)
    interrupted = await chan.pause(pbx.timing.wall(machine.transfer_s))
    if chan.is_gone():
        return
    error = machine.error or ("HANGUP" if interrupted else None)
    pages = str(machine.pages if error is None else max(0, machine.pages - 1))
    if error is None and not receive:
        _block(pbx, chan, _RECEIVER_HUNG_UP)
    _block(pbx, chan, _end(machine, error, pages, receive))
    if error is None and receive and machine.document is not None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(machine.document.read_bytes())
    pbx.emit(
        ev.channel_event(
            "ReceiveFAX" if receive else "SendFAX",
            chan,
            ("LocalStationID", ""),
            ("RemoteStationID", machine.station_id),
            ("PagesTransferred", pages),
            ("Resolution", "" if error else machine.resolution),
            ("TransferRate", "" if error else machine.bit_rate),
            ("FileName", path),
        )
    )
    if receive and chan.fax is not None:
        pbx.spawn(_sender_hangs_up(pbx, chan))


async def _sender_hangs_up(pbx: Pbx, chan: Channel) -> None:
    # The calling machine drops the line once it has sent its last page (T.30 DCN).
    await pbx.timing.sleep(0.5)
    caller_hangs_up(pbx, chan)


async def receive_fax_app(pbx: Pbx, chan: Channel, data: str) -> None:
    await run_fax(pbx, chan, data.split(",")[0], receive=True)


async def send_fax_app(pbx: Pbx, chan: Channel, data: str) -> None:
    await run_fax(pbx, chan, data.split(",")[0], receive=False)
