# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
"""Contains all the data models used in inputs/outputs"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from .associated_record import AssociatedRecord
from .associated_record_page import AssociatedRecordPage
from .association_category import AssociationCategory
from .association_input import AssociationInput
from .association_label_limit import AssociationLabelLimit
from .association_limit import AssociationLimit
from .association_limit_batch import AssociationLimitBatch
from .association_limit_update import AssociationLimitUpdate
from .association_limit_update_batch import AssociationLimitUpdateBatch
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
from .batch_links import BatchLinks
from .batch_status import BatchStatus
from .collection_response_association_label_limit import (
    CollectionResponseAssociationLabelLimit,
)
from .collection_response_association_spec_with_label_no_paging import (
    CollectionResponseAssociationSpecWithLabelNoPaging,
)
from .collection_response_object_type_record_limit_status import (
    CollectionResponseObjectTypeRecordLimitStatus,
)
from .collection_response_public_association_definition_user_configuration_no_paging import (
    CollectionResponsePublicAssociationDefinitionUserConfigurationNoPaging,
)
from .default_association import DefaultAssociation
from .default_association_batch import DefaultAssociationBatch
from .epoch_time import EpochTime
from .error import Error
from .error_context import ErrorContext
from .error_detail import ErrorDetail
from .error_detail_context import ErrorDetailContext
from .error_links import ErrorLinks
from .forward_paging import ForwardPaging
from .labels_between_object_pair import LabelsBetweenObjectPair
from .labels_between_object_pair_batch import LabelsBetweenObjectPairBatch
from .labels_between_object_pair_created import LabelsBetweenObjectPairCreated
from .limits_object_type import LimitsObjectType
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
from .public_association_definition_create_request import (
    PublicAssociationDefinitionCreateRequest,
)
from .public_association_definition_update_request import (
    PublicAssociationDefinitionUpdateRequest,
)
from .public_association_multi_archive import PublicAssociationMultiArchive
from .public_association_spec import PublicAssociationSpec
from .public_default_association_multi_post import PublicDefaultAssociationMultiPost
from .public_fetch_associations_batch_request import PublicFetchAssociationsBatchRequest
from .public_object_id import PublicObjectId
from .record_associations import RecordAssociations
from .record_associations_batch import RecordAssociationsBatch
from .report_creation_response import ReportCreationResponse
from .standard_error import StandardError
from .standard_error_context import StandardErrorContext
from .standard_error_links import StandardErrorLinks
from .void_batch import VoidBatch

__all__ = (
    "AssociatedRecord",
    "AssociatedRecordPage",
    "AssociationCategory",
    "AssociationInput",
    "AssociationLabelLimit",
    "AssociationLimit",
    "AssociationLimitBatch",
    "AssociationLimitUpdate",
    "AssociationLimitUpdateBatch",
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
    "BatchLinks",
    "BatchStatus",
    "CollectionResponseAssociationLabelLimit",
    "CollectionResponseAssociationSpecWithLabelNoPaging",
    "CollectionResponseObjectTypeRecordLimitStatus",
    "CollectionResponsePublicAssociationDefinitionUserConfigurationNoPaging",
    "DefaultAssociation",
    "DefaultAssociationBatch",
    "EpochTime",
    "Error",
    "ErrorContext",
    "ErrorDetail",
    "ErrorDetailContext",
    "ErrorLinks",
    "ForwardPaging",
    "LabelsBetweenObjectPair",
    "LabelsBetweenObjectPairBatch",
    "LabelsBetweenObjectPairCreated",
    "LimitsObjectType",
    "NearLimitRecordSample",
    "NextPage",
    "ObjectTypeRecordLimitStatus",
    "Paging",
    "PreviousPage",
    "PublicAssociationDefinitionConfigurationCreateRequest",
    "PublicAssociationDefinitionConfigurationUpdateRequest",
    "PublicAssociationDefinitionCreateRequest",
    "PublicAssociationDefinitionUpdateRequest",
    "PublicAssociationMultiArchive",
    "PublicAssociationSpec",
    "PublicDefaultAssociationMultiPost",
    "PublicFetchAssociationsBatchRequest",
    "PublicObjectId",
    "RecordAssociations",
    "RecordAssociationsBatch",
    "ReportCreationResponse",
    "StandardError",
    "StandardErrorContext",
    "StandardErrorLinks",
    "VoidBatch",
)

# The class names before openapi/generator-config.yaml's class_overrides (HubSpot's schema names):
# each still imports, as the class of its new name and with a DeprecationWarning, until 0.3.0.
RENAMED: dict[str, str] = {
    "BatchResponseLabelsBetweenObjectPair": "LabelsBetweenObjectPairBatch",
    "BatchResponseLabelsBetweenObjectPairLinks": "BatchLinks",
    "BatchResponseLabelsBetweenObjectPairWithErrors": "LabelsBetweenObjectPairBatch",
    "BatchResponseLabelsBetweenObjectPairWithErrorsLinks": "BatchLinks",
    "BatchResponsePublicAssociationDefinitionConfigurationUpdateResult": "AssociationLimitUpdateBatch",
    "BatchResponsePublicAssociationDefinitionConfigurationUpdateResultLinks": "BatchLinks",
    "BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrors": "AssociationLimitUpdateBatch",
    "BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrorsLinks": "BatchLinks",
    "BatchResponsePublicAssociationDefinitionUserConfiguration": "AssociationLimitBatch",
    "BatchResponsePublicAssociationDefinitionUserConfigurationLinks": "BatchLinks",
    "BatchResponsePublicAssociationDefinitionUserConfigurationWithErrors": "AssociationLimitBatch",
    "BatchResponsePublicAssociationDefinitionUserConfigurationWithErrorsLinks": "BatchLinks",
    "BatchResponsePublicAssociationMultiWithLabel": "RecordAssociationsBatch",
    "BatchResponsePublicAssociationMultiWithLabelLinks": "BatchLinks",
    "BatchResponsePublicAssociationMultiWithLabelWithErrors": "RecordAssociationsBatch",
    "BatchResponsePublicAssociationMultiWithLabelWithErrorsLinks": "BatchLinks",
    "BatchResponsePublicDefaultAssociation": "DefaultAssociationBatch",
    "BatchResponsePublicDefaultAssociationLinks": "BatchLinks",
    "BatchResponseVoid": "VoidBatch",
    "BatchResponseVoidLinks": "BatchLinks",
    "CollectionResponseMultiAssociatedObjectWithLabelForwardPaging": "AssociatedRecordPage",
    "MultiAssociatedObjectWithLabel": "AssociatedRecord",
    "PublicAssociationDefinitionConfigurationUpdateResult": "AssociationLimitUpdate",
    "PublicAssociationDefinitionUserConfiguration": "AssociationLimit",
    "PublicAssociationMultiPost": "AssociationInput",
    "PublicAssociationMultiWithLabel": "RecordAssociations",
    "PublicDefaultAssociation": "DefaultAssociation",
}

# For type checkers only (PEP 702): each old name is a deprecated subclass of its new class, so
# a pinned user's code keeps the new class's attributes and types and the old name is reported
# (mypy --enable-error-code deprecated, pyright's reportDeprecated). Nothing here runs: at run
# time __getattr__ below hands out the new class itself, with a DeprecationWarning.
if _TYPE_CHECKING:
    from typing_extensions import deprecated as _deprecated

    @_deprecated(
        "it is now called LabelsBetweenObjectPairBatch (the old name will be removed in 0.3.0)"
    )
    class BatchResponseLabelsBetweenObjectPair(LabelsBetweenObjectPairBatch): ...

    @_deprecated("it is now called BatchLinks (the old name will be removed in 0.3.0)")
    class BatchResponseLabelsBetweenObjectPairLinks(BatchLinks): ...

    @_deprecated(
        "it is now called LabelsBetweenObjectPairBatch (the old name will be removed in 0.3.0)"
    )
    class BatchResponseLabelsBetweenObjectPairWithErrors(
        LabelsBetweenObjectPairBatch
    ): ...

    @_deprecated("it is now called BatchLinks (the old name will be removed in 0.3.0)")
    class BatchResponseLabelsBetweenObjectPairWithErrorsLinks(BatchLinks): ...

    @_deprecated(
        "it is now called AssociationLimitUpdateBatch (the old name will be removed in 0.3.0)"
    )
    class BatchResponsePublicAssociationDefinitionConfigurationUpdateResult(
        AssociationLimitUpdateBatch
    ): ...

    @_deprecated("it is now called BatchLinks (the old name will be removed in 0.3.0)")
    class BatchResponsePublicAssociationDefinitionConfigurationUpdateResultLinks(
        BatchLinks
    ): ...

    @_deprecated(
        "it is now called AssociationLimitUpdateBatch (the old name will be removed in 0.3.0)"
    )
    class BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrors(
        AssociationLimitUpdateBatch
    ): ...

    @_deprecated("it is now called BatchLinks (the old name will be removed in 0.3.0)")
    class BatchResponsePublicAssociationDefinitionConfigurationUpdateResultWithErrorsLinks(
        BatchLinks
    ): ...

    @_deprecated(
        "it is now called AssociationLimitBatch (the old name will be removed in 0.3.0)"
    )
    class BatchResponsePublicAssociationDefinitionUserConfiguration(
        AssociationLimitBatch
    ): ...

    @_deprecated("it is now called BatchLinks (the old name will be removed in 0.3.0)")
    class BatchResponsePublicAssociationDefinitionUserConfigurationLinks(
        BatchLinks
    ): ...

    @_deprecated(
        "it is now called AssociationLimitBatch (the old name will be removed in 0.3.0)"
    )
    class BatchResponsePublicAssociationDefinitionUserConfigurationWithErrors(
        AssociationLimitBatch
    ): ...

    @_deprecated("it is now called BatchLinks (the old name will be removed in 0.3.0)")
    class BatchResponsePublicAssociationDefinitionUserConfigurationWithErrorsLinks(
        BatchLinks
    ): ...

    @_deprecated(
        "it is now called RecordAssociationsBatch (the old name will be removed in 0.3.0)"
    )
    class BatchResponsePublicAssociationMultiWithLabel(RecordAssociationsBatch): ...

    @_deprecated("it is now called BatchLinks (the old name will be removed in 0.3.0)")
    class BatchResponsePublicAssociationMultiWithLabelLinks(BatchLinks): ...

    @_deprecated(
        "it is now called RecordAssociationsBatch (the old name will be removed in 0.3.0)"
    )
    class BatchResponsePublicAssociationMultiWithLabelWithErrors(
        RecordAssociationsBatch
    ): ...

    @_deprecated("it is now called BatchLinks (the old name will be removed in 0.3.0)")
    class BatchResponsePublicAssociationMultiWithLabelWithErrorsLinks(BatchLinks): ...

    @_deprecated(
        "it is now called DefaultAssociationBatch (the old name will be removed in 0.3.0)"
    )
    class BatchResponsePublicDefaultAssociation(DefaultAssociationBatch): ...

    @_deprecated("it is now called BatchLinks (the old name will be removed in 0.3.0)")
    class BatchResponsePublicDefaultAssociationLinks(BatchLinks): ...

    @_deprecated("it is now called VoidBatch (the old name will be removed in 0.3.0)")
    class BatchResponseVoid(VoidBatch): ...

    @_deprecated("it is now called BatchLinks (the old name will be removed in 0.3.0)")
    class BatchResponseVoidLinks(BatchLinks): ...

    @_deprecated(
        "it is now called AssociatedRecordPage (the old name will be removed in 0.3.0)"
    )
    class CollectionResponseMultiAssociatedObjectWithLabelForwardPaging(
        AssociatedRecordPage
    ): ...

    @_deprecated(
        "it is now called AssociatedRecord (the old name will be removed in 0.3.0)"
    )
    class MultiAssociatedObjectWithLabel(AssociatedRecord): ...

    @_deprecated(
        "it is now called AssociationLimitUpdate (the old name will be removed in 0.3.0)"
    )
    class PublicAssociationDefinitionConfigurationUpdateResult(
        AssociationLimitUpdate
    ): ...

    @_deprecated(
        "it is now called AssociationLimit (the old name will be removed in 0.3.0)"
    )
    class PublicAssociationDefinitionUserConfiguration(AssociationLimit): ...

    @_deprecated(
        "it is now called AssociationInput (the old name will be removed in 0.3.0)"
    )
    class PublicAssociationMultiPost(AssociationInput): ...

    @_deprecated(
        "it is now called RecordAssociations (the old name will be removed in 0.3.0)"
    )
    class PublicAssociationMultiWithLabel(RecordAssociations): ...

    @_deprecated(
        "it is now called DefaultAssociation (the old name will be removed in 0.3.0)"
    )
    class PublicDefaultAssociation(DefaultAssociation): ...


# Only at run time: a type checker that saw a module __getattr__ would accept any name imported
# from here, typos included; it sees the old names declared above instead.
if not _TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        new = RENAMED.get(name)
        if new is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import warnings

        warnings.warn(
            f"{name} is deprecated: it is now called {new} (the old name will be removed in "
            "0.3.0)",
            DeprecationWarning,
            stacklevel=2,
        )
        return globals()[new]
