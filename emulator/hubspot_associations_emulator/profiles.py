"""Profiles (``--profile``): how the v4 paths answered in an earlier v4 release.

The profile's row of ``release_table.PROFILES`` is merged into the v4 release once, when the
handlers are built, so that handlers read one effective release dict and never look at paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .release_table import PROFILES, VOID_OPERATIONS

# The release whose paths a profile changes: /crm/v4/… and /crm/associations/v4/….
PROFILED_RELEASE = "v4"


def effective_releases(
    releases: Mapping[str, dict[str, Any]], profile: str
) -> dict[str, dict[str, Any]]:
    """Each release's row with ``labelled_put`` and ``void_body`` set, the profile on v4."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(sorted(PROFILES))}")
    out: dict[str, dict[str, Any]] = {}
    for name, release in releases.items():
        row = dict(release)
        row["labelled_put"] = "flat"
        row["void_body"] = frozenset(VOID_OPERATIONS if row["batch_body_for_void"] else ())
        if name == PROFILED_RELEASE:
            chosen = PROFILES[profile]
            row["labelled_put"] = chosen["labelled_put"]
            row["batch_errors_in_200"] = chosen["batch_errors_in_200"]
            row["void_body"] = row["void_body"] | frozenset(chosen["void_body"])
        out[name] = row
    return out
