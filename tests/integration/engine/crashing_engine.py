"""An engine in its own process, for tests that kill it with SIGKILL (nothing of its stop runs):
``python -m tests.integration.engine.crashing_engine DIR OVERRIDES_JSON``. Builds the settings with
:func:`engine_settings` (``DIR``, the overrides), starts the engine against the AMI and FastAGI
given there, signs every configured agent in, prints ``READY`` and runs until killed."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from callcenter.app import Engine
from tests.integration.engine.conftest import engine_settings, sign_in_agents


async def main(directory: Path, overrides: dict[str, object]) -> None:
    engine = Engine(engine_settings(directory, **overrides), simulator_mode=False)
    await engine.start()
    await engine.ami.wait_connected(10)
    await sign_in_agents(engine)
    print("READY", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), json.loads(sys.argv[2])))
