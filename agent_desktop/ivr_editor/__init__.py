"""The IVR flow editor (admin): API under ``/api/ivr`` and the page at ``/admin/ivr``."""

from agent_desktop.ivr_editor.routes import EditorContext, make_router

__all__ = ["EditorContext", "make_router"]
