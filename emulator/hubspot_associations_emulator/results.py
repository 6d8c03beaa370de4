"""What the backend answers: plain data, which ``views`` renders in HubSpot's wire shapes.

Kept apart from ``backend`` so that ``views`` can name these types and ``backend`` can use the
wire helpers of ``views`` (the high-usage report is stored in its wire form) without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from .catalog import AssociationType
from .errors import ApiError

__all__ = [
    "BatchOutcome",
    "DefaultAssociation",
    "LabelUsage",
    "LabelsBetween",
    "Limit",
    "LimitStatus",
    "Page",
    "RecordLimitsUsage",
    "RecordPage",
    "RecordUsage",
]

T = TypeVar("T")


@dataclass
class BatchOutcome(Generic[T]):
    """What a batch call did: results of the inputs that succeeded and errors of the others."""

    results: list[T] = field(default_factory=list)
    errors: list[ApiError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DefaultAssociation:
    """One unlabeled association written by a default call."""

    from_id: int
    to_id: int
    type_id: int


@dataclass(frozen=True, slots=True)
class LabelsBetween:
    """The labels between two records after a labelled write."""

    from_type: str
    from_id: int
    to_type: str
    to_id: int
    labels: list[str]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of associated records, each with its types, and the cursor of the next page."""

    items: list[tuple[int, list[AssociationType]]]
    next_after: int | None


@dataclass(frozen=True, slots=True)
class RecordPage:
    """One input of batch/read that found associations: the record and its page."""

    from_id: int
    page: Page


@dataclass(frozen=True, slots=True)
class Limit:
    """A user-enforced limit on one association type."""

    type: AssociationType
    max_to: int


# -- limits usage (the association part of HubSpot's Limits Tracking API) -------------------------


@dataclass(frozen=True, slots=True)
class LabelUsage:
    """The custom labels of one direction: definitions between the pair against the cap, and the
    wordings of this direction's types."""

    from_type: str
    to_type: str
    limit: int
    usage: int
    labels: list[str]


@dataclass(frozen=True, slots=True)
class LimitStatus:
    """One object type, and whether some records are near or at a per-record limit."""

    type_id: str
    near: bool
    at: bool


@dataclass(frozen=True, slots=True)
class RecordUsage:
    """One source record's fullest association type: how many records it reaches through it, and
    that type's limit."""

    from_id: int
    usage: int
    limit: int


@dataclass(frozen=True, slots=True)
class RecordLimitsUsage:
    """One object pair: its per-record limit, how many source records are near it and at it, and
    the first of each (lowest record IDs)."""

    from_type: str
    limit: int
    near_total: int
    at_total: int
    near: list[RecordUsage]
    at: list[RecordUsage]
