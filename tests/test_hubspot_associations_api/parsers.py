"""Choosing the JSON parser of answers the way users do: the [speedups] extra or the environment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hubspot_associations_api.types as generated_types
import pytest

PARSERS = ("json", "orjson")


def use_parser(name: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[bytes], Any]:
    """Make ``name`` the parser of every answer until the test ends (orjson is installed here,
    so only HUBSPOT_ASSOCIATIONS_JSON=json keeps the standard library's); the parser chosen."""
    assert name in PARSERS, name
    monkeypatch.setenv("HUBSPOT_ASSOCIATIONS_JSON", "json" if name == "json" else "")
    monkeypatch.setattr(generated_types, "_loads", None)
    return generated_types.json_loads()
