"""Routing: HubSpot's paths (every release in release_table) mapped to handlers.

A handler parses the request (parsing), calls the backend and renders the answer (views). Each
handler, and the backend method it calls, is named after its operationId in openapi/curated.yaml:
the request counts are keyed by that name too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from . import errors, parsing, views
from .backend import Backend
from .config import EmulatorConfig
from .counts import RequestCounts
from .object_routes import OBJECT_API_OPERATIONS, OBJECT_OPERATION_IDS
from .results import DefaultAssociation
from .views import error_response, json_response

Bases = tuple[tuple[str, str], ...]  # (path prefix, release name)


def path_families(releases: dict[str, dict[str, Any]]) -> tuple[Bases, Bases, Bases, Bases]:
    """(record bases, association bases, limits bases, CRM objects bases), each with its release:
    a route knows its release. A row without a ``limits_base`` has no limits usage calls, one
    without an ``objects_base`` no object calls."""
    records = tuple((r["object_base"], name) for name, r in releases.items())
    associations = tuple(
        (base, name) for name, r in releases.items() for base in r["association_bases"]
    )
    limits = tuple((r["limits_base"], name) for name, r in releases.items() if r.get("limits_base"))
    objects = tuple(
        (r["objects_base"], name) for name, r in releases.items() if r.get("objects_base")
    )
    return records, associations, limits, objects


def release_bases(row: dict[str, Any]) -> tuple[str, ...]:
    """Every path prefix of one release: its record base, association bases, limits base and
    CRM objects base."""
    limits = (row["limits_base"],) if row.get("limits_base") else ()
    objects = (row["objects_base"],) if row.get("objects_base") else ()
    return (row["object_base"], *row["association_bases"], *limits, *objects)


Handler = Callable[[Request], Awaitable[Response]]
Operation = tuple[str, str, str]  # (method, path under a base, operationId = the handler's name)

# The record-level association operations under a release's object base (``object_base``:
# /crm/v4/objects on v4), in routing order. Not the CRM object calls (create, read, search …):
# those are object_routes.OBJECT_API_OPERATIONS, under ``objects_base``.
RECORD_ASSOCIATION_OPERATIONS: tuple[Operation, ...] = (
    (
        "PUT",
        "/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}",
        "associate_default",
    ),
    (
        "PUT",
        "/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}",
        "associate_with_labels",
    ),
    (
        "DELETE",
        "/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}",
        "remove_associations",
    ),
    ("GET", "/{objectType}/{objectId}/associations/{toObjectType}", "list_associations"),
)
_CONF = "/definitions/configurations"
_PAIR = "/{fromObjectType}/{toObjectType}"
# The operations under each of a release's association bases ({associations}), in routing order.
ASSOCIATION_OPERATIONS: tuple[Operation, ...] = (
    ("POST", "/usage/high-usage-report/{userId}", "request_high_usage_report"),
    ("GET", _CONF + "/all", "list_all_limits"),
    ("GET", _CONF + _PAIR, "list_limits"),
    ("POST", _CONF + _PAIR + "/batch/create", "create_limits"),
    ("POST", _CONF + _PAIR + "/batch/update", "update_limits"),
    ("POST", _CONF + _PAIR + "/batch/purge", "purge_limits"),
    ("POST", _PAIR + "/batch/associate/default", "batch_associate_default"),
    ("POST", _PAIR + "/batch/create", "batch_create_associations"),
    ("POST", _PAIR + "/batch/read", "batch_read_associations"),
    ("POST", _PAIR + "/batch/archive", "batch_remove_associations"),
    ("POST", _PAIR + "/batch/labels/archive", "batch_remove_labels"),
    ("GET", _PAIR + "/labels", "list_labels"),
    ("POST", _PAIR + "/labels", "create_label"),
    ("PUT", _PAIR + "/labels", "update_label"),
    ("DELETE", _PAIR + "/labels/{associationTypeId}", "delete_label"),
)
# The operations under a release's limits base ({limits}: HubSpot's Limits Tracking API, its
# association part; /crm/v3/limits/associations on v4), in routing order: …/to before the pair.
LIMITS_OPERATIONS: tuple[Operation, ...] = (
    ("GET", "/labels", "get_label_limits_usage"),
    ("GET", "/records/from", "list_record_limits_sources"),
    ("GET", "/records/{fromObjectTypeId}/to", "list_record_limits_targets"),
    ("GET", "/records/{fromObjectTypeId}/{toObjectTypeId}", "get_record_limits_usage"),
)
# The 23 operationIds of openapi/curated.yaml, each the name of its handler in ``Handlers``.
OPERATION_IDS = frozenset(
    op for _, _, op in RECORD_ASSOCIATION_OPERATIONS + ASSOCIATION_OPERATIONS + LIMITS_OPERATIONS
)
# And the emulator-only CRM object calls (``object_routes.ObjectHandlers``).
EVERY_OPERATION_ID = OPERATION_IDS | OBJECT_OPERATION_IDS


def _now() -> datetime:
    return datetime.now(UTC)


class PortalView(Protocol):
    """What the handlers read of the portal answering a request (``portals.Portal``)."""

    backend: Backend
    running: EmulatorConfig
    releases: dict[str, dict[str, Any]]
    fmt_id: views.FormatId

    def resolve_name(self, text: str) -> str:
        """An object type ID from a path segment (custom objects by their names too)."""
        ...


class RouteGate(Protocol):
    """What the routes ask the emulator about each request (``state.Emulator``)."""

    def counts(self) -> RequestCounts:
        """The answering portal's request counts."""
        ...

    def refusal(self, request: Request, operation_id: str, release: str) -> errors.ApiError | None:
        """The 403 an operation gets before it runs (scopes, permissions), or None."""
        ...


