# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import ParseError, json_kind

T = TypeVar("T", bound="LimitsObjectType")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "objectTypeId",
        "singularLabel",
        "pluralLabel",
    )
)


@_attrs_define
class LimitsObjectType:
    """An object type as the limits usage calls name it.

    Attributes:
        object_type_id (str): The object type ID, e.g. 0-1.
        singular_label (str): The object type's singular name, e.g. Contact.
        plural_label (str): The object type's plural name, e.g. Contacts.
    """

    object_type_id: str
    singular_label: str
    plural_label: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_type_id = self.object_type_id

        singular_label = self.singular_label

        plural_label = self.plural_label

        field_dict: dict[str, Any] = {
            "objectTypeId": object_type_id,
            "singularLabel": singular_label,
            "pluralLabel": plural_label,
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
            object_type_id = src_dict["objectTypeId"]

            singular_label = src_dict["singularLabel"]

            plural_label = src_dict["pluralLabel"]

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            limits_object_type = _new(cls)
            limits_object_type.object_type_id = object_type_id
            limits_object_type.singular_label = singular_label
            limits_object_type.plural_label = plural_label
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 3 or src_dict.keys() <= _FIELDS:
                limits_object_type.additional_properties = {}
            else:
                limits_object_type.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"LimitsObjectType: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"LimitsObjectType: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"LimitsObjectType: {exc}") from exc
        return limits_object_type

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
