"""Run the web app with uvicorn inside the current event loop (tests, benchmarks, embedding)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import uvicorn
from fastapi import FastAPI


def uvicorn_config(
    app: FastAPI, host: str, port: int, trusted_proxies: tuple[str, ...] = ()
) -> uvicorn.Config:
    """How the app is served (``callcenter serve`` and tests alike).

    uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise, which would let any
    program on the host pick the address the sign-in limits count; the forwarded headers are only
    read from ``trusted_proxies`` (``web.trusted_proxies``), and not at all when there are none.
    WebSocket messages are not compressed: they are small JSON, and permessage-deflate took about a
    tenth of the server's CPU in ``bench/chat_bench.py`` for next to no bytes saved.
    """
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        ws="wsproto",
        ws_per_message_deflate=False,
        lifespan="on",
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=list(trusted_proxies),
    )


@contextlib.asynccontextmanager
async def running_server(
    app: FastAPI, host: str = "127.0.0.1", port: int = 0, trusted_proxies: tuple[str, ...] = ()
) -> AsyncIterator[str]:
    """Serve ``app`` until the block ends; yields its base URL (``port=0``: an ephemeral port)."""
    async with serving(uvicorn.Server(uvicorn_config(app, host, port, trusted_proxies))) as url:
        yield url


@contextlib.asynccontextmanager
async def serving(server: uvicorn.Server) -> AsyncIterator[str]:
    """Run an uvicorn ``server`` until the block ends; yields its base URL."""
    task = asyncio.create_task(server.serve(), name="uvicorn")
    try:
        while not server.started:
            if task.done():
                task.result()  # raises why it could not start
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        bound = server.servers[0].sockets[0].getsockname()
        yield f"http://{server.config.host}:{bound[1]}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
