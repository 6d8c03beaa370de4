# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
# ruff: noqa: E402  (related models are imported at the end, see below)
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, ParseError, Unset, json_kind

T = TypeVar("T", bound="LabelsBetweenObjectPairCreated")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "entity",
        "createdResourceId",
        "location",
    )
)


@_attrs_define
class LabelsBetweenObjectPairCreated:
    """The labelled PUT's answer in the 2025-10 v4 release.

    Attributes:
        entity (LabelsBetweenObjectPair): The labels between two records.
        created_resource_id (str | None): The created association's ID.
        location (str | None): Where the association can be read.
    """

    entity: LabelsBetweenObjectPair
    created_resource_id: str | None = None
    location: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entity = self.entity.to_dict()

        sent_created_resource_id: str | Unset = (
            UNSET if self.created_resource_id is None else self.created_resource_id
        )
        created_resource_id = sent_created_resource_id

        sent_location: str | Unset = UNSET if self.location is None else self.location
        location = sent_location

        field_dict: dict[str, Any] = {
            "entity": entity,
        }
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if created_resource_id is not UNSET:
            field_dict["createdResourceId"] = created_resource_id
        if location is not UNSET:
            field_dict["location"] = location

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            entity = LabelsBetweenObjectPair.from_dict(src_dict["entity"])

            created_resource_id = src_dict.get("createdResourceId")

            location = src_dict.get("location")

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            labels_between_object_pair_created = _new(cls)
            labels_between_object_pair_created.entity = entity
            labels_between_object_pair_created.created_resource_id = created_resource_id
            labels_between_object_pair_created.location = location
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if (
                len(src_dict)
                == 1 + (created_resource_id is not None) + (location is not None)
                or src_dict.keys() <= _FIELDS
            ):
                labels_between_object_pair_created.additional_properties = {}
            else:
                labels_between_object_pair_created.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"LabelsBetweenObjectPairCreated: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"LabelsBetweenObjectPairCreated: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"LabelsBetweenObjectPairCreated: {exc}") from exc
        return labels_between_object_pair_created

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
from ..models.labels_between_object_pair import LabelsBetweenObjectPair
