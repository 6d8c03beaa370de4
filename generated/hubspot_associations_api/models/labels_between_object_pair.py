# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types as _types
from ..types import ParseError, json_kind, not_a_record_id

T = TypeVar("T", bound="LabelsBetweenObjectPair")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "fromObjectTypeId",
        "toObjectTypeId",
        "labels",
        "fromObjectId",
        "toObjectId",
    )
)


@_attrs_define
class LabelsBetweenObjectPair:
    """The labels between two records.

    Attributes:
        from_object_type_id (str): The type ID of the source object.
        to_object_type_id (str): The type ID of the target object.
        labels (list[str]): The labels of the association (the unlabeled type is not listed).
        from_object_id (str): The ID of the source record (a JSON number on the live API).
        to_object_id (str): The ID of the target record (a JSON number on the live API).
    """

    from_object_type_id: str
    to_object_type_id: str
    labels: list[str]
    from_object_id: str
    to_object_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_object_type_id = self.from_object_type_id

        to_object_type_id = self.to_object_type_id

        labels = self.labels

        from_object_id: int | str
        from_object_id = self.from_object_id

        to_object_id: int | str
        to_object_id = self.to_object_id

        field_dict: dict[str, Any] = {
            "fromObjectTypeId": from_object_type_id,
            "toObjectTypeId": to_object_type_id,
            "labels": labels,
            "fromObjectId": from_object_id,
            "toObjectId": to_object_id,
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
            from_object_type_id = src_dict["fromObjectTypeId"]

            to_object_type_id = src_dict["toObjectTypeId"]

            labels = cast(list[str], src_dict["labels"])

            from_object_id = src_dict["fromObjectId"]
            if (
                type(from_object_id) is int
                and 0 < from_object_id <= 9223372036854775807
            ):
                from_object_id = str(from_object_id)
            elif (
                type(from_object_id) is not str
                or not (from_object_id.isdigit() and from_object_id.isascii())
                or (
                    (len(from_object_id) > 18 or from_object_id[0] == "0")
                    and not _types.record_id_fits(from_object_id)
                )
            ):
                raise TypeError(not_a_record_id("fromObjectId", from_object_id))

            to_object_id = src_dict["toObjectId"]
            if type(to_object_id) is int and 0 < to_object_id <= 9223372036854775807:
                to_object_id = str(to_object_id)
            elif (
                type(to_object_id) is not str
                or not (to_object_id.isdigit() and to_object_id.isascii())
                or (
                    (len(to_object_id) > 18 or to_object_id[0] == "0")
                    and not _types.record_id_fits(to_object_id)
                )
            ):
                raise TypeError(not_a_record_id("toObjectId", to_object_id))

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            labels_between_object_pair = _new(cls)
            labels_between_object_pair.from_object_type_id = from_object_type_id
            labels_between_object_pair.to_object_type_id = to_object_type_id
            labels_between_object_pair.labels = labels
            labels_between_object_pair.from_object_id = from_object_id
            labels_between_object_pair.to_object_id = to_object_id
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 5 or src_dict.keys() <= _FIELDS:
                labels_between_object_pair.additional_properties = {}
            else:
                labels_between_object_pair.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"LabelsBetweenObjectPair: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"LabelsBetweenObjectPair: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"LabelsBetweenObjectPair: {exc}") from exc
        return labels_between_object_pair

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
