"""A stateful local emulator of HubSpot's CRM Associations API (v4 and 2026-03).

It is an independent reading of HubSpot's documents: it imports nothing from the client packages.
"""

from __future__ import annotations

from .app import create_app
from .config import EmulatorConfig
from .server import RunningEmulator, serve_in_thread

__all__ = ["EmulatorConfig", "RunningEmulator", "create_app", "serve_in_thread"]
