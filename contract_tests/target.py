"""The two switches of the repository's own contract tests (the shipped suite has its own).

``HUBSPOT_CONTRACT_EXAMPLES`` deepens every property (default 20); ``HUBSPOT_CONTRACT_SEED`` fixes
the seed (default 20260323). Nothing else in contract_tests/ reads the environment.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_SEED", "examples", "seed"]

DEFAULT_SEED = 20260323


def examples() -> int:
    """Examples per operation and per property (``HUBSPOT_CONTRACT_EXAMPLES``; small by default)."""
    return int(os.environ.get("HUBSPOT_CONTRACT_EXAMPLES", "20"))


def seed() -> int:
    """The seed of every generated example (``HUBSPOT_CONTRACT_SEED``), fixed so CI runs repeat."""
    return int(os.environ.get("HUBSPOT_CONTRACT_SEED", str(DEFAULT_SEED)))
