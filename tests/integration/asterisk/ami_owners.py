"""Helpers of the AMI ownership tests: what the simulator sees, and an engine process dying."""

from __future__ import annotations

from callcenter.ami_ownership import AmiOwnership
from callcenter.pbxsim import PbxSimulator


def logged_in_sessions(sim: PbxSimulator) -> int:
    """Manager sessions logged in at the simulator right now (its AMI server's own bookkeeping;
    the simulator has no public accessor for it)."""
    return sum(1 for s in sim._ami._sessions if s.authenticated and not s.is_closed())


async def die(ownership: AmiOwnership) -> None:
    """The owning process dies, as seen from outside: the lease is neither renewed nor released,
    the AMI socket is reset, and nothing of that engine's AMI side runs any more."""
    for task in ownership._tasks:
        task.cancel()
    conn = ownership.ami._conn
    if conn is not None and conn._transport is not None:
        conn._transport.abort()
    await ownership.ami.stop()