class Handlers:
    """The 23 operations, answering for the portal of each request.

    Each handler is named after its operationId; its docstring gives the method and the v4 path,
    as openapi/curated.yaml spells them. Every release serves the same path under its own bases
    (``/crm/objects/2026-03/…``, ``/crm/associations/v4/…``): see ``hubspot_routes``.
    """

    def __init__(self, current: Callable[[], PortalView]) -> None:
        # The portal answering the request being handled (portals.CURRENT).
        self._current = current

    @property
    def backend(self) -> Backend:
        """The answering portal's backend."""
        return self._current().backend

    @property
    def config(self) -> EmulatorConfig:
        """The answering portal's running configuration."""
        return self._current().running

    @property
    def releases(self) -> dict[str, dict[str, Any]]:
        """The answering portal's release rows (its profile merged into v4)."""
        return self._current().releases

    @property
    def fmt_id(self) -> views.FormatId:
        """How the answering portal writes record IDs (str, or int with numericIds)."""
        return self._current().fmt_id

    # -- helpers ------------------------------------------------------------------------------

    def _types(
        self, request: Request, a: str = "fromObjectType", b: str = "toObjectType"
    ) -> tuple[str, str]:
        # The portal's custom object names (cars, p{portal}_cars) as well as type IDs and
        # HubSpot's names.
        p, resolve = request.path_params, self._current().resolve_name
        return resolve(p[a]), resolve(p[b])

    @staticmethod
    def _record_pair(request: Request, from_type: str, to_type: str) -> tuple[int, int]:
        """(objectId, toObjectId) of a path naming two records."""
        p = request.path_params
        from_id = parsing.record_id(p["objectId"], from_type)
        return from_id, parsing.record_id(p["toObjectId"], to_type)

    @staticmethod
    async def _body(request: Request) -> Any:
        return parsing.json_body(await request.body())

    def _release(self, request: Request) -> dict[str, Any]:
        return self.releases[request.scope["hubspot_release"]]

    def _batch_status(self, request: Request, failed: bool, success: int) -> int:
        # Some releases answer every batch call 200, with the failed inputs inside the body.
        if self._release(request)["batch_errors_in_200"]:
            return 200
        return 207 if failed else success

    def _limits_status(self, request: Request, failed: bool, success: int) -> int:
        # Some releases (2025-09) answer limits create and update 200, failed inputs inside, while
        # their other batch calls keep 201/207.
        if self._release(request).get("limits_errors_in_200"):
            return 200
        return self._batch_status(request, failed, success)

    @staticmethod
    def _type_id(request: Request, name: str) -> str:
        """An object type ID path parameter of the limits usage calls (names are refused)."""
        return parsing.object_type_id(request.path_params[name], name)

    def _no_content_or_batch(self, request: Request, started: datetime, operation: str) -> Response:
        # Dated releases (and some v4 profiles) answer these calls with a batch body, not 204.
        if operation in self._release(request)["void_body"]:
            return json_response(views.batch_envelope([], started, _now()))
        return Response(status_code=204)

    def _default_association(self, r: DefaultAssociation) -> views.JSON:
        return views.default_association(r, self.backend.types[r.type_id].category)

    # -- basic --------------------------------------------------------------------------------

    async def associate_default(self, request: Request) -> Response:
        """associate_default (PUT): the unlabeled association between two records.

        /crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}
        """
        started = _now()
        from_type, to_type = self._types(request)
        p = request.path_params
        from_id = parsing.record_id(p["fromObjectId"], from_type)
        to_id = parsing.record_id(p["toObjectId"], to_type)
        made = self.backend.associate_default(from_type, from_id, to_type, to_id)
        return json_response(
            views.batch_envelope([self._default_association(made)], started, _now())
        )

    async def associate_with_labels(self, request: Request) -> Response:
        """associate_with_labels (PUT): the given types (labels) between two records.

        /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}
        """
        from_type, to_type = self._types(request, "objectType")
        from_id, to_id = self._record_pair(request, from_type, to_type)
        specs = parsing.specs(await self._body(request), "body")
        made = self.backend.associate_with_labels(from_type, from_id, to_type, to_id, specs)
        entity = views.labels_between(made, self.fmt_id)
        if self._release(request)["labelled_put"] == "wrapped":
            url = request.url
            location = f"{url.scheme}://{url.netloc}{url.path}"
            return json_response(views.created_labels_between(entity, from_id, to_id, location))
        return json_response(entity, 201)

    async def list_associations(self, request: Request) -> Response:
        """list_associations (GET): one page (``?after=&limit=``) of a record's associated
        records, with their types.

        /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}
        """
        from_type, to_type = self._types(request, "objectType")
        from_id = parsing.record_id(request.path_params["objectId"], from_type)
        q = request.query_params
        limit = parsing.page_limit(q.get("limit"))
        after = views.decode_after(q.get("after"))
        page = self.backend.list_associations(from_type, from_id, to_type, after, limit)
        url = request.url
        link_base = f"{url.scheme}://{url.netloc}{url.path}"
        return json_response(views.associations_page(page, self.fmt_id, link_base, limit))

    async def remove_associations(self, request: Request) -> Response:
        """remove_associations (DELETE): the whole association (every type) between two records.

        /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}
        """
        from_type, to_type = self._types(request, "objectType")
        from_id, to_id = self._record_pair(request, from_type, to_type)
        self.backend.remove_associations(from_type, from_id, to_type, to_id)
        return Response(status_code=204)

    # -- batch --------------------------------------------------------------------------------

    async def batch_associate_default(self, request: Request) -> Response:
        """batch_associate_default (POST): unlabeled associations, each input on its own.

        /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default
        """
        started = _now()
        from_type, to_type = self._types(request)
        pairs = parsing.default_pairs(await self._body(request), from_type, to_type)
        outcome = self.backend.batch_associate_default(from_type, to_type, pairs)
        results = [self._default_association(r) for r in outcome.results]
        # HubSpot documents only 200 here; failed inputs ride in the body's errors and numErrors.
        return json_response(views.batch_envelope(results, started, _now(), outcome.errors))

    async def batch_create_associations(self, request: Request) -> Response:
        """batch_create_associations (POST): labelled associations, each input on its own.

        /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create
        """
        started = _now()
        from_type, to_type = self._types(request)
        inputs = parsing.multi_posts(await self._body(request), from_type, to_type)
        outcome = self.backend.batch_create_associations(from_type, to_type, inputs)
        results = [views.labels_between(r, self.fmt_id) for r in outcome.results]
        body = views.batch_envelope(results, started, _now(), outcome.errors)
        return json_response(body, self._batch_status(request, bool(outcome.errors), 201))

    async def batch_read_associations(self, request: Request) -> Response:
        """batch_read_associations (POST): a page of associated records for each input record.

        /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read
        """
        started = _now()
        from_type, to_type = self._types(request)
        fetches = parsing.fetches(await self._body(request), from_type)
        inputs = [(from_id, views.decode_after(after)) for from_id, after in fetches]
        outcome = self.backend.batch_read_associations(from_type, to_type, inputs)
        results = [views.batch_read_result(found, self.fmt_id) for found in outcome.results]
        body = views.batch_envelope(results, started, _now(), outcome.errors)
        return json_response(body, self._batch_status(request, bool(outcome.errors), 200))

    async def batch_remove_associations(self, request: Request) -> Response:
        """batch_remove_associations (POST): whole associations between records.

        /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/archive
        """
        started = _now()
        from_type, to_type = self._types(request)
        inputs = parsing.multi_archives(await self._body(request), from_type, to_type)
        self.backend.batch_remove_associations(from_type, to_type, inputs)
        return self._no_content_or_batch(request, started, "batch_remove_associations")

    async def batch_remove_labels(self, request: Request) -> Response:
        """batch_remove_labels (POST): the given types (labels) of associations.

        /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/labels/archive
        """
        started = _now()
        from_type, to_type = self._types(request)
        inputs = parsing.multi_posts(await self._body(request), from_type, to_type)
        self.backend.batch_remove_labels(from_type, to_type, inputs)
        return self._no_content_or_batch(request, started, "batch_remove_labels")

    # -- report -------------------------------------------------------------------------------

    async def request_high_usage_report(self, request: Request) -> Response:
        """request_high_usage_report (POST): queue a report of records near their limits.

        /crm/v4/associations/usage/high-usage-report/{userId}
        """
        raw = request.path_params["userId"]
        user_id = parsing.ascii_int(raw)
        if user_id is None or not -parsing.MAX_INT32 - 1 <= user_id <= parsing.MAX_INT32:
            raise errors.validation(f"userId must be an int32, got {raw}", {"userId": [raw]})
        content = self.backend.request_high_usage_report(user_id)
        form = self.config.enqueue_time_format
        if form == "auto":
            form = self._release(request)["enqueue_time"]
        return json_response(views.report_answer(content, form))

    # -- labels -------------------------------------------------------------------------------

    async def list_labels(self, request: Request) -> Response:
        """list_labels (GET): every association type of one direction.

        /crm/v4/associations/{fromObjectType}/{toObjectType}/labels
        """
        from_type, to_type = self._types(request)
        types = self.backend.list_labels(from_type, to_type)
        return json_response({"results": [views.spec_with_label(t) for t in types]})

    async def create_label(self, request: Request) -> Response:
        """create_label (POST): a custom label of a pair of object types.

        /crm/v4/associations/{fromObjectType}/{toObjectType}/labels
        """
        from_type, to_type = self._types(request)
        body = parsing.obj(await self._body(request), "body")
        name = parsing.text(parsing.field(body, "name", ""), "name")
        label = parsing.text(parsing.field(body, "label", ""), "label")
        made = self.backend.create_label(from_type, to_type, name, label, _inverse_label(body))
        return json_response({"results": [views.spec_with_label(t) for t in made]})

    async def update_label(self, request: Request) -> Response:
        """update_label (PUT): rename a custom label.

        /crm/v4/associations/{fromObjectType}/{toObjectType}/labels
        """
        from_type, to_type = self._types(request)
        body = parsing.obj(await self._body(request), "body")
        type_id = parsing.integer(parsing.field(body, "associationTypeId", ""), "associationTypeId")
        label = parsing.text(parsing.field(body, "label", ""), "label")
        self.backend.update_label(from_type, to_type, type_id, label, _inverse_label(body))
        return Response(status_code=204)

    async def delete_label(self, request: Request) -> Response:
        """delete_label (DELETE): a custom label, its uses and its limits.

        /crm/v4/associations/{fromObjectType}/{toObjectType}/labels/{associationTypeId}
        """
        from_type, to_type = self._types(request)
        type_id = parsing.integer(request.path_params["associationTypeId"], "associationTypeId")
        self.backend.delete_label(from_type, to_type, type_id)
        return Response(status_code=204)

    # -- limits -------------------------------------------------------------------------------

    async def list_all_limits(self, request: Request) -> Response:
        """list_all_limits (GET): every user-enforced limit.

        /crm/v4/associations/definitions/configurations/all
        """
        limits = self.backend.list_all_limits()
        return json_response({"results": [views.user_configuration(x) for x in limits]})

    async def list_limits(self, request: Request) -> Response:
        """list_limits (GET): the user-enforced limits of one direction.

        /crm/v4/associations/definitions/configurations/{fromObjectType}/{toObjectType}
        """
        from_type, to_type = self._types(request)
        limits = self.backend.list_limits(from_type, to_type)
        return json_response({"results": [views.user_configuration(x) for x in limits]})

    async def create_limits(self, request: Request) -> Response:
        """create_limits (POST): new user-enforced limits.

        /crm/v4/associations/definitions/configurations/{fromObjectType}/{toObjectType}/batch/create
        """
        started = _now()
        from_type, to_type = self._types(request)
        inputs = parsing.limit_inputs(await self._body(request))
        outcome = self.backend.create_limits(from_type, to_type, inputs)
        results = [views.user_configuration(x) for x in outcome.results]
        body = views.batch_envelope(results, started, _now(), outcome.errors)
        return json_response(body, self._limits_status(request, bool(outcome.errors), 201))

    async def update_limits(self, request: Request) -> Response:
        """update_limits (POST): changed user-enforced limits.

        /crm/v4/associations/definitions/configurations/{fromObjectType}/{toObjectType}/batch/update
        """
        started = _now()
        from_type, to_type = self._types(request)
        inputs = parsing.limit_inputs(await self._body(request))
        outcome = self.backend.update_limits(from_type, to_type, inputs)
        results = [views.update_result(x) for x in outcome.results]
        body = views.batch_envelope(results, started, _now(), outcome.errors)
        return json_response(body, self._limits_status(request, bool(outcome.errors), 200))

    async def purge_limits(self, request: Request) -> Response:
        """purge_limits (POST): types back to the system's limit.

        /crm/v4/associations/definitions/configurations/{fromObjectType}/{toObjectType}/batch/purge
        """
        started = _now()
        from_type, to_type = self._types(request)
        inputs = parsing.purge_inputs(await self._body(request))
        self.backend.purge_limits(from_type, to_type, inputs)
        return self._no_content_or_batch(request, started, "purge_limits")

    # -- limits usage -------------------------------------------------------------------------

    async def get_label_limits_usage(self, request: Request) -> Response:
        """get_label_limits_usage (GET): custom-label usage per object pair (``?fromObjectTypeId=
        &toObjectTypeId=``, each optional).

        /crm/v3/limits/associations/labels
        """
        q = request.query_params
        from_type, to_type = (
            None if q.get(name) is None else parsing.object_type_id(q[name], name)
            for name in ("fromObjectTypeId", "toObjectTypeId")
        )
        usage = self.backend.get_label_limits_usage(from_type, to_type)
        return json_response({"results": [views.label_limit(u) for u in usage]})

    async def list_record_limits_sources(self, request: Request) -> Response:
        """list_record_limits_sources (GET): source object types with records near or at a
        per-record association limit.

        /crm/v3/limits/associations/records/from
        """
        found = self.backend.list_record_limits_sources()
        return json_response({"results": [views.record_limit_status(s) for s in found]})

    async def list_record_limits_targets(self, request: Request) -> Response:
        """list_record_limits_targets (GET): the object types towards which records of one source
        object type are near or at a per-record association limit.

        /crm/v3/limits/associations/records/{fromObjectTypeId}/to
        """
        from_type = self._type_id(request, "fromObjectTypeId")
        found = self.backend.list_record_limits_targets(from_type)
        return json_response({"results": [views.record_limit_status(s) for s in found]})

    async def get_record_limits_usage(self, request: Request) -> Response:
        """get_record_limits_usage (GET): one pair's per-record limit and its records near or at it.

        /crm/v3/limits/associations/records/{fromObjectTypeId}/{toObjectTypeId}
        """
        from_type = self._type_id(request, "fromObjectTypeId")
        to_type = self._type_id(request, "toObjectTypeId")
        usage = self.backend.get_record_limits_usage(from_type, to_type)
        return json_response(views.record_limits_usage(usage, self.fmt_id))


