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

T = TypeVar("T", bound="ErrorDetail")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "message",
        "in",
        "code",
        "subCategory",
        "context",
    )
)


@_attrs_define
class ErrorDetail:
    """One detail of an error.

    Attributes:
        message (str | None): What went wrong.
        in_ (str | None): The field the detail is about.
        code (str | None): A status code for this detail.
        sub_category (str | None): A finer category.
        context (ErrorDetailContext | None): Values that help explain the detail.
    """

    message: str | None = None
    in_: str | None = None
    code: str | None = None
    sub_category: str | None = None
    context: ErrorDetailContext | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sent_message: str | Unset = UNSET if self.message is None else self.message
        message = sent_message

        sent_in_: str | Unset = UNSET if self.in_ is None else self.in_
        in_ = sent_in_

        sent_code: str | Unset = UNSET if self.code is None else self.code
        code = sent_code

        sent_sub_category: str | Unset = (
            UNSET if self.sub_category is None else self.sub_category
        )
        sub_category = sent_sub_category

        sent_context: ErrorDetailContext | Unset = (
            UNSET if self.context is None else self.context
        )
        context: dict[str, Any] | Unset = UNSET
        if not isinstance(sent_context, Unset):
            context = sent_context.to_dict()

        field_dict: dict[str, Any] = {}
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if message is not UNSET:
            field_dict["message"] = message
        if in_ is not UNSET:
            field_dict["in"] = in_
        if code is not UNSET:
            field_dict["code"] = code
        if sub_category is not UNSET:
            field_dict["subCategory"] = sub_category
        if context is not UNSET:
            field_dict["context"] = context

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            message = src_dict.get("message")

            in_ = src_dict.get("in")

            code = src_dict.get("code")

            sub_category = src_dict.get("subCategory")

            _context = src_dict.get("context", UNSET)
            context: ErrorDetailContext | Unset
            if isinstance(_context, Unset):
                context = UNSET
            else:
                context = ErrorDetailContext.from_dict(_context)

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            error_detail = _new(cls)
            error_detail.message = message
            error_detail.in_ = in_
            error_detail.code = code
            error_detail.sub_category = sub_category
            error_detail.context = None if isinstance(context, Unset) else context
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if (
                len(src_dict)
                == 0
                + (message is not None)
                + (in_ is not None)
                + (code is not None)
                + (sub_category is not None)
                + (context is not UNSET)
                or src_dict.keys() <= _FIELDS
            ):
                error_detail.additional_properties = {}
            else:
                error_detail.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(f"ErrorDetail: required field {exc} is missing") from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"ErrorDetail: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"ErrorDetail: {exc}") from exc
        return error_detail

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
from ..models.error_detail_context import ErrorDetailContext
