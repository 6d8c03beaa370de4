# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
# ruff: noqa: E402  (related models are imported at the end, see below)
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import ParseError, json_kind, not_an_integer

T = TypeVar("T", bound="AssociationLabelLimit")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "fromObjectType",
        "toObjectType",
        "limit",
        "usage",
        "percentage",
        "allLabels",
    )
)


@_attrs_define
class AssociationLabelLimit:
    """The custom-label usage of one object pair.

    Attributes:
        from_object_type (LimitsObjectType): An object type as the limits usage calls name it.
        to_object_type (LimitsObjectType): An object type as the limits usage calls name it.
        limit (int): How many custom labels the pair may have.
        usage (int): How many custom labels the pair has.
        percentage (float): Usage as a share of the limit.
        all_labels (list[str]): The wordings of the pair's custom labels.
    """

    from_object_type: LimitsObjectType
    to_object_type: LimitsObjectType
    limit: int
    usage: int
    percentage: float
    all_labels: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_object_type = self.from_object_type.to_dict()

        to_object_type = self.to_object_type.to_dict()

        limit = self.limit

        usage = self.usage

        percentage = self.percentage

        all_labels = self.all_labels

        field_dict: dict[str, Any] = {
            "fromObjectType": from_object_type,
            "toObjectType": to_object_type,
            "limit": limit,
            "usage": usage,
            "percentage": percentage,
            "allLabels": all_labels,
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
            from_object_type = LimitsObjectType.from_dict(src_dict["fromObjectType"])

            to_object_type = LimitsObjectType.from_dict(src_dict["toObjectType"])

            limit = src_dict["limit"]
            if (
                type(limit) is not int
                or not -9223372036854775808 <= limit <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("limit", limit))

            usage = src_dict["usage"]
            if (
                type(usage) is not int
                or not -9223372036854775808 <= usage <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("usage", usage))

            percentage = src_dict["percentage"]

            all_labels = cast(list[str], src_dict["allLabels"])

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            association_label_limit = _new(cls)
            association_label_limit.from_object_type = from_object_type
            association_label_limit.to_object_type = to_object_type
            association_label_limit.limit = limit
            association_label_limit.usage = usage
            association_label_limit.percentage = percentage
            association_label_limit.all_labels = all_labels
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 6 or src_dict.keys() <= _FIELDS:
                association_label_limit.additional_properties = {}
            else:
                association_label_limit.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"AssociationLabelLimit: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"AssociationLabelLimit: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"AssociationLabelLimit: {exc}") from exc
        return association_label_limit

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
from ..models.limits_object_type import LimitsObjectType
