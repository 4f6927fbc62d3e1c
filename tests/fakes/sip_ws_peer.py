"""A recording fake of Asterisk's SIP-over-WebSocket edge (RFC 7118), for browser-phone tests.

What it does, as Asterisk's PJSIP does for a ``webrtc = yes`` endpoint:
- REGISTER without credentials: 401 with a digest challenge (MD5, qop=auth); with credentials that
  match the endpoint's password: 200 OK; with wrong ones: 401 again (the browser gives up).
- :meth:`SipWsPeer.invite` sends an INVITE with an SDP offer to the registered contact and ACKs the
  2xx. The offer is the caller's: a real media end's (a test can hand in the offer of a browser
  RTCPeerConnection standing in for Asterisk's media), or by default a WebRTC-shaped one with no
  ICE candidates (then ICE and DTLS never complete: SIP-level assertions only).
- In-dialog requests from the browser: re-INVITE (hold / resume) gets 200 OK with the answer of
  ``reoffer`` (the media end) or a matching synthetic one; BYE gets 200 OK.
- :meth:`SipWsPeer.bye` ends an answered call from Asterisk's side (BYE in the dialog).
Every message both ways is kept in :attr:`SipWsPeer.log`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from websockets.asyncio.server import Server, ServerConnection, serve

_COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length"}
_COMPACT |= {"c": "content-type", "k": "supported"}


@dataclass
class SipMessage:
    start_line: str
    headers: list[tuple[str, str]]
    body: str = ""
    direction: str = "in"  # "in": from the browser, "out": sent by the fake

    @property
    def is_request(self) -> bool:
        return not self.start_line.startswith("SIP/2.0")

    @property
    def method(self) -> str:
        return self.start_line.split(" ", 1)[0] if self.is_request else self.cseq_method

    @property
    def status(self) -> int:
        return 0 if self.is_request else int(self.start_line.split(" ")[1])

    @property
    def cseq_method(self) -> str:
        return (self.header("cseq") or " ").split()[-1]

    def header(self, name: str) -> str | None:
        found = self.all(name)
        return found[0] if found else None

    def all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [v for k, v in self.headers if _COMPACT.get(k.lower(), k.lower()) == wanted]

    def render(self) -> str:
        lines = [self.start_line, *(f"{k}: {v}" for k, v in self.headers)]
        lines.append(f"Content-Length: {len(self.body.encode())}")
        return "\r\n".join(lines) + "\r\n\r\n" + self.body


def parse(raw: str) -> SipMessage:
    head, _, body = raw.partition("\r\n\r\n")
    start, *lines = head.split("\r\n")
    headers = []
    for line in lines:
        name, _, value = line.partition(":")
        if name.strip().lower() not in ("content-length", "l"):
            headers.append((name.strip(), value.strip()))
    return SipMessage(start, headers, body)


def digest_params(header: str) -> dict[str, str]:
    return {k.lower(): v.strip('"') for k, v in re.findall(r'(\w+)=("[^"]*"|[^,\s]+)', header)}


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def digest_ok(auth: dict[str, str], method: str, password: str, realm: str) -> bool:
    """RFC 2617 with qop=auth, as Asterisk checks it."""
    ha1 = _md5(f"{auth.get('username')}:{realm}:{password}")
    ha2 = _md5(f"{method}:{auth.get('uri')}")
    expected = _md5(
        f"{ha1}:{auth.get('nonce')}:{auth.get('nc')}:{auth.get('cnonce')}:{auth.get('qop')}:{ha2}"
    )
    return secrets.compare_digest(expected, auth.get("response", ""))


FINGERPRINT = ":".join(f"{b:02X}" for b in hashlib.sha256(b"fake-peer").digest())


def offer_sdp(version: int = 1) -> str:
    """What Asterisk offers a webrtc endpoint with ``allow = ulaw``: PCMU plus RFC 4733 events."""
    return _sdp(version, "0", "actpass", "sendrecv", 101)


def answer_sdp(offer: str, version: int) -> str:
    """An answer to the browser's (re-)offer: its mid, the opposite direction, PCMU + its DTMF type."""
    mid = re.search(r"^a=mid:(\S+)", offer, re.M)
    event = re.search(r"^a=rtpmap:(\d+) telephone-event/8000", offer, re.M)
    wanted = next((d for d in ("sendonly", "recvonly", "inactive") if f"a={d}" in offer), "sendrecv")
    direction = {"sendonly": "recvonly", "recvonly": "sendonly"}.get(wanted, wanted)
    return _sdp(
        version, mid.group(1) if mid else "0", "passive", direction, int(event.group(1)) if event else 101
    )


