"""Routing: HubSpot's paths (every release in release_table) mapped to handlers.

A handler parses the request (parsing), calls the backend and renders the answer (views).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from . import errors, parsing, views
from .backend import Backend, iso
from .catalog import resolve_object_type
from .config import EmulatorConfig
from .counts import RequestCounts
from .profiles import effective_releases
from .release_table import RELEASES

try:
    import orjson

    def dumps(value: Any) -> bytes:
        """Encode JSON (orjson when installed)."""
        return orjson.dumps(value)
except ImportError:  # pragma: no cover - orjson is optional
    import json

    def dumps(value: Any) -> bytes:
        """Encode JSON (orjson when installed)."""
        return json.dumps(value, separators=(",", ":")).encode()


def path_families(
    releases: dict[str, dict[str, Any]],
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(object bases, association bases), each with its release: a route knows its release."""
    objects = tuple((r["object_base"], name) for name, r in releases.items())
    associations = tuple(
        (base, name) for name, r in releases.items() for base in r["association_bases"]
    )
    return objects, associations


Handler = Callable[[Request], Awaitable[Response]]
# Each handler's operationId in openapi/curated.yaml: the request counts are keyed by these.
OPERATION_IDS = {
    "put_default": "associate_default",
    "put_labelled": "associate_with_labels",
    "get_page": "list_associations",
    "delete_pair": "remove_associations",
    "batch_default": "batch_associate_default",
    "batch_create": "batch_create_associations",
    "batch_read": "batch_read_associations",
    "batch_archive": "batch_remove_associations",
    "batch_archive_labels": "batch_remove_labels",
    "report": "request_high_usage_report",
    "labels_get": "list_labels",
    "labels_create": "create_label",
    "labels_update": "update_label",
    "labels_delete": "delete_label",
    "limits_all": "list_all_limits",
    "limits_pair": "list_limits",
    "limits_create": "create_limits",
    "limits_update": "update_limits",
    "limits_purge": "purge_limits",
}


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON answer."""
    return Response(dumps(body), status_code=status, media_type="application/json")


def error_response(exc: errors.ApiError) -> Response:
    """A HubSpot-shaped error answer."""
    return json_response(exc.body(), exc.status)


def _now() -> datetime:
    return datetime.now(UTC)


class Handlers:
    """The 19 operations, bound to one backend and configuration."""

    def __init__(self, backend: Backend, config: EmulatorConfig) -> None:
        self.backend = backend
        self.config = config
        # The profile is merged here, once: handlers read only their release's row.
        self.releases = effective_releases(config.releases or RELEASES, config.profile)
        self.fmt_id: Callable[[int], int | str] = int if config.numeric_ids else str

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _types(
        request: Request, a: str = "fromObjectType", b: str = "toObjectType"
    ) -> tuple[str, str]:
        p = request.path_params
        return resolve_object_type(p[a]), resolve_object_type(p[b])

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

    def _no_content_or_batch(self, request: Request, started: datetime, operation: str) -> Response:
        # Dated releases (and some v4 profiles) answer these calls with a batch body, not 204.
        if operation in self._release(request)["void_body"]:
            return json_response(
                {
                    "status": "COMPLETE",
                    "results": [],
                    "startedAt": iso(started),
                    "completedAt": iso(_now()),
                }
            )
        return Response(status_code=204)

    def _to_object(self, to_id: int, types: list[Any]) -> dict[str, Any]:
        return {
            "toObjectId": self.fmt_id(to_id),
            "associationTypes": [views.spec_with_label(t) for t in types],
        }

    # -- basic --------------------------------------------------------------------------------

    async def put_default(self, request: Request) -> Response:
        """PUT …/{fromObjectType}/{fromObjectId}/associations/default/{toType}/{toObjectId}."""
        started = _now()
        from_type, to_type = self._types(request)
        p = request.path_params
        from_id = parsing.record_id(p["fromObjectId"], from_type)
        to_id = parsing.record_id(p["toObjectId"], to_type)
        outcome = self.backend.associate_default(from_type, to_type, [(from_id, to_id)])
        if outcome.errors:
            raise outcome.errors[0]
        results = [self._default_result(r.from_id, r.to_id, r.type_id) for r in outcome.results]
        return json_response(views.batch(outcome, results, started, _now()))

    def _default_result(self, from_id: int, to_id: int, type_id: int) -> dict[str, Any]:
        t = self.backend.types[type_id]
        return {
            "from": {"id": str(from_id)},
            "to": {"id": str(to_id)},
            "associationSpec": {"associationCategory": t.category, "associationTypeId": type_id},
        }

    async def put_labelled(self, request: Request) -> Response:
        """PUT …/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}."""
        from_type, to_type = self._types(request, "objectType")
        p = request.path_params
        from_id = parsing.record_id(p["objectId"], from_type)
        to_id = parsing.record_id(p["toObjectId"], to_type)
        specs = parsing.specs(await self._body(request), "body")
        outcome = self.backend.associate(from_type, to_type, [(from_id, to_id, specs)])
        if outcome.errors:
            raise outcome.errors[0]
        entity = self._labels_between(outcome.results[0])
        if self._release(request)["labelled_put"] == "wrapped":
            url = request.url
            return json_response(
                {
                    "createdResourceId": f"{from_id}-{to_id}",
                    "entity": entity,
                    "location": f"{url.scheme}://{url.netloc}{url.path}",
                }
            )
        return json_response(entity, 201)

    def _labels_between(self, r: Any) -> dict[str, Any]:
        return {
            "fromObjectTypeId": r.from_type,
            "fromObjectId": self.fmt_id(r.from_id),
            "toObjectTypeId": r.to_type,
            "toObjectId": self.fmt_id(r.to_id),
            "labels": r.labels,
        }

    async def get_page(self, request: Request) -> Response:
        """GET …/{objectType}/{objectId}/associations/{toObjectType}?after=&limit=."""
        from_type, to_type = self._types(request, "objectType")
        from_id = parsing.record_id(request.path_params["objectId"], from_type)
        q = request.query_params
        limit = parsing.page_limit(q.get("limit"))
        after = views.decode_after(q.get("after"))
        page = self.backend.page(from_type, from_id, to_type, after, limit)
        body: dict[str, Any] = {"results": [self._to_object(i, ts) for i, ts in page.items]}
        if page.next_after is not None:
            cursor = views.encode_after(page.next_after)
            url = request.url
            link = f"{url.scheme}://{url.netloc}{url.path}?after={cursor}&limit={limit}"
            body["paging"] = {"next": {"after": cursor, "link": link}}
        return json_response(body)

    async def delete_pair(self, request: Request) -> Response:
        """DELETE …/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}."""
        from_type, to_type = self._types(request, "objectType")
        p = request.path_params
        from_id = parsing.record_id(p["objectId"], from_type)
        to_id = parsing.record_id(p["toObjectId"], to_type)
        self.backend.archive(from_type, to_type, [(from_id, [to_id])])
        return Response(status_code=204)

    # -- batch --------------------------------------------------------------------------------

    async def batch_default(self, request: Request) -> Response:
        """POST …/{fromObjectType}/{toObjectType}/batch/associate/default."""
        started = _now()
        from_type, to_type = self._types(request)
        pairs = parsing.default_pairs(await self._body(request), from_type, to_type)
        outcome = self.backend.associate_default(from_type, to_type, pairs)
        results = [self._default_result(r.from_id, r.to_id, r.type_id) for r in outcome.results]
        # HubSpot documents only 200 here; failed inputs ride in the body's errors and numErrors.
        return json_response(views.batch(outcome, results, started, _now()))

    async def batch_create(self, request: Request) -> Response:
        """POST …/{fromObjectType}/{toObjectType}/batch/create."""
        started = _now()
        from_type, to_type = self._types(request)
        inputs = parsing.multi_posts(await self._body(request), from_type, to_type)
        outcome = self.backend.associate(from_type, to_type, inputs)
        results = [self._labels_between(r) for r in outcome.results]
        body = views.batch(outcome, results, started, _now())
        return json_response(body, self._batch_status(request, bool(outcome.errors), 201))

    async def batch_read(self, request: Request) -> Response:
        """POST …/{fromObjectType}/{toObjectType}/batch/read."""
        started = _now()
        from_type, to_type = self._types(request)
        fetches = parsing.fetches(await self._body(request), from_type)
        results = []
        problems = []
        for from_id, after in fetches:
            page = self.backend.page(from_type, from_id, to_type, views.decode_after(after), 500)
            if not page.items:
                problems.append(self.backend.no_associations(from_type, from_id, to_type))
                continue
            item: dict[str, Any] = {
                "from": {"id": str(from_id)},
                "to": [self._to_object(i, ts) for i, ts in page.items],
            }
            if page.next_after is not None:
                item["paging"] = {"next": {"after": views.encode_after(page.next_after)}}
            results.append(item)
        body: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": iso(started),
            "completedAt": iso(_now()),
        }
        if problems:
            body["errors"] = [p.standard_error() for p in problems]
            body["numErrors"] = len(problems)
        return json_response(body, self._batch_status(request, bool(problems), 200))

    async def batch_archive(self, request: Request) -> Response:
        """POST …/{fromObjectType}/{toObjectType}/batch/archive."""
        started = _now()
        from_type, to_type = self._types(request)
        inputs = parsing.multi_archives(await self._body(request), from_type, to_type)
        self.backend.archive(from_type, to_type, inputs)
        return self._no_content_or_batch(request, started, "batch_remove_associations")

    async def batch_archive_labels(self, request: Request) -> Response:
        """POST …/{fromObjectType}/{toObjectType}/batch/labels/archive."""
        started = _now()
        from_type, to_type = self._types(request)
        inputs = parsing.multi_posts(await self._body(request), from_type, to_type)
        self.backend.archive_labels(from_type, to_type, inputs)
        return self._no_content_or_batch(request, started, "batch_remove_labels")

    # -- report -------------------------------------------------------------------------------

    async def report(self, request: Request) -> Response:
        """POST …/usage/high-usage-report/{userId}."""
        raw = request.path_params["userId"]
        user_id = parsing.ascii_int(raw)
        if user_id is None or not -parsing.MAX_INT32 - 1 <= user_id <= parsing.MAX_INT32:
            raise errors.validation(f"userId must be an int32, got {raw}", {"userId": [raw]})
        report = self.backend.high_usage_report(user_id)
        enqueued: Any = report["enqueueTime"]
        form = self.config.enqueue_time_format
        if form == "auto":
            form = self._release(request)["enqueue_time"]
        if form == "object":
            moment = datetime.strptime(str(enqueued), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            enqueued = {
                "value": int(moment.timestamp() * 1000),
                "dateOnly": False,
                "timeZoneShift": 0,
            }
        return json_response(
            {"userEmail": report["userEmail"], "userId": user_id, "enqueueTime": enqueued}
        )

    # -- labels -------------------------------------------------------------------------------

    async def labels_get(self, request: Request) -> Response:
        """GET …/{fromObjectType}/{toObjectType}/labels."""
        from_type, to_type = self._types(request)
        types = self.backend.types_of_pair(from_type, to_type)
        return json_response({"results": [views.spec_with_label(t) for t in types]})

    async def labels_create(self, request: Request) -> Response:
        """POST …/{fromObjectType}/{toObjectType}/labels."""
        from_type, to_type = self._types(request)
        body = parsing.obj(await self._body(request), "body")
        name = parsing.text(parsing.field(body, "name", ""), "name")
        label = parsing.text(parsing.field(body, "label", ""), "label")
        # Absent means a single label; present it must be a string (null is not in the schema).
        inverse = (
            parsing.text(body["inverseLabel"], "inverseLabel") if "inverseLabel" in body else None
        )
        made = self.backend.create_label(from_type, to_type, name, label, inverse)
        return json_response({"results": [views.spec_with_label(t) for t in made]})

    async def labels_update(self, request: Request) -> Response:
        """PUT …/{fromObjectType}/{toObjectType}/labels."""
        from_type, to_type = self._types(request)
        body = parsing.obj(await self._body(request), "body")
        type_id = parsing.integer(parsing.field(body, "associationTypeId", ""), "associationTypeId")
        label = parsing.text(parsing.field(body, "label", ""), "label")
        # Absent means a single label; present it must be a string (null is not in the schema).
        inverse = (
            parsing.text(body["inverseLabel"], "inverseLabel") if "inverseLabel" in body else None
        )
        self.backend.update_label(from_type, to_type, type_id, label, inverse)
        return Response(status_code=204)

    async def labels_delete(self, request: Request) -> Response:
        """DELETE …/{fromObjectType}/{toObjectType}/labels/{associationTypeId}."""
        from_type, to_type = self._types(request)
        type_id = parsing.integer(request.path_params["associationTypeId"], "associationTypeId")
        self.backend.delete_label(from_type, to_type, type_id)
        return Response(status_code=204)

    # -- limits -------------------------------------------------------------------------------

    async def limits_all(self, request: Request) -> Response:
        """GET …/definitions/configurations/all."""
        limits = self.backend.list_limits()
        return json_response({"results": [views.user_configuration(x) for x in limits]})

    async def limits_pair(self, request: Request) -> Response:
        """GET …/definitions/configurations/{fromObjectType}/{toObjectType}."""
        pair = self._types(request)
        limits = self.backend.list_limits(pair)
        return json_response({"results": [views.user_configuration(x) for x in limits]})

    async def limits_create(self, request: Request) -> Response:
        """POST …/definitions/configurations/{fromObjectType}/{toObjectType}/batch/create."""
        return await self._limits_write(request, create=True)

    async def limits_update(self, request: Request) -> Response:
        """POST …/definitions/configurations/{fromObjectType}/{toObjectType}/batch/update."""
        return await self._limits_write(request, create=False)

    async def _limits_write(self, request: Request, *, create: bool) -> Response:
        started = _now()
        from_type, to_type = self._types(request)
        inputs = parsing.limit_inputs(await self._body(request))
        outcome = self.backend.set_limits(from_type, to_type, inputs, create=create)
        render = views.user_configuration if create else views.update_result
        body = views.batch(outcome, [render(x) for x in outcome.results], started, _now())
        status = self._batch_status(request, bool(outcome.errors), 201 if create else 200)
        return json_response(body, status)

    async def limits_purge(self, request: Request) -> Response:
        """POST …/definitions/configurations/{fromObjectType}/{toObjectType}/batch/purge."""
        started = _now()
        from_type, to_type = self._types(request)
        inputs = parsing.purge_inputs(await self._body(request))
        self.backend.purge_limits(from_type, to_type, inputs)
        return self._no_content_or_batch(request, started, "purge_limits")


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


def _counted(handler: Handler, counts: RequestCounts) -> Handler:
    """The handler, counting each request under the handler's operationId before it runs."""
    # Looked up when the routes are built, so a handler missing from the map fails at startup.
    operation_id = OPERATION_IDS[handler.__name__]

    async def counted(request: Request) -> Response:
        counts.operation(operation_id)
        return await handler(request)

    return counted


