"""The protocol as served: ``GET /api/ws-protocol`` publishes the catalogue the server speaks, ``hello``
carries its version, and class names no longer stand in for fields (a ticket's ``type``)."""

from __future__ import annotations

from sqlalchemy import select

from agent_desktop.protocol.schema import protocol_schema
from crm_core.models import Ticket
from tests.integration.desktop.conftest import Desktop, live_socket, next_message


async def test_given_no_session_when_reading_the_ws_protocol_then_the_catalogue_the_server_speaks(
    desktop: Desktop,
) -> None:
    async with desktop.client() as anonymous:
        response = await anonymous.get("/api/ws-protocol")
    assert response.status_code == 200
    published = response.json()
    assert published == protocol_schema()
    assert published["protocol"] == 1
    offered = published["messages"]["CallOffered"]
    assert (offered["direction"], offered["audience"]) == ("to_browser", ["agent"])
    assert offered["schema"]["properties"]["type"]["const"] == "CallOffered"


async def test_given_an_agent_socket_when_it_opens_then_hello_says_protocol_1(desktop: Desktop) -> None:
    async with desktop.signed_in("agent1001") as agent, live_socket(desktop, agent) as ws:
        hello = await next_message(ws, "hello")
        assert (hello["protocol"], hello["user"]["agent_id"]) == (1, "1001")
        await next_message(ws, "snapshot")  # valid against its schema too (next_message checks)


async def test_given_a_client_offering_compression_when_the_socket_opens_then_frames_stay_plain(
    desktop: Desktop,
) -> None:
    """The messages are small JSON: deflating each cost CPU on the relay path for no gain."""
    async with desktop.signed_in("agent1001") as agent, live_socket(desktop, agent) as ws:
        await next_message(ws, "hello")
        assert ws.request is not None
        assert ws.response is not None
        offered = ws.request.headers.get("Sec-WebSocket-Extensions", "")
        accepted = ws.response.headers.get("Sec-WebSocket-Extensions")
    assert "permessage-deflate" in offered
    assert accepted is None


async def test_given_a_customer_with_an_open_ticket_when_viewed_then_the_ticket_keeps_its_own_type(
    desktop: Desktop,
) -> None:
    """The class-name reflection wrote ``"type": "TicketSummary"`` over the ticket's type."""
    async with desktop.signed_in("agent1001") as agent:
        found = (await agent.get("/api/customers", params={"q": "Wei Zhang"})).json()["items"]
        view = (await agent.get(f"/api/customers/{found[0]['id']}")).json()
    ticket = view["open_tickets"][0]
    with desktop.engine.contact_center.sessions() as session:
        stored = session.scalars(select(Ticket.type).where(Ticket.id == ticket["id"])).one()
    assert ticket["type"] == stored != "TicketSummary"
    assert "type" not in view
    assert "type" not in view["profile"]
