# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
# ruff: noqa: E402  (related models are imported at the end, see below)
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import ParseError, json_kind, not_an_integer

T = TypeVar("T", bound="ReportCreationResponse")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "userEmail",
        "userId",
        "enqueueTime",
    )
)


@_attrs_define
class ReportCreationResponse:
    """The acknowledgement that a high-usage report was queued.

    Attributes:
        user_email (str): Where the report will be sent.
        user_id (int): The user who asked for it.
        enqueue_time (datetime.datetime | EpochTime): When the report was queued.
    """

    user_email: str
    user_id: int
    enqueue_time: datetime.datetime | EpochTime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_email = self.user_email

        user_id = self.user_id

        enqueue_time: dict[str, Any] | str
        if isinstance(self.enqueue_time, datetime.datetime):
            enqueue_time = self.enqueue_time.isoformat()
        else:
            enqueue_time = self.enqueue_time.to_dict()

        field_dict: dict[str, Any] = {
            "userEmail": user_email,
            "userId": user_id,
            "enqueueTime": enqueue_time,
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
            user_email = src_dict["userEmail"]

            user_id = src_dict["userId"]
            if (
                type(user_id) is not int
                or not -9223372036854775808 <= user_id <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("userId", user_id))

            def _parse_enqueue_time(data: object) -> datetime.datetime | EpochTime:
                try:
                    if not isinstance(data, str):
                        raise TypeError()
                    enqueue_time_type_0 = datetime.datetime.fromisoformat(data)

                    return enqueue_time_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise ParseError("the answer matches none of its documented shapes")
                enqueue_time_type_1 = EpochTime.from_dict(data)

                return enqueue_time_type_1

            enqueue_time = _parse_enqueue_time(src_dict["enqueueTime"])

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            report_creation_response = _new(cls)
            report_creation_response.user_email = user_email
            report_creation_response.user_id = user_id
            report_creation_response.enqueue_time = enqueue_time
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 3 or src_dict.keys() <= _FIELDS:
                report_creation_response.additional_properties = {}
            else:
                report_creation_response.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"ReportCreationResponse: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"ReportCreationResponse: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"ReportCreationResponse: {exc}") from exc
        return report_creation_response

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
from ..models.epoch_time import EpochTime
