# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
"""Contains all the data models used in inputs/outputs"""

from .association_category import AssociationCategory
from .association_label_limit import AssociationLabelLimit
from .association_record_limit_usage import AssociationRecordLimitUsage
from .association_spec import AssociationSpec
from .association_spec_with_label import AssociationSpecWithLabel
from .at_limit_record_sample import AtLimitRecordSample
from .batch_input_public_association_definition_configuration_create_request import (
    BatchInputPublicAssociationDefinitionConfigurationCreateRequest,
)
from .batch_input_public_association_definition_configuration_update_request import (
    BatchInputPublicAssociationDefinitionConfigurationUpdateRequest,
)
from .batch_input_public_association_multi_archive import (
    BatchInputPublicAssociationMultiArchive,
)
from .batch_input_public_association_multi_post import (
    BatchInputPublicAssociationMultiPost,
)
from .batch_input_public_association_spec import BatchInputPublicAssociationSpec
from .batch_input_public_default_association_multi_post import (
    BatchInputPublicDefaultAssociationMultiPost,
)
from .batch_input_public_fetch_associations_batch_request import (
    BatchInputPublicFetchAssociationsBatchRequest,
)
from .batch_response_labels_between_object_pair import (
    BatchResponseLabelsBetweenObjectPair,
)
from .batch_response_labels_between_object_pair_links import (
    BatchResponseLabelsBetweenObjectPairLinks,
)
from .batch_response_labels_between_object_pair_with_errors import (
    BatchResponseLabelsBetweenObjectPairWithErrors,
)
from .batch_response_labels_between_object_pair_with_errors_links import (
    BatchResponseLabelsBetweenObjectPairWithErrorsLinks,
)
from .batch_response_public_association_definition_configuration_update_result import (
    BatchResponsePublicAssociationDefinitionConfigurationUpdateResult,
)
from .batch_response_public_association_definition_configuration_update_result_links import (
    BatchResponsePublicAssociationDefinitionConfigurationUpdateResultLinks,
)
from .batch_response_public_association_definition_configuration_update_result_with_errors import (
    BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrors,
)
from .batch_response_public_association_definition_configuration_update_result_with_errors_links import (
    BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrorsLinks,
)
from .batch_response_public_association_definition_user_configuration import (
    BatchResponsePublicAssociationDefinitionUserConfiguration,
)
from .batch_response_public_association_definition_user_configuration_links import (
    BatchResponsePublicAssociationDefinitionUserConfigurationLinks,
)
from .batch_response_public_association_definition_user_configuration_with_errors import (
    BatchResponsePublicAssociationDefinitionUserConfigurationWithErrors,
)
from .batch_response_public_association_definition_user_configuration_with_errors_links import (
    BatchResponsePublicAssociationDefinitionUserConfigurationWithErrorsLinks,
)
from .batch_response_public_association_multi_with_label import (
    BatchResponsePublicAssociationMultiWithLabel,
)
from .batch_response_public_association_multi_with_label_links import (
    BatchResponsePublicAssociationMultiWithLabelLinks,
)
from .batch_response_public_association_multi_with_label_with_errors import (
    BatchResponsePublicAssociationMultiWithLabelWithErrors,
)
from .batch_response_public_association_multi_with_label_with_errors_links import (
    BatchResponsePublicAssociationMultiWithLabelWithErrorsLinks,
)
from .batch_response_public_default_association import (
    BatchResponsePublicDefaultAssociation,
)
from .batch_response_public_default_association_links import (
    BatchResponsePublicDefaultAssociationLinks,
)
from .batch_response_void import BatchResponseVoid
from .batch_response_void_links import BatchResponseVoidLinks
from .batch_status import BatchStatus
from .collection_response_association_label_limit import (
    CollectionResponseAssociationLabelLimit,
)
from .collection_response_association_spec_with_label_no_paging import (
    CollectionResponseAssociationSpecWithLabelNoPaging,
)
from .collection_response_multi_associated_object_with_label_forward_paging import (
    CollectionResponseMultiAssociatedObjectWithLabelForwardPaging,
)
from .collection_response_object_type_record_limit_status import (
    CollectionResponseObjectTypeRecordLimitStatus,
)
from .collection_response_public_association_definition_user_configuration_no_paging import (
    CollectionResponsePublicAssociationDefinitionUserConfigurationNoPaging,
)
from .epoch_time import EpochTime
from .error import Error
from .error_context import ErrorContext
from .error_detail import ErrorDetail
from .error_detail_context import ErrorDetailContext
from .error_links import ErrorLinks
from .forward_paging import ForwardPaging
from .labels_between_object_pair import LabelsBetweenObjectPair
from .labels_between_object_pair_created import LabelsBetweenObjectPairCreated
from .limits_object_type import LimitsObjectType
from .multi_associated_object_with_label import MultiAssociatedObjectWithLabel
from .near_limit_record_sample import NearLimitRecordSample
from .next_page import NextPage
from .object_type_record_limit_status import ObjectTypeRecordLimitStatus
from .paging import Paging
from .previous_page import PreviousPage
from .public_association_definition_configuration_create_request import (
    PublicAssociationDefinitionConfigurationCreateRequest,
)
from .public_association_definition_configuration_update_request import (
    PublicAssociationDefinitionConfigurationUpdateRequest,
)
from .public_association_definition_configuration_update_result import (
    PublicAssociationDefinitionConfigurationUpdateResult,
)
from .public_association_definition_create_request import (
    PublicAssociationDefinitionCreateRequest,
)
from .public_association_definition_update_request import (
    PublicAssociationDefinitionUpdateRequest,
)
from .public_association_definition_user_configuration import (
    PublicAssociationDefinitionUserConfiguration,
)
from .public_association_multi_archive import PublicAssociationMultiArchive
from .public_association_multi_post import PublicAssociationMultiPost
from .public_association_multi_with_label import PublicAssociationMultiWithLabel
from .public_association_spec import PublicAssociationSpec
from .public_default_association import PublicDefaultAssociation
from .public_default_association_multi_post import PublicDefaultAssociationMultiPost
from .public_fetch_associations_batch_request import PublicFetchAssociationsBatchRequest
from .public_object_id import PublicObjectId
from .report_creation_response import ReportCreationResponse
from .standard_error import StandardError
from .standard_error_context import StandardErrorContext
from .standard_error_links import StandardErrorLinks

