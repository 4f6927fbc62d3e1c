from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm_core.customers import AddressDraft, CustomerDraft, CustomerService, NoteDraft
from crm_core.errors import CrmError, FieldTooLong, InvalidEmail, InvalidPhoneNumber, MissingField, NotFound
from crm_core.interactions import InteractionLog, InteractionRecord
from crm_core.lookup import KnownCaller, ScreenPop, UnknownCaller
from crm_core.models import Customer, CustomerEmail, CustomerNote, CustomerPhone
from crm_core.tickets import TicketDraft, TicketService
from tests.crm_conftest_helpers import T0, Db, FakeClock


def _wei(**overrides: object) -> CustomerDraft:
    values: dict[str, object] = {
        "display_name": "Wei Zhang",
        "native_name": "张伟",
        "phones": ("+1 (415) 555-0100", "+86 138 0013 8000"),
        "emails": ("Wei.Zhang@Example.com",),
        "preferred_language": "zh",
        "chat_login": "weizhang",
        "addresses": (AddressDraft("1 Market St", city="San Francisco", region="CA", country="US"),),
        "tags": ("VIP", "foodie"),
        "notes": (
            NoteDraft(
                "Allergic to peanuts; complained about the Kung Pao chicken on last visit", "diet", True
            ),
            NoteDraft("Likes table 12", "preference"),
        ),
    }
    values.update(overrides)
    return CustomerDraft(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "dialled", ["+14155550100", "(415) 555-0100", "415.555.0100", "1-415-555-0100", "0014155550100"]
)
def test_given_customer_when_called_from_any_format_then_screen_pop_finds_them(
    db: Db, clock: FakeClock, dialled: str
) -> None:
    with db.sessions.begin() as session:
        cid = CustomerService(clock, "US").create(session, _wei())
    with db.sessions() as session:
        result = ScreenPop("US").by_number(session, dialled)
    assert isinstance(result, KnownCaller)
    assert result.key == "+14155550100"
    assert not result.shared_number
    (view,) = result.matches
    assert view.profile.id == cid
    assert view.profile.native_name == "张伟"
    assert view.alerts[0].text.startswith("Allergic to peanuts")
    assert [n.text for n in view.notes] == ["Likes table 12"]
    assert view.tags == ("foodie", "vip")
    assert view.emails == ("wei.zhang@example.com",)
    assert view.phones == ("+14155550100", "+8613800138000")
    assert [(a.line1, a.city) for a in view.addresses] == [("1 Market St", "San Francisco")]


def test_given_international_number_when_called_from_cn_region_then_found(db: Db, clock: FakeClock) -> None:
    with db.sessions.begin() as session:
        CustomerService(clock, "US").create(session, _wei())
    with db.sessions() as session:
        from_china = ScreenPop("CN").by_number(session, "00 1 415 555 0100")
        mobile = ScreenPop("CN").by_number(session, "138 0013 8000")
    assert isinstance(from_china, KnownCaller)
    assert isinstance(mobile, KnownCaller)


def test_given_shared_family_number_when_called_then_all_customers_with_marker_vip_first(
    db: Db, clock: FakeClock
) -> None:
    service = CustomerService(clock, "US")
    with db.sessions.begin() as session:
        first = service.create(session, CustomerDraft("Li Na", phones=("212-555-0199",)))
        second = service.create(
            session, CustomerDraft("Wang Fang", phones=("+1 212 555 0199",)), shared_number_ok=True
        )
        session.get_one(Customer, second).tier = "vip"
    with db.sessions() as session:
        result = ScreenPop().by_number(session, "2125550199")
    assert isinstance(result, KnownCaller)
    assert result.shared_number
    assert [v.profile.id for v in result.matches] == [second, first]


@pytest.mark.parametrize(("raw", "normalized"), [("(646) 555-0123", "+16465550123"), ("anonymous", None)])
def test_given_unknown_caller_when_looked_up_then_new_caller_card(
    db: Db, raw: str, normalized: str | None
) -> None:
    with db.sessions() as session:
        result = ScreenPop().by_number(session, raw)
    assert result == UnknownCaller("phone", raw, normalized)


def test_given_customer_when_looked_up_by_email_and_chat_login_then_found(db: Db, clock: FakeClock) -> None:
    with db.sessions.begin() as session:
        CustomerService(clock).create(session, _wei())
    pop = ScreenPop()
    with db.sessions() as session:
        assert isinstance(pop.by_email(session, " WEI.zhang@example.com"), KnownCaller)
        assert isinstance(pop.by_chat_login(session, "weizhang"), KnownCaller)
        assert pop.by_email(session, "nobody@example.com") == UnknownCaller(
            "email", "nobody@example.com", "nobody@example.com"
        )
        assert pop.by_email(session, "not an email") == UnknownCaller("email", "not an email", None)


def test_given_history_when_viewed_then_open_tickets_and_important_interactions_first(
    db: Db, clock: FakeClock
) -> None:
    from datetime import timedelta

    log = InteractionLog()
    with db.sessions.begin() as session:
        cid = CustomerService(clock).create(session, _wei())
        tickets = TicketService(clock)
        for i, outcome in enumerate(["answered", "abandoned", "answered", "answered"]):
            log.record(
                session,
                InteractionRecord(
                    f"h.{i}", "call", "inbound", T0 + timedelta(hours=i), customer_id=cid, outcome=outcome
                ),
            )
        ticket = tickets.open(session, TicketDraft("complaint", "Peanuts in the dish", customer_id=cid))
        closed = tickets.open(session, TicketDraft("enquiry", "Opening hours", customer_id=cid))
        tickets.transition(session, closed.id, "closed")
    with db.sessions() as session:
        view = ScreenPop().view(session, cid)
    assert [t.id for t in view.open_tickets] == [ticket.id]
    refs = [e.interaction.external_ref for e in view.recent_interactions]
    assert refs == ["h.1", "h.3", "h.2", "h.0"]
    assert view.recent_interactions[0].important


def test_given_caller_number_when_interaction_recorded_without_customer_then_linked_to_sole_owner(
    db: Db, clock: FakeClock
) -> None:
    with db.sessions.begin() as session:
        cid = CustomerService(clock).create(session, _wei())
        InteractionLog().record(
            session, InteractionRecord("x.1", "call", "inbound", T0, caller_number="4155550100")
        )
    with db.sessions() as session:
        assert [v.external_ref for v in InteractionLog().list_for_customer(session, cid)] == ["x.1"]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"phones": ("+1 415 555 0100", "12345")}, InvalidPhoneNumber),
        ({"emails": ("wei@",)}, InvalidEmail),
        ({"display_name": "W" * 201}, FieldTooLong),
        ({"display_name": "  "}, MissingField),
        ({"notes": (NoteDraft("x" * 2001),)}, FieldTooLong),
        ({"organisation_id": 424242}, NotFound),
    ],
)
def test_given_bad_input_when_creating_then_typed_error_and_nothing_stored(
    db: Db, clock: FakeClock, overrides: dict[str, object], error: type[CrmError]
) -> None:
    with pytest.raises(error), db.sessions.begin() as session:
        CustomerService(clock).create(session, _wei(**overrides))
    with db.sessions() as session:
        for model in (Customer, CustomerPhone, CustomerEmail, CustomerNote):
            assert session.scalar(select(func.count()).select_from(model)) == 0
