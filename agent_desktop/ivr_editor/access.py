"""Who may use the editor. Module-level dependencies, so a test (the edge) can swap them through
``app.dependency_overrides``: admins change flows, supervisors and admins look at them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from agent_desktop.auth.deps import CurrentUser, require_role
from agent_desktop.errors import ApiError

require_admin = require_role("admin")
require_viewer = require_role("supervisor", "admin")
Admin = Annotated[CurrentUser, Depends(require_admin)]
Viewer = Annotated[CurrentUser, Depends(require_viewer)]


async def page_viewer(request: Request) -> CurrentUser | None:
    """The signed-in admin or supervisor, or None (the page then sends the browser to sign in)."""
    try:
        return await require_viewer(request)
    except ApiError:
        return None


PageViewer = Annotated[CurrentUser | None, Depends(page_viewer)]