__all__ = (
    "AssociationCategory",
    "AssociationLabelLimit",
    "AssociationRecordLimitUsage",
    "AssociationSpec",
    "AssociationSpecWithLabel",
    "AtLimitRecordSample",
    "BatchInputPublicAssociationDefinitionConfigurationCreateRequest",
    "BatchInputPublicAssociationDefinitionConfigurationUpdateRequest",
    "BatchInputPublicAssociationMultiArchive",
    "BatchInputPublicAssociationMultiPost",
    "BatchInputPublicAssociationSpec",
    "BatchInputPublicDefaultAssociationMultiPost",
    "BatchInputPublicFetchAssociationsBatchRequest",
    "BatchResponseLabelsBetweenObjectPair",
    "BatchResponseLabelsBetweenObjectPairLinks",
    "BatchResponseLabelsBetweenObjectPairWithErrors",
    "BatchResponseLabelsBetweenObjectPairWithErrorsLinks",
    "BatchResponsePublicAssociationDefinitionConfigurationUpdateResult",
    "BatchResponsePublicAssociationDefinitionConfigurationUpdateResultLinks",
    "BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrors",
    "BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrorsLinks",
    "BatchResponsePublicAssociationDefinitionUserConfiguration",
    "BatchResponsePublicAssociationDefinitionUserConfigurationLinks",
    "BatchResponsePublicAssociationDefinitionUserConfigurationWithErrors",
    "BatchResponsePublicAssociationDefinitionUserConfigurationWithErrorsLinks",
    "BatchResponsePublicAssociationMultiWithLabel",
    "BatchResponsePublicAssociationMultiWithLabelLinks",
    "BatchResponsePublicAssociationMultiWithLabelWithErrors",
    "BatchResponsePublicAssociationMultiWithLabelWithErrorsLinks",
    "BatchResponsePublicDefaultAssociation",
    "BatchResponsePublicDefaultAssociationLinks",
    "BatchResponseVoid",
    "BatchResponseVoidLinks",
    "BatchStatus",
    "CollectionResponseAssociationLabelLimit",
    "CollectionResponseAssociationSpecWithLabelNoPaging",
    "CollectionResponseMultiAssociatedObjectWithLabelForwardPaging",
    "CollectionResponseObjectTypeRecordLimitStatus",
    "CollectionResponsePublicAssociationDefinitionUserConfigurationNoPaging",
    "EpochTime",
    "Error",
    "ErrorContext",
    "ErrorDetail",
    "ErrorDetailContext",
    "ErrorLinks",
    "ForwardPaging",
    "LabelsBetweenObjectPair",
    "LabelsBetweenObjectPairCreated",
    "LimitsObjectType",
    "MultiAssociatedObjectWithLabel",
    "NearLimitRecordSample",
    "NextPage",
    "ObjectTypeRecordLimitStatus",
    "Paging",
    "PreviousPage",
    "PublicAssociationDefinitionConfigurationCreateRequest",
    "PublicAssociationDefinitionConfigurationUpdateRequest",
    "PublicAssociationDefinitionConfigurationUpdateResult",
    "PublicAssociationDefinitionCreateRequest",
    "PublicAssociationDefinitionUpdateRequest",
    "PublicAssociationDefinitionUserConfiguration",
    "PublicAssociationMultiArchive",
    "PublicAssociationMultiPost",
    "PublicAssociationMultiWithLabel",
    "PublicAssociationSpec",
    "PublicDefaultAssociation",
    "PublicDefaultAssociationMultiPost",
    "PublicFetchAssociationsBatchRequest",
    "PublicObjectId",
    "ReportCreationResponse",
    "StandardError",
    "StandardErrorContext",
    "StandardErrorLinks",
)
