"""The asynchronous client: one method per operation, grouped like the API's tags.

Only the async module is written by hand; codegen/unasync.py derives the sync twin from it, so
the two clients always offer the same methods with the same checks.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, ParamSpec, Self, TypeVar, Unpack, cast

import httpx
from hubspot_associations_api import AuthenticatedClient
from hubspot_associations_api.api.basic import (
    associate_default,
    associate_with_labels,
    list_associations,
    remove_associations,
)
from hubspot_associations_api.api.batch import (
    batch_associate_default,
    batch_create_associations,
    batch_read_associations,
    batch_remove_associations,
    batch_remove_labels,
)
from hubspot_associations_api.api.labels import (
    create_label,
    delete_label,
    list_labels,
    update_label,
)
from hubspot_associations_api.api.limits import (
    create_limits,
    list_all_limits,
    list_limits,
    purge_limits,
    update_limits,
)
from hubspot_associations_api.api.limits_usage import (
    get_label_limits_usage,
    get_record_limits_usage,
    list_record_limits_sources,
    list_record_limits_targets,
)
from hubspot_associations_api.api.report import request_high_usage_report
from hubspot_associations_api.models import (
    AssociatedRecord,
    AssociatedRecordPage,
    AssociationInput,
    AssociationLabelLimit,
    AssociationLimit,
    AssociationLimitBatch,
    AssociationLimitUpdateBatch,
    AssociationRecordLimitUsage,
    AssociationSpec,
    AssociationSpecWithLabel,
    BatchInputPublicAssociationDefinitionConfigurationCreateRequest,
    BatchInputPublicAssociationDefinitionConfigurationUpdateRequest,
    BatchInputPublicAssociationMultiArchive,
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicAssociationSpec,
    BatchInputPublicDefaultAssociationMultiPost,
    BatchInputPublicFetchAssociationsBatchRequest,
    DefaultAssociationBatch,
    LabelsBetweenObjectPair,
    LabelsBetweenObjectPairBatch,
    LabelsBetweenObjectPairCreated,
    ObjectTypeRecordLimitStatus,
    PublicAssociationDefinitionConfigurationCreateRequest,
    PublicAssociationDefinitionConfigurationUpdateRequest,
    PublicAssociationDefinitionCreateRequest,
    PublicAssociationDefinitionUpdateRequest,
    PublicAssociationMultiArchive,
    PublicAssociationSpec,
    PublicDefaultAssociationMultiPost,
    PublicFetchAssociationsBatchRequest,
    PublicObjectId,
    RecordAssociations,
    RecordAssociationsBatch,
    ReportCreationResponse,
    VoidBatch,
)
from hubspot_associations_api.types import UNSET, Operation, Unset

from .._auth.info import TokenInfo
from .._auth.tokens import AsyncTokenProvider
from .._bulk import (
    BulkResult,
    ChunkOutcome,
    OnChunk,
    Progress,
    chunked,
    outcome_of_error,
    split_by_errors,
    split_by_results,
)
from .._calls.lost_answers import NOT_IDEMPOTENT_OPERATIONS, Resent, confirmed_limits
from .._calls.options import CallOptions, CallSettings, per_call
from .._calls.raw import RawResponse, captured, capturing
from .._calls.standins import decode_cursor, next_after, page_from_batch_read, require_offered
from .._deprecation import alias_of, deprecated, renamed_parameters
from .._exceptions import (
    APIConnectionError,
    BadRequestError,
    ClientValidationError,
    HubSpotError,
    NotFoundError,
    OutcomeUnknownError,
)
from .._logging import configure_from_env, log_answer
from .._numbers import (
    BATCH_READ_MAX,
    BULK_BATCH_DEFAULT,
    BULK_BATCH_MAX,
    DEFAULT_CONCURRENCY,
    PAGE_MAX,
)
from .._responses import connection_error, finish
from .._settings import ClientSettings, RateLimitLike
from .._transports.body import DEFAULT_MAX_BODY_BYTES
from .._transports.retry import RetryPolicy
from .._transports.shared import NOT_IDEMPOTENT, OnRetry, give_up_lost
from .._values import inputs as _inputs
from .._values.inputs import (
    IdLike,
    TypeLike,
    object_id,
    object_type,
    pair_inputs,
    require_items,
    to_spec,
    to_specs,
)
from .._values.labels import check_label_text, validate_label_name
from .._values.object_types import require_object_type_id
from .._values.ranges import in_range
from .._versions import ApiVersion, Release
from .auth import AsyncTokenAuth, async_token_info
from .bulk import run_chunks

__all__ = [
    "AsyncBasic",
    "AsyncBatch",
    "AsyncBulk",
    "AsyncCore",
    "AsyncHubSpotAssociations",
    "AsyncLabels",
    "AsyncLimits",
    "AsyncLimitsUsage",
    "AsyncReport",
]

P = ParamSpec("P")
T = TypeVar("T")


class AsyncCore:
    """Sends one generated operation through the configured HTTP client and checks the answer."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        release: Release,
        resends: int = 4,
        options: CallSettings | None = None,
    ) -> None:
        self.http = http
        self.release = release
        # How often a write that is not idempotent is sent again after lost answers (the retry
        # policy's max_retries): each lost answer leads to at most one resend.
        self.resends = resends
        # What a with_options copy or one call adds to every request it sends.
        self.options = options or CallSettings()

    def with_options(
        self,
        *,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        max_retries: int | None = None,
    ) -> AsyncCore:
        """A core on the same HTTP client (pool, limiter, transport) sending with these options
        on top of this one's."""
        options = self.options.merged(
            timeout=timeout, extra_headers=extra_headers, max_retries=max_retries
        )
        resends = self.resends if options.max_retries is None else options.max_retries
        return AsyncCore(self.http, self.release, resends, options)

    def given(self, timeout: float | None, extra_headers: Mapping[str, str] | None) -> AsyncCore:
        """This core, or a copy with one call's ``timeout=`` and ``extra_headers=``."""
        if timeout is None and extra_headers is None:
            return self
        return self.with_options(timeout=timeout, extra_headers=extra_headers)

    async def call(self, operation: Operation[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Build the request with a generated ``OPERATION``, send it, and parse or raise.

        The arguments are type-checked against the operation's request builder and the result is
        its documented success model.
        """
        return (await self.send(operation, *args, **kwargs)).parsed

    async def send(
        self, operation: Operation[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> RawResponse[T]:
        """``call``, with the status and headers HubSpot answered with beside the model."""
        require_offered(self.release, operation.operation_id)
        request = operation.build_request(*args, **kwargs)
        not_idempotent = operation.operation_id in NOT_IDEMPOTENT_OPERATIONS
        extensions: dict[str, Any] = {NOT_IDEMPOTENT: True} if not_idempotent else {}
        self.options.apply(request, extensions)
        started = time.monotonic()
        try:
            response = await self.http.request(**request, extensions=extensions)
        except httpx.RequestError as exc:
            raise connection_error(exc) from exc
        log_answer(operation.operation_id, response, time.monotonic() - started)
        return captured(
            RawResponse(
                response.status_code, response.headers, finish(operation, response, self.release)
            )
        )

    async def resend(
        self, operation: Operation[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> Resent[T]:
        """``call``, sent again after each lost answer (at most ``resends`` times); a 400 or 404
        is returned as the refusal when an answer was lost before it, raised otherwise."""
        lost: APIConnectionError | None = None
        for _ in range(self.resends + 1):
            try:
                return Resent(await self.call(operation, *args, **kwargs), lost is not None)
            except APIConnectionError as exc:
                if not exc.sent:
                    raise
                lost = exc
            except (BadRequestError, NotFoundError) as exc:
                if lost is None:
                    raise
                return Resent(None, True, exc)
        assert lost is not None
        give_up_lost(lost.method, lost.url, self.resends + 1, lost)
        raise lost


class AsyncSection:
    """A group of facade methods on one core; ``per_call`` reruns a method on a copy."""

    def __init__(self, core: AsyncCore) -> None:
        self._core = core

    def _given(self, timeout: float | None, extra_headers: Mapping[str, str] | None) -> Self:
        return type(self)(self._core.given(timeout, extra_headers))


class AsyncBasic(AsyncSection):
    """Associations between two individual records."""

    @per_call
    async def associate_default(
        self,
        from_object_type: str,
        from_object_id: IdLike,
        to_object_type: str,
        to_object_id: IdLike,
        **options: Unpack[CallOptions],
    ) -> DefaultAssociationBatch:
        """Associate two records with the default (unlabeled) type.

        operationId ``associate_default``.
        """
        return await self._core.call(
            associate_default.OPERATION,
            object_type(from_object_type),
            object_id(from_object_id),
            object_type(to_object_type),
            object_id(to_object_id),
        )

    @per_call
    async def associate(
        self,
        from_object_type: str,
        from_object_id: IdLike,
        to_object_type: str,
        to_object_id: IdLike,
        types: Iterable[TypeLike],
        **options: Unpack[CallOptions],
    ) -> LabelsBetweenObjectPair:
        """Associate two records with the given types (labels) of this direction.

        operationId ``associate_with_labels``. Releases answer 201 with the labels, or 200 with
        them wrapped in ``entity`` (2025-10): either way the labels are returned.
        """
        result = await self._core.call(
            associate_with_labels.OPERATION,
            object_type(from_object_type),
            object_id(from_object_id),
            object_type(to_object_type),
            object_id(to_object_id),
            body=to_specs(types),
        )
        if isinstance(result, LabelsBetweenObjectPairCreated):
            return result.entity
        return result

    @renamed_parameters(object_type_="object_type", object_id_="object_id")
    @per_call
    async def get_page(
        self,
        object_type: str,
        object_id: IdLike,
        to_object_type: str,
        *,
        after: str | None = None,
        limit: int = PAGE_MAX,
        **options: Unpack[CallOptions],
    ) -> AssociatedRecordPage:
        """One page of the records of ``to_object_type`` associated with a record.

        operationId ``list_associations``. On a release without it (2026-09), the page is read
        with ``batch_read_associations`` for this one record: ``limit`` still caps the page, and
        ``paging.next_.after`` is this client's cursor for that release (cursors are opaque and
        belong to one release). The keywords ``object_type_`` and ``object_id_`` of 0.1 still
        work, with a DeprecationWarning, until 0.3.0.
        """
        _check_limit(limit)
        if not self._core.release.offers("list_associations"):
            return await self._page_by_batch_read(
                object_type, object_id, to_object_type, after, limit
            )
        return await self._core.call(
            list_associations.OPERATION,
            _inputs.object_type(object_type),
            _inputs.object_id(object_id),
            _inputs.object_type(to_object_type),
            after=UNSET if after is None else after,
            limit=limit,
        )

    async def _page_by_batch_read(
        self,
        object_type: str,
        object_id: IdLike,
        to_object_type: str,
        after: str | None,
        limit: int,
    ) -> AssociatedRecordPage:
        hubspot_after, offset = decode_cursor(after, self._core.release.name)
        fetch = PublicFetchAssociationsBatchRequest(
            id=_inputs.object_id(object_id),
            after=UNSET if hubspot_after is None else hubspot_after,
        )
        answer = await self._core.call(
            batch_read_associations.OPERATION,
            _inputs.object_type(object_type),
            _inputs.object_type(to_object_type),
            body=BatchInputPublicFetchAssociationsBatchRequest(inputs=[fetch]),
        )
        return page_from_batch_read(answer, hubspot_after, offset, limit)

    @renamed_parameters(object_type_="object_type", object_id_="object_id")
    @per_call
    async def iter_all(
        self,
        object_type: str,
        object_id: IdLike,
        to_object_type: str,
        *,
        page_size: int = PAGE_MAX,
        **options: Unpack[CallOptions],
    ) -> AsyncIterator[AssociatedRecord]:
        """Every associated record, following ``paging.next_.after`` to the last page.

        operationId ``list_associations`` (``batch_read_associations`` on 2026-09), one call per
        page. The keywords ``object_type_`` and ``object_id_`` of 0.1 still work, with a
        DeprecationWarning, until 0.3.0.
        """
        after: str | None = None
        while True:
            page = await self.get_page(
                object_type, object_id, to_object_type, after=after, limit=page_size
            )
            for item in page.results:
                yield item
            after = next_after(page.paging)
            if after is None:
                return

    @per_call
    async def remove(
        self,
        from_object_type: str,
        from_object_id: IdLike,
        to_object_type: str,
        to_object_id: IdLike,
        **options: Unpack[CallOptions],
    ) -> None:
        """Remove every association (unlabeled and labelled) between two records.

        operationId ``remove_associations``.
        """
        await self._core.call(
            remove_associations.OPERATION,
            object_type(from_object_type),
            object_id(from_object_id),
            object_type(to_object_type),
            object_id(to_object_id),
        )


class AsyncBatch(AsyncSection):
    """Associations between many records in one request (see ``client.bulk`` for any number)."""

    @per_call
    async def associate_default(
        self,
        from_object_type: str,
        to_object_type: str,
        pairs: Iterable[tuple[IdLike, IdLike]],
        **options: Unpack[CallOptions],
    ) -> DefaultAssociationBatch:
        """Associate each (from ID, to ID) pair with the default type.

        operationId ``batch_associate_default``.
        """
        checked = _id_pairs(pairs)
        require_items(checked, what="batch.associate_default", maximum=BULK_BATCH_MAX)
        types = _pair_types(from_object_type, to_object_type)
        return (await self._associate_default(*types, checked)).parsed

    # The private senders below take checked values (object types, ID pairs, inputs): the public
    # methods check what callers pass, and the bulk helpers check each input once, for the whole
    # job, before a chunk reaches these (a chunk is never checked again).

    async def _associate_default(
        self, from_type: str, to_type: str, pairs: Sequence[tuple[str, str]]
    ) -> RawResponse[DefaultAssociationBatch]:
        inputs = [
            PublicDefaultAssociationMultiPost(from_=PublicObjectId(id=a), to=PublicObjectId(id=b))
            for a, b in pairs
        ]
        return await self._core.send(
            batch_associate_default.OPERATION,
            from_type,
            to_type,
            body=BatchInputPublicDefaultAssociationMultiPost(inputs=inputs),
        )

    @per_call
    async def create(
        self,
        from_object_type: str,
        to_object_type: str,
        inputs: Iterable[AssociationInput] | Iterable[tuple[IdLike, IdLike]],
        types: Sequence[TypeLike] | None = None,
        **options: Unpack[CallOptions],
    ) -> LabelsBetweenObjectPairBatch:
        """Associate pairs with labels: ready inputs, or (from ID, to ID) pairs plus ``types``.

        operationId ``batch_create_associations``.
        """
        posts = _multi_posts(inputs, types)
        require_items(posts, what="batch.create", maximum=BULK_BATCH_MAX)
        checked_types = _pair_types(from_object_type, to_object_type)
        return (await self._create(*checked_types, posts)).parsed

    async def _create(
        self, from_type: str, to_type: str, posts: builtins.list[AssociationInput]
    ) -> RawResponse[LabelsBetweenObjectPairBatch]:
        return await self._core.send(
            batch_create_associations.OPERATION,
            from_type,
            to_type,
            body=BatchInputPublicAssociationMultiPost(inputs=posts),
        )

    @per_call
    async def read(
        self,
        from_object_type: str,
        to_object_type: str,
        ids: Iterable[IdLike | tuple[IdLike, str]],
        **options: Unpack[CallOptions],
    ) -> RecordAssociationsBatch:
        """Read the associations of up to 1,000 records; an ID may carry an ``after`` cursor.

        operationId ``batch_read_associations``.
        """
        inputs = [_fetch_input(value) for value in ids]
        require_items(inputs, what="batch.read", maximum=BATCH_READ_MAX)
        return await self._read(*_pair_types(from_object_type, to_object_type), inputs)

    async def _read(
        self,
        from_type: str,
        to_type: str,
        inputs: builtins.list[PublicFetchAssociationsBatchRequest],
    ) -> RecordAssociationsBatch:
        return await self._core.call(
            batch_read_associations.OPERATION,
            from_type,
            to_type,
            body=BatchInputPublicFetchAssociationsBatchRequest(inputs=inputs),
        )

    @per_call
    async def iter_read(
        self,
        from_object_type: str,
        to_object_type: str,
        ids: Iterable[IdLike],
        **options: Unpack[CallOptions],
    ) -> AsyncIterator[RecordAssociations]:
        """Every result of a batch read, following each input's own paging to its end.

        operationId ``batch_read_associations``, 1,000 records per call.
        """
        pending: list[IdLike | tuple[IdLike, str]] = list(ids)
        if not pending:
            return  # nothing to read, and nothing checked (as a read of no chunk)
        # As each chunk is read: its IDs are checked when it is sent, the first with the types.
        first = [_fetch_input(value) for value in pending[:BATCH_READ_MAX]]
        types = _pair_types(from_object_type, to_object_type)
        async for result in self._iter_read(*types, [*first, *pending[BATCH_READ_MAX:]]):
            yield result

    async def _iter_read(
        self,
        from_type: str,
        to_type: str,
        given: Sequence[PublicFetchAssociationsBatchRequest | IdLike | tuple[IdLike, str]],
    ) -> AsyncIterator[RecordAssociations]:
        """Read ``pending`` 1,000 at a time, each result's next page queued behind; an input not
        checked yet (a caller's ID, an answer's record and cursor) is checked when sent."""
        pending = builtins.list(given)
        while pending:
            chunk, pending = pending[:BATCH_READ_MAX], pending[BATCH_READ_MAX:]
            inputs = [
                value
                if isinstance(value, PublicFetchAssociationsBatchRequest)
                else _fetch_input(value)
                for value in chunk
            ]
            response = await self._read(from_type, to_type, inputs)
            for result in response.results:
                yield result
                after = next_after(result.paging)
                if after is not None:
                    pending.append((result.from_.id, after))

    @per_call
    async def remove(
        self,
        from_object_type: str,
        to_object_type: str,
        pairs: Iterable[tuple[IdLike, IdLike]],
        **options: Unpack[CallOptions],
    ) -> VoidBatch | None:
        """Remove every association between each (from ID, to ID) pair.

        operationId ``batch_remove_associations``. Returns None on a 204 (v4), or the batch body
        that dated releases answer with (it may list failed inputs in ``errors``).
        """
        given = builtins.list(pairs)
        # The cap counts pairs, as the bulk helpers' chunks do (the body groups them by from ID).
        require_items(given, what="batch.remove", maximum=BULK_BATCH_MAX)
        checked = _id_pairs(given)
        types = _pair_types(from_object_type, to_object_type)
        return (await self._remove(*types, checked)).parsed

    async def _remove(
        self, from_type: str, to_type: str, pairs: Sequence[tuple[str, str]]
    ) -> RawResponse[VoidBatch | None]:
        grouped: dict[str, list[PublicObjectId]] = {}
        for a, b in pairs:
            grouped.setdefault(a, []).append(PublicObjectId(id=b))
        inputs = [
            PublicAssociationMultiArchive(from_=PublicObjectId(id=k), to=v)
            for k, v in grouped.items()
        ]
        return await self._core.send(
            batch_remove_associations.OPERATION,
            from_type,
            to_type,
            body=BatchInputPublicAssociationMultiArchive(inputs=inputs),
        )

    @deprecated(
        "batch.archive() is deprecated: use batch.remove() (operationId "
        "batch_remove_associations); the old name will be removed in 0.3.0"
    )
    @alias_of(remove)
    async def archive(self, *args: Any, **kwargs: Any) -> VoidBatch | None:
        """Deprecated alias of :meth:`remove` (operationId ``batch_remove_associations``)."""
        return await self.remove(*args, **kwargs)

    @per_call
    async def remove_labels(
        self,
        from_object_type: str,
        to_object_type: str,
        inputs: Iterable[AssociationInput] | Iterable[tuple[IdLike, IdLike]],
        types: Sequence[TypeLike] | None = None,
        **options: Unpack[CallOptions],
    ) -> VoidBatch | None:
        """Remove only the given labels between pairs; they stay associated otherwise.

        operationId ``batch_remove_labels``. Returns None on a 204 (v4), or the batch body that
        dated releases answer with (it may list failed inputs in ``errors``).
        """
        posts = _multi_posts(inputs, types)
        require_items(posts, what="batch.remove_labels", maximum=BULK_BATCH_MAX)
        checked_types = _pair_types(from_object_type, to_object_type)
        return (await self._remove_labels(*checked_types, posts)).parsed

    async def _remove_labels(
        self, from_type: str, to_type: str, posts: builtins.list[AssociationInput]
    ) -> RawResponse[VoidBatch | None]:
        return await self._core.send(
            batch_remove_labels.OPERATION,
            from_type,
            to_type,
            body=BatchInputPublicAssociationMultiPost(inputs=posts),
        )

    @deprecated(
        "batch.archive_labels() is deprecated: use batch.remove_labels() (operationId "
        "batch_remove_labels); the old name will be removed in 0.3.0"
    )
    @alias_of(remove_labels)
    async def archive_labels(self, *args: Any, **kwargs: Any) -> VoidBatch | None:
        """Deprecated alias of :meth:`remove_labels` (operationId ``batch_remove_labels``)."""
        return await self.remove_labels(*args, **kwargs)


class AsyncReport(AsyncSection):
    """The high-usage report."""

    @per_call
    async def request(
        self,
        user_id: int,
        **options: Unpack[CallOptions],
    ) -> ReportCreationResponse:
        """Ask HubSpot to e-mail ``user_id`` the records at 80 % or more of their limit.

        operationId ``request_high_usage_report``.
        """
        in_range("user_id", user_id, hint="a HubSpot user's ID (an int32 in the spec)")
        try:
            return await self._core.call(request_high_usage_report.OPERATION, user_id)
        except APIConnectionError as exc:
            if not exc.sent:
                raise
            # Sending it again could e-mail the user twice, and nothing reads a report back.
            give_up_lost(exc.method, exc.url, 1, exc)
            raise OutcomeUnknownError(
                "request_high_usage_report", {"user_id": user_id}, exc
            ) from exc


class AsyncLabels(AsyncSection):
    """Association types and custom labels between two object types."""

    @per_call
    async def list(
        self,
        from_object_type: str,
        to_object_type: str,
        **options: Unpack[CallOptions],
    ) -> builtins.list[AssociationSpecWithLabel]:
        """Every association type of this direction, HubSpot-defined and custom.

        operationId ``list_labels``.
        """
        result = await self._core.call(
            list_labels.OPERATION, object_type(from_object_type), object_type(to_object_type)
        )
        return result.results

    @per_call
    async def create(
        self,
        from_object_type: str,
        to_object_type: str,
        *,
        name: str,
        label: str,
        inverse_label: str | None = None,
        **options: Unpack[CallOptions],
    ) -> builtins.list[AssociationSpecWithLabel]:
        """Create a label (paired when ``inverse_label`` is given); both directions come back.

        operationId ``create_label``. Creating is not idempotent (a second create answers "already
        exists"), so after a lost answer the labels are listed: the label is returned if it
        exists with the wording sent (and the inverse), else the create is sent again.
        """
        validate_label_name(name)
        body = PublicAssociationDefinitionCreateRequest(
            name=name,
            label=check_label_text("label", label),
            inverse_label=_inverse_label(inverse_label),
        )
        lost: APIConnectionError | None = None
        for _ in range(self._core.resends + 1):
            try:
                result = await self._core.call(
                    create_label.OPERATION,
                    object_type(from_object_type),
                    object_type(to_object_type),
                    body=body,
                )
            except APIConnectionError as exc:
                if not exc.sent:
                    raise
                lost = exc
            except BadRequestError:
                # "Already exists" after a lost answer: ours, if it reads back as sent.
                if lost is None:
                    raise
                found = await self._created(from_object_type, to_object_type, label, inverse_label)
                if not found:
                    raise
                return found
            else:
                return result.results
            found = await self._created(from_object_type, to_object_type, label, inverse_label)
            if found:
                return found
        assert lost is not None
        give_up_lost(lost.method, lost.url, self._core.resends + 1, lost)
        raise lost

    async def _created(
        self, from_object_type: str, to_object_type: str, label: str, inverse_label: str | None
    ) -> builtins.list[AssociationSpecWithLabel]:
        """The custom label (and its inverse, listed from the other side) if both exist as sent;
        empty otherwise."""
        found = [
            t
            for t in await self.list(from_object_type, to_object_type)
            if str(t.category) != "HUBSPOT_DEFINED" and t.label == label
        ]
        if found and inverse_label is not None:
            inverse = [
                t
                for t in await self.list(to_object_type, from_object_type)
                if str(t.category) != "HUBSPOT_DEFINED" and t.label == inverse_label
            ]
            return [*found, *inverse] if inverse else []
        return found

    @per_call
    async def update(
        self,
        from_object_type: str,
        to_object_type: str,
        *,
        type_id: int,
        label: str,
        inverse_label: str | None = None,
        **options: Unpack[CallOptions],
    ) -> None:
        """Change the wording of a custom label (and of its inverse).

        operationId ``update_label``.
        """
        body = PublicAssociationDefinitionUpdateRequest(
            association_type_id=in_range("type_id", type_id),
            label=check_label_text("label", label),
            inverse_label=_inverse_label(inverse_label),
        )
        await self._core.call(
            update_label.OPERATION,
            object_type(from_object_type),
            object_type(to_object_type),
            body=body,
        )

    @per_call
    async def delete(
        self,
        from_object_type: str,
        to_object_type: str,
        type_id: int,
        **options: Unpack[CallOptions],
    ) -> None:
        """Delete a custom label; associations that used it lose that label.

        operationId ``delete_label``. After a lost answer it is sent again; a refusal of that
        resend (400 or 404: nothing to delete) ends as success only if the type ID is no longer
        listed. Deleting a type ID that never existed still raises.
        """
        sent = await self._core.resend(
            delete_label.OPERATION, object_type(from_object_type), object_type(to_object_type),
            in_range("type_id", type_id),
        )  # fmt: skip
        if sent.refusal is not None:
            listed = {t.type_id for t in await self.list(from_object_type, to_object_type)}
            if type_id in listed:
                raise sent.refusal


class AsyncLimitsUsage(AsyncSection):
    """How much of the association limits the portal uses (HubSpot's Limits Tracking API).

    Read-only. Object types are given by type ID (``"0-1"``, ``"2-123"``) or a standard object's
    name (``"contacts"``), which is sent as its ID; a custom object given by name is refused
    before anything is sent, since these calls take type IDs only.
    """

    @per_call
    async def labels(
        self,
        from_object_type: str | None = None,
        to_object_type: str | None = None,
        **options: Unpack[CallOptions],
    ) -> builtins.list[AssociationLabelLimit]:
        """Custom-label usage per object pair: ``limit``, ``usage``, ``percentage``, ``all_labels``.

        Without object types, every pair that has a custom label; either narrows the pairs.
        operationId ``get_label_limits_usage``.
        """
        what = "limits.usage.labels"
        result = await self._core.call(
            get_label_limits_usage.OPERATION,
            from_object_type_id=(
                UNSET
                if from_object_type is None
                else require_object_type_id(from_object_type, what)
            ),
            to_object_type_id=(
                UNSET if to_object_type is None else require_object_type_id(to_object_type, what)
            ),
        )
        return result.results

    @per_call
    async def record_sources(
        self, **options: Unpack[CallOptions]
    ) -> builtins.list[ObjectTypeRecordLimitStatus]:
        """Source object types, each with whether some records are near or at a per-record limit.

        operationId ``list_record_limits_sources``.
        """
        result = await self._core.call(list_record_limits_sources.OPERATION)
        return result.results

    @per_call
    async def record_targets(
        self,
        from_object_type: str,
        **options: Unpack[CallOptions],
    ) -> builtins.list[ObjectTypeRecordLimitStatus]:
        """The target object types of one source type, each with whether records are near or at
        the limit. operationId ``list_record_limits_targets``.
        """
        from_id = require_object_type_id(from_object_type, "limits.usage.record_targets")
        result = await self._core.call(list_record_limits_targets.OPERATION, from_id)
        return result.results

    @per_call
    async def records(
        self,
        from_object_type: str,
        to_object_type: str,
        **options: Unpack[CallOptions],
    ) -> AssociationRecordLimitUsage:
        """One pair's per-record limit, how many source records are near it and at it, and
        samples of each (``near_limit_from_record_samples``, ``at_limit_from_record_samples``).

        operationId ``get_record_limits_usage``.
        """
        what = "limits.usage.records"
        return await self._core.call(
            get_record_limits_usage.OPERATION,
            require_object_type_id(from_object_type, what),
            require_object_type_id(to_object_type, what),
        )


class AsyncLimits(AsyncSection):
    """Limits on how many records one record may be associated with, per association type.

    ``usage`` reads how much of them the portal uses (HubSpot's Limits Tracking API).
    """

    def __init__(self, core: AsyncCore) -> None:
        super().__init__(core)
        self.usage = AsyncLimitsUsage(core)

    @per_call
    async def list_all(self, **options: Unpack[CallOptions]) -> builtins.list[AssociationLimit]:
        """Every limit users have set, for all object pairs.

        operationId ``list_all_limits``.
        """
        result = await self._core.call(list_all_limits.OPERATION)
        return result.results

    @per_call
    async def list(
        self,
        from_object_type: str,
        to_object_type: str,
        **options: Unpack[CallOptions],
    ) -> builtins.list[AssociationLimit]:
        """The limits set on the association types of one direction.

        operationId ``list_limits``.
        """
        result = await self._core.call(
            list_limits.OPERATION, object_type(from_object_type), object_type(to_object_type)
        )
        return result.results

    @per_call
    async def create(
        self,
        from_object_type: str,
        to_object_type: str,
        limits: Iterable[tuple[TypeLike, int]],
        **options: Unpack[CallOptions],
    ) -> AssociationLimitBatch:
        """Set limits: (association type, largest number of records) pairs.

        operationId ``create_limits``. After a lost answer it is sent again; an input that
        resend refuses as existing (inside the answer, or a 400 for all) ends as done only if its
        limit reads back with the maximum sent, else it stays failed with HubSpot's reason.
        """
        inputs = [
            PublicAssociationDefinitionConfigurationCreateRequest(
                category=spec.association_category,
                type_id=spec.association_type_id,
                max_to_object_ids=n,
            )
            for spec, n in _limit_inputs(limits)
        ]
        require_items(inputs, what="limits.create")
        wanted = [(int(i.type_id), int(i.max_to_object_ids)) for i in inputs]
        sent = await self._core.resend(
            create_limits.OPERATION, object_type(from_object_type), object_type(to_object_type),
            body=BatchInputPublicAssociationDefinitionConfigurationCreateRequest(inputs=inputs),
        )  # fmt: skip
        if sent.answer is not None and (not sent.lost or not sent.answer.errors):
            return sent.answer
        # After a lost answer: inputs refused as existing are done if they read back as sent.
        listed = await self.list(from_object_type, to_object_type)
        confirmed = confirmed_limits(sent.answer, wanted, listed)
        if confirmed is None:
            assert sent.refusal is not None
            raise sent.refusal
        return confirmed

    @per_call
    async def update(
        self,
        from_object_type: str,
        to_object_type: str,
        limits: Iterable[tuple[TypeLike, int]],
        **options: Unpack[CallOptions],
    ) -> AssociationLimitUpdateBatch:
        """Change limits set before: (association type, new largest number) pairs.

        operationId ``update_limits``.
        """
        inputs = [
            PublicAssociationDefinitionConfigurationUpdateRequest(
                category=spec.association_category,
                type_id=spec.association_type_id,
                max_to_object_ids=n,
            )
            for spec, n in _limit_inputs(limits)
        ]
        require_items(inputs, what="limits.update")
        return await self._core.call(
            update_limits.OPERATION,
            object_type(from_object_type),
            object_type(to_object_type),
            body=BatchInputPublicAssociationDefinitionConfigurationUpdateRequest(inputs=inputs),
        )

    @per_call
    async def purge(
        self,
        from_object_type: str,
        to_object_type: str,
        types: Iterable[TypeLike],
        **options: Unpack[CallOptions],
    ) -> None:
        """Return the given association types to HubSpot's default limit.

        operationId ``purge_limits``. After a lost answer it is sent again; a refusal of that
        resend (400 or 404) ends as success only if no limit is listed for those types.
        """
        specs = to_specs(types)
        inputs = [
            PublicAssociationSpec(
                category=str(s.association_category), type_id=s.association_type_id
            )
            for s in specs
        ]
        sent = await self._core.resend(
            purge_limits.OPERATION, object_type(from_object_type), object_type(to_object_type),
            body=BatchInputPublicAssociationSpec(inputs=inputs),
        )  # fmt: skip
        if sent.refusal is not None:
            # Nothing left to purge after a lost answer: the first send did it.
            listed = {int(c.type_id) for c in await self.list(from_object_type, to_object_type)}
            if listed & {int(i.type_id) for i in inputs}:
                raise sent.refusal


class AsyncBulk:
    """Any number of inputs: chunked at the API's maxima, run concurrently within the rate limit.

    Each call returns a :class:`BulkResult` that lists every input exactly once, as succeeded or
    failed with HubSpot's reason; nothing raises half-way. A chunk answered 400 is split in halves
    and sent again until the bad inputs are isolated. Re-running ``result.failed_inputs()`` is safe.
    ``on_chunk(done, failed)`` sees each chunk's inputs as soon as its answer is in.
    """

    def __init__(self, batch: AsyncBatch) -> None:
        self._batch = batch

    def _given(self, timeout: float | None, extra_headers: Mapping[str, str] | None) -> Self:
        return type(self)(self._batch._given(timeout, extra_headers))

    @per_call
    async def associate_default(
        self,
        from_object_type: str,
        to_object_type: str,
        pairs: Iterable[tuple[IdLike, IdLike]],
        *,
        batch_size: int = BULK_BATCH_DEFAULT,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: Progress | None = None,
        on_chunk: OnChunk | None = None,
        **options: Unpack[CallOptions],
    ) -> BulkResult[tuple[str, str]]:
        """Associate every (from ID, to ID) pair with the default type.

        operationId ``batch_associate_default``, once per chunk;
        ``timeout=`` and ``extra_headers=`` apply to each chunk's request (and its retries).
        """
        from_object_type, to_object_type = _pair_types(from_object_type, to_object_type)

        async def call(chunk: builtins.list[tuple[str, str]]) -> RawResponse[Any]:
            return await self._batch._associate_default(from_object_type, to_object_type, chunk)

        return await self._pair_job(
            pairs, call, _default_done, batch_size, concurrency, progress, on_chunk
        )

    @per_call
    async def create(
        self,
        from_object_type: str,
        to_object_type: str,
        pairs: Iterable[tuple[IdLike, IdLike]],
        types: Sequence[TypeLike],
        *,
        batch_size: int = BULK_BATCH_DEFAULT,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: Progress | None = None,
        on_chunk: OnChunk | None = None,
        **options: Unpack[CallOptions],
    ) -> BulkResult[tuple[str, str]]:
        """Associate every pair with the given types (labels).

        operationId ``batch_create_associations``, once per chunk;
        ``timeout=`` and ``extra_headers=`` apply to each chunk's request (and its retries).
        """
        from_object_type, to_object_type = _pair_types(from_object_type, to_object_type)
        specs = to_specs(types)

        async def call(chunk: builtins.list[tuple[str, str]]) -> RawResponse[Any]:
            return await self._batch._create(
                from_object_type, to_object_type, _labelled(chunk, specs)
            )

        return await self._pair_job(
            pairs, call, _labels_done, batch_size, concurrency, progress, on_chunk
        )

    @per_call
    async def remove(
        self,
        from_object_type: str,
        to_object_type: str,
        pairs: Iterable[tuple[IdLike, IdLike]],
        *,
        batch_size: int = BULK_BATCH_DEFAULT,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: Progress | None = None,
        on_chunk: OnChunk | None = None,
        **options: Unpack[CallOptions],
    ) -> BulkResult[tuple[str, str]]:
        """Remove every association between each pair.

        operationId ``batch_remove_associations``, once per chunk;
        ``timeout=`` and ``extra_headers=`` apply to each chunk's request (and its retries).
        """
        from_object_type, to_object_type = _pair_types(from_object_type, to_object_type)

        async def call(chunk: builtins.list[tuple[str, str]]) -> RawResponse[Any]:
            return await self._batch._remove(from_object_type, to_object_type, chunk)

        return await self._pair_job(pairs, call, None, batch_size, concurrency, progress, on_chunk)

    @deprecated(
        "bulk.archive() is deprecated: use bulk.remove() (operationId "
        "batch_remove_associations); the old name will be removed in 0.3.0"
    )
    @alias_of(remove)
    async def archive(self, *args: Any, **kwargs: Any) -> BulkResult[tuple[str, str]]:
        """Deprecated alias of :meth:`remove` (operationId ``batch_remove_associations``)."""
        return await self.remove(*args, **kwargs)

    @per_call
    async def remove_labels(
        self,
        from_object_type: str,
        to_object_type: str,
        pairs: Iterable[tuple[IdLike, IdLike]],
        types: Sequence[TypeLike],
        *,
        batch_size: int = BULK_BATCH_DEFAULT,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: Progress | None = None,
        on_chunk: OnChunk | None = None,
        **options: Unpack[CallOptions],
    ) -> BulkResult[tuple[str, str]]:
        """Remove only the given labels between each pair.

        operationId ``batch_remove_labels``, once per chunk;
        ``timeout=`` and ``extra_headers=`` apply to each chunk's request (and its retries).
        """
        from_object_type, to_object_type = _pair_types(from_object_type, to_object_type)
        specs = to_specs(types)

        async def call(chunk: builtins.list[tuple[str, str]]) -> RawResponse[Any]:
            return await self._batch._remove_labels(
                from_object_type, to_object_type, _labelled(chunk, specs)
            )

        return await self._pair_job(pairs, call, None, batch_size, concurrency, progress, on_chunk)

    @deprecated(
        "bulk.archive_labels() is deprecated: use bulk.remove_labels() (operationId "
        "batch_remove_labels); the old name will be removed in 0.3.0"
    )
    @alias_of(remove_labels)
    async def archive_labels(self, *args: Any, **kwargs: Any) -> BulkResult[tuple[str, str]]:
        """Deprecated alias of :meth:`remove_labels` (operationId ``batch_remove_labels``)."""
        return await self.remove_labels(*args, **kwargs)

    @per_call
    async def read(
        self,
        from_object_type: str,
        to_object_type: str,
        ids: Iterable[IdLike],
        *,
        batch_size: int = BATCH_READ_MAX,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: Progress | None = None,
        on_chunk: OnChunk | None = None,
        **options: Unpack[CallOptions],
    ) -> BulkResult[str]:
        """The associations of every record, all pages; ``result.associations[id]`` lists them.

        operationId ``batch_read_associations``, once per chunk and page;
        ``timeout=`` and ``extra_headers=`` apply to each of those requests (and its retries).

        A record with nothing associated succeeds with an empty list (HubSpot reports it as a
        NO_ASSOCIATIONS_FOUND error in a 207, which is an answer, not a failure).
        """
        from_object_type, to_object_type = _pair_types(from_object_type, to_object_type)
        items = [object_id(value) for value in ids]

        async def send(chunk: builtins.list[str]) -> ChunkOutcome[str]:
            found: dict[str, builtins.list[AssociatedRecord]] = {}
            inputs = [PublicFetchAssociationsBatchRequest(id=record) for record in chunk]
            try:
                async for result in self._batch._iter_read(
                    from_object_type, to_object_type, inputs
                ):
                    found.setdefault(result.from_.id, []).extend(result.to)
            except HubSpotError as error:
                return outcome_of_error(chunk, error)
            outcome: ChunkOutcome[str] = ChunkOutcome(succeeded=chunk)
            outcome.associations = {record: found.get(record, []) for record in chunk}
            return outcome

        return await run_chunks(
            chunked(items, _batch_size(batch_size, read=True)),
            send,
            total=len(items),
            concurrency=concurrency,
            progress=progress,
            on_chunk=on_chunk,
        )

    async def _pair_job(
        self,
        pairs: Iterable[tuple[IdLike, IdLike]],
        call: Callable[[builtins.list[tuple[str, str]]], Awaitable[RawResponse[Any]]],
        done_of: Callable[[Any], set[tuple[str, str]]] | None,
        batch_size: int,
        concurrency: int,
        progress: Progress | None,
        on_chunk: OnChunk | None,
    ) -> BulkResult[tuple[str, str]]:
        """Run ``call`` over chunks of pairs; ``done_of`` reads the done pairs from an answer
        (None: an answer without error means the whole chunk is done)."""
        items = _checked_pairs(pairs)

        async def send(chunk: builtins.list[tuple[str, str]]) -> ChunkOutcome[tuple[str, str]]:
            try:
                sent = await call(chunk)
            except HubSpotError as error:
                return outcome_of_error(chunk, error)
            # The status HubSpot answered with: a 207 and a 200 with errors inside are one model.
            answer, status = sent.parsed, sent.status_code
            if done_of is None:
                # A 204 (no body), or a batch body (dated releases) that may name failed inputs.
                errors = [] if answer is None else answer.errors
                return split_by_errors(chunk, _same, errors, status)
            return split_by_results(chunk, done_of(answer), _same, answer.errors, status)

        return await run_chunks(
            chunked(items, _batch_size(batch_size)),
            send,
            total=len(items),
            concurrency=concurrency,
            progress=progress,
            on_chunk=on_chunk,
        )


def _default_done(answer: DefaultAssociationBatch) -> set[tuple[str, str]]:
    return {(r.from_.id, r.to.id) for r in answer.results}


def _labels_done(
    answer: LabelsBetweenObjectPairBatch,
) -> set[tuple[str, str]]:
    return {(r.from_object_id, r.to_object_id) for r in answer.results}


class AsyncHubSpotAssociations:
    """A client of HubSpot's CRM Associations API with retries, rate limiting and typed errors.

    Timeouts, retries and a client-side rate limit are on by default. ``raw`` is the generated
    client underneath, for anything not wrapped here.

    ``access_token`` is the token, or a token provider: a callable returning one (on the async
    client, a coroutine function too), asked when the first request needs a token and asked
    again, once per request, when HubSpot answers 401 (an OAuth token lives 30 minutes); that
    resend is not one of ``max_retries``.

    Every method of every group takes ``timeout=`` (seconds: each request's deadline, retries and
    their waits included) and ``extra_headers=`` (added to each request the call sends);
    ``with_options`` makes a copy with defaults for both (and ``max_retries``), and
    ``with_raw_response`` gives a call's status and headers beside its answer.
    """

    # The groups of methods, set on the client and on each with_options copy (see _attach).
    basic: AsyncBasic
    batch: AsyncBatch
    report: AsyncReport
    labels: AsyncLabels
    limits: AsyncLimits
    bulk: AsyncBulk

    def __init__(
        self,
        access_token: str | AsyncTokenProvider | None = None,
        *,
        base_url: str | None = None,
        api_version: ApiVersion | str = "v4",
        timeout: float | httpx.Timeout | None = ClientSettings.DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        rate_limit: RateLimitLike = ClientSettings.DEFAULT_RATE_LIMIT,
        transport: httpx.AsyncBaseTransport | None = None,
        settings: ClientSettings | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        on_retry: OnRetry | None = None,
    ) -> None:
        self.settings = settings or ClientSettings.build(
            access_token,
            base_url=base_url,
            api_version=api_version,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            rate_limit=rate_limit,
            max_body_bytes=max_body_bytes,
            on_retry=on_retry,
        )
        # The token (or its provider): sets Authorization on every request of the pool.
        self._auth = AsyncTokenAuth(self.settings.token_source)
        self._http = httpx.AsyncClient(
            base_url=self.settings.base_url,
            timeout=self.settings.timeout,
            headers=self.settings.headers(),
            transport=self.settings.async_transport(transport),
            auth=self._auth,
        )
        self.raw = AuthenticatedClient(
            base_url=self.settings.base_url, token=ClientSettings.REDACTED
        ).set_async_httpx_client(self._http)
        self.release = self.settings.release
        # Whether closing this client closes the pool (with_options copies borrow it).
        self._owns_pool = True
        self._attach(AsyncCore(self._http, self.release, self.settings.retry_policy.max_retries))
        configure_from_env()

    def _attach(self, core: AsyncCore) -> None:
        self._core = core
        self.basic = AsyncBasic(core)
        self.batch = AsyncBatch(core)
        self.report = AsyncReport(core)
        self.labels = AsyncLabels(core)
        self.limits = AsyncLimits(core)
        self.bulk = AsyncBulk(self.batch)

    def with_options(
        self,
        *,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        max_retries: int | None = None,
    ) -> Self:
        """A copy of this client whose every call sends with these options, on top of this
        client's own (headers merged, the copy's winning).

        The copy shares this client's connection pool, rate limiter (and shared budget) and
        retry bookkeeping: ``client.with_options(timeout=5)`` per request costs nothing and never
        doubles the rate. ``timeout`` bounds each request, retries and their waits included;
        ``max_retries`` replaces the policy's count. The copy borrows the pool: closing it (or
        leaving its ``with`` block) leaves the pool open; close the client you built.
        """
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy._owns_pool = False
        copy._attach(
            self._core.with_options(
                timeout=timeout, extra_headers=extra_headers, max_retries=max_retries
            )
        )
        return copy

    def with_raw_response(
        self, method: Callable[P, Awaitable[T]]
    ) -> Callable[P, Awaitable[RawResponse[T]]]:
        """``method`` (a facade method of any section), returning its answer with the status and
        headers HubSpot sent: ``raw.status_code``, ``raw.headers``, ``raw.correlation_id``,
        ``raw.rate_limits`` and ``raw.parsed`` (what the method returns).

        ``raw = await client.with_raw_response(client.basic.get_page)("contact", 1, "company")``.
        Status and headers are those of the call's last answer; ``raw.history`` holds every
        answer the call received. Bulk helpers (many requests, a result per input) and iterators
        are refused: use ``batch`` and ``get_page`` for one answer each.
        """
        owner = getattr(method, "__self__", None)
        if isinstance(owner, AsyncBulk):
            raise ClientValidationError(
                "with_raw_response takes one call, not a bulk helper: bulk sends a request per "
                "chunk and accounts for each input in its BulkResult; use client.batch for one "
                "request's raw answer"
            )

        async def raw(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
            with capturing() as answers:
                parsed = await method(*args, **kwargs)
            if not answers:
                raise ClientValidationError(
                    f"{getattr(method, '__qualname__', method)!r} sent no request (an iterator "
                    "sends when it is read): give with_raw_response a call such as get_page"
                )
            last = answers[-1]
            return RawResponse(last.status_code, last.headers, parsed, tuple(answers))

        return raw

    async def token_info(self) -> TokenInfo:
        """What HubSpot says about this client's token: its portal, app, user, granted scopes,
        kind (``"oauth"`` or ``"private-app"``) and, for OAuth, the seconds it has left.

        Not an Associations operation: HubSpot's token introspection (a ``pat-`` token by
        ``POST /oauth/v2/private-apps/get/access-token-info``, any other by
        ``GET /oauth/v1/access-tokens/{token}``, the other call when the first answers 400 or
        404), sent through this client's base URL, retries, rate limiter and timeouts. A token
        both calls refuse (400 or 404) is unknown, expired or revoked: AuthenticationError.
        With a token provider, the token asked about is the one requests carry now (the
        provider is asked if no request has needed one yet); one the introspection finds not
        live is replaced as a 401 would replace it (the provider asked once more) and the new
        token asked about.
        """
        return await async_token_info(self._http, self._auth)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.settings.describe()})"

    async def aclose(self) -> None:
        """Close the connection pool (a ``with_options`` copy leaves it open: it borrows it)."""
        if self._owns_pool:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncHubSpotAssociations:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


def _inverse_label(inverse_label: str | None) -> str | Unset:
    """The body's inverseLabel: left out for a single label, else checked as ``label`` is."""
    return UNSET if inverse_label is None else check_label_text("inverse_label", inverse_label)


def _check_limit(limit: int) -> None:
    in_range("limit", limit, hint="HubSpot's page maximum is the highest")


def _fetch_input(value: IdLike | tuple[IdLike, str]) -> PublicFetchAssociationsBatchRequest:
    if isinstance(value, tuple):
        record, after = value
        return PublicFetchAssociationsBatchRequest(id=object_id(record), after=after)
    return PublicFetchAssociationsBatchRequest(id=object_id(value))


def _id_pairs(pairs: Iterable[tuple[IdLike, IdLike]]) -> list[tuple[str, str]]:
    """A batch call's (from ID, to ID) pairs, each ID checked (the first bad one raises)."""
    return [(object_id(a, what="from ID"), object_id(b, what="to ID")) for a, b in pairs]


def _labelled(
    pairs: Sequence[tuple[str, str]], specs: Sequence[AssociationSpec]
) -> list[AssociationInput]:
    """Inputs from checked pairs and checked types (a bulk chunk: nothing is checked again)."""
    return [
        AssociationInput(from_=PublicObjectId(id=a), to=PublicObjectId(id=b), types=list(specs))
        for a, b in pairs
    ]


def _multi_posts(
    inputs: Iterable[AssociationInput] | Iterable[tuple[IdLike, IdLike]],
    types: Sequence[TypeLike] | None,
) -> list[AssociationInput]:
    items = list(inputs)
    if items and all(isinstance(i, AssociationInput) for i in items):
        return cast(list[AssociationInput], items)
    if types is None:
        raise ClientValidationError(
            "give the association types to apply (types=[...]) with (from ID, to ID) pairs"
        )
    return pair_inputs(cast(list[tuple[IdLike, IdLike]], items), types)


def _limit_inputs(limits: Iterable[tuple[TypeLike, int]]) -> list[tuple[AssociationSpec, int]]:
    checked = []
    for kind, maximum in limits:
        checked.append((to_spec(kind), in_range("max_to_object_ids", maximum)))
    return checked


def _pair_types(from_object_type: str, to_object_type: str) -> tuple[str, str]:
    """Both object types, checked once: before a bulk job's first chunk (never per chunk), or
    before a batch call's request."""
    return object_type(from_object_type), object_type(to_object_type)


def _same(pair: tuple[str, str]) -> tuple[str, str]:
    return pair


def _checked_pairs(pairs: Iterable[tuple[IdLike, IdLike]]) -> builtins.list[tuple[str, str]]:
    """Every pair as digit strings; all bad pairs are reported at once, before anything is sent."""
    items: builtins.list[tuple[str, str]] = []
    problems: builtins.list[str] = []
    for index, pair in enumerate(pairs):
        try:
            first, second = pair
            items.append((object_id(first, what="from ID"), object_id(second, what="to ID")))
        except (ClientValidationError, TypeError, ValueError) as exc:
            problems.append(f"input {index}: {exc}")
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ClientValidationError(
            f"{len(problems)} of the inputs are not (from ID, to ID) pairs of record IDs, so "
            f"nothing was sent: {shown}{more}"
        )
    return items


def _batch_size(size: int, *, read: bool = False) -> int:
    return in_range("read_batch_size" if read else "batch_size", size)
