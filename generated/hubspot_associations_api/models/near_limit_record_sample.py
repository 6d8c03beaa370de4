# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types as _types
from ..types import ParseError, json_kind, not_a_record_id, not_an_integer

T = TypeVar("T", bound="NearLimitRecordSample")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "label",
        "usage",
        "percentage",
        "objectId",
    )
)


@_attrs_define
class NearLimitRecordSample:
    """A source record near the association limit.

    Attributes:
        label (str): The record's primary identifier (its display name, not an association label).
        usage (int): How many records it is associated with.
        percentage (float): Usage as a share of the limit.
        object_id (str): The ID of the source record (a JSON number on the wire).
    """

    label: str
    usage: int
    percentage: float
    object_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        usage = self.usage

        percentage = self.percentage

        object_id: int | str
        object_id = self.object_id

        field_dict: dict[str, Any] = {
            "label": label,
            "usage": usage,
            "percentage": percentage,
            "objectId": object_id,
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
            label = src_dict["label"]

            usage = src_dict["usage"]
            if (
                type(usage) is not int
                or not -9223372036854775808 <= usage <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("usage", usage))

            percentage = src_dict["percentage"]

            object_id = src_dict["objectId"]
            if type(object_id) is int and 0 < object_id <= 9223372036854775807:
                object_id = str(object_id)
            elif (
                type(object_id) is not str
                or not (object_id.isdigit() and object_id.isascii())
                or (
                    (len(object_id) > 18 or object_id[0] == "0")
                    and not _types.record_id_fits(object_id)
                )
            ):
                raise TypeError(not_a_record_id("objectId", object_id))

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            near_limit_record_sample = _new(cls)
            near_limit_record_sample.label = label
            near_limit_record_sample.usage = usage
            near_limit_record_sample.percentage = percentage
            near_limit_record_sample.object_id = object_id
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 4 or src_dict.keys() <= _FIELDS:
                near_limit_record_sample.additional_properties = {}
            else:
                near_limit_record_sample.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"NearLimitRecordSample: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"NearLimitRecordSample: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"NearLimitRecordSample: {exc}") from exc
        return near_limit_record_sample

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
