# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, ParseError, Unset, json_kind, not_an_integer

T = TypeVar("T", bound="EpochTime")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "value",
        "dateOnly",
        "timeZoneShift",
    )
)


@_attrs_define
class EpochTime:
    """A point in time as epoch milliseconds, with HubSpot's date flags.

    Attributes:
        value (int): Milliseconds since 1970-01-01 UTC.
        date_only (bool | None): Whether only the date part is meaningful.
        time_zone_shift (int | None): An offset HubSpot applies.
    """

    value: int
    date_only: bool | None = None
    time_zone_shift: int | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        value = self.value

        sent_date_only: bool | Unset = (
            UNSET if self.date_only is None else self.date_only
        )
        date_only = sent_date_only

        sent_time_zone_shift: int | Unset = (
            UNSET if self.time_zone_shift is None else self.time_zone_shift
        )
        time_zone_shift = sent_time_zone_shift

        field_dict: dict[str, Any] = {
            "value": value,
        }
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if date_only is not UNSET:
            field_dict["dateOnly"] = date_only
        if time_zone_shift is not UNSET:
            field_dict["timeZoneShift"] = time_zone_shift

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            value = src_dict["value"]
            if (
                type(value) is not int
                or not -9223372036854775808 <= value <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("value", value))

            date_only = src_dict.get("dateOnly")

            time_zone_shift = src_dict.get("timeZoneShift")
            if time_zone_shift is not None and (
                type(time_zone_shift) is not int
                or not -9223372036854775808 <= time_zone_shift <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("timeZoneShift", time_zone_shift))

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            epoch_time = _new(cls)
            epoch_time.value = value
            epoch_time.date_only = date_only
            epoch_time.time_zone_shift = time_zone_shift
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if (
                len(src_dict)
                == 1 + (date_only is not None) + (time_zone_shift is not None)
                or src_dict.keys() <= _FIELDS
            ):
                epoch_time.additional_properties = {}
            else:
                epoch_time.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(f"EpochTime: required field {exc} is missing") from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"EpochTime: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"EpochTime: {exc}") from exc
        return epoch_time

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
