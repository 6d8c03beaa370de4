# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.association_category import AssociationCategory
from ..types import ParseError, json_kind, not_an_integer

T = TypeVar("T", bound="AssociationSpec")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "associationTypeId",
        "associationCategory",
    )
)


@_attrs_define
class AssociationSpec:
    """One association type to apply, by category and type ID.

    Attributes:
        association_type_id (int): The type ID, specific to the direction of the association.
        association_category (AssociationCategory): Who defined an association type.
    """

    association_type_id: int
    association_category: AssociationCategory
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        association_type_id = self.association_type_id

        association_category = self.association_category.value

        field_dict: dict[str, Any] = {
            "associationTypeId": association_type_id,
            "associationCategory": association_category,
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
            association_type_id = src_dict["associationTypeId"]
            if (
                type(association_type_id) is not int
                or not -9223372036854775808
                <= association_type_id
                <= 9223372036854775807
            ):
                raise TypeError(
                    not_an_integer("associationTypeId", association_type_id)
                )

            association_category = AssociationCategory._lookup.get(
                src_dict["associationCategory"]
            ) or AssociationCategory(src_dict["associationCategory"])

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            association_spec = _new(cls)
            association_spec.association_type_id = association_type_id
            association_spec.association_category = association_category
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 2 or src_dict.keys() <= _FIELDS:
                association_spec.additional_properties = {}
            else:
                association_spec.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"AssociationSpec: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"AssociationSpec: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"AssociationSpec: {exc}") from exc
        return association_spec

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
