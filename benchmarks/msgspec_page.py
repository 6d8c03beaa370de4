"""A 500-item association page as msgspec Structs: models built in C, for decode_bench's row.

Not the package's models (those are attrs, generated): the same fields and checks, and more (each
field's type, the category enum), to show what a change of model technology would give. No
``from __future__ import annotations`` here: msgspec resolves these annotations at decoder build.
"""

import enum

import msgspec

__all__ = ["Page", "decoder"]


class Category(enum.Enum):
    """The association's category (an unknown one is refused here; the generated enum keeps it)."""

    HUBSPOT_DEFINED = "HUBSPOT_DEFINED"
    USER_DEFINED = "USER_DEFINED"
    INTEGRATOR_DEFINED = "INTEGRATOR_DEFINED"


class Spec(msgspec.Struct, rename="camel"):
    """One association type of a record."""

    type_id: int
    category: Category
    label: str | msgspec.UnsetType | None = msgspec.UNSET
    from_object_type_id: str | msgspec.UnsetType = msgspec.UNSET
    to_object_type_id: str | msgspec.UnsetType = msgspec.UNSET


class Record(msgspec.Struct, rename="camel"):
    """One associated record and its association types."""

    association_types: list[Spec]
    to_object_id: int | str


class Next(msgspec.Struct):
    """The cursor of the next page."""

    after: str
    link: str | msgspec.UnsetType = msgspec.UNSET


class Paging(msgspec.Struct):
    """Forward paging; absent on the last page."""

    next: Next | msgspec.UnsetType = msgspec.UNSET


class Page(msgspec.Struct):
    """One page of associated records."""

    results: list[Record]
    paging: Paging | msgspec.UnsetType = msgspec.UNSET


def decoder() -> "msgspec.json.Decoder[Page]":
    """A JSON decoder straight to Page (validation and object building in one C pass)."""
    return msgspec.json.Decoder(Page)
