"""Serving a media file by Range over a real uvicorn server: whole, partial, open-ended, suffix,
past the end, and a file the database names but the disk has not."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from agent_desktop.media_files import MediaFileMissing, media_response
from agent_desktop.runner import running_server

BODY = bytes(range(256)) * 40  # 10,240 bytes


def _app(folder: Path) -> FastAPI:
    app = FastAPI()

    @app.get("/media/{name}")
    async def get_media(name: str) -> object:
        try:
            return media_response(folder / name, "audio/wav", name)
        except MediaFileMissing as exc:
            return JSONResponse({"reason": exc.reason}, status_code=404)

    return app


async def test_given_a_file_then_ranges_answer_206_with_the_exact_bytes(tmp_path: Path) -> None:
    (tmp_path / "call.wav").write_bytes(BODY)
    async with running_server(_app(tmp_path)) as url, httpx.AsyncClient(base_url=url) as client:
        whole = await client.get("/media/call.wav")
        assert whole.status_code == 200
        assert whole.content == BODY
        assert whole.headers["accept-ranges"] == "bytes"
        assert whole.headers["content-disposition"].startswith("inline")

        part = await client.get("/media/call.wav", headers={"Range": "bytes=100-199"})
        assert part.status_code == 206
        assert part.content == BODY[100:200]
        assert part.headers["content-range"] == f"bytes 100-199/{len(BODY)}"

        tail = await client.get("/media/call.wav", headers={"Range": "bytes=10000-"})
        assert (tail.status_code, tail.content) == (206, BODY[10000:])

        suffix = await client.get("/media/call.wav", headers={"Range": "bytes=-40"})
        assert (suffix.status_code, suffix.content) == (206, BODY[-40:])

        beyond = await client.get("/media/call.wav", headers={"Range": f"bytes={len(BODY) + 5}-"})
        assert beyond.status_code == 416
        assert beyond.headers["content-range"] == f"bytes */{len(BODY)}"
        assert beyond.json() == {
            "code": "media.range_not_satisfiable",
            "message": "The requested range is past the end of the file.",
        }


async def test_given_no_file_then_the_caller_gets_a_clear_reason(tmp_path: Path) -> None:
    async with running_server(_app(tmp_path)) as url, httpx.AsyncClient(base_url=url) as client:
        response = await client.get("/media/gone.wav")
        assert response.status_code == 404
        assert response.json() == {"reason": "not found"}
