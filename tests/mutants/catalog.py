"""The mutant registry: each mutant breaks ONE behaviour of an emulator app, in place.

A mutant patches one instance made by ``hubspot_associations_emulator.create_app(config)``, never
the emulator's source: its backend, its gate or one operation's handler, through attributes.
``apply(app)`` returns the ASGI app to serve, which for every mutant here is the app itself (a
mutant may instead wrap it in ASGI middleware and return the wrapper).

Handlers and backend methods are named after the operationId they implement (``list_labels``,
``batch_create_associations``…), so a mutant names the operation it breaks. A handler is replaced
by rebuilding the app's HubSpot routes with ``hubspot_routes`` after setting the replacement on the
app's ``Handlers`` instance: the routes hold the handlers they were built with, so setting the
attribute alone would change nothing.

``rule`` names the contract rule the suite must report when it runs against the mutant.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from hubspot_associations_emulator.app import EmulatorApp
from hubspot_associations_emulator.catalog import AssociationType
from hubspot_associations_emulator.errors import ApiError
from hubspot_associations_emulator.portals import Portal
from hubspot_associations_emulator.results import (
    BatchOutcome,
    DefaultAssociation,
    LabelsBetween,
)
from hubspot_associations_emulator.routes import HubSpotRoute, hubspot_routes
from hubspot_associations_emulator.scopes import ASSOCIATION_WRITES
from hubspot_associations_emulator.state import Admission, Emulator
from hubspot_associations_emulator.tokens import Token
from hubspot_associations_emulator.views import error_response, json_response
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Scope

Handler = Callable[[Request], Awaitable[Response]]
JSON = dict[str, Any]
NO_MUTANT = "none"
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Mutant:
    """One deliberate bug: what it is, the rule that must catch it, and how to plant it."""

    name: str
    description: str
    rule: str
    apply: Callable[[Starlette], ASGIApp]
    # The check options that keep a run against it to its rule (empty: the whole suite). For a
    # rule one scenario of its own judges, the rest of a full run would judge what the unmutated
    # emulator's run judges already, at seconds a run.
    selection: tuple[str, ...] = ()


def _emulator(app: Starlette) -> Emulator:
    if not isinstance(app, EmulatorApp):
        raise TypeError("a mutant patches an app made by hubspot_associations_emulator.create_app")
    return app.emulator


def _override_handler(
    app: Starlette, operation_id: str, wrap: Callable[[Handler], Handler]
) -> None:
    """Replace one operation's handler (every path family) with ``wrap(original)``."""
    emulator = _emulator(app)
    handlers = emulator.handlers
    original: Handler = getattr(handlers, operation_id)
    setattr(handlers, operation_id, functools.wraps(original)(wrap(original)))
    routes = app.router.routes
    routes[:] = [
        *(r for r in routes if not isinstance(r, HubSpotRoute)),
        *hubspot_routes(handlers, emulator, emulator.releases, emulator.object_handlers),
    ]


# -- 1. paired-label-no-inverse ---------------------------------------------------------------


def _paired_label_no_inverse(app: Starlette) -> ASGIApp:
    backend = _emulator(app).backend
    create_label = backend.create_label

    def forward_only(
        from_type: str, to_type: str, name: str, label: str, inverse_label: str | None
    ) -> list[AssociationType]:
        made = create_label(from_type, to_type, name, label, inverse_label)
        if inverse_label is None or len(made) < 2:
            return made
        forward, inverse = made
        with backend.store.transaction():
            backend.store.delete_type(inverse.type_id)
            backend.store.save_type(replace(forward, inverse_id=None))
        backend.reload()
        return [backend.types[forward.type_id]]

    backend.create_label = forward_only  # type: ignore[method-assign]
    return app


# -- 2. 401-without-correlation-id ------------------------------------------------------------


class _NoCorrelationId(ApiError):
    """An error whose top-level body lacks correlationId."""

    def body(self) -> JSON:
        """The error body without correlationId."""
        body = super().body()
        del body["correlationId"]
        return body


def _401_without_correlation_id(app: Starlette) -> ASGIApp:
    emulator = _emulator(app)
    authorized = emulator.authorized

    def without_correlation_id(scope: Scope) -> ApiError | None:
        denied = authorized(scope)
        if denied is None:
            return None
        return _NoCorrelationId(
            denied.status,
            denied.message,
            denied.category,
            sub_category=denied.sub_category,
            context=denied.context,
            extra=denied.extra,
        )

    emulator.authorized = without_correlation_id  # type: ignore[method-assign]
    return app


# -- 3. batch-create-drops-one ----------------------------------------------------------------


def _batch_create_drops_one(app: Starlette) -> ASGIApp:
    backend = _emulator(app).backend
    batch_create_associations = backend.batch_create_associations

    def dropping_last(
        from_type: str, to_type: str, inputs: list[tuple[int, int, list[tuple[str, int]]]]
    ) -> BatchOutcome[LabelsBetween]:
        # Only batch/create: the labelled PUT and the seed call associate_with_labels.
        return batch_create_associations(from_type, to_type, inputs[:-1])

    backend.batch_create_associations = dropping_last  # type: ignore[method-assign]
    return app


