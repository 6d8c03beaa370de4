"""What each write does after its answer was lost: one table, and the pure parts of the rule.

A lost answer is a request that may have reached HubSpot with no answer back (a connection cut
after sending, an answer cut short). Idempotent writes are resent by the transport, like reads. The
others are marked with the ``NOT_IDEMPOTENT`` request extension: the transport resends them only
when no attempt reached a server, and the facade decides what a lost answer means, reading
HubSpot's state where a resend alone cannot tell (see :data:`LOST_ANSWER_RULES`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Generic, Literal, TypeVar

import attrs
from hubspot_associations_api.models import (
    AssociationLimit,
    AssociationLimitBatch,
    BatchStatus,
    StandardError,
)

from .._exceptions import APIStatusError

T = TypeVar("T")

__all__ = [
    "LOST_ANSWER_RULES",
    "NOT_IDEMPOTENT_OPERATIONS",
    "LimitsAnswer",
    "Resent",
    "Rule",
    "confirmed_limits",
    "error_names_type",
]

Rule = Literal["resent", "confirmed by a read", "outcome unknown"]

# Every write of openapi/curated.yaml. README and docs/lost-answers.md print this table.
LOST_ANSWER_RULES: Final[dict[str, tuple[Rule, str]]] = {
    "associate_default": ("resent", "writing the default association again changes nothing"),
    "associate_with_labels": ("resent", "writing the same labels again changes nothing"),
    "remove_associations": ("resent", "removing what is gone answers 204"),
    "batch_associate_default": ("resent", "each pair written again changes nothing"),
    "batch_create_associations": ("resent", "each pair written again changes nothing"),
    "batch_remove_associations": ("resent", "removing what is gone changes nothing"),
    "batch_remove_labels": ("resent", "removing a label a pair lacks changes nothing"),
    "update_label": ("resent", "the same wording again changes nothing"),
    "update_limits": ("resent", "the same limit again changes nothing"),
    "create_label": (
        "confirmed by a read",
        "the labels are listed: the label is returned if it exists with the wording sent "
        "(and inverse), else the create is sent again",
    ),
    "delete_label": (
        "confirmed by a read",
        "sent again; a refusal (400 or 404) then ends as success only if the type ID is no "
        "longer listed",
    ),
    "create_limits": (
        "confirmed by a read",
        "sent again; an input refused as existing (inside the answer, or a 400) ends as done "
        "only if the limit read back has the maximum sent",
    ),
    "purge_limits": (
        "confirmed by a read",
        "sent again; a refusal (400 or 404) ends as success only if no limit "
        "is listed for those types",
    ),
    "request_high_usage_report": (
        "outcome unknown",
        "not sent again (HubSpot would e-mail a second report) and nothing can be read back: "
        "OutcomeUnknownError",
    ),
}
NOT_IDEMPOTENT_OPERATIONS: Final = frozenset(
    op for op, (rule, _) in LOST_ANSWER_RULES.items() if rule != "resent"
)


@dataclass(frozen=True)
class Resent(Generic[T]):
    """How a write marked not idempotent ended, sent again after each lost answer: its
    ``answer``, or the ``refusal`` (400 or 404) of a resend; ``lost``: an answer was lost first,
    so a refusal may only mean that the first send did it (the caller confirms with a read)."""

    answer: T | None
    lost: bool
    refusal: APIStatusError | None = None


# What create_limits answers (201, or 207/200 with errors inside).
LimitsAnswer = AssociationLimitBatch


def error_names_type(error: StandardError, type_id: int) -> bool:
    """Whether a per-input error is about ``type_id`` (its message or context names it)."""
    text = " ".join([str(error.message), *(f"{k} {v}" for k, v in _context(error).items())])
    return re.search(rf"(?<![0-9]){type_id}(?![0-9])", text) is not None


def _context(error: StandardError) -> dict[str, object]:
    context = error.context
    return {} if context is None else dict(context.additional_properties)


def confirmed_limits(
    answer: LimitsAnswer | None,
    wanted: Sequence[tuple[int, int]],
    listed: Iterable[AssociationLimit],
) -> LimitsAnswer | None:
    """The answer of a ``create_limits`` resent after a lost answer, with each input that was
    refused but whose limit reads back with the maximum sent moved from errors to results (the
    first send set it). ``answer`` None: the resend was refused whole. None when some input is
    neither answered nor confirmed and no answer came (the refusal stands)."""
    read = {int(c.type_id): c for c in listed}
    answered = set() if answer is None else {int(r.type_id) for r in answer.results}
    confirmed = [
        read[type_id]
        for type_id, maximum in wanted
        if type_id not in answered
        and type_id in read
        and read[type_id].user_enforced_max_to_object_ids == maximum
    ]
    now = datetime.datetime.now(datetime.UTC)
    if answer is None:
        if len(confirmed) != len(wanted):
            return None
        return AssociationLimitBatch(
            results=confirmed, started_at=now, completed_at=now, status=BatchStatus.COMPLETE
        )
    if not confirmed:
        return answer
    ids = {int(c.type_id) for c in confirmed}
    left = [e for e in answer.errors if not any(error_names_type(e, t) for t in ids)]
    if left:
        return attrs.evolve(
            answer, results=[*answer.results, *confirmed], errors=left, num_errors=len(left)
        )
    # Every input done: the answer a first send that got through would have had.
    return AssociationLimitBatch(
        results=[*answer.results, *confirmed],
        started_at=answer.started_at,
        completed_at=answer.completed_at,
        status=BatchStatus.COMPLETE,
    )
