"""HubSpot-shaped error bodies, and the exception that carries them out of any layer."""

from __future__ import annotations

import contextvars
import uuid
from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """An answer other than success: an HTTP status and HubSpot's error body."""

    def __init__(
        self,
        status: int,
        message: str,
        category: str | None = "VALIDATION_ERROR",
        *,
        sub_category: str | None = None,
        context: dict[str, list[str]] | None = None,
        extra: JSON | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.category = category
        self.sub_category = sub_category
        self.context = context
        self.extra = extra

    def body(self) -> JSON:
        """The top-level error body HubSpot sends for a failed call."""
        body: JSON = {"status": "error", "message": self.message, "correlationId": new_id()}
        if self.category is not None:
            body["category"] = self.category
        if self.sub_category is not None:
            body["subCategory"] = self.sub_category
        if self.context is not None:
            body["context"] = self.context
        if self.extra:
            body.update(self.extra)
        return body

    def standard_error(self) -> JSON:
        """The item of a batch answer's ``errors`` array (StandardError).

        HubSpot's own client rejects an item without context, links or errors, so all are present.
        """
        item: JSON = {
            "status": "error",
            "category": self.category or "VALIDATION_ERROR",
            "message": self.message,
            "context": self.context or {},
            "links": {},
            "errors": [],
        }
        if self.sub_category is not None:
            item["subCategory"] = self.sub_category
        return item


# The correlation ID of the request being answered: its X-HubSpot-Correlation-Id header, and
# the correlationId of any error body it gets (HubSpot's two agree).
CORRELATION: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "emulator_correlation_id", default=None
)


def new_id() -> str:
    """The answered request's correlation id (a fresh one outside a request), as HubSpot puts in
    every error."""
    return CORRELATION.get() or str(uuid.uuid4())


def validation(message: str, context: dict[str, list[str]] | None = None) -> ApiError:
    """400 VALIDATION_ERROR, the answer to any malformed input."""
    return ApiError(400, message, "VALIDATION_ERROR", context=context)


def missing_fields(*fields: str) -> ApiError:
    """400 naming the required fields that were not sent."""
    return validation(f"Some required fields were not set: [{', '.join(fields)}]")


def unknown_object_type(name: str) -> ApiError:
    """400 without a category, exactly as the live API answers an unknown object type."""
    return ApiError(400, f"Unable to infer object type from: {name}", None)


def invalid_object_ids(entries: list[str]) -> ApiError:
    """400 for records that do not exist (or malformed IDs)."""
    return validation(
        "One or more associations are invalid", context={"INVALID_OBJECT_IDS": entries}
    )


def invalid_type_id(category: str, type_id: object) -> ApiError:
    """400 for a typeId that is unknown or belongs to the other direction."""
    return validation(
        f"{category}={type_id} is not a valid association definition id",
        context={
            "INVALID_ASSOCIATION_TYPE_ID": [
                f"{category}={type_id} is not a valid association definition id"
            ]
        },
    )


def limit_exceeded(entry: str) -> ApiError:
    """400 for a write that would take a record past its association limit."""
    return ApiError(
        400,
        f"Association limit exceeded: {entry}",
        "VALIDATION_ERROR",
        sub_category="crm.associations.ASSOCIATION_LIMIT_EXCEEDED",
        context={"ASSOCIATION_LIMIT_EXCEEDED": [entry]},
    )


def unauthorized(present: bool) -> ApiError:
    """401 for a missing or unknown bearer token."""
    message = (
        "The access token provided is invalid or expired."
        if present
        else "Authentication credentials not found. This API supports OAuth 2.0 authentication "
        "and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
    )
    return ApiError(401, message, "INVALID_AUTHENTICATION")


def expired_authentication() -> ApiError:
    """401 for an OAuth access token past its expiry (a refresh token gets a new one)."""
    return ApiError(
        401,
        "The OAuth token used to make this call expired. Use the refresh token to get a new "
        "access token.",
        "EXPIRED_AUTHENTICATION",
    )


def association_permission(status: int, category: str) -> ApiError:
    """2026-09's refusal of an association write by a user without HubSpot's "Edit
    associations" permission (status and category from the release table: not published)."""
    return ApiError(
        status,
        'This user-level OAuth connection lacks the "Edit associations" permission: from the '
        "2026-09 release on, HubSpot enforces user permissions on association writes. Give the "
        "user the permission in HubSpot's user settings, or connect as a user who has it.",
        category,
    )


# HubSpot's daily request limit of the smallest paid tier, sent in X-HubSpot-RateLimit-Daily.
DAILY_LIMIT = 250_000


def rate_limited(policy: str = "TEN_SECONDLY_ROLLING") -> JSON:
    """HubSpot's 429 body: no category, an errorType and a policyName instead."""
    return {
        "status": "error",
        "message": f"You have reached your {policy.lower()} limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": new_id(),
        "policyName": policy,
    }


# The category an injected error status carries (inferred: HubSpot documents the statuses, not
# their bodies' categories).
_FAULT_CATEGORIES = {423: "LOCKED", 477: "MIGRATION_IN_PROGRESS"}


def upstream_failure(status: int) -> JSON:
    """HubSpot's error body for an injected 423, 477 or 5xx (category inferred)."""
    return {
        "status": "error",
        "message": f"Emulated HubSpot error ({status})",
        "correlationId": new_id(),
        "category": _FAULT_CATEGORIES.get(status, "INTERNAL_ERROR"),
    }


def not_found(path: str) -> ApiError:
    """404 for a path no operation serves."""
    return ApiError(404, f"No operation at {path}", "OBJECT_NOT_FOUND")


def too_large(limit: int) -> ApiError:
    """413 for a request body past the emulator's cap."""
    return ApiError(413, f"The request body is larger than {limit} bytes", "VALIDATION_ERROR")


def request_timeout(seconds: float) -> ApiError:
    """408 for a request body that did not arrive in time (no category: not a HubSpot answer)."""
    return ApiError(408, f"The request body did not arrive within {seconds:g} s", None)


def forbidden(message: str) -> ApiError:
    """403 for a control API request from another site or through a foreign host name."""
    return ApiError(403, message, None)


def unsupported_media_type() -> ApiError:
    """415 for a control API write without a JSON content type."""
    return ApiError(
        415,
        "The control API takes Content-Type: application/json "
        "(a call without a body may also send no Content-Type)",
        "VALIDATION_ERROR",
    )
