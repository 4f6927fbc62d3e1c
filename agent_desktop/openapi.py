"""The API's OpenAPI schema (for signed-in users) and its interactive docs (for admins).

FastAPI's own ``/openapi.json`` and ``/docs`` stay off: the schema lists every route, so it needs a
session, and FastAPI's docs page loads Swagger UI from a CDN, which the pages' CSP forbids and an
offline site cannot reach. Swagger UI comes from the pinned ``swagger-ui-bundle-v2`` package.

Errors are documented here for every route at once, with the body they all share
(:class:`ErrorBody`): 401 and 403 where a session is needed, 422 where the route takes input, and
the statuses a route's own code answers with (:data:`agent_desktop.openapi_routes.ROUTE_RESPONSES`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from swagger_ui_bundle import swagger_ui_path

from agent_desktop.auth.deps import ROLES, CurrentUser, require_role
from agent_desktop.openapi_routes import ROUTE_RESPONSES, error_response

router = APIRouter(prefix="/api")
_STATIC: Final = Path(__file__).resolve().parent / "static"
# Swagger UI's own files, and the page's start-up script (no inline script: the CSP forbids it).
_ASSETS: Final = {
    "swagger-ui.css": Path(swagger_ui_path) / "swagger-ui.css",
    "swagger-ui-bundle.js": Path(swagger_ui_path) / "swagger-ui-bundle.js",
    "api_docs.js": _STATIC / "api_docs.js",
}
_DOCS_PAGE: Final = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>callcenter API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/api_docs.js"></script>
</body></html>"""
# Swagger UI sets style attributes as it draws: the docs page alone allows inline styles.
_DOCS_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class FieldProblem(BaseModel):
    field: str
    problem: str


class ErrorBody(BaseModel):
    """Every error the API answers with; ``errors`` only for a request its models refuse (422)."""

    code: str
    message: str
    errors: list[FieldProblem] | None = None


@router.get("/openapi.json", response_model=None)
async def openapi_schema(
    request: Request, _user: Annotated[CurrentUser, Depends(require_role(*ROLES))]
) -> Response:
    """This schema: every route, its input and its answers."""
    return JSONResponse(request.app.openapi())


@router.get("/docs", response_class=HTMLResponse, response_model=None)
async def api_docs(_user: Annotated[CurrentUser, Depends(require_role("admin"))]) -> Response:
    """Interactive docs (Swagger UI) of this schema; requests are sent with the admin's session."""
    return HTMLResponse(_DOCS_PAGE, headers=_DOCS_HEADERS)


@router.get("/docs/{name}", response_model=None)
async def api_docs_asset(name: str) -> Response:
    path = _ASSETS.get(name)
    if path is None:
        return JSONResponse({"code": "desktop.not_found", "message": "not found"}, 404)
    return FileResponse(path, headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"})


def install_openapi(app: FastAPI) -> None:
    """Serve the schema and the docs (before the pages' catch-all route), built once on first use."""
    app.include_router(router)
    cached: dict[str, Any] = {}

    def schema() -> dict[str, Any]:
        if not cached:
            cached.update(build_schema(app))
        return cached

    app.openapi = schema  # type: ignore[method-assign]


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)


def needs_session(route: APIRoute) -> bool:
    role_check = require_role.__qualname__ + "."
    return any(
        getattr(d.call, "__qualname__", "").startswith(role_check) for d in _dependencies(route.dependant)
    )


def _takes_input(route: APIRoute) -> bool:
    dependant = route.dependant
    return bool(
        dependant.path_params or dependant.query_params or dependant.body_params or dependant.header_params
    ) or any(d.query_params or d.body_params or d.path_params for d in _dependencies(dependant))


def build_schema(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(title=app.title, version=app.version, routes=app.routes, description=__doc__)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    errors = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(errors.pop("$defs", {}))
    components["ErrorBody"] = errors
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for route in app.routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            for method in route.methods:
                operation = schema["paths"][route.path_format][method.lower()]
                operation["responses"] = _responses(route, method, operation["responses"])
    return schema


def _responses(route: APIRoute, method: str, generated: dict[str, Any]) -> dict[str, Any]:
    responses = {k: v for k, v in generated.items() if k != "422"}
    if needs_session(route):
        responses["401"] = error_response("Not signed in, or the session ended (auth.not_signed_in).")
        responses["403"] = error_response("Another role's route (auth.forbidden) or a cross-site write.")
    if _takes_input(route):
        responses["422"] = error_response("The input is not valid: `errors` names each field at fault.")
    for status, response in ROUTE_RESPONSES.get((method, route.path_format), {}).items():
        if response is None:
            responses.pop(status, None)  # the route never answers with FastAPI's default
        else:
            responses[status] = response
    return dict(sorted(responses.items()))
