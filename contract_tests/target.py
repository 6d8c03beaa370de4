"""The one switch that chooses what the contract suite runs against.

* Default: the embedded emulator (``hubspot_associations_emulator``), in-process through ASGI for
  schemathesis and over real HTTP on 127.0.0.1 for the client end to end.
* ``HUBSPOT_CONTRACT_TARGET=live`` (or any ``HUBSPOT_BASE_URL``) with ``HUBSPOT_ACCESS_TOKEN``: a
  live HubSpot portal (use a sandbox) or any other server. Only read-only operations run unless
  ``HUBSPOT_CONTRACT_ALLOW_WRITES=1``, and then only on records the suite creates and removes.

Everything else in contract_tests/ asks this module; nothing else reads these variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

__all__ = ["DEFAULT_SEED", "HOW_TO_GO_LIVE", "Target", "examples", "seed", "selected"]

DEFAULT_SEED = 20260323

HOW_TO_GO_LIVE = (
    "live target not configured (the default target, the embedded emulator, needs nothing): "
    "set HUBSPOT_ACCESS_TOKEN to a sandbox portal's private-app token and run `make contract-live`; "
    "HUBSPOT_BASE_URL selects another server, HUBSPOT_CONTRACT_ALLOW_WRITES=1 also creates and "
    "deletes one test label"
)


@dataclass(frozen=True)
class Target:
    """Where the suite sends its requests."""

    kind: Literal["emulator", "live"]
    base_url: str
    token: str | None
    allow_writes: bool

    @property
    def live_ready(self) -> bool:
        """Whether the live tests can run (a live target with a token)."""
        return self.kind == "live" and bool(self.token)


def selected() -> Target:
    """Read the switch from the environment."""
    base_url = os.environ.get("HUBSPOT_BASE_URL", "").strip()
    wanted = os.environ.get("HUBSPOT_CONTRACT_TARGET", "").strip().lower()
    if wanted not in ("", "emulator", "live"):
        raise ValueError(f"HUBSPOT_CONTRACT_TARGET must be 'emulator' or 'live', got {wanted!r}")
    if wanted == "live" or (base_url and wanted != "emulator"):
        return Target(
            kind="live",
            base_url=(base_url or "https://api.hubapi.com").rstrip("/"),
            token=os.environ.get("HUBSPOT_ACCESS_TOKEN") or None,
            allow_writes=os.environ.get("HUBSPOT_CONTRACT_ALLOW_WRITES", "")
            in ("1", "true", "yes"),
        )
    return Target(kind="emulator", base_url="", token=None, allow_writes=True)


def examples() -> int:
    """Examples per operation and per property (``HUBSPOT_CONTRACT_EXAMPLES``; small by default)."""
    return int(os.environ.get("HUBSPOT_CONTRACT_EXAMPLES", "20"))


def seed() -> int:
    """The seed of every generated example (``HUBSPOT_CONTRACT_SEED``), fixed so CI runs repeat."""
    return int(os.environ.get("HUBSPOT_CONTRACT_SEED", str(DEFAULT_SEED)))
