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

T = TypeVar("T", bound="AssociatedRecordPage")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "results",
        "paging",
    )
)


@_attrs_define
class AssociatedRecordPage:
    """One page of associated records.

    Attributes:
        results (list[AssociatedRecord]):
        paging (ForwardPaging | None): Forward paging; absent on the last page.
    """

    results: list[AssociatedRecord]
    paging: ForwardPaging | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        sent_paging: ForwardPaging | Unset = (
            UNSET if self.paging is None else self.paging
        )
        paging: dict[str, Any] | Unset = UNSET
        if not isinstance(sent_paging, Unset):
            paging = sent_paging.to_dict()

        field_dict: dict[str, Any] = {
            "results": results,
        }
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if paging is not UNSET:
            field_dict["paging"] = paging

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            _parse_results = AssociatedRecord.from_dict
            results = [_parse_results(item) for item in src_dict["results"]]

            _paging = src_dict.get("paging", UNSET)
            paging: ForwardPaging | Unset
            if isinstance(_paging, Unset):
                paging = UNSET
            else:
                paging = ForwardPaging.from_dict(_paging)

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            associated_record_page = _new(cls)
            associated_record_page.results = results
            associated_record_page.paging = (
                None if isinstance(paging, Unset) else paging
            )
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if len(src_dict) == 1 + (paging is not UNSET) or src_dict.keys() <= _FIELDS:
                associated_record_page.additional_properties = {}
            else:
                associated_record_page.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"AssociatedRecordPage: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"AssociatedRecordPage: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"AssociatedRecordPage: {exc}") from exc
        return associated_record_page

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
from ..models.associated_record import AssociatedRecord
from ..models.forward_paging import ForwardPaging
