"""The public API of hubspot_associations, pinned: removing or renaming a name is a breaking change."""

from __future__ import annotations

import inspect
from operator import attrgetter

import hubspot_associations
from hubspot_associations import AsyncHubSpotAssociations, HubSpotAssociations

EXPECTED = {
    "ALL_ASSOCIATION_TYPES", "API_VERSIONS", "OBJECT_TYPE_IDS", "APIConnectionError", "APIStatusError",
    "APITimeoutError", "ApiVersion", "AssociationCategory", "AssociationSpec", "AssociationSpecWithLabel",
    "AssociationType", "AssociationTypeInfo", "AsyncBasic", "AsyncBatch", "AsyncBulk",
    "AsyncHubSpotAssociations", "AsyncLabels", "AsyncLimits", "AsyncReport", "AuthenticationError",
    "BadRequestError", "Basic", "Batch", "Bulk", "BulkFailure", "BulkResult", "ClientSettings",
    "ClientValidationError", "ConflictError", "CustomLabel", "HubSpotAssociations", "HubSpotError",
    "LabelPair", "Labels", "LabelsBetweenObjectPair", "Limits", "AssociatedRecord",
    "NotFoundError", "OutcomeUnknownError", "PermissionDeniedError", "RecordAssociations", "RateLimitError", "ResponseTooLargeError",
    "RateLimiter", "Report", "RetryPolicy", "ServerError", "UnexpectedResponseError",
    "UnexpectedStatusError", "__version__", "label_pair", "normalize_object_type", "object_type_id",
    "types_between", "validate_label_name", "RetryingTransport", "AsyncRetryingTransport",
    "error_from_response", "RedisWindow", "AsyncRedisWindow", "SharedBudgetUnavailable",
    "DailyLimitReached", "LimitsUsage", "AsyncLimitsUsage", "AssociationLabelLimit",
    "AssociationRecordLimitUsage", "ObjectTypeRecordLimitStatus", "NearLimitRecordSample",
    "AtLimitRecordSample", "LimitsObjectType",
    # The models the facade returns and takes, and every model their fields hold (short names).
    "AssociatedRecordPage", "AssociationInput", "AssociationLimit", "AssociationLimitBatch",
    "AssociationLimitUpdate", "AssociationLimitUpdateBatch", "BatchLinks", "BatchStatus",
    "DefaultAssociation", "DefaultAssociationBatch", "EpochTime", "ErrorDetail",
    "ErrorDetailContext", "ForwardPaging", "LabelsBetweenObjectPairBatch", "NextPage", "Paging",
    "PreviousPage", "PublicObjectId", "RecordAssociationsBatch", "ReportCreationResponse",
    "StandardError", "StandardErrorContext", "StandardErrorLinks", "VoidBatch",
    # A call's answer with its status and headers (client.with_raw_response).
    "RawResponse",
    # Tokens: the 2026-09 association-permission refusal, a failing token provider, and what
    # HubSpot's introspection says about a token (client.token_info()).
    "AssociationPermissionError", "TokenProviderError", "TokenInfo",
    # Webhooks (hubspot_associations.webhooks): the signature check and the association events.
    "verify_signature", "parse_events", "AssociationChangeEvent", "InvalidSignatureError",
    "WebhookBodyError",
}  # fmt: skip

# The methods of each group, pinned: a facade name is the operationId's verb (remove_associations →
# basic.remove, batch_remove_associations → batch.remove, batch_remove_labels → remove_labels).
METHODS = {
    "basic": {"associate", "associate_default", "get_page", "iter_all", "remove"},
    "batch": {"associate_default", "create", "read", "iter_read", "remove", "remove_labels",
              "archive", "archive_labels"},
    "bulk": {"associate_default", "create", "read", "remove", "remove_labels",
             "archive", "archive_labels"},
    "labels": {"list", "create", "update", "delete"},
    "limits": {"list", "list_all", "create", "update", "purge", "usage"},
    "limits.usage": {"labels", "record_sources", "record_targets", "records"},
    "report": {"request"},
}  # fmt: skip
# Old names kept as deprecated aliases for one minor release (0.2.x), removed in 0.3.0.
DEPRECATED = {
    ("batch", "archive"): "remove",
    ("batch", "archive_labels"): "remove_labels",
    ("bulk", "archive"): "remove",
    ("bulk", "archive_labels"): "remove_labels",
}


def test_all_is_exactly_the_pinned_names() -> None:
    """__all__ lists exactly the pinned public names, sorted, and each one exists."""
    assert set(hubspot_associations.__all__) == EXPECTED
    for name in hubspot_associations.__all__:
        assert hasattr(hubspot_associations, name), name


def test_sync_and_async_clients_offer_the_same_methods() -> None:
    """Every group of the sync client has the async client's methods with the same parameters."""
    sync = HubSpotAssociations("t", base_url="http://127.0.0.1:9", rate_limit=None)
    asynchronous = AsyncHubSpotAssociations("t", base_url="http://127.0.0.1:9", rate_limit=None)
    for group in ("basic", "batch", "report", "labels", "limits", "limits.usage", "bulk"):
        mine = attrgetter(group)(sync)
        theirs = attrgetter(group)(asynchronous)
        names = {n for n in dir(theirs) if not n.startswith("_")}
        assert names == {n for n in dir(mine) if not n.startswith("_")}, group
        for name in names:
            if not callable(getattr(mine, name)):
                continue  # a group inside the group (limits.usage), compared on its own
            assert (
                inspect.signature(getattr(mine, name)).parameters.keys()
                == inspect.signature(getattr(theirs, name)).parameters.keys()
            )
    sync.close()