def _inverse_label(body: dict[str, Any]) -> str | None:
    """A label body's inverseLabel: absent means a single label; present it must be a string
    (null is not in the schema)."""
    return parsing.text(body["inverseLabel"], "inverseLabel") if "inverseLabel" in body else None


def _endpoint(table: dict[str, Handler], release: str) -> Handler:
    # One route per path, dispatching on the method, so that a 405 lists every allowed method.
    async def endpoint(request: Request) -> Response:
        request.scope["hubspot_release"] = release
        method = "GET" if request.method == "HEAD" else request.method
        try:
            return await table[method](request)
        except errors.ApiError as exc:
            return error_response(exc)

    return endpoint


def _guarded(handler: Handler, operation_id: str, release: str, gate: RouteGate) -> Handler:
    """The handler, behind the token's scopes and permissions (a refused request changes nothing
    and is not counted), counting each request it runs under its operationId."""

    async def guarded(request: Request) -> Response:
        refused = gate.refusal(request, operation_id, release)
        if refused is not None:
            return error_response(refused)
        gate.counts().operation(operation_id)
        return await handler(request)

    return guarded


class HubSpotRoute(Route):
    """The route of one HubSpot path, knowing the operationId each of its methods reaches."""

    def __init__(self, path: str, endpoint: Handler, operations: dict[str, str]) -> None:
        super().__init__(path, endpoint, methods=list(operations))
        self.operations = operations