# -- 4. default-ignores-limit -----------------------------------------------------------------


def _default_ignores_limit(app: Starlette) -> ASGIApp:
    backend = _emulator(app).backend
    associate_default = backend.associate_default
    batch_associate_default = backend.batch_associate_default

    @contextmanager
    def limits_hidden(from_type: str, to_type: str) -> Iterator[None]:
        # Made first, so that nothing inside reloads the limits while they are hidden.
        backend.prepare_pair(from_type, to_type)
        limits, backend.limits = backend.limits, {}
        try:
            yield
        finally:
            backend.limits = limits

    def single_without_limits(
        from_type: str, from_id: int, to_type: str, to_id: int
    ) -> DefaultAssociation:
        with limits_hidden(from_type, to_type):
            return associate_default(from_type, from_id, to_type, to_id)

    def batch_without_limits(
        from_type: str, to_type: str, pairs: list[tuple[int, int]]
    ) -> BatchOutcome[DefaultAssociation]:
        with limits_hidden(from_type, to_type):
            return batch_associate_default(from_type, to_type, pairs)

    backend.associate_default = single_without_limits  # type: ignore[method-assign]
    backend.batch_associate_default = batch_without_limits  # type: ignore[method-assign]
    return app


# -- 5. rate-limit-ignored --------------------------------------------------------------------


def _rate_limit_ignored(app: Starlette) -> ASGIApp:
    emulator = _emulator(app)

    def admit_all(portal: Portal, token: Token | None) -> Admission:
        return True, None, []

    emulator.admit = admit_all  # type: ignore[method-assign]
    return app


# -- 6. delete-leaves-reverse -----------------------------------------------------------------


def _delete_leaves_reverse(app: Starlette) -> ASGIApp:
    backend = _emulator(app).backend
    store = backend.store

    def forward_only(from_type: str, from_id: int, to_type: str, to_id: int) -> None:
        for type_id in store.types_between(from_type, from_id, to_type, to_id):
            store.delete((from_type, from_id, to_type, to_id, type_id))

    def remove_associations(from_type: str, from_id: int, to_type: str, to_id: int) -> None:
        with store.transaction():
            forward_only(from_type, from_id, to_type, to_id)

    def batch_remove_associations(
        from_type: str, to_type: str, inputs: list[tuple[int, list[int]]]
    ) -> None:
        with store.transaction():
            for from_id, to_ids in inputs:
                for to_id in to_ids:
                    forward_only(from_type, from_id, to_type, to_id)

    backend.remove_associations = remove_associations  # type: ignore[method-assign]
    backend.batch_remove_associations = batch_remove_associations  # type: ignore[method-assign]
    return app


# -- 7. delete-label-200-body -----------------------------------------------------------------


def _delete_label_200_body(app: Starlette) -> ASGIApp:
    def wrap(handler: Handler) -> Handler:
        async def delete_label(request: Request) -> Response:
            answer = await handler(request)
            return json_response({"status": "ok"}) if answer.status_code == 204 else answer

        return delete_label

    _override_handler(app, "delete_label", wrap)
    return app


# -- 8. refused-write-applies -----------------------------------------------------------------


def _refused_write_applies(app: Starlette) -> ASGIApp:
    emulator = _emulator(app)
    refusal = emulator.refusal
    held = "mutant_refusal"

    def applied_anyway(request: Request, operation_id: str, release: str) -> ApiError | None:
        # An association write the token may not make runs all the same; its handler (below)
        # answers the refusal afterwards.
        refused = refusal(request, operation_id, release)
        if refused is not None and operation_id in ASSOCIATION_WRITES:
            request.scope[held] = refused
            return None
        return refused

    def wrap(handler: Handler) -> Handler:
        async def applied_then_refused(request: Request) -> Response:
            answer = await handler(request)
            refused: ApiError | None = request.scope.get(held)
            return answer if refused is None else error_response(refused)

        return applied_then_refused

    emulator.refusal = applied_anyway  # type: ignore[method-assign]
    for operation_id in sorted(ASSOCIATION_WRITES):
        _override_handler(app, operation_id, wrap)
    return app


# -- shape mutants on list_labels (as contract_tests/test_suite_can_fail.py) ------------------


def _rewrite_labels(rewrite: Callable[[JSON], tuple[int, JSON]]) -> Callable[[Starlette], ASGIApp]:
    """A mutant rewriting every successful list_labels answer (status and JSON body)."""

    def apply(app: Starlette) -> ASGIApp:
        def wrap(handler: Handler) -> Handler:
            async def list_labels(request: Request) -> Response:
                answer = await handler(request)
                if answer.status_code != 200:
                    return answer
                status, body = rewrite(json.loads(bytes(answer.body)))
                return json_response(body, status)

            return list_labels

        _override_handler(app, "list_labels", wrap)
        return app

    return apply