class HubSpotRoute(Route):
    """The route of one HubSpot path, knowing the operationId each of its methods reaches."""

    def __init__(self, path: str, endpoint: Handler, operations: dict[str, str]) -> None:
        super().__init__(path, endpoint, methods=list(operations))
        self.operations = operations


def operation_at(routes: Iterable[BaseRoute], scope: Scope) -> str | None:
    """The operationId a request would reach, without running it (None: no such operation)."""
    method = "GET" if scope["method"] == "HEAD" else scope["method"]
    for route in routes:
        if isinstance(route, HubSpotRoute) and route.matches(scope)[0] is Match.FULL:
            return route.operations.get(method)
    return None


def hubspot_routes(handlers: Handlers, counts: RequestCounts) -> list[BaseRoute]:
    """Every operation under every path family, each request counted by its operationId."""
    h = handlers
    table: dict[str, dict[str, Handler]] = {}
    operations: dict[str, dict[str, str]] = {}
    release_of: dict[str, str] = {}

    def add(release: str, path: str, method: str, handler: Handler) -> None:
        # What a release lacks has no route: HubSpot answers 404 as for any unknown path.
        operation_id = OPERATION_IDS[handler.__name__]
        if operation_id in h.releases[release]["lacks"]:
            return
        table.setdefault(path, {})[method] = _counted(handler, counts)
        operations.setdefault(path, {})[method] = operation_id
        release_of[path] = release

    obj = "/{objectType}/{objectId}/associations/{toObjectType}"
    default = "/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}"
    object_bases, association_bases = path_families(h.releases)
    for base, name in object_bases:
        add(name, base + default, "PUT", h.put_default)
        add(name, base + obj + "/{toObjectId}", "PUT", h.put_labelled)
        add(name, base + obj + "/{toObjectId}", "DELETE", h.delete_pair)
        add(name, base + obj, "GET", h.get_page)
    pair = "/{fromObjectType}/{toObjectType}"
    conf = "/definitions/configurations"
    for base, name in association_bases:
        add(name, base + "/usage/high-usage-report/{userId}", "POST", h.report)
        add(name, base + conf + "/all", "GET", h.limits_all)
        add(name, base + conf + pair, "GET", h.limits_pair)
        add(name, base + conf + pair + "/batch/create", "POST", h.limits_create)
        add(name, base + conf + pair + "/batch/update", "POST", h.limits_update)
        add(name, base + conf + pair + "/batch/purge", "POST", h.limits_purge)
        add(name, base + pair + "/batch/associate/default", "POST", h.batch_default)
        add(name, base + pair + "/batch/create", "POST", h.batch_create)
        add(name, base + pair + "/batch/read", "POST", h.batch_read)
        add(name, base + pair + "/batch/archive", "POST", h.batch_archive)
        add(name, base + pair + "/batch/labels/archive", "POST", h.batch_archive_labels)
        add(name, base + pair + "/labels", "GET", h.labels_get)
        add(name, base + pair + "/labels", "POST", h.labels_create)
        add(name, base + pair + "/labels", "PUT", h.labels_update)
        add(name, base + pair + "/labels/{associationTypeId}", "DELETE", h.labels_delete)
    return [
        HubSpotRoute(path, _endpoint(methods, release_of[path]), operations[path])
        for path, methods in table.items()
    ]