def release_at(releases: dict[str, dict[str, Any]], path: str) -> str | None:
    """The release whose path family (objects, associations or limits) serves ``path`` (None:
    none of them)."""
    for name, row in releases.items():
        for base in release_bases(row):
            if path == base or path.startswith(base + "/"):
                return name
    return None


def operation_at(routes: Iterable[BaseRoute], scope: Scope) -> str | None:
    """The operationId a request would reach, without running it (None: no such operation)."""
    method = "GET" if scope["method"] == "HEAD" else scope["method"]
    for route in routes:
        if isinstance(route, HubSpotRoute) and route.matches(scope)[0] is Match.FULL:
            return route.operations.get(method)
    return None


def hubspot_routes(
    handlers: Handlers,
    gate: RouteGate,
    releases: dict[str, dict[str, Any]],
    object_handlers: object | None = None,
) -> list[BaseRoute]:
    """Every operation under every path family of ``releases``, each request checked and counted
    (``gate``) under its operationId.

    A handler is looked up on ``handlers`` by its operationId when the routes are built, so a
    handler set on the instance (tests/mutants) replaces the method.
    """
    table: dict[str, dict[str, Handler]] = {}
    operations: dict[str, dict[str, str]] = {}
    release_of: dict[str, str] = {}
    record_bases, association_bases, limits_bases, objects_bases = path_families(releases)
    families: list[tuple[Bases, tuple[Operation, ...], object]] = [
        (record_bases, RECORD_ASSOCIATION_OPERATIONS, handlers),
        (association_bases, ASSOCIATION_OPERATIONS, handlers),
        (limits_bases, LIMITS_OPERATIONS, handlers),
    ]
    if object_handlers is not None:
        families.append((objects_bases, OBJECT_API_OPERATIONS, object_handlers))
    for bases, family, owner in families:
        for base, release in bases:
            for method, path, operation_id in family:
                # What a release lacks has no route: HubSpot answers 404 as for any unknown path.
                if operation_id in releases[release]["lacks"]:
                    continue
                handler = getattr(owner, operation_id)
                guarded = _guarded(handler, operation_id, release, gate)
                table.setdefault(base + path, {})[method] = guarded
                operations.setdefault(base + path, {})[method] = operation_id
                release_of[base + path] = release
    return [
        HubSpotRoute(path, _endpoint(methods, release_of[path]), operations[path])
        for path, methods in table.items()
    ]
