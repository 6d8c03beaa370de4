"""HubSpot CRM Associations (v4, dated releases): typed clients, retries, rate limits, bulk helpers.

Start with :class:`HubSpotAssociations` (or :class:`AsyncHubSpotAssociations`). The generated
low-level client is the ``hubspot_associations_api`` package; ``client.raw`` is an instance of it.
"""

from typing import TYPE_CHECKING

from hubspot_associations_api.models import (
    AssociatedRecord,
    AssociatedRecordPage,
    AssociationCategory,
    AssociationInput,
    AssociationLabelLimit,
    AssociationLimit,
    AssociationLimitBatch,
    AssociationLimitUpdate,
    AssociationLimitUpdateBatch,
    AssociationRecordLimitUsage,
    AssociationSpec,
    AssociationSpecWithLabel,
    AtLimitRecordSample,
    BatchLinks,
    BatchStatus,
    DefaultAssociation,
    DefaultAssociationBatch,
    EpochTime,
    ErrorDetail,
    ErrorDetailContext,
    ForwardPaging,
    LabelsBetweenObjectPair,
    LabelsBetweenObjectPairBatch,
    LimitsObjectType,
    NearLimitRecordSample,
    NextPage,
    ObjectTypeRecordLimitStatus,
    Paging,
    PreviousPage,
    PublicObjectId,
    RecordAssociations,
    RecordAssociationsBatch,
    ReportCreationResponse,
    StandardError,
    StandardErrorContext,
    StandardErrorLinks,
    VoidBatch,
)

from .__about__ import __version__
from ._association_types import (
    ALL_ASSOCIATION_TYPES,
    AssociationType,
    AssociationTypeInfo,
    types_between,
)
from ._async.client import (
    AsyncBasic,
    AsyncBatch,
    AsyncBulk,
    AsyncHubSpotAssociations,
    AsyncLabels,
    AsyncLimits,
    AsyncLimitsUsage,
    AsyncReport,
)
from ._async.transport import AsyncRetryingTransport
from ._auth.info import TokenInfo
from ._bulk import BulkFailure, BulkResult
from ._calls.raw import RawResponse
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AssociationPermissionError,
    AuthenticationError,
    BadRequestError,
    ClientValidationError,
    ConflictError,
    HubSpotError,
    InvalidSignatureError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    TokenProviderError,
    UnexpectedResponseError,
    UnexpectedStatusError,
    WebhookBodyError,
    error_from_response,
)
from ._ratelimit.async_redis_window import AsyncRedisWindow
from ._ratelimit.limiter import RateLimiter
from ._ratelimit.redis_window import RedisWindow
from ._ratelimit.shared import DailyLimitReached, SharedBudgetUnavailable
from ._settings import ClientSettings
from ._sync.client import (
    Basic,
    Batch,
    Bulk,
    HubSpotAssociations,
    Labels,
    Limits,
    LimitsUsage,
    Report,
)
from ._sync.transport import RetryingTransport
from ._transports.retry import RetryPolicy
from ._values.labels import CustomLabel, LabelPair, label_pair, validate_label_name
from ._values.object_types import OBJECT_TYPE_IDS, normalize_object_type, object_type_id
from ._versions import API_VERSIONS, ApiVersion
from .webhooks import AssociationChangeEvent, parse_events, verify_signature

__all__ = [
    "ALL_ASSOCIATION_TYPES",
    "API_VERSIONS",
    "OBJECT_TYPE_IDS",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "ApiVersion",
    "AssociatedRecord",
    "AssociatedRecordPage",
    "AssociationCategory",
    "AssociationChangeEvent",
    "AssociationInput",
    "AssociationLabelLimit",
    "AssociationLimit",
    "AssociationLimitBatch",
    "AssociationLimitUpdate",
    "AssociationLimitUpdateBatch",
    "AssociationPermissionError",
    "AssociationRecordLimitUsage",
    "AssociationSpec",
    "AssociationSpecWithLabel",
    "AssociationType",
    "AssociationTypeInfo",
    "AsyncBasic",
    "AsyncBatch",
    "AsyncBulk",
    "AsyncHubSpotAssociations",
    "AsyncLabels",
    "AsyncLimits",
    "AsyncLimitsUsage",
    "AsyncRedisWindow",
    "AsyncReport",
    "AsyncRetryingTransport",
    "AtLimitRecordSample",
    "AuthenticationError",
    "BadRequestError",
    "Basic",
    "Batch",
    "BatchLinks",
    "BatchStatus",
    "Bulk",
    "BulkFailure",
    "BulkResult",
    "ClientSettings",
    "ClientValidationError",
    "ConflictError",
    "CustomLabel",
    "DailyLimitReached",
    "DefaultAssociation",
    "DefaultAssociationBatch",
    "EpochTime",
    "ErrorDetail",
    "ErrorDetailContext",
    "ForwardPaging",
    "HubSpotAssociations",
    "HubSpotError",
    "InvalidSignatureError",
    "LabelPair",
    "Labels",
    "LabelsBetweenObjectPair",
    "LabelsBetweenObjectPairBatch",
    "Limits",
    "LimitsObjectType",
    "LimitsUsage",
    "NearLimitRecordSample",
    "NextPage",
    "NotFoundError",
    "ObjectTypeRecordLimitStatus",
    "OutcomeUnknownError",
    "Paging",
    "PermissionDeniedError",
    "PreviousPage",
    "PublicObjectId",
    "RateLimitError",
    "RateLimiter",
    "RawResponse",
    "RecordAssociations",
    "RecordAssociationsBatch",
    "RedisWindow",
    "Report",
    "ReportCreationResponse",
    "ResponseTooLargeError",
    "RetryPolicy",
    "RetryingTransport",
    "ServerError",
    "SharedBudgetUnavailable",
    "StandardError",
    "StandardErrorContext",
    "StandardErrorLinks",
    "TokenInfo",
    "TokenProviderError",
    "UnexpectedResponseError",
    "UnexpectedStatusError",
    "VoidBatch",
    "WebhookBodyError",
    "__version__",
    "error_from_response",
    "label_pair",
    "normalize_object_type",
    "object_type_id",
    "parse_events",
    "types_between",
    "validate_label_name",
    "verify_signature",
]


