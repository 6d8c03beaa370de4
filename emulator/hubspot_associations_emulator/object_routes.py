"""The CRM object calls (emulator-only: the curated spec and the client stay Associations-only),
served under each release's ``objects_base`` (v4: ``/crm/v3/objects``; a dated release:
``/crm/objects/{release}``). Each handler is named after its operation in
``OBJECT_API_OPERATIONS``; the request counts, journal and aimed faults use those names.

Answers follow HubSpot's objects files where the release row names one (``objects_source``);
a release without one (2025-09) answers as its nearest release, INFERRED. Batch calls answer 207
when some inputs fail where the row's ``objects_batch_207`` says so, else their success status
with the errors inside (2026-09).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response

from . import errors, parsing, views
from .backend import Backend
from .catalog import NAME_BY_ID, AssociationType
from .objects import (
    DEFAULT_PROPERTIES,
    CrmObject,
    Objects,
    ObjectSettings,
    association_type_name,
    iso_ms,
    modified_property,
)
from .search import SearchRecord, search
from .views import json_response

__all__ = ["OBJECT_API_OPERATIONS", "OBJECT_OPERATION_IDS", "ObjectHandlers"]

Operation = tuple[str, str, str]
# Under a release's objects base, in routing order: fixed segments before {objectId}.
OBJECT_API_OPERATIONS: tuple[Operation, ...] = (
    ("POST", "/{objectType}/batch/create", "batch_create_objects"),
    ("POST", "/{objectType}/batch/read", "batch_read_objects"),
    ("POST", "/{objectType}/batch/update", "batch_update_objects"),
    ("POST", "/{objectType}/batch/upsert", "batch_upsert_objects"),
    ("POST", "/{objectType}/batch/archive", "batch_archive_objects"),
    ("POST", "/{objectType}/search", "search_objects"),
    ("POST", "/{objectType}/merge", "merge_objects"),
    ("POST", "/{objectType}/gdpr-delete", "gdpr_delete_object"),
    ("GET", "/{objectType}", "list_objects"),
    ("POST", "/{objectType}", "create_object"),
    ("GET", "/{objectType}/{objectId}", "get_object"),
    ("PATCH", "/{objectType}/{objectId}", "update_object"),
    ("DELETE", "/{objectType}/{objectId}", "archive_object"),
)
OBJECT_OPERATION_IDS = frozenset(op for _, _, op in OBJECT_API_OPERATIONS)
# The object calls that change nothing (request counts: reads).
OBJECT_READS = frozenset({"batch_read_objects", "search_objects", "list_objects", "get_object"})
PAGE_MAX = 100
BATCH_MAX = 100


class ObjectPortal(Protocol):
    """What the object handlers read of the portal answering a request (``portals.Portal``)."""

    backend: Backend
    objects: Objects
    object_settings: ObjectSettings
    releases: dict[str, dict[str, Any]]

    def resolve_type(self, text: str) -> str:
        """An object type ID from a path segment or name (custom objects by their names)."""
        ...


def _now() -> datetime:
    return datetime.now(UTC)


def _names(request: Request, key: str) -> list[str]:
    """A list query parameter, repeated (``?a=x&a=y``, as HubSpot's Python client sends it) or
    comma-separated (``?a=x,y``), each name once in order."""
    names = [p.strip() for raw in request.query_params.getlist(key) for p in raw.split(",")]
    return list(dict.fromkeys(n for n in names if n))


def _written(obj: CrmObject) -> list[str]:
    """The properties a create answers: the type's defaults and every one the create wrote
    (HubSpot's create answers show the values just written, a custom property's too)."""
    return [*DEFAULT_PROPERTIES.get(obj.type_id, ()), *sorted(obj.properties)]


def _flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise errors.validation(f"{name}: true or false, got {value}")


class ObjectHandlers:
    """The object calls, answering for the portal of each request."""

    def __init__(self, current: Callable[[], ObjectPortal]) -> None:
        self._current = current

    # -- helpers ------------------------------------------------------------------------------

    def _portal(self) -> ObjectPortal:
        return self._current()

    def _type(self, request: Request) -> str:
        return self._portal().resolve_type(request.path_params["objectType"])

    def _release(self, request: Request) -> dict[str, Any]:
        return self._portal().releases[request.scope["hubspot_release"]]

    def _body_object(self, content: bytes) -> dict[str, Any]:
        return parsing.obj(parsing.json_body(content), "body")

    def _render(
        self,
        obj: CrmObject,
        properties: list[str] | None,
        associations: list[str] | None = None,
    ) -> dict[str, Any]:
        """HubSpot's object body: the properties asked for (or the type's defaults) with the
        system ones, and the associations asked for."""
        every = obj.all_properties()
        system = ["hs_object_id", "createdate", modified_property(obj.type_id)]
        names = [*(properties or DEFAULT_PROPERTIES.get(obj.type_id, ())), *system]
        body: dict[str, Any] = {
            "id": str(obj.id),
            "properties": {n: every.get(n) for n in dict.fromkeys(names)},
            "createdAt": iso_ms(obj.created_ms),
            "updatedAt": iso_ms(obj.updated_ms),
            "archived": obj.state == "archived",
        }
        if obj.state == "archived" and obj.archived_ms is not None:
            body["archivedAt"] = iso_ms(obj.archived_ms)
        if associations:
            portal = self._portal()
            wanted = {name: portal.resolve_type(name) for name in associations}
            found = portal.objects.associations(obj, wanted.values())
            out: dict[str, Any] = {}
            for name, to_type in wanted.items():
                rows: list[tuple[int, AssociationType]] = found.get(to_type, [])
                if rows:
                    out[name] = {"results": [{"id": str(i), "type": association_type_name(t)}
                                             for i, t in rows]}  # fmt: skip
            if out:
                body["associations"] = out
        return body

    def _batch_status(self, request: Request, failed: bool, success: int) -> int:
        return 207 if failed and self._release(request)["objects_batch_207"] else success

    # -- single-object calls ------------------------------------------------------------------

    async def create_object(self, request: Request) -> Response:
        """create_object (POST /{objectType}): a record with its properties and associations."""
        type_id = self._type(request)
        body = self._body_object(await request.body())
        parsing.only(body, ("properties", "associations", "objectWriteTraceId"), "body")
        with self._portal().backend.atomically():
            made = self._create(
                request, type_id, body.get("properties"), body.get("associations"), "body"
            )
        return json_response(self._render(made, _written(made)), 201)

    async def get_object(self, request: Request) -> Response:
        """get_object (GET /{objectType}/{objectId}?properties=&associations=&archived=&
        idProperty=)."""
        type_id = self._type(request)
        q = request.query_params
        found = self._portal().objects.find(
            type_id, request.path_params["objectId"], q.get("idProperty"),
            archived=_flag(q.get("archived"), "archived"),
        )  # fmt: skip
        return json_response(
            self._render(found, _names(request, "properties"), _names(request, "associations"))
        )

    async def update_object(self, request: Request) -> Response:
        """update_object (PATCH /{objectType}/{objectId}?idProperty=): new property values."""
        type_id = self._type(request)
        body = self._body_object(await request.body())
        parsing.only(body, ("properties", "objectWriteTraceId"), "body")
        portal = self._portal()
        with portal.backend.atomically():
            found = portal.objects.find(
                type_id, request.path_params["objectId"], request.query_params.get("idProperty")
            )
            portal.objects.update(found, body.get("properties", {}), portal.object_settings)
        return json_response(self._render(found, None))

    async def archive_object(self, request: Request) -> Response:
        """archive_object (DELETE /{objectType}/{objectId}): the record and its associations;
        an already archived record answers 204 again (INFERRED: an archive is idempotent)."""
        type_id = self._type(request)
        portal = self._portal()
        key = request.path_params["objectId"]
        with portal.backend.atomically():
            try:
                found = portal.objects.find(type_id, key)
            except errors.ApiError:
                portal.objects.find(type_id, key, archived=True)  # 404 unless archived
                return Response(status_code=204)
            portal.objects.archive(found)
        return Response(status_code=204)

    async def list_objects(self, request: Request) -> Response:
        """list_objects (GET /{objectType}?limit=&after=&properties=&associations=&archived=)."""
        type_id = self._type(request)
        q = request.query_params
        limit = parsing.page_limit(q.get("limit"), default=10, maximum=PAGE_MAX)
        after = parsing.ascii_int(q.get("after") or "0")
        if after is None or after < 0:
            raise errors.validation(f"after: a cursor from a previous page, got {q.get('after')}")
        found, more = self._portal().objects.page(
            type_id, after, limit, archived=_flag(q.get("archived"), "archived")
        )
        props, assoc = _names(request, "properties"), _names(request, "associations")
        body: dict[str, Any] = {"results": [self._render(o, props, assoc) for o in found]}
        if more is not None:
            url = request.url
            link = f"{url.scheme}://{url.netloc}{url.path}?after={more}"
            body["paging"] = {"next": {"after": str(more), "link": link}}
        return json_response(body)

    async def merge_objects(self, request: Request) -> Response:
        """merge_objects (POST /{objectType}/merge): ``objectIdToMerge`` into
        ``primaryObjectId``."""
        type_id = self._type(request)
        body = self._body_object(await request.body())
        parsing.only(body, ("primaryObjectId", "objectIdToMerge"), "body")
        portal = self._portal()
        with portal.backend.atomically():
            primary = portal.objects.find(
                type_id, str(parsing.field(body, "primaryObjectId", "body"))
            )
            merged = portal.objects.find(
                type_id, str(parsing.field(body, "objectIdToMerge", "body"))
            )
            result = portal.objects.merge(primary, merged)
        return json_response(self._render(result, None))

    async def gdpr_delete_object(self, request: Request) -> Response:
        """gdpr_delete_object (POST /{objectType}/gdpr-delete): the record deleted for good."""
        type_id = self._type(request)
        body = self._body_object(await request.body())
        parsing.only(body, ("objectId", "idProperty"), "body")
        portal = self._portal()
        with portal.backend.atomically():
            found = portal.objects.find(
                type_id, str(parsing.field(body, "objectId", "body")), body.get("idProperty")
            )
            portal.objects.gdpr_delete(found)
        return Response(status_code=204)

    # -- search -------------------------------------------------------------------------------

    async def search_objects(self, request: Request) -> Response:
        """search_objects (POST /{objectType}/search): filters, sorts, paging, ``total``."""
        type_id = self._type(request)
        portal = self._portal()
        live = {o.id: o for o in portal.objects.live(type_id)}

        def associated_with(name: str, record_id: int) -> set[int]:
            other = portal.resolve_type(name)
            return {
                to_id
                for to_type, to_id, _ in portal.backend.store.associated_from(other, record_id)
                if to_type == type_id
            }

        page = search(
            [SearchRecord(o.id, o.all_properties()) for o in live.values()],
            parsing.json_body(await request.body()),
            associated_with,
        )
        body: dict[str, Any] = {
            "total": page.total,
            "results": [self._render(live[i], page.properties) for i in page.ids],
        }
        if page.next_after is not None:
            body["paging"] = {"next": {"after": page.next_after}}
        return json_response(body)

    # -- batch --------------------------------------------------------------------------------

    def _inputs(self, body: dict[str, Any]) -> list[Any]:
        inputs = parsing.array(parsing.field(body, "inputs", "body"), "inputs")
        if len(inputs) > BATCH_MAX:
            raise errors.validation(f"inputs: at most {BATCH_MAX} per batch, got {len(inputs)}")
        return inputs

    def _envelope(
        self, request: Request, started: datetime, results: list[Any],
        failed: list[errors.ApiError], success: int,
    ) -> Response:  # fmt: skip
        body = views.batch_envelope(results, started, _now(), failed)
        return json_response(body, self._batch_status(request, bool(failed), success))

    async def _each_input(
        self, request: Request, success: int, write: Callable[[dict[str, Any], str], Any]
    ) -> Response:
        """A writing batch call: ``write(input, where)`` for each input in a savepoint of one
        transaction (a refused input undone alone, its error kept), then the batch answer."""
        started = _now()
        body = self._body_object(await request.body())
        portal = self._portal()
        results: list[Any] = []
        failed: list[errors.ApiError] = []
        with portal.backend.atomically():
            for i, item in enumerate(self._inputs(body)):
                where = f"inputs[{i}]"
                try:
                    with portal.backend.store.savepoint():
                        results.append(write(parsing.obj(item, where), where))
                except errors.ApiError as exc:
                    failed.append(exc)
        return self._envelope(request, started, results, failed, success)

    def _create(
        self, request: Request, type_id: str, props: Any, links: Any, where: str
    ) -> CrmObject:
        portal = self._portal()
        return portal.objects.create(
            type_id, props, links, portal.object_settings,
            validate_writes=self._release(request)["write_validation"], where=where,
        )  # fmt: skip

    async def batch_create_objects(self, request: Request) -> Response:
        """batch_create_objects (POST /{objectType}/batch/create): each input on its own."""
        type_id = self._type(request)

        def write(o: dict[str, Any], where: str) -> Any:
            made = self._create(request, type_id, o.get("properties"), o.get("associations"), where)
            return self._render(made, _written(made))

        return await self._each_input(request, 201, write)

    async def batch_read_objects(self, request: Request) -> Response:
        """batch_read_objects (POST /{objectType}/batch/read): ``inputs`` by ID or
        ``idProperty``, with ``properties``."""
        started, type_id = _now(), self._type(request)
        body = self._body_object(await request.body())
        archived = _flag(request.query_params.get("archived"), "archived")
        props = body.get("properties") or []
        id_property = body.get("idProperty")
        results, missing = [], []
        for i, item in enumerate(self._inputs(body)):
            key = str(parsing.field(parsing.obj(item, f"inputs[{i}]"), "id", f"inputs[{i}]"))
            try:
                found = self._portal().objects.find(type_id, key, id_property, archived=archived)
            except errors.ApiError:
                missing.append(key)
                continue
            results.append(self._render(found, props))
        failed = []
        if missing:
            label = NAME_BY_ID.get(type_id, type_id).upper()
            failed.append(errors.ApiError(
                404, f"Could not get some {label} objects, they may be deleted or not exist. "
                f"Check that ids are valid.", "OBJECT_NOT_FOUND", context={"ids": missing},
            ))  # fmt: skip
        return self._envelope(request, started, results, failed, 200)

    async def batch_update_objects(self, request: Request) -> Response:
        """batch_update_objects (POST /{objectType}/batch/update): each input on its own."""
        type_id, portal = self._type(request), self._portal()

        def write(o: dict[str, Any], where: str) -> Any:
            key = str(parsing.field(o, "id", where))
            found = portal.objects.find(type_id, key, o.get("idProperty"))
            portal.objects.update(found, o.get("properties", {}), portal.object_settings)
            return self._render(found, None)

        return await self._each_input(request, 200, write)

    async def batch_upsert_objects(self, request: Request) -> Response:
        """batch_upsert_objects (POST /{objectType}/batch/upsert): by ``idProperty``, updated
        when found, else created with it; each result carries ``new``."""
        type_id, portal = self._type(request), self._portal()

        def write(o: dict[str, Any], where: str) -> Any:
            key = str(parsing.field(o, "id", where))
            id_property = o.get("idProperty")
            props = parsing.obj(o.get("properties", {}), f"{where}.properties")
            try:
                found = portal.objects.find(type_id, key, id_property)
            except errors.ApiError:
                if not id_property:
                    raise errors.validation(
                        f"{where}: no record {key}; upserts create by idProperty"
                    ) from None
                made = self._create(request, type_id, {**props, id_property: key}, None, where)
                return {**self._render(made, None), "new": True}
            portal.objects.update(found, props, portal.object_settings)
            return {**self._render(found, None), "new": False}

        return await self._each_input(request, 200, write)

    async def batch_archive_objects(self, request: Request) -> Response:
        """batch_archive_objects (POST /{objectType}/batch/archive): 204; IDs that do not exist
        are passed over (INFERRED, as HubSpot's batch archive of associations does)."""
        type_id = self._type(request)
        body = self._body_object(await request.body())
        portal = self._portal()
        with portal.backend.atomically():
            for i, item in enumerate(self._inputs(body)):
                key = str(parsing.field(parsing.obj(item, f"inputs[{i}]"), "id", f"inputs[{i}]"))
                try:
                    found = portal.objects.find(type_id, key)
                except errors.ApiError:
                    continue
                portal.objects.archive(found)
        return Response(status_code=204)
