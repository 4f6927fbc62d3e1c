"""One of each engine event the hub forwards to browsers: the protocol tests feed them to the server's
mapping (tests/unit/desktop) and, mapped, to the pages (tests/e2e/test_ws_protocol_browser.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime

from acd.events import AgentAutoPaused, AgentStateChanged, FallbackRequired
from acd.model import AgentState, Channel, Customer, Fallback, FallbackAction, SkillRequirement, WorkItem
from callcenter import events as ev
from callcenter.conversations import events as chat_ev
from callcenter.conversations.api import AttachmentRef, ConversationStatus, Sender, StoredMessage
from crm_core.interactions import InteractionView
from crm_core.lookup import CustomerView360, KnownCaller, TimelineEntry, UnknownCaller
from crm_core.views import CustomerSummary, TicketSummary

_AT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _known_caller() -> KnownCaller:
    profile = CustomerSummary(
        7, "person", "Li Wei", "李伟", None, None, "zh_CN", None, None, None, "vip", 0.9, "customer", 120,
        False, False, False, False, _AT,
    )  # fmt: skip
    ticket = TicketSummary(
        3, 7, "complaint", "Late delivery", "open", 2, None, None, _AT, _AT, _AT, None, None, None
    )
    call = InteractionView(
        1, 7, "u0", "voice", "inbound", "sales", "1001", "+14155550100", _AT, _AT, _AT, "answered",
        "resolved", None, None, None, None,
    )  # fmt: skip
    view = CustomerView360(profile, None, ("+14155550100",), (), (), ("vip",), (), (), (ticket,),
                           (TimelineEntry(call, important=False),))  # fmt: skip
    return KnownCaller("+14155550100", (view,), shared_number=False)


def sample_events() -> Iterator[object]:
    """One of each event the hub forwards (the screen pop three times: known, unknown, no customer)."""
    offer = ev.CallOffered(
        "1001",
        "o1",
        "u1",
        "+14155550100",
        "Li",
        "sales",
        2.5,
        ("1", "2"),
        _known_caller(),
        ("vip_first",),
        5.0,
    )
    yield offer
    yield dataclasses.replace(offer, customer=UnknownCaller("phone", "+14155550199", "+14155550199"))
    yield dataclasses.replace(offer, customer=None, kind="callback")
    yield ev.CallConnected("1001", "u1", "PJSIP/1001-01", 6.0)
    yield ev.CallEnded("1001", "u1", "sales", "answered", 9.0)
    yield ev.RecordingPaused("1001", "u1", True, 6.5)
    yield ev.CallHeld("1001", "u1", True, 6.6)
    yield ev.CallMuted("1001", "u1", False, 6.7)
    yield ev.CallDialing("1001", "u2", "+14155550123", 7, 7.0)
    yield ev.CallTransferred("1001", "u1", "queue", "support", 8.0)
    yield ev.ConsultStarted("1001", "u1", "agent", "1002", 7.5)
    yield ev.ConsultEnded("1001", "u1", "1002", "cancelled", 7.9)
    yield ev.CallbackChanged(4, "scheduled", "1001", 3.0)
    yield ev.SupervisionChanged("sup", "1001", "whisper", 7.0)
    yield ev.SupervisionChanged("sup", "1001", None, 7.2)
    yield AgentStateChanged("1001", AgentState.AVAILABLE, AgentState.PAUSED, "lunch", 4.0)
    yield AgentAutoPaused("1002", 3, 4.5)
    item = WorkItem("u3", Channel.VOICE, "sales", Customer("c9"), 1.0, (SkillRequirement("zh", 3),))
    yield FallbackRequired(item, "sales", Fallback(FallbackAction.TRANSFER, "+14155550000"), 60.0, 61.0)
    yield from _conversation_events()


def _conversation_events() -> Iterator[object]:
    offer = chat_ev.ConversationOffered(
        "1001", "co1", "c1", Channel.CHAT, "sales", "Li", "", 3.0, _known_caller(), ("vip_first",), 5.0
    )
    yield offer
    yield dataclasses.replace(offer, customer=UnknownCaller("email", "li@example.com", "li@example.com"))
    yield dataclasses.replace(offer, customer=None)
    attachment = AttachmentRef("a1", "photo.png", "image/png", 1234)
    message = StoredMessage("c1", 1, "m1", "k1", Sender.CUSTOMER, "Li", "<b>hi</b>", (attachment,), 6.0)
    yield chat_ev.ConversationMessageAdded(message, Channel.CHAT, "1001", ("sup",))
    yield chat_ev.ConversationMessageAdded(
        dataclasses.replace(message, client_id=None), Channel.CHAT, None, ()
    )
    yield chat_ev.ConversationTyping("c1", Sender.CUSTOMER, "Li", "1001", 6.5)
    yield chat_ev.ConversationStatusChanged(
        "c1", Channel.CHAT, ConversationStatus.WAITING, "sales", None, None, 2, 30.0, 4.0
    )
    yield chat_ev.ConversationStatusChanged(
        "c1", Channel.CHAT, ConversationStatus.ACTIVE, "sales", "1001", "1002", None, None, 7.0
    )
