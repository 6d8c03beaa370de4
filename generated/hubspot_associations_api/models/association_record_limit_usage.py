# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
# ruff: noqa: E402  (related models are imported at the end, see below)
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import ParseError, json_kind, not_an_integer

T = TypeVar("T", bound="AssociationRecordLimitUsage")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "limit",
        "totalRecordsNearLimit",
        "totalRecordsAtLimit",
        "nearLimitFromRecordSamples",
        "atLimitFromRecordSamples",
    )
)


@_attrs_define
class AssociationRecordLimitUsage:
    """The per-record association limit of one object pair and the records near or at it.

    Attributes:
        limit (int): How many records one source record may be associated with.
        total_records_near_limit (int): How many source records are near the limit.
        total_records_at_limit (int): How many source records are at the limit.
        near_limit_from_record_samples (list[NearLimitRecordSample]):
        at_limit_from_record_samples (list[AtLimitRecordSample]):
    """

    limit: int
    total_records_near_limit: int
    total_records_at_limit: int
    near_limit_from_record_samples: list[NearLimitRecordSample]
    at_limit_from_record_samples: list[AtLimitRecordSample]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        limit = self.limit

        total_records_near_limit = self.total_records_near_limit

        total_records_at_limit = self.total_records_at_limit

        near_limit_from_record_samples = []
        for (
            near_limit_from_record_samples_item_data
        ) in self.near_limit_from_record_samples:
            near_limit_from_record_samples_item = (
                near_limit_from_record_samples_item_data.to_dict()
            )
            near_limit_from_record_samples.append(near_limit_from_record_samples_item)

        at_limit_from_record_samples = []
        for at_limit_from_record_samples_item_data in self.at_limit_from_record_samples:
            at_limit_from_record_samples_item = (
                at_limit_from_record_samples_item_data.to_dict()
            )
            at_limit_from_record_samples.append(at_limit_from_record_samples_item)

        field_dict: dict[str, Any] = {
            "limit": limit,
            "totalRecordsNearLimit": total_records_near_limit,
            "totalRecordsAtLimit": total_records_at_limit,
            "nearLimitFromRecordSamples": near_limit_from_record_samples,
            "atLimitFromRecordSamples": at_limit_from_record_samples,
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
            limit = src_dict["limit"]
            if (
                type(limit) is not int
                or not -9223372036854775808 <= limit <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("limit", limit))

            total_records_near_limit = src_dict["totalRecordsNearLimit"]
            if (
                type(total_records_near_limit) is not int
                or not -9223372036854775808
                <= total_records_near_limit
                <= 9223372036854775807
            ):
                raise TypeError(
                    not_an_integer("totalRecordsNearLimit", total_records_near_limit)
                )

            total_records_at_limit = src_dict["totalRecordsAtLimit"]
            if (
                type(total_records_at_limit) is not int
                or not -9223372036854775808
                <= total_records_at_limit
                <= 9223372036854775807
            ):
                raise TypeError(
                    not_an_integer("totalRecordsAtLimit", total_records_at_limit)
                )

            _parse_near_limit_from_record_samples = NearLimitRecordSample.from_dict
            near_limit_from_record_samples = [
                _parse_near_limit_from_record_samples(item)
                for item in src_dict["nearLimitFromRecordSamples"]
            ]

            _parse_at_limit_from_record_samples = AtLimitRecordSample.from_dict
            at_limit_from_record_samples = [
                _parse_at_limit_from_record_samples(item)
                for item in src_dict["atLimitFromRecordSamples"]
            ]

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            association_record_limit_usage = _new(cls)
            association_record_limit_usage.limit = limit
            association_record_limit_usage.total_records_near_limit = (
                total_records_near_limit
            )
            association_record_limit_usage.total_records_at_limit = (
                total_records_at_limit
            )
            association_record_limit_usage.near_limit_from_record_samples = (
                near_limit_from_record_samples
            )
            association_record_limit_usage.at_limit_from_record_samples = (
                at_limit_from_record_samples
            )
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 5 or src_dict.keys() <= _FIELDS:
                association_record_limit_usage.additional_properties = {}
            else:
                association_record_limit_usage.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"AssociationRecordLimitUsage: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"AssociationRecordLimitUsage: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"AssociationRecordLimitUsage: {exc}") from exc
        return association_record_limit_usage

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
from ..models.at_limit_record_sample import AtLimitRecordSample
from ..models.near_limit_record_sample import NearLimitRecordSample
