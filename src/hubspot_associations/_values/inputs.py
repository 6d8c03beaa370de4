"""Turning what callers pass (ints, strings, tuples, type constants) into the generated models.

Everything here runs before the network: a bad value raises ClientValidationError saying what was
wrong and what to pass instead, and no request is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeAlias, runtime_checkable

from hubspot_associations_api.models import (
    AssociationCategory,
    AssociationInput,
    AssociationSpec,
    PublicObjectId,
)

from .._exceptions import ClientValidationError
from .ids import InvalidId, canonical_id, describe_value
from .object_types import normalize_object_type
from .ranges import in_range

__all__ = [
    "IdLike",
    "TypeLike",
    "object_id",
    "object_type",
    "pair_inputs",
    "require_items",
    "to_spec",
    "to_specs",
]

IdLike: TypeAlias = str | int


@runtime_checkable
class _HasTypeId(Protocol):
    """Anything that names an association type: our AssociationType constants, label helpers."""

    @property
    def type_id(self) -> int: ...

    @property
    def category(self) -> str: ...


TypeLike: TypeAlias = AssociationSpec | _HasTypeId | tuple[str, int]


def object_id(value: IdLike, *, what: str = "record ID") -> str:
    """A record ID in its canonical form (see ``_ids``); ints (also past 32 bits) are welcome."""
    if not isinstance(value, str | int):
        raise ClientValidationError(
            f"{what} must be a positive integer or a string of digits, got {describe_value(value)}"
        )
    try:
        return canonical_id(value)
    except InvalidId as exc:
        raise ClientValidationError(
            f"{what} {describe_value(value)} {exc}: pass a positive integer below 2^63 "
            "or a string of ASCII digits"
        ) from None


# An object type by name (contact, contacts) or ID (0-1, 2-123), as the path wants it; bad
# values already raise ClientValidationError there.
object_type = normalize_object_type


def to_spec(value: TypeLike) -> AssociationSpec:
    """An AssociationSpec from a constant, a (category, typeId) tuple or a spec."""
    if isinstance(value, AssociationSpec):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        category, type_id = value
        return AssociationSpec(
            association_category=AssociationCategory.from_value(str(category).upper()),
            association_type_id=_type_id(type_id),
        )
    if isinstance(value, _HasTypeId):
        return AssociationSpec(
            association_category=AssociationCategory.from_value(str(value.category)),
            association_type_id=_type_id(value.type_id),
        )
    if isinstance(value, int):
        raise ClientValidationError(
            f"association type {value!r} is ambiguous without its category: pass a constant like "
            "AssociationType.CONTACT_TO_COMPANY, or a tuple like ('USER_DEFINED', 36)"
        )
    raise ClientValidationError(
        f"cannot use {value!r} as an association type: pass an AssociationType constant, "
        "an AssociationSpec, or a (category, typeId) tuple"
    )


TYPES_SHAPE = (
    "types is a list of association types, e.g. types=[AssociationType.CONTACT_TO_COMPANY] or "
    "types=[('USER_DEFINED', 36), ('HUBSPOT_DEFINED', 1)]"
)


def to_specs(values: Iterable[TypeLike]) -> list[AssociationSpec]:
    """Several association types; at least one is needed."""
    one_pair = isinstance(values, tuple) and len(values) == 2 and isinstance(values[0], str)
    if one_pair or isinstance(values, AssociationSpec | _HasTypeId):
        raise ClientValidationError(
            f"{TYPES_SHAPE}; got {values!r}, which is one type: wrap it in a list, [{values!r}]"
        )
    if isinstance(values, str | bytes | int) or not isinstance(values, Iterable):
        raise ClientValidationError(f"{TYPES_SHAPE}; got {values!r}")
    specs = [to_spec(v) for v in values]
    if not specs:
        raise ClientValidationError("give at least one association type")
    return specs


def _type_id(value: object) -> int:
    return in_range("type_id", value)


def require_items(items: Sequence[object], *, what: str, maximum: int | None = None) -> None:
    """Refuse an empty batch, or one larger than the API takes (and say what to use instead)."""
    if not items:
        raise ClientValidationError(f"{what}: the batch is empty; give at least one input")
    if maximum is not None and len(items) > maximum:
        raise ClientValidationError(
            f"{what}: {len(items)} inputs is more than the {maximum} the API takes in one call; "
            "use client.bulk, which splits the work into batches and accounts for every input"
        )


def pair_inputs(
    pairs: Iterable[tuple[IdLike, IdLike]], types: Sequence[TypeLike] | None = None
) -> list[AssociationInput]:
    """Batch-create inputs from (from ID, to ID) pairs and the types to apply to each."""
    specs = to_specs(types) if types is not None else []
    return [
        AssociationInput(
            from_=PublicObjectId(id=object_id(a, what="from ID")),
            to=PublicObjectId(id=object_id(b, what="to ID")),
            types=list(specs),
        )
        for a, b in pairs
    ]
