"""A stateful local emulator of HubSpot's CRM Associations API (v4, the 2025-09 beta, 2026-03 and
2026-09), with the association part of its Limits Tracking API.

It is an independent reading of HubSpot's documents: it imports nothing from the client packages.
The server parts (Starlette, uvicorn: the ``emulator`` extra) load on first use, so that the
command line can say which extra is missing instead of failing on import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import EmulatorConfig

if TYPE_CHECKING:
    from .app import create_app
    from .server import RunningEmulator, serve_in_thread

__all__ = ["EmulatorConfig", "RunningEmulator", "create_app", "serve_in_thread"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name in ("RunningEmulator", "serve_in_thread"):
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
