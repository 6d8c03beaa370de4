# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.association_category import AssociationCategory
from ..types import UNSET, ParseError, Unset, json_kind, not_an_integer

T = TypeVar("T", bound="AssociationLimitUpdate")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "typeId",
        "category",
        "userEnforcedMaxToObjectIds",
    )
)


@_attrs_define
class AssociationLimitUpdate:
    """A limit after it was changed.

    Attributes:
        type_id (int): The association type ID.
        category (AssociationCategory): Who defined an association type.
        user_enforced_max_to_object_ids (int | None): The limit now in force.
    """

    type_id: int
    category: AssociationCategory
    user_enforced_max_to_object_ids: int | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_id = self.type_id

        category = self.category.value

        sent_user_enforced_max_to_object_ids: int | Unset = (
            UNSET
            if self.user_enforced_max_to_object_ids is None
            else self.user_enforced_max_to_object_ids
        )
        user_enforced_max_to_object_ids = sent_user_enforced_max_to_object_ids

        field_dict: dict[str, Any] = {
            "typeId": type_id,
            "category": category,
        }
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if user_enforced_max_to_object_ids is not UNSET:
            field_dict["userEnforcedMaxToObjectIds"] = user_enforced_max_to_object_ids

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

            category = AssociationCategory._lookup.get(
                src_dict["category"]
            ) or AssociationCategory(src_dict["category"])

            user_enforced_max_to_object_ids = src_dict.get("userEnforcedMaxToObjectIds")
            if user_enforced_max_to_object_ids is not None and (
                type(user_enforced_max_to_object_ids) is not int
                or not -9223372036854775808
                <= user_enforced_max_to_object_ids
                <= 9223372036854775807
            ):
                raise TypeError(
                    not_an_integer(
                        "userEnforcedMaxToObjectIds", user_enforced_max_to_object_ids
                    )
                )

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            association_limit_update = _new(cls)
            association_limit_update.type_id = type_id
            association_limit_update.category = category
            association_limit_update.user_enforced_max_to_object_ids = (
                user_enforced_max_to_object_ids
            )
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if (
                len(src_dict) == 2 + (user_enforced_max_to_object_ids is not None)
                or src_dict.keys() <= _FIELDS
            ):
                association_limit_update.additional_properties = {}
            else:
                association_limit_update.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"AssociationLimitUpdate: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"AssociationLimitUpdate: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"AssociationLimitUpdate: {exc}") from exc
        return association_limit_update

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