def _sdp(version: int, mid: str, setup: str, direction: str, event_pt: int) -> str:
    lines = [
        "v=0",
        f"o=- 4611731400430051336 {version} IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        f"a=group:BUNDLE {mid}",
        "a=msid-semantic: WMS fakestream",
        f"m=audio 9 UDP/TLS/RTP/SAVPF 0 {event_pt}",
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:fkUf",
        "a=ice-pwd:fakeIcePasswordOfLength24",
        f"a=fingerprint:sha-256 {FINGERPRINT}",
        f"a=setup:{setup}",
        f"a=mid:{mid}",
        f"a={direction}",
        "a=rtcp-mux",
        "a=rtpmap:0 PCMU/8000",
        f"a=rtpmap:{event_pt} telephone-event/8000",
        f"a=fmtp:{event_pt} 0-16",
        "a=msid:fakestream faketrack",
        "a=ssrc:1001 cname:fakecname",
        "a=ssrc:1001 msid:fakestream faketrack",
    ]
    return "\r\n".join(lines) + "\r\n"


@dataclass
class Registration:
    connection: ServerConnection
    contact: str  # the browser's contact URI (where INVITEs go)


@dataclass
class SipWsPeer:
    """``passwords``: endpoint name → the password Asterisk holds for it (None: unknown endpoint);
    ``reoffer``: the media end's SDP answer to a re-offer from the browser (hold / resume)."""

    passwords: Callable[[str], str | None]
    reoffer: Callable[[str], Awaitable[str]] | None = None
    realm: str = "asterisk"
    log: list[SipMessage] = field(default_factory=list)
    registrations: dict[str, Registration] = field(default_factory=dict)
    auth_failures: list[str] = field(default_factory=list)
    _nonces: set[str] = field(default_factory=set)
    _server: Server | None = None
    _version: int = 1

    async def start(self) -> str:
        self._server = await serve(self._serve, "127.0.0.1", 0, subprotocols=["sip"])  # type: ignore[list-item]
        port = self._server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}/ws"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def messages(self, method: str, *, requests: bool) -> list[SipMessage]:
        return [m for m in self.log if m.method == method and m.is_request == requests]

    async def _send(self, connection: ServerConnection, message: SipMessage) -> None:
        message.direction = "out"
        self.log.append(message)
        await connection.send(message.render())

    async def _serve(self, connection: ServerConnection) -> None:
        async for raw in connection:
            message = parse(raw if isinstance(raw, str) else raw.decode())
            self.log.append(message)
            if message.is_request:
                await self._on_request(connection, message)
            elif message.cseq_method == "INVITE" and 200 <= message.status < 300:
                await self._ack(connection, message)

    def _reply(self, request: SipMessage, status: str, *extra: tuple[str, str], body: str = "") -> SipMessage:
        headers = [("Via", v) for v in request.all("via")]
        to = request.header("to") or ""
        if not status.startswith("100") and ";tag=" not in to:
            to += ";tag=" + secrets.token_hex(4)
        headers += [("From", request.header("from") or ""), ("To", to)]
        headers += [("Call-ID", request.header("call-id") or ""), ("CSeq", request.header("cseq") or "")]
        return SipMessage(f"SIP/2.0 {status}", [*headers, *extra], body)

    async def _on_request(self, connection: ServerConnection, request: SipMessage) -> None:
        if request.method == "REGISTER":
            await self._send(connection, self._register(connection, request))
        elif request.method == "INVITE":  # in-dialog: hold / resume
            self._version += 1
            sdp = (
                await self.reoffer(request.body) if self.reoffer else answer_sdp(request.body, self._version)
            )
            contact = ("Contact", "<sip:fake@127.0.0.1;transport=ws>")
            reply = self._reply(request, "200 OK", contact, ("Content-Type", "application/sdp"), body=sdp)
            await self._send(connection, reply)
        elif request.method != "ACK":  # BYE, CANCEL, OPTIONS, INFO
            await self._send(connection, self._reply(request, "200 OK"))

    def _register(self, connection: ServerConnection, request: SipMessage) -> SipMessage:
        user = re.search(r"sip:([^@>;]+)@", request.header("to") or "")
        endpoint = user.group(1) if user else ""
        authorization = request.header("authorization")
        if authorization:
            auth = digest_params(authorization.removeprefix("Digest").strip())
            password = self.passwords(auth.get("username", ""))
            known = auth.get("nonce") in self._nonces and auth.get("username") == endpoint
            if password is not None and known and digest_ok(auth, "REGISTER", password, self.realm):
                contact = request.header("contact") or ""
                expires = re.search(r"expires=(\d+)", contact) or re.search(
                    r"(\d+)", request.header("expires") or ""
                )
                seconds = int(expires.group(1)) if expires else 600
                uri = re.search(r"<([^>]+)>", contact)
                if seconds == 0:
                    self.registrations.pop(endpoint, None)
                elif uri:
                    self.registrations[endpoint] = Registration(connection, uri.group(1))
                return self._reply(request, "200 OK", ("Contact", f"{contact};expires={seconds}"))
            self.auth_failures.append(endpoint)
        nonce = secrets.token_hex(16)
        self._nonces.add(nonce)
        challenge = f'Digest realm="{self.realm}",nonce="{nonce}",algorithm=MD5,qop="auth"'
        return self._reply(request, "401 Unauthorized", ("WWW-Authenticate", challenge))

    async def invite(self, endpoint: str, caller: str = "5551234", sdp: str | None = None) -> str:
        """Ring ``endpoint``'s browser as Asterisk's Dial would, offering ``sdp``; returns the Call-ID."""
        registration = self.registrations[endpoint]
        call_id = secrets.token_hex(8)
        headers = [
            ("Via", f"SIP/2.0/WS fake.invalid;branch=z9hG4bK{secrets.token_hex(6)}"),
            ("Max-Forwards", "70"),
            ("From", f'"{caller}" <sip:{caller}@127.0.0.1>;tag={secrets.token_hex(4)}'),
            ("To", f"<sip:{endpoint}@127.0.0.1>"),
            ("Call-ID", call_id),
            ("CSeq", "1 INVITE"),
            ("Contact", f"<sip:{caller}@127.0.0.1;transport=ws>"),
            ("Content-Type", "application/sdp"),
        ]
        message = SipMessage(f"INVITE {registration.contact} SIP/2.0", headers, sdp or offer_sdp())
        await self._send(registration.connection, message)
        return call_id

    async def bye(self, endpoint: str, call_id: str) -> None:
        """End the answered call ``call_id`` from Asterisk's side (its channel was hung up)."""
        ok = next(
            m
            for m in self.log
            if m.direction == "in"
            and m.header("call-id") == call_id
            and m.cseq_method == "INVITE"
            and m.status == 200
        )
        target = re.search(r"<([^>]+)>", ok.header("contact") or "")
        headers = [
            ("Via", f"SIP/2.0/WS fake.invalid;branch=z9hG4bK{secrets.token_hex(6)}"),
            ("Max-Forwards", "70"),
            ("From", ok.header("from") or ""),
            ("To", ok.header("to") or ""),
            ("Call-ID", call_id),
            ("CSeq", "2 BYE"),
        ]
        message = SipMessage(f"BYE {target.group(1) if target else ''} SIP/2.0", headers)
        await self._send(self.registrations[endpoint].connection, message)

    async def _ack(self, connection: ServerConnection, ok: SipMessage) -> None:
        if not any(m.header("call-id") == ok.header("call-id") and m.direction == "out" for m in self.log):
            return  # a 2xx to an INVITE we did not send
        target = re.search(r"<([^>]+)>", ok.header("contact") or "")
        headers = [
            ("Via", f"SIP/2.0/WS fake.invalid;branch=z9hG4bK{secrets.token_hex(6)}"),
            ("Max-Forwards", "70"),
            ("From", ok.header("from") or ""),
            ("To", ok.header("to") or ""),
            ("Call-ID", ok.header("call-id") or ""),
            ("CSeq", f"{(ok.header('cseq') or '1').split()[0]} ACK"),
        ]
        await self._send(connection, SipMessage(f"ACK {target.group(1) if target else ''} SIP/2.0", headers))
