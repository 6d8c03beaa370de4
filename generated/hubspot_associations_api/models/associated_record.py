# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
# ruff: noqa: E402  (related models are imported at the end, see below)
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types as _types
from ..types import ParseError, json_kind, not_a_record_id

T = TypeVar("T", bound="AssociatedRecord")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "associationTypes",
        "toObjectId",
    )
)


@_attrs_define
class AssociatedRecord:
    """One associated record and the association types linking it.

    Attributes:
        association_types (list[AssociationSpecWithLabel]):
        to_object_id (str): The ID of the associated record (a JSON number on the live API).
    """

    association_types: list[AssociationSpecWithLabel]
    to_object_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        association_types = []
        for association_types_item_data in self.association_types:
            association_types_item = association_types_item_data.to_dict()
            association_types.append(association_types_item)

        to_object_id: int | str
        to_object_id = self.to_object_id

        field_dict: dict[str, Any] = {
            "associationTypes": association_types,
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
            _parse_association_types = AssociationSpecWithLabel.from_dict
            association_types = [
                _parse_association_types(item) for item in src_dict["associationTypes"]
            ]

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
            associated_record = _new(cls)
            associated_record.association_types = association_types
            associated_record.to_object_id = to_object_id
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 2 or src_dict.keys() <= _FIELDS:
                associated_record.additional_properties = {}
            else:
                associated_record.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"AssociatedRecord: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"AssociatedRecord: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"AssociatedRecord: {exc}") from exc
        return associated_record

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


# Imported last, not inside each method: models that refer to each other still load (their
# classes exist by now), and decoding a page does not pay for an import statement per item.
from ..models.association_spec_with_label import AssociationSpecWithLabel
