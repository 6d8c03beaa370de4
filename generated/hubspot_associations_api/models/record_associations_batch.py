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

from ..models.batch_status import BatchStatus
from ..types import UNSET, ParseError, Unset, json_kind, not_an_integer

T = TypeVar("T", bound="RecordAssociationsBatch")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "results",
        "startedAt",
        "completedAt",
        "status",
        "requestedAt",
        "errors",
        "numErrors",
        "links",
    )
)


@_attrs_define
class RecordAssociationsBatch:
    """The associations of every input.

    Attributes:
        results (list[RecordAssociations]):
        started_at (datetime.datetime): When processing started.
        completed_at (datetime.datetime): When processing ended.
        status (BatchStatus): The state of a batch request.
        requested_at (datetime.datetime | None): When the batch was requested.
        errors (list[StandardError]): The inputs that failed, when the release reports them inside a 200.
        num_errors (int | None): How many inputs failed.
        links (BatchLinks | None): Related links of a batch answer (name to URL).
    """

    results: list[RecordAssociations]
    started_at: datetime.datetime
    completed_at: datetime.datetime
    status: BatchStatus
    requested_at: datetime.datetime | None = None
    errors: list[StandardError] = _attrs_field(factory=list)
    num_errors: int | None = None
    links: BatchLinks | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    # Whether the answer had the key: to_dict writes back only what was sent.
    _errors_sent: bool = _attrs_field(init=False, default=False, repr=False, eq=False)

    def to_dict(self) -> dict[str, Any]:
        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        started_at = self.started_at.isoformat()

        completed_at = self.completed_at.isoformat()

        status = self.status.value

        sent_requested_at: datetime.datetime | Unset = (
            UNSET if self.requested_at is None else self.requested_at
        )
        requested_at: str | Unset = UNSET
        if not isinstance(sent_requested_at, Unset):
            requested_at = sent_requested_at.isoformat()

        sent_errors: list[StandardError] | Unset = (
            UNSET if not self.errors and not self._errors_sent else self.errors
        )
        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(sent_errors, Unset):
            errors = []
            for errors_item_data in sent_errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        sent_num_errors: int | Unset = (
            UNSET if self.num_errors is None else self.num_errors
        )
        num_errors = sent_num_errors

        sent_links: BatchLinks | Unset = UNSET if self.links is None else self.links
        links: dict[str, Any] | Unset = UNSET
        if not isinstance(sent_links, Unset):
            links = sent_links.to_dict()

        field_dict: dict[str, Any] = {
            "results": results,
            "startedAt": started_at,
            "completedAt": completed_at,
            "status": status,
        }
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if requested_at is not UNSET:
            field_dict["requestedAt"] = requested_at
        if errors is not UNSET:
            field_dict["errors"] = errors
        if num_errors is not UNSET:
            field_dict["numErrors"] = num_errors
        if links is not UNSET:
            field_dict["links"] = links

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            _parse_results = RecordAssociations.from_dict
            results = [_parse_results(item) for item in src_dict["results"]]

            started_at = datetime.datetime.fromisoformat(src_dict["startedAt"])

            completed_at = datetime.datetime.fromisoformat(src_dict["completedAt"])

            status = BatchStatus._lookup.get(src_dict["status"]) or BatchStatus(
                src_dict["status"]
            )

            _requested_at = src_dict.get("requestedAt", UNSET)
            requested_at: datetime.datetime | Unset
            if isinstance(_requested_at, Unset):
                requested_at = UNSET
            else:
                requested_at = datetime.datetime.fromisoformat(_requested_at)

            _errors = src_dict.get("errors", UNSET)
            errors: list[StandardError] | Unset = UNSET
            if _errors is not UNSET:
                errors = [StandardError.from_dict(item) for item in _errors]

            num_errors = src_dict.get("numErrors")
            if num_errors is not None and (
                type(num_errors) is not int
                or not -9223372036854775808 <= num_errors <= 9223372036854775807
            ):
                raise TypeError(not_an_integer("numErrors", num_errors))

            _links = src_dict.get("links", UNSET)
            links: BatchLinks | Unset
            if isinstance(_links, Unset):
                links = UNSET
            else:
                links = BatchLinks.from_dict(_links)

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            record_associations_batch = _new(cls)
            record_associations_batch.results = results
            record_associations_batch.started_at = started_at
            record_associations_batch.completed_at = completed_at
            record_associations_batch.status = status
            record_associations_batch.requested_at = (
                None if isinstance(requested_at, Unset) else requested_at
            )
            record_associations_batch.errors = (
                [] if isinstance(errors, Unset) else errors
            )
            record_associations_batch.num_errors = num_errors
            record_associations_batch.links = (
                None if isinstance(links, Unset) else links
            )
            record_associations_batch._errors_sent = not isinstance(errors, Unset)
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if (
                len(src_dict)
                == 4
                + (requested_at is not UNSET)
                + record_associations_batch._errors_sent
                + (num_errors is not None)
                + (links is not UNSET)
                or src_dict.keys() <= _FIELDS
            ):
                record_associations_batch.additional_properties = {}
            else:
                record_associations_batch.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"RecordAssociationsBatch: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"RecordAssociationsBatch: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"RecordAssociationsBatch: {exc}") from exc
        return record_associations_batch

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
from ..models.batch_links import BatchLinks
from ..models.record_associations import RecordAssociations
from ..models.standard_error import StandardError
