# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import ParseError, json_kind

T = TypeVar("T", bound="ObjectTypeRecordLimitStatus")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "objectTypeId",
        "singularLabel",
        "pluralLabel",
        "hasRecordsNearLimit",
        "hasRecordsAtLimit",
    )
)


@_attrs_define
class ObjectTypeRecordLimitStatus:
    """An object type and whether some records are near or at a per-record association limit.

    Attributes:
        object_type_id (str): The object type ID.
        singular_label (str): The object type's singular name.
        plural_label (str): The object type's plural name.
        has_records_near_limit (bool): Whether some records are near the limit.
        has_records_at_limit (bool): Whether some records are at the limit.
    """

    object_type_id: str
    singular_label: str
    plural_label: str
    has_records_near_limit: bool
    has_records_at_limit: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_type_id = self.object_type_id

        singular_label = self.singular_label

        plural_label = self.plural_label

        has_records_near_limit = self.has_records_near_limit

        has_records_at_limit = self.has_records_at_limit

        field_dict: dict[str, Any] = {
            "objectTypeId": object_type_id,
            "singularLabel": singular_label,
            "pluralLabel": plural_label,
            "hasRecordsNearLimit": has_records_near_limit,
            "hasRecordsAtLimit": has_records_at_limit,
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

            has_records_near_limit = src_dict["hasRecordsNearLimit"]

            has_records_at_limit = src_dict["hasRecordsAtLimit"]

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            object_type_record_limit_status = _new(cls)
            object_type_record_limit_status.object_type_id = object_type_id
            object_type_record_limit_status.singular_label = singular_label
            object_type_record_limit_status.plural_label = plural_label
            object_type_record_limit_status.has_records_near_limit = (
                has_records_near_limit
            )
            object_type_record_limit_status.has_records_at_limit = has_records_at_limit
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 5 or src_dict.keys() <= _FIELDS:
                object_type_record_limit_status.additional_properties = {}
            else:
                object_type_record_limit_status.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"ObjectTypeRecordLimitStatus: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"ObjectTypeRecordLimitStatus: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"ObjectTypeRecordLimitStatus: {exc}") from exc
        return object_type_record_limit_status

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
