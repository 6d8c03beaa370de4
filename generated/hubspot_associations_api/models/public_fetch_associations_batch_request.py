# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, ParseError, Unset, json_kind

T = TypeVar("T", bound="PublicFetchAssociationsBatchRequest")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "id",
        "after",
    )
)


@_attrs_define
class PublicFetchAssociationsBatchRequest:
    """One record whose associations to read, with an optional cursor.

    Attributes:
        id (str): The record ID.
        after (str | Unset): The cursor from this input's previous page.
    """

    id: str
    after: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        after = self.after

        field_dict: dict[str, Any] = {
            "id": id,
        }
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if after is not UNSET:
            field_dict["after"] = after

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            id = src_dict["id"]

            after = src_dict.get("after", UNSET)

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            public_fetch_associations_batch_request = _new(cls)
            public_fetch_associations_batch_request.id = id
            public_fetch_associations_batch_request.after = after
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 1 + (after is not UNSET) or src_dict.keys() <= _FIELDS:
                public_fetch_associations_batch_request.additional_properties = {}
            else:
                public_fetch_associations_batch_request.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"PublicFetchAssociationsBatchRequest: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"PublicFetchAssociationsBatchRequest: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"PublicFetchAssociationsBatchRequest: {exc}") from exc
        return public_fetch_associations_batch_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
