"""What the agent desktop asks of fax: the fax work items and sent faxes a person may see, a fax's
document (only to whom it belongs: the agent holding its conversation or who sent it; supervisors
and admins any), and sending a PDF."""

from __future__ import annotations

from pathlib import Path

from acd.model import Channel
from callcenter.conversations.api import ConversationPort, ConversationView
from callcenter.fax.errors import FaxError
from callcenter.fax.outbound import FaxSender
from callcenter.fax.records import FaxRecords
from crm_core.errors import NotFound
from crm_core.faxes import FaxView


class FaxDesk:
    def __init__(self, records: FaxRecords, sender: FaxSender, conversations: ConversationPort) -> None:
        self._records = records
        self._sender = sender
        self._conversations = conversations

    async def open_items(self, agent_id: str | None) -> list[tuple[ConversationView, FaxView | None]]:
        """Live fax conversations (of ``agent_id``; None: all) with their fax."""
        views = [v for v in await self._conversations.live(agent_id) if v.channel is Channel.FAX]
        return [(v, await self._records.by_conversation(v.conversation_id)) for v in views]

    async def sent(self, agent_id: str | None) -> list[FaxView]:
        return [f for f in await self._records.recent(agent_id) if f.direction == "out"]

    async def fax(self, fax_id: int, agent_id: str | None) -> FaxView:
        """The fax if this person may see it: ``fax.not_found`` / ``fax.not_yours`` otherwise."""
        try:
            fax = await self._records.get(fax_id)
        except NotFound:
            raise FaxError("fax.not_found") from None
        if agent_id is None or fax.agent_id == agent_id:
            return fax
        if fax.conversation_id is not None:
            view = await self._conversations.view(fax.conversation_id)
            if view.agent_id == agent_id:
                return fax
        raise FaxError("fax.not_yours")

    async def document(self, fax_id: int, agent_id: str | None) -> tuple[FaxView, Path]:
        """The PDF to show; ``fax.file_missing`` when there is none or the engine cannot see it."""
        fax = await self.fax(fax_id, agent_id)
        if fax.pdf_path is None or not Path(fax.pdf_path).is_file():
            raise FaxError("fax.file_missing", path=fax.pdf_path or "-")
        return fax, Path(fax.pdf_path)

    async def send(self, agent_id: str, number: str, pdf: bytes, customer_id: int | None) -> FaxView:
        return await self._sender.submit(agent_id, number, pdf, customer_id)
