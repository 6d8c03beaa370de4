"""HubSpot's releases (v4, 2025-09, 2026-03, 2026-09 …) as data, and the transport for each.

A release is a row of ``openapi/releases.yaml`` (generated into ``_release_table``): its path
families, the operations it lacks, how its batch calls answer, its support-end date and its
successor. The generated client speaks the v4 paths of the curated spec; a transport rewrites each
request's path to the chosen release, and the facade stands in where a release lacks a call.
"""

from __future__ import annotations

import datetime
import warnings
from dataclasses import dataclass
from typing import Any, Final, cast

import httpx

from ._exceptions import ClientValidationError
from ._release_table import API_VERSIONS, RELEASE_DATA, ApiVersion

__all__ = [
    "API_VERSIONS",
    "RELEASES",
    "ApiVersion",
    "AssociationPermission",
    "Release",
    "check_version",
    "get_release",
    "release_from",
    "rewrite_path",
    "to_version",
    "warn_if_ending",
]

V4_OBJECTS: Final = "/crm/v4/objects/"
V4_ASSOCIATIONS: Final = "/crm/v4/associations/"
# The limits usage calls (HubSpot's Limits Tracking API) as the curated spec spells them.
V3_LIMITS: Final = "/crm/v3/limits/associations/"
WARN_DAYS: Final = 90


@dataclass(frozen=True)
class AssociationPermission:
    """How a release refuses an association write by a user without HubSpot's "Edit
    associations" permission (2026-09's write validation): the answer's status and category,
    and why those values when HubSpot does not publish them."""

    status: int
    category: str
    inferred: str | None = None

    def matches(self, status: int, category: str | None) -> bool:
        """Whether an error answer is this refusal."""
        return status == self.status and category == self.category


@dataclass(frozen=True)
class Release:
    """One HubSpot release of the Associations API."""

    name: ApiVersion
    object_base: str
    association_base: str
    limits_base: str
    support_ends: datetime.date | None
    successor: str | None
    lacks: frozenset[str]
    batch_errors_in_200: bool
    batch_body_for_void: bool
    limits_errors_in_200: bool
    enqueue_time: str
    statuses: dict[str, tuple[int, ...]]
    # HubSpot presents the release as a beta (2025-09, the beta of date-based versioning).
    beta: bool = False
    # Which of HubSpot's documents the row follows, and its date.
    source: str = ""
    # The refusal of an association write by a user lacking "Edit associations" (None: the
    # release does not check that permission).
    association_permission: AssociationPermission | None = None

    def offers(self, operation_id: str) -> bool:
        """Whether HubSpot offers this operation in this release."""
        return operation_id not in self.lacks

    def path(self, v4_path: str) -> str:
        """A v4 path of the curated spec, as this release spells it."""
        if v4_path.startswith(V4_OBJECTS):
            return f"{self.object_base}/{v4_path[len(V4_OBJECTS) :]}"
        if v4_path.startswith(V4_ASSOCIATIONS):
            return f"{self.association_base}/{v4_path[len(V4_ASSOCIATIONS) :]}"
        if v4_path.startswith(V3_LIMITS):
            return f"{self.limits_base}/{v4_path[len(V3_LIMITS) :]}"
        return v4_path


def release_from(name: str, data: dict[str, Any]) -> Release:
    """A Release from one row of the generated table."""
    ends = data["support_ends"]
    return Release(
        name=cast(ApiVersion, name),
        object_base=data["object_base"],
        association_base=data["association_bases"][0],
        limits_base=data["limits_base"],
        support_ends=None if ends is None else datetime.date.fromisoformat(ends),
        successor=data["successor"],
        lacks=frozenset(data["lacks"]),
        batch_errors_in_200=data["batch_errors_in_200"],
        batch_body_for_void=data["batch_body_for_void"],
        limits_errors_in_200=data["limits_errors_in_200"],
        enqueue_time=data["enqueue_time"],
        statuses=dict(data["statuses"]),
        beta=data["beta"],
        source=data["source"],
        association_permission=_permission(data["association_permission"]),
    )


def _permission(data: dict[str, Any] | None) -> AssociationPermission | None:
    if data is None:
        return None
    return AssociationPermission(data["status"], data["category"], data.get("inferred"))


RELEASES: Final[dict[str, Release]] = {
    name: release_from(name, RELEASE_DATA[name]) for name in API_VERSIONS
}
_warned: set[str] = set()


def check_version(version: str) -> ApiVersion:
    """Validate a user-supplied release name, saying which ones exist."""
    if not isinstance(version, str) or version not in RELEASES:
        raise ClientValidationError(
            f"api_version must be one of {', '.join(API_VERSIONS)}; got {version!r}. "
            f"v4 is the default; the dated releases are HubSpot's successors{_v4_ends()}."
        )
    return RELEASES[version].name


def _v4_ends() -> str:
    """`` (v4 ends <date>)`` from the table's support-end date of v4 (nothing if it has none)."""
    ends = RELEASES["v4"].support_ends
    return "" if ends is None else f" (v4 ends {ends.isoformat()})"


def get_release(version: str) -> Release:
    """The release named ``version`` (ClientValidationError for an unknown one)."""
    return RELEASES[check_version(version)]


def warn_if_ending(release: Release, today: datetime.date | None = None) -> None:
    """Warn once per release when its support ends within 90 days, naming the successor."""
    if release.support_ends is None or release.name in _warned:
        return
    today = today or datetime.date.today()
    left = (release.support_ends - today).days
    if left > WARN_DAYS:
        return
    _warned.add(release.name)
    ended = "ended" if left < 0 else f"ends in {left} day(s)"
    successor = f"; move to api_version={release.successor!r}" if release.successor else ""
    warnings.warn(
        f"HubSpot's support for the {release.name} Associations API {ended} "
        f"({release.support_ends.isoformat()}){successor}",
        FutureWarning,
        stacklevel=4,
    )


def to_version(path: str, version: ApiVersion) -> str:
    """Map a v4 path of the curated spec to the same operation's path in ``version``."""
    return RELEASES[version].path(path)


def rewrite_path(request: httpx.Request, release: Release) -> None:
    """Send a request of the curated spec's v4 paths to the release's path (query kept)."""
    path = request.url.raw_path.decode("ascii")
    query = ""
    if "?" in path:
        path, query = path.split("?", 1)
        query = "?" + query
    new_path = release.path(path)
    if new_path != path:
        request.url = request.url.copy_with(raw_path=(new_path + query).encode("ascii"))