def _drop_type_id(body: JSON) -> tuple[int, JSON]:
    if body["results"]:
        del body["results"][0]["typeId"]
    return 200, body


def _unknown_category(body: JSON) -> tuple[int, JSON]:
    if body["results"]:
        body["results"][0]["category"] = "NOT_A_DOCUMENTED_CATEGORY"
    return 200, body


def _server_error(body: JSON) -> tuple[int, JSON]:
    return 500, body


def _rewrite_answer(
    operation_id: str, rewrite: Callable[[JSON], JSON]
) -> Callable[[Starlette], ASGIApp]:
    """A mutant rewriting the JSON body of every 200 answer of one operation."""

    def apply(app: Starlette) -> ASGIApp:
        def wrap(handler: Handler) -> Handler:
            async def rewritten(request: Request) -> Response:
                answer = await handler(request)
                if answer.status_code != 200:
                    return answer
                return json_response(rewrite(json.loads(bytes(answer.body))))

            return rewritten

        _override_handler(app, operation_id, wrap)
        return app

    return apply


def _labels_counted_twice(body: JSON) -> JSON:
    for pair in body["results"]:
        pair["usage"] *= 2
        pair["percentage"] = 100 * pair["usage"] / pair["limit"]
    return body


def _at_limit_as_near(body: JSON) -> JSON:
    body["totalRecordsNearLimit"] += body["totalRecordsAtLimit"]
    body["totalRecordsAtLimit"] = 0
    moved = [s | {"usage": 1, "percentage": 100.0} for s in body["atLimitFromRecordSamples"]]
    body["nearLimitFromRecordSamples"] += moved
    body["atLimitFromRecordSamples"] = []
    return body


MUTANTS: dict[str, Mutant] = {
    m.name: m
    for m in (
        Mutant(
            "paired-label-no-inverse",
            "creating a paired label (inverseLabel given) makes only the forward type: the inverse "
            "label never exists",
            "labels.paired-inverse",
            _paired_label_no_inverse,
        ),
        Mutant(
            "401-without-correlation-id",
            "the 401 answer to a missing or unknown token has no correlationId",
            "errors.fields",
            _401_without_correlation_id,
        ),
        Mutant(
            "batch-create-drops-one",
            "labelled batch/create silently skips its last input (not stored, not in results nor "
            "errors) and still answers 201",
            "batch.accounting",
            _batch_create_drops_one,
        ),
        Mutant(
            "default-ignores-limit",
            "the default PUT and batch/associate/default ignore the pair's configured limit; the "
            "labelled paths still enforce it",
            "limits.every-write-path",
            _default_ignores_limit,
        ),
        Mutant(
            "rate-limit-ignored",
            "a configured rate limit is never enforced: no 429, no X-HubSpot-RateLimit-* headers",
            "ratelimit.enforced",
            _rate_limit_ignored,
        ),
        Mutant(
            "delete-leaves-reverse",
            "deleting associations (DELETE of a pair, batch/archive) removes only the from→to rows; "
            "the to→from rows stay",
            "graph.both-directions",
            _delete_leaves_reverse,
        ),
        Mutant(
            "delete-label-200-body",
            'DELETE of a label definition answers 200 {"status": "ok"} instead of 204',
            "status.documented",
            _delete_label_200_body,
        ),
        Mutant(
            "refused-write-applies",
            "an association write refused for a missing scope (403 MISSING_SCOPES) is applied "
            "all the same, then answered 403",
            "refusals.change-nothing",
            _refused_write_applies,
            ("--rule", "refusals.change-nothing"),
        ),
        Mutant(
            "label-usage-counted-twice",
            "the limits usage labels call counts each custom label twice (once per direction)",
            "usage.labels",
            _rewrite_answer("get_label_limits_usage", _labels_counted_twice),
        ),
        Mutant(
            "at-limit-reported-near",
            "the limits usage records call reports the records at their limit as near it",
            "usage.records",
            _rewrite_answer("get_record_limits_usage", _at_limit_as_near),
        ),
        Mutant(
            "missing-required-field",
            "list_labels answers with the first label's required typeId missing",
            "schema.response",
            _rewrite_labels(_drop_type_id),
        ),
        Mutant(
            "wrong-enum-value",
            "list_labels answers the first label's category as NOT_A_DOCUMENTED_CATEGORY",
            "schema.response",
            _rewrite_labels(_unknown_category),
        ),
        Mutant(
            "server-error-status",
            "list_labels answers its labels under status 500",
            "schema.server-error",
            _rewrite_labels(_server_error),
        ),
    )
}


def mutate(app: Starlette, name: str) -> ASGIApp:
    """The app to serve with mutant ``name`` planted (``none``: the app unchanged)."""
    if name == NO_MUTANT:
        return app
    try:
        mutant = MUTANTS[name]
    except KeyError:
        known = ", ".join([NO_MUTANT, *MUTANTS])
        raise ValueError(f"unknown mutant {name!r}; known: {known}") from None
    return mutant.apply(app)
