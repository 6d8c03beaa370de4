"""HubSpot's Associations contract as a test suite users run: ``hubspot-associations check``.

Ships with ``hubspot-associations[contract]``. Its rules (:data:`RULES`) are checked against the
embedded emulator, an emulator you run, or a portal; see this package's README for each rule.
"""

from __future__ import annotations

from .rules import RULES, Rule, RuleViolation
from .runner import main

__all__ = ["RULES", "Rule", "RuleViolation", "main"]
