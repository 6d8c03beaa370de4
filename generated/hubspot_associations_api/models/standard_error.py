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

T = TypeVar("T", bound="StandardError")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "status",
        "id",
        "category",
        "subCategory",
        "message",
        "context",
        "links",
        "errors",
    )
)


@_attrs_define
class StandardError:
    """The error of one input of a batch.

    Attributes:
        status (str | None): The status of the failed input.
        id (str | None): The ID the error is about.
        category (str | None): The error category.
        sub_category (Any | None): A finer category.
        message (str | None): A readable message.
        context (StandardErrorContext | None): Values that help explain the error (e.g. the IDs concerned).
        links (StandardErrorLinks | None): Related documentation.
        errors (list[ErrorDetail]):
    """

    status: str | None = None
    id: str | None = None
    category: str | None = None
    sub_category: Any | None = None
    message: str | None = None
    context: StandardErrorContext | None = None
    links: StandardErrorLinks | None = None
    errors: list[ErrorDetail] = _attrs_field(factory=list)
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    # Whether the answer had the key: to_dict writes back only what was sent.
    _errors_sent: bool = _attrs_field(init=False, default=False, repr=False, eq=False)

    def to_dict(self) -> dict[str, Any]:
        sent_status: str | Unset = UNSET if self.status is None else self.status
        status = sent_status

        sent_id: str | Unset = UNSET if self.id is None else self.id
        id = sent_id

        sent_category: str | Unset = UNSET if self.category is None else self.category
        category = sent_category

        sent_sub_category: Any | Unset = (
            UNSET if self.sub_category is None else self.sub_category
        )
        sub_category = sent_sub_category

        sent_message: str | Unset = UNSET if self.message is None else self.message
        message = sent_message

        sent_context: StandardErrorContext | Unset = (
            UNSET if self.context is None else self.context
        )
        context: dict[str, Any] | Unset = UNSET
        if not isinstance(sent_context, Unset):
            context = sent_context.to_dict()

        sent_links: StandardErrorLinks | Unset = (
            UNSET if self.links is None else self.links
        )
        links: dict[str, Any] | Unset = UNSET
        if not isinstance(sent_links, Unset):
            links = sent_links.to_dict()

        sent_errors: list[ErrorDetail] | Unset = (
            UNSET if not self.errors and not self._errors_sent else self.errors
        )
        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(sent_errors, Unset):
            errors = []
            for errors_item_data in sent_errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        field_dict: dict[str, Any] = {}
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if status is not UNSET:
            field_dict["status"] = status
        if id is not UNSET:
            field_dict["id"] = id
        if category is not UNSET:
            field_dict["category"] = category
        if sub_category is not UNSET:
            field_dict["subCategory"] = sub_category
        if message is not UNSET:
            field_dict["message"] = message
        if context is not UNSET:
            field_dict["context"] = context
        if links is not UNSET:
            field_dict["links"] = links
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            status = src_dict.get("status")

            id = src_dict.get("id")

            category = src_dict.get("category")

            sub_category = src_dict.get("subCategory")

            message = src_dict.get("message")

            _context = src_dict.get("context", UNSET)
            context: StandardErrorContext | Unset
            if isinstance(_context, Unset):
                context = UNSET
            else:
                context = StandardErrorContext.from_dict(_context)

            _links = src_dict.get("links", UNSET)
            links: StandardErrorLinks | Unset
            if isinstance(_links, Unset):
                links = UNSET
            else:
                links = StandardErrorLinks.from_dict(_links)

            _errors = src_dict.get("errors", UNSET)
            errors: list[ErrorDetail] | Unset = UNSET
            if _errors is not UNSET:
                errors = [ErrorDetail.from_dict(item) for item in _errors]

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            standard_error = _new(cls)
            standard_error.status = status
            standard_error.id = id
            standard_error.category = category
            standard_error.sub_category = sub_category
            standard_error.message = message
            standard_error.context = None if isinstance(context, Unset) else context
            standard_error.links = None if isinstance(links, Unset) else links
            standard_error.errors = [] if isinstance(errors, Unset) else errors
            standard_error._errors_sent = not isinstance(errors, Unset)
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if (
                len(src_dict)
                == 0
                + (status is not None)
                + (id is not None)
                + (category is not None)
                + (sub_category is not None)
                + (message is not None)
                + (context is not UNSET)
                + (links is not UNSET)
                + standard_error._errors_sent
                or src_dict.keys() <= _FIELDS
            ):
                standard_error.additional_properties = {}
            else:
                standard_error.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(
                f"StandardError: required field {exc} is missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"StandardError: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"StandardError: {exc}") from exc
        return standard_error

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
from ..models.error_detail import ErrorDetail
from ..models.standard_error_context import StandardErrorContext
from ..models.standard_error_links import StandardErrorLinks
