# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import ParseError, json_kind, not_an_integer

T = TypeVar("T", bound="PublicAssociationSpec")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "category",
        "typeId",
    )
)


@_attrs_define
class PublicAssociationSpec:
    """An association type whose limit to remove.

    Attributes:
        category (str): Who defined the association type.
        type_id (int): The association type ID.
    """

    category: str
    type_id: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        type_id = self.type_id

        field_dict: dict[str, Any] = {
            "category": category,
            "typeId": type_id,
        }
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            category = src_dict["category"]

            type_id = src_dict["typeId"]
            if (
                type(type_id) is not int
                or not -9223372036854775808 <= type_id <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("typeId", type_id))

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            public_association_spec = _new(cls)
            public_association_spec.category = category
            public_association_spec.type_id = type_id
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 2 or src_dict.keys() <= _FIELDS:
                public_association_spec.additional_properties = {}
            else:
                public_association_spec.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"PublicAssociationSpec: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"PublicAssociationSpec: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"PublicAssociationSpec: {exc}") from exc
        return public_association_spec

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