def test_every_facade_method_takes_the_per_call_options() -> None:
    """Each method of every group, bulk helpers included, takes timeout= and extra_headers=
    as keywords, and both clients have with_options and with_raw_response."""
    for client_class in (HubSpotAssociations, AsyncHubSpotAssociations):
        client = client_class("t", base_url="http://127.0.0.1:9", rate_limit=None)
        for group, names in METHODS.items():
            for name in names - {"usage"}:
                parameters = inspect.signature(getattr(attrgetter(group)(client), name)).parameters
                for option in ("timeout", "extra_headers"):
                    assert parameters[option].kind is inspect.Parameter.KEYWORD_ONLY, (group, name)
                    assert parameters[option].default is None, (group, name)
        assert callable(client.with_options)
        assert callable(client.with_raw_response)


def test_generated_package_stays_reachable() -> None:
    """client.raw is the generated client, usable with any generated operation."""
    from hubspot_associations_api import AuthenticatedClient

    client = HubSpotAssociations("t", base_url="http://127.0.0.1:9", rate_limit=None)
    assert isinstance(client.raw, AuthenticatedClient)
    client.close()


def test_each_group_offers_exactly_the_pinned_methods() -> None:
    """Every group's public methods are the pinned ones: renaming one is deliberate."""
    client = HubSpotAssociations("t", base_url="http://127.0.0.1:9", rate_limit=None)
    with client:
        for group, expected in METHODS.items():
            owner = attrgetter(group)(client)
            assert {n for n in dir(owner) if not n.startswith("_")} == expected, group


def test_deprecated_aliases_are_exactly_the_pinned_ones() -> None:
    """The deprecated old names are exactly the pinned aliases, each marked with its new name."""
    for prefix in ("", "Async"):
        for group in METHODS:
            owner = getattr(hubspot_associations, prefix + group.title().replace(".", ""))
            for name in METHODS[group] - {"usage"}:
                message: str | None = getattr(getattr(owner, name), "__deprecated__", None)
                if (group, name) in DEPRECATED:
                    assert message is not None, (group, name)
                    assert f"use {group}.{DEPRECATED[group, name]}()" in message, (group, name)
                else:
                    assert message is None, (group, name)


def _models_in(annotation: object, found: set[type]) -> None:
    """Every generated model class an annotation holds, through unions, generics and fields."""
    import typing

    import attrs

    for arg in typing.get_args(annotation):
        _models_in(arg, found)
    origin = typing.get_origin(annotation)
    target = annotation if origin is None else origin
    if isinstance(target, type) and target.__module__.startswith("hubspot_associations_api"):
        if target in found:
            return
        found.add(target)
        if attrs.has(target):
            hints = typing.get_type_hints(target)
            for field in attrs.fields(target):
                _models_in(hints[field.name], found)


def _facade_models() -> dict[str, set[type]]:
    """method path → the generated classes its return annotation reaches, for both clients."""
    import typing

    reached: dict[str, set[type]] = {}
    for client_class in (HubSpotAssociations, AsyncHubSpotAssociations):
        client = client_class("t", base_url="http://127.0.0.1:9", rate_limit=None)
        for group, names in METHODS.items():
            owner = attrgetter(group)(client)
            for name in names - {"usage"}:
                method = getattr(owner, name)
                hints = typing.get_type_hints(method)
                found: set[type] = set()
                _models_in(hints.get("return"), found)
                reached[f"{client_class.__name__}.{group}.{name}"] = found
    return reached


def test_every_model_the_facade_returns_is_exported_under_its_short_name() -> None:
    """Each model reachable from a facade return type (its fields' models too) is exported from
    hubspot_associations by its class name, and no exported model's name is over 30 characters."""
    missing: dict[str, str] = {}
    for path, models in _facade_models().items():
        for model in models:
            if getattr(hubspot_associations, model.__name__, None) is not model:
                missing.setdefault(model.__name__, path)
        assert all(len(m.__name__) <= 30 for m in models), (path, models)
    assert missing == {}


def test_answers_hold_fields_as_hubspot_sends_them() -> None:
    """No field of a model the facade returns is typed with Unset (T, T | None, or a list)."""
    import typing

    import attrs

    leaks = []
    for path, models in _facade_models().items():
        for model in models:
            if not attrs.has(model):
                continue
            hints = typing.get_type_hints(model)
            leaks += [f"{path}: {model.__name__}.{f.name}" for f in attrs.fields(model)
                      if "Unset" in str(hints[f.name])]  # fmt: skip
    assert leaks == []


def test_old_model_names_warn_and_give_the_new_class() -> None:
    """Each name the models had before 0.2 still imports from both packages, as the class of its
    new name, with a DeprecationWarning naming it; an unknown name is still an AttributeError."""
    import pytest
    from hubspot_associations_api import models

    assert models.RENAMED["BatchResponseLabelsBetweenObjectPairWithErrors"] == (
        "LabelsBetweenObjectPairBatch"
    )
    assert len(models.RENAMED) >= 27
    for old, new in models.RENAMED.items():
        for module in (hubspot_associations, models):
            with pytest.warns(DeprecationWarning, match=rf"{old} is deprecated: .* called {new}"):
                assert getattr(module, old) is getattr(models, new)
    for module in (hubspot_associations, models):
        with pytest.raises(AttributeError):
            module.NoSuchModel  # noqa: B018
