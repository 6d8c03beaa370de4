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

T = TypeVar("T", bound="Paging")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "next",
        "prev",
    )
)


@_attrs_define
class Paging:
    """Paging in both directions.

    Attributes:
        next_ (NextPage | None): Where the next page starts.
        prev (PreviousPage | None): Where the previous page starts.
    """

    next_: NextPage | None = None
    prev: PreviousPage | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sent_next_: NextPage | Unset = UNSET if self.next_ is None else self.next_
        next_: dict[str, Any] | Unset = UNSET
        if not isinstance(sent_next_, Unset):
            next_ = sent_next_.to_dict()

        sent_prev: PreviousPage | Unset = UNSET if self.prev is None else self.prev
        prev: dict[str, Any] | Unset = UNSET
        if not isinstance(sent_prev, Unset):
            prev = sent_prev.to_dict()

        field_dict: dict[str, Any] = {}
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if next_ is not UNSET:
            field_dict["next"] = next_
        if prev is not UNSET:
            field_dict["prev"] = prev

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            _next_ = src_dict.get("next", UNSET)
            next_: NextPage | Unset
            if isinstance(_next_, Unset):
                next_ = UNSET
            else:
                next_ = NextPage.from_dict(_next_)

            _prev = src_dict.get("prev", UNSET)
            prev: PreviousPage | Unset
            if isinstance(_prev, Unset):
                prev = UNSET
            else:
                prev = PreviousPage.from_dict(_prev)

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            paging = _new(cls)
            paging.next_ = None if isinstance(next_, Unset) else next_
            paging.prev = None if isinstance(prev, Unset) else prev
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if (
                len(src_dict) == 0 + (next_ is not UNSET) + (prev is not UNSET)
                or src_dict.keys() <= _FIELDS
            ):
                paging.additional_properties = {}
            else:
                paging.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(f"Paging: required field {exc} is missing") from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"Paging: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"Paging: {exc}") from exc
        return paging

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
from ..models.next_page import NextPage
from ..models.previous_page import PreviousPage
