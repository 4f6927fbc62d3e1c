"""A memory store that loses the race a given number of times, like a busy shared Redis."""

from __future__ import annotations

from acd.memory_store import MemoryStore
from acd.store import Txn


class ContendedStore(MemoryStore):
    """Refuses the next ``refuse`` commits that change records (as if another router won)."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse = 0
        self.refused: list[Txn] = []

    async def commit(self, txn: Txn) -> bool:
        if self.refuse and (txn.items or txn.agents):
            self.refuse -= 1
            self.refused.append(txn)
            return False
        return await super().commit(txn)
