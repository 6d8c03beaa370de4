# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, ParseError, Unset, json_kind

T = TypeVar("T", bound="PublicAssociationDefinitionCreateRequest")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "name",
        "label",
        "inverseLabel",
    )
)


@_attrs_define
class PublicAssociationDefinitionCreateRequest:
    """A new custom label; with inverseLabel it is a paired label.

    Attributes:
        name (str): The internal name; no hyphens and not starting with a digit.
        label (str): The label shown in HubSpot.
        inverse_label (str | Unset): The label of the other direction (paired labels only).
    """

    name: str
    label: str
    inverse_label: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        label = self.label

        inverse_label = self.inverse_label

        field_dict: dict[str, Any] = {
            "name": name,
            "label": label,
        }
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if inverse_label is not UNSET:
            field_dict["inverseLabel"] = inverse_label

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            name = src_dict["name"]

            label = src_dict["label"]

            inverse_label = src_dict.get("inverseLabel", UNSET)

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            public_association_definition_create_request = _new(cls)
            public_association_definition_create_request.name = name
            public_association_definition_create_request.label = label
            public_association_definition_create_request.inverse_label = inverse_label
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if (
                len(src_dict) == 2 + (inverse_label is not UNSET)
                or src_dict.keys() <= _FIELDS
            ):
                public_association_definition_create_request.additional_properties = {}
            else:
                public_association_definition_create_request.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"PublicAssociationDefinitionCreateRequest: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"PublicAssociationDefinitionCreateRequest: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(
                f"PublicAssociationDefinitionCreateRequest: {exc}"
            ) from exc
        return public_association_definition_create_request

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
