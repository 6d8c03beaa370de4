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

T = TypeVar("T", bound="PublicAssociationDefinitionConfigurationUpdateRequest")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "typeId",
        "maxToObjectIds",
        "category",
    )
)


@_attrs_define
class PublicAssociationDefinitionConfigurationUpdateRequest:
    """A new limit for one association type.

    Attributes:
        type_id (int): The association type ID.
        max_to_object_ids (int): The new limit.
        category (AssociationCategory): Who defined an association type.
    """

    type_id: int
    max_to_object_ids: int
    category: AssociationCategory
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_id = self.type_id

        max_to_object_ids = self.max_to_object_ids

        category = self.category.value

        field_dict: dict[str, Any] = {
            "typeId": type_id,
            "maxToObjectIds": max_to_object_ids,
            "category": category,
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
            type_id = src_dict["typeId"]
            if (
                type(type_id) is not int
                or not -9223372036854775808 <= type_id <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("typeId", type_id))

            max_to_object_ids = src_dict["maxToObjectIds"]
            if (
                type(max_to_object_ids) is not int
                or not -9223372036854775808 <= max_to_object_ids <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("maxToObjectIds", max_to_object_ids))

            category = AssociationCategory._lookup.get(
                src_dict["category"]
            ) or AssociationCategory(src_dict["category"])

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            public_association_definition_configuration_update_request = _new(cls)
            public_association_definition_configuration_update_request.type_id = type_id
            public_association_definition_configuration_update_request.max_to_object_ids = max_to_object_ids
            public_association_definition_configuration_update_request.category = (
                category
            )
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 3 or src_dict.keys() <= _FIELDS:
                public_association_definition_configuration_update_request.additional_properties = {}
            else:
                public_association_definition_configuration_update_request.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"PublicAssociationDefinitionConfigurationUpdateRequest: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"PublicAssociationDefinitionConfigurationUpdateRequest: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(
                f"PublicAssociationDefinitionConfigurationUpdateRequest: {exc}"
            ) from exc
        return public_association_definition_configuration_update_request

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