# The models' names before 0.2 (HubSpot's schema names) still import from here, with a
# DeprecationWarning, until 0.3.0; the table lives with the models (hubspot_associations_api.models
# .RENAMED, generated from openapi/generator-config.yaml).
if TYPE_CHECKING:
    # For type checkers: each old name as the models declare it, a deprecated subclass of its new
    # class (PEP 702), so a pinned user's code type-checks and the old name is reported. Nothing
    # is imported at run time. `X as X` re-exports a name under mypy --strict; isort would make
    # one statement of each such line.
    from hubspot_associations_api.models import (  # isort: skip
        BatchResponseLabelsBetweenObjectPair as BatchResponseLabelsBetweenObjectPair,
        BatchResponseLabelsBetweenObjectPairLinks as BatchResponseLabelsBetweenObjectPairLinks,
        BatchResponseLabelsBetweenObjectPairWithErrors as BatchResponseLabelsBetweenObjectPairWithErrors,  # noqa: E501
        BatchResponseLabelsBetweenObjectPairWithErrorsLinks as BatchResponseLabelsBetweenObjectPairWithErrorsLinks,  # noqa: E501
        BatchResponsePublicAssociationDefinitionConfigurationUpdateResult as BatchResponsePublicAssociationDefinitionConfigurationUpdateResult,  # noqa: E501
        BatchResponsePublicAssociationDefinitionConfigurationUpdateResultLinks as BatchResponsePublicAssociationDefinitionConfigurationUpdateResultLinks,  # noqa: E501
        BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrors as BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrors,  # noqa: E501
        BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrorsLinks as BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrorsLinks,  # noqa: E501
        BatchResponsePublicAssociationDefinitionUserConfiguration as BatchResponsePublicAssociationDefinitionUserConfiguration,  # noqa: E501
        BatchResponsePublicAssociationDefinitionUserConfigurationLinks as BatchResponsePublicAssociationDefinitionUserConfigurationLinks,  # noqa: E501
        BatchResponsePublicAssociationDefinitionUserConfigurationWithErrors as BatchResponsePublicAssociationDefinitionUserConfigurationWithErrors,  # noqa: E501
        BatchResponsePublicAssociationDefinitionUserConfigurationWithErrorsLinks as BatchResponsePublicAssociationDefinitionUserConfigurationWithErrorsLinks,  # noqa: E501
        BatchResponsePublicAssociationMultiWithLabel as BatchResponsePublicAssociationMultiWithLabel,  # noqa: E501
        BatchResponsePublicAssociationMultiWithLabelLinks as BatchResponsePublicAssociationMultiWithLabelLinks,  # noqa: E501
        BatchResponsePublicAssociationMultiWithLabelWithErrors as BatchResponsePublicAssociationMultiWithLabelWithErrors,  # noqa: E501
        BatchResponsePublicAssociationMultiWithLabelWithErrorsLinks as BatchResponsePublicAssociationMultiWithLabelWithErrorsLinks,  # noqa: E501
        BatchResponsePublicDefaultAssociation as BatchResponsePublicDefaultAssociation,
        BatchResponsePublicDefaultAssociationLinks as BatchResponsePublicDefaultAssociationLinks,
        BatchResponseVoid as BatchResponseVoid,
        BatchResponseVoidLinks as BatchResponseVoidLinks,
        CollectionResponseMultiAssociatedObjectWithLabelForwardPaging as CollectionResponseMultiAssociatedObjectWithLabelForwardPaging,  # noqa: E501
        MultiAssociatedObjectWithLabel as MultiAssociatedObjectWithLabel,
        PublicAssociationDefinitionConfigurationUpdateResult as PublicAssociationDefinitionConfigurationUpdateResult,  # noqa: E501
        PublicAssociationDefinitionUserConfiguration as PublicAssociationDefinitionUserConfiguration,  # noqa: E501
        PublicAssociationMultiPost as PublicAssociationMultiPost,
        PublicAssociationMultiWithLabel as PublicAssociationMultiWithLabel,
        PublicDefaultAssociation as PublicDefaultAssociation,
    )

# Only at run time: a type checker that saw a module __getattr__ would accept any name imported
# from this package, typos included; it sees the old names imported above instead.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        import warnings

        from hubspot_associations_api import models

        new = models.RENAMED.get(name)
        if new is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        warnings.warn(
            f"{name} is deprecated: it is now called {new} (the old name will be removed in 0.3.0)",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(models, new)
