"""Is anybody there: an agent signed in to routing who has the skills a conversation needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from acd.model import AgentState
from acd.router import Router

Skills = Mapping[str, int]


class RouterStaffing:
    """Signed-in agents from the router's snapshot; skills from the routing profiles in force
    (``agent_skills`` / ``queue_skills`` read the engine's live profiles)."""

    def __init__(
        self,
        router: Router,
        agent_skills: Callable[[], Mapping[str, Skills]],
        queue_skills: Callable[[str], Skills | None],
    ) -> None:
        self._router = router
        self._agent_skills = agent_skills
        self._queue_skills = queue_skills

    async def staffed(self, queue: str, skills: tuple[tuple[str, int], ...]) -> bool:
        need: Skills = dict(skills) if skills else (self._queue_skills(queue) or {})
        snapshot = await self._router.snapshot()
        profiles = self._agent_skills()
        for state, agent_ids in snapshot.agents_by_state.items():
            if state is AgentState.LOGGED_OUT:
                continue
            for agent_id in agent_ids:
                has = profiles.get(agent_id, {})
                if all(has.get(skill, 0) >= level for skill, level in need.items()):
                    return True
        return False
