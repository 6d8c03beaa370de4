"""HubSpot CRM Associations (v4, dated releases): typed clients, retries, rate limits, bulk helpers.

Start with :class:`HubSpotAssociations` (or :class:`AsyncHubSpotAssociations`). The generated
low-level client is the ``hubspot_associations_api`` package; ``client.raw`` is an instance of it.
"""

from hubspot_associations_api.models import (
    AssociationCategory,
    AssociationLabelLimit,
    AssociationRecordLimitUsage,
    AssociationSpec,
    AssociationSpecWithLabel,
    AtLimitRecordSample,
    LabelsBetweenObjectPair,
    LimitsObjectType,
    MultiAssociatedObjectWithLabel,
    NearLimitRecordSample,
    ObjectTypeRecordLimitStatus,
    PublicAssociationMultiWithLabel,
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
from ._async.shared_window import AsyncRedisWindow
from ._async.transport import AsyncRetryingTransport
from ._bulk import BulkFailure, BulkResult
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientValidationError,
    ConflictError,
    HubSpotError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    UnexpectedResponseError,
    UnexpectedStatusError,
    error_from_response,
)
from ._labels import CustomLabel, LabelPair, label_pair, validate_label_name
from ._object_types import OBJECT_TYPE_IDS, normalize_object_type, object_type_id
from ._rate_limit import RateLimiter
from ._retry import RetryPolicy
from ._settings import ClientSettings
from ._shared_window import DailyLimitReached, SharedBudgetUnavailable
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
from ._sync.shared_window import RedisWindow
from ._sync.transport import RetryingTransport
from ._versions import API_VERSIONS, ApiVersion

__all__ = [
    "ALL_ASSOCIATION_TYPES",
    "API_VERSIONS",
    "OBJECT_TYPE_IDS",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "ApiVersion",
    "AssociationCategory",
    "AssociationLabelLimit",
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
    "Bulk",
    "BulkFailure",
    "BulkResult",
    "ClientSettings",
    "ClientValidationError",
    "ConflictError",
    "CustomLabel",
    "DailyLimitReached",
    "HubSpotAssociations",
    "HubSpotError",
    "LabelPair",
    "Labels",
    "LabelsBetweenObjectPair",
    "Limits",
    "LimitsObjectType",
    "LimitsUsage",
    "MultiAssociatedObjectWithLabel",
    "NearLimitRecordSample",
    "NotFoundError",
    "ObjectTypeRecordLimitStatus",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "PublicAssociationMultiWithLabel",
    "RateLimitError",
    "RateLimiter",
    "RedisWindow",
    "Report",
    "ResponseTooLargeError",
    "RetryPolicy",
    "RetryingTransport",
    "ServerError",
    "SharedBudgetUnavailable",
    "UnexpectedResponseError",
    "UnexpectedStatusError",
    "__version__",
    "error_from_response",
    "label_pair",
    "normalize_object_type",
    "object_type_id",
    "types_between",
    "validate_label_name",
]
