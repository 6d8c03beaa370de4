# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
# ruff: noqa: E402  (related models are imported at the end, see below)
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, ParseError, Unset, json_kind

T = TypeVar("T", bound="Error")
_new = object.__new__

# The JSON keys this model knows; any other key is kept in additional_properties.
_FIELDS: frozenset[str] = frozenset(
    (
        "message",
        "correlationId",
        "category",
        "subCategory",
        "context",
        "links",
        "errors",
        "status",
        "errorType",
        "policyName",
    )
)


@_attrs_define
class Error:
    """HubSpot's error body.

    Attributes:
        message (str | None): A readable message.
        correlation_id (UUID | None): The request's ID, for HubSpot support.
        category (str | None): The error category, e.g. VALIDATION_ERROR.
        sub_category (str | None): A finer category.
        context (ErrorContext | None): Values that help explain the error.
        links (ErrorLinks | None): Related documentation.
        errors (list[ErrorDetail]):
        status (str | None): Always "error" on an error body.
        error_type (str | None): RATE_LIMIT on a 429.
        policy_name (str | None): Which rate limit was hit (TEN_SECONDLY_ROLLING, SECONDLY, DAILY).
    """

    message: str | None = None
    correlation_id: UUID | None = None
    category: str | None = None
    sub_category: str | None = None
    context: ErrorContext | None = None
    links: ErrorLinks | None = None
    errors: list[ErrorDetail] = _attrs_field(factory=list)
    status: str | None = None
    error_type: str | None = None
    policy_name: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    # Whether the answer had the key: to_dict writes back only what was sent.
    _errors_sent: bool = _attrs_field(init=False, default=False, repr=False, eq=False)

    def to_dict(self) -> dict[str, Any]:
        sent_message: str | Unset = UNSET if self.message is None else self.message
        message = sent_message

        sent_correlation_id: UUID | Unset = (
            UNSET if self.correlation_id is None else self.correlation_id
        )
        correlation_id: str | Unset = UNSET
        if not isinstance(sent_correlation_id, Unset):
            correlation_id = str(sent_correlation_id)

        sent_category: str | Unset = UNSET if self.category is None else self.category
        category = sent_category

        sent_sub_category: str | Unset = (
            UNSET if self.sub_category is None else self.sub_category
        )
        sub_category = sent_sub_category

        sent_context: ErrorContext | Unset = (
            UNSET if self.context is None else self.context
        )
        context: dict[str, Any] | Unset = UNSET
        if not isinstance(sent_context, Unset):
            context = sent_context.to_dict()

        sent_links: ErrorLinks | Unset = UNSET if self.links is None else self.links
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

        sent_status: str | Unset = UNSET if self.status is None else self.status
        status = sent_status

        sent_error_type: str | Unset = (
            UNSET if self.error_type is None else self.error_type
        )
        error_type = sent_error_type

        sent_policy_name: str | Unset = (
            UNSET if self.policy_name is None else self.policy_name
        )
        policy_name = sent_policy_name

        field_dict: dict[str, Any] = {}
        if self.additional_properties:
            # Unknown fields first, the model's own fields win, as the generator's update() order did.
            field_dict = {**self.additional_properties, **field_dict}
        if message is not UNSET:
            field_dict["message"] = message
        if correlation_id is not UNSET:
            field_dict["correlationId"] = correlation_id
        if category is not UNSET:
            field_dict["category"] = category
        if sub_category is not UNSET:
            field_dict["subCategory"] = sub_category
        if context is not UNSET:
            field_dict["context"] = context
        if links is not UNSET:
            field_dict["links"] = links
        if errors is not UNSET:
            field_dict["errors"] = errors
        if status is not UNSET:
            field_dict["status"] = status
        if error_type is not UNSET:
            field_dict["errorType"] = error_type
        if policy_name is not UNSET:
            field_dict["policyName"] = policy_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build from a decoded JSON object; a body of the wrong shape raises ParseError."""
        # Read keys in place instead of copying and popping: this is the hot path of every
        # page decode. Any shape error becomes one ParseError naming the model and the field.
        try:
            message = src_dict.get("message")

            _correlation_id = src_dict.get("correlationId", UNSET)
            correlation_id: UUID | Unset
            if isinstance(_correlation_id, Unset):
                correlation_id = UNSET
            else:
                correlation_id = UUID(_correlation_id)

            category = src_dict.get("category")

            sub_category = src_dict.get("subCategory")

            _context = src_dict.get("context", UNSET)
            context: ErrorContext | Unset
            if isinstance(_context, Unset):
                context = UNSET
            else:
                context = ErrorContext.from_dict(_context)

            _links = src_dict.get("links", UNSET)
            links: ErrorLinks | Unset
            if isinstance(_links, Unset):
                links = UNSET
            else:
                links = ErrorLinks.from_dict(_links)

            _errors = src_dict.get("errors", UNSET)
            errors: list[ErrorDetail] | Unset = UNSET
            if _errors is not UNSET:
                errors = [ErrorDetail.from_dict(item) for item in _errors]

            status = src_dict.get("status")

            error_type = src_dict.get("errorType")

            policy_name = src_dict.get("policyName")

            # Built without __init__: each slot is set once, here, with what the body holds (the
            # attrs __init__ call and its default factories cost a third of a small model's decode).
            error = _new(cls)
            error.message = message
            error.correlation_id = (
                None if isinstance(correlation_id, Unset) else correlation_id
            )
            error.category = category
            error.sub_category = sub_category
            error.context = None if isinstance(context, Unset) else context
            error.links = None if isinstance(links, Unset) else links
            error.errors = [] if isinstance(errors, Unset) else errors
            error.status = status
            error.error_type = error_type
            error.policy_name = policy_name
            error._errors_sent = not isinstance(errors, Unset)
            # Most bodies have no unknown keys. As many keys as known fields found present says
            # so without a set test (a present field is counted only when its key was there);
            # otherwise the subset test, which allocates nothing.
            if (
                len(src_dict)
                == 0
                + (message is not None)
                + (correlation_id is not UNSET)
                + (category is not None)
                + (sub_category is not None)
                + (context is not UNSET)
                + (links is not UNSET)
                + error._errors_sent
                + (status is not None)
                + (error_type is not None)
                + (policy_name is not None)
                or src_dict.keys() <= _FIELDS
            ):
                error.additional_properties = {}
            else:
                error.additional_properties = {
                    key: value for key, value in src_dict.items() if key not in _FIELDS
                }
        except ParseError:
            raise
        except KeyError as exc:
            raise ParseError(f"Error: required field {exc} is missing") from None
        except (TypeError, ValueError, AttributeError) as exc:
            # A JSON array, string, number or null where an object belongs: say so, rather
            # than "list indices must be integers" (checked here, off the hot path).
            if not isinstance(src_dict, Mapping):
                raise ParseError(
                    f"Error: expected a JSON object, got {json_kind(src_dict)}"
                ) from None
            raise ParseError(f"Error: {exc}") from exc
        return error

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
from ..models.error_context import ErrorContext
from ..models.error_detail import ErrorDetail
from ..models.error_links import ErrorLinks
