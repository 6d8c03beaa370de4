"""The control API under /_emulator/: reset, seed, faults, rate limit, reports, counts, health,
portals, tokens and webhooks (no auth unless started with a control token: ``guard``). It
changes the store only through the backends."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from . import errors, parsing, views
from .backend import Backend
from .catalog import is_custom_type_id, resolve_object_type
from .config import RecordLimits, check_record_limits
from .faults import parse_script, parse_spec
from .portals import Portal
from .ratelimit import rate_limit_body
from .release_table import PROFILES
from .repeat_answers import repeat_answers
from .routes import EVERY_OPERATION_ID
from .state import Emulator
from .tokens import DEFAULT_APP_ID, MAX_ID, Token, parse_token, shown
from .views import error_response, json_response
from .webhooks import Subscription


class Control:
    """Handlers of the control API, bound to one emulator.

    Every call acts on one portal: ``portalId`` in the query of a GET, a key of the body of a
    PUT or POST (the default portal when absent); a portal that does not exist is a 404.
    ``POST /_emulator/reset`` without ``portalId`` resets every portal and the tokens.
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    # -- which portal -------------------------------------------------------------------------

    def _query_portal(self, request: Request) -> Portal:
        """The portal named by ``?portalId=`` (the default one when absent)."""
        raw = request.query_params.get("portalId")
        if raw is None:
            return self.emulator.default
        number = parsing.ascii_int(raw)
        if number is None or not 1 <= number <= MAX_ID:
            raise errors.validation(f"portalId: an integer from 1 to {MAX_ID}, got {raw!r}")
        return self.emulator.portal(number)

    def _body_portal(self, body: dict[str, Any], *, create: bool = False) -> Portal:
        """The portal named by the body's ``portalId`` (removed from ``body``; the default one
        when absent)."""
        if "portalId" not in body:
            return self.emulator.default
        number = body.pop("portalId")
        if type(number) is not int or not 1 <= number <= MAX_ID:
            raise errors.validation(f"portalId: an integer from 1 to {MAX_ID}, got {shown(number)}")
        return self.emulator.portal(number, create=create)

    async def _object_body(self, request: Request) -> dict[str, Any]:
        """The request's JSON object body (an empty body: ``{}``)."""
        content = await request.body()
        if not content.strip():
            return {}
        return parsing.obj(parsing.json_body(content), "body")

    # -- handlers -----------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        """GET /_emulator/health."""
        return json_response({"status": "ok"})

    async def reset(self, request: Request) -> Response:
        """POST /_emulator/reset: every portal emptied and the tokens back to the start-up set;
        with ``{"portalId": N}``, that portal only (its rows, counts, journal, faults, rate
        limit, daily cap and configuration back to the start-up ones; tokens kept)."""
        try:
            body = await self._object_body(request)
            parsing.only(body, ("portalId",), "body")
            with self.emulator.quietly():
                if "portalId" in body:
                    portal = self._body_portal(body)
                    portal.reset()
                    self.emulator.webhooks.reset(portal.id)
                else:
                    self.emulator.reset()
        except errors.ApiError as exc:
            return error_response(exc)
        return json_response({"status": "ok"})

    async def get_faults(self, request: Request) -> Response:
        """GET /_emulator/faults."""
        try:
            return json_response(self._query_portal(request).faults.describe())
        except errors.ApiError as exc:
            return error_response(exc)

    async def put_faults(self, request: Request) -> Response:
        """PUT /_emulator/faults with ``{"spec": "rate=…,kinds=…,seed=…", "script": [{operationId?,
        kind, after?, times?}, …]}`` (each optional; null or absent: none). Replaces the plan
        whole; a wrong field is a 400 naming it and changes nothing."""
        try:
            body = parsing.obj(parsing.json_body(await request.body()), "body")
            portal = self._body_portal(body)
            unknown = sorted(set(body) - {"spec", "script"})
            if unknown:
                raise errors.validation(
                    f"unknown field(s) {', '.join(unknown)}: send spec and/or script"
                )
            spec = body.get("spec")
            if spec is not None and not isinstance(spec, str):
                raise errors.validation("spec must be a string or null")
            try:
                plan = parse_spec(spec)
                script = body.get("script")
                plan.script = [] if script is None else parse_script(script, EVERY_OPERATION_ID)
            except ValueError as exc:
                raise errors.validation(str(exc)) from None
        except errors.ApiError as exc:
            return error_response(exc)
        portal.faults = plan
        return json_response(portal.faults.describe())

    async def get_config(self, request: Request) -> Response:
        """GET /_emulator/config: what can be changed while the emulator runs."""
        try:
            return json_response(_describe_config(self._query_portal(request)))
        except errors.ApiError as exc:
            return error_response(exc)

    async def put_config(self, request: Request) -> Response:
        """PUT /_emulator/config with any of ``profile``, ``numericIds``, ``maxLabelsPerPair``,
        ``enqueueTimeFormat``, ``repeatAnswers``, ``recordLimits``: the keys given change (the
        record limits as a whole), until a reset returns to the start-up configuration; a wrong
        key or value is a 400 naming it and changes nothing."""
        try:
            body = parsing.obj(parsing.json_body(await request.body()), "body")
            portal = self._body_portal(body)
            changes, answers = _config_changes(body, portal.backend.repeat_answers)
        except errors.ApiError as exc:
            return error_response(exc)
        portal.configure(dataclasses.replace(portal.running, **changes))
        portal.backend.repeat_answers = answers
        return json_response(_describe_config(portal))

    async def get_journal(self, request: Request) -> Response:
        """GET /_emulator/journal: every HubSpot-path request since the last reset, in order."""
        try:
            return json_response(self._query_portal(request).journal.describe())
        except errors.ApiError as exc:
            return error_response(exc)

    async def get_journal_jsonl(self, request: Request) -> Response:
        """GET /_emulator/journal.jsonl: the same, one JSON entry per line."""
        try:
            journal = self._query_portal(request).journal
        except errors.ApiError as exc:
            return error_response(exc)
        return Response(journal.jsonl(), media_type="application/x-ndjson")

    async def get_journal_har(self, request: Request) -> Response:
        """GET /_emulator/journal.har: the same as HAR 1.2."""
        base = f"{request.url.scheme}://{request.url.netloc}"
        try:
            return json_response(self._query_portal(request).journal.har(base))
        except errors.ApiError as exc:
            return error_response(exc)

    async def put_journal(self, request: Request) -> Response:
        """PUT /_emulator/journal with any of ``maxEntries``, ``maxBytes``, ``enabled``: the
        bounds (the oldest entries past them are dropped now), or the journal off."""
        try:
            body = parsing.obj(parsing.json_body(await request.body()), "body")
            portal = self._body_portal(body)
            parsing.only(body, ("maxEntries", "maxBytes", "enabled"), "body")
            for key in ("maxEntries", "maxBytes"):
                value = body.get(key)
                if key in body and (type(value) is not int or value < 1):
                    raise errors.validation(f"{key}: an integer from 1, got {shown(value)}")
            if "enabled" in body and type(body["enabled"]) is not bool:
                raise errors.validation(f"enabled: true or false, got {shown(body['enabled'])}")
        except errors.ApiError as exc:
            return error_response(exc)
        portal.journal.configure(
            max_entries=body.get("maxEntries"),
            max_bytes=body.get("maxBytes"),
            enabled=body.get("enabled"),
        )
        return json_response(portal.journal.describe())

    async def get_snapshot(self, request: Request) -> Response:
        """GET /_emulator/snapshot: one portal's store (not faults, the rate limit nor counts),
        with its ``portalId``: PUT it back as it is to restore that portal."""
        try:
            portal = self._query_portal(request)
        except errors.ApiError as exc:
            return error_response(exc)
        return json_response(
            {
                "version": SNAPSHOT_VERSION,
                "portalId": portal.id,
                "tables": portal.backend.snapshot(),
            }
        )

    async def put_snapshot(self, request: Request) -> Response:
        """PUT /_emulator/snapshot with what GET answered: the portal's store as it was then.
        A version-1 snapshot (before portals: no ``portalId``) is restored into the portal the
        body names, or the default one."""
        try:
            body = parsing.obj(parsing.json_body(await request.body()), "body")
            portal = self._body_portal(body, create=True)
            parsing.only(body, ("version", "tables"), "body")
            if body.get("version") not in READABLE_SNAPSHOTS:
                raise errors.validation(
                    f"version: this emulator reads snapshots of versions 1 to {SNAPSHOT_VERSION}"
                    f", got {shown(body.get('version'))}: take the snapshot again with "
                    "GET /_emulator/snapshot"
                )
            try:
                with self.emulator.quietly():
                    portal.backend.restore(body.get("tables"))
            except ValueError as exc:
                raise errors.validation(str(exc)) from None
        except errors.ApiError as exc:
            return error_response(exc)
        return json_response({"status": "ok", "portalId": portal.id})

    async def get_rate_limit(self, request: Request) -> Response:
        """GET /_emulator/rate-limit: ``{"requests": N, "seconds": S}``, both null without one."""
        try:
            return json_response(self._query_portal(request).describe_rate_limit())
        except errors.ApiError as exc:
            return error_response(exc)

    async def put_rate_limit(self, request: Request) -> Response:
        """PUT /_emulator/rate-limit with ``{"requests": N, "seconds": S}`` (null: none; with
        ``portalId``, that portal's): each app of the portal gets a window of that size."""
        try:
            content = await request.body()
            if not content.strip():
                # httpx's json=None sends no body at all: say how to send the null it meant.
                raise errors.validation(
                    'The request body is empty: send {"requests": N, "seconds": S}, or the JSON '
                    "null to remove the rate limit"
                )
            body = parsing.json_body(content)
            portal = self.emulator.default
            if isinstance(body, dict) and "portalId" in body:
                body = dict(body)
                portal = self._body_portal(body)
                if not body:
                    body = None  # {"portalId": N} alone: no limit for that portal
            limit = rate_limit_body(body)
        except errors.ApiError as exc:
            return error_response(exc)
        portal.set_rate_limit(limit)
        return json_response(portal.describe_rate_limit())

    async def reports(self, request: Request) -> Response:
        """GET /_emulator/reports: the content of every high-usage report requested so far."""
        try:
            return json_response({"results": self._query_portal(request).backend.reports()})
        except errors.ApiError as exc:
            return error_response(exc)

    async def requests(self, request: Request) -> Response:
        """GET /_emulator/requests: requests received and handled per operation since the reset,
        and the most requests one app's rate-limit window held at once (null without a limit)."""
        try:
            portal = self._query_portal(request)
        except errors.ApiError as exc:
            return error_response(exc)
        busiest = portal.busiest_window()
        return json_response({**portal.requests.describe(), "busiestWindow": busiest})

    async def seed(self, request: Request) -> Response:
        """POST /_emulator/seed: records, labels, associations, bulk ranges, then limits; applied
        whole or not at all (an unknown key, a wrong type or a refused item is a 400 naming it)."""
        try:
            body = parsing.obj(parsing.json_body(await request.body()), "body")
            backend = self._body_portal(body).backend
        except errors.ApiError as exc:
            return error_response(exc)
        try:
            parsing.only(body, SEED_SECTIONS, "body")
            with self.emulator.quietly(), backend.atomically():
                return json_response(_seed(backend, body))
        except errors.ApiError as exc:
            return error_response(exc)
        finally:
            backend.reload()  # the catalog follows the store, also after a rollback

    # -- webhooks ------------------------------------------------------------------------------
    # Subscriptions belong to apps, not portals: these calls are the emulator's, and portalId
    # only narrows flushes and the deliveries list to one portal's events.

    async def add_webhook(self, request: Request) -> Response:
        """POST /_emulator/webhooks with ``{"appId", "targetUrl", "clientSecret", "eventTypes",
        "signatureVersion"?}``: 201 and the subscription (its secret never shown again)."""
        try:
            body = parsing.obj(parsing.json_body(await request.body()), "body")
            parsing.only(body, WEBHOOK_FIELDS, "body")
            app_id = body.get("appId", DEFAULT_APP_ID)
            if type(app_id) is not int or not 1 <= app_id <= MAX_ID:
                raise errors.validation(
                    f"appId: an integer from 1 to {MAX_ID}, got {shown(app_id)}"
                )
            for key in ("targetUrl", "clientSecret"):
                if not isinstance(body.get(key), str):
                    raise errors.validation(f"{key}: a string, got {shown(body.get(key))}")
            types = parsing.array(body.get("eventTypes"), "eventTypes")
            version = body.get("signatureVersion", "v1")
            try:
                sub = self.emulator.webhooks.subscribe(
                    app_id, body["targetUrl"], body["clientSecret"],
                    [t if isinstance(t, str) else shown(t) for t in types], version,
                )  # fmt: skip
            except ValueError as exc:
                raise errors.validation(str(exc)) from None
        except errors.ApiError as exc:
            return error_response(exc)
        return json_response(self._webhook(sub), 201)

    def _webhook(self, sub: Subscription) -> dict[str, Any]:
        """A subscription as the control API shows it, with the portals its app has a token of
        (none: no event will be made for it until a token of the app is added)."""
        tokens = self.emulator.tokens.tokens.values()
        portals = sorted({t.portal_id for t in tokens if t.app_id == sub.app_id})
        return {**sub.describe(), "portalIds": portals}

    async def get_webhooks(self, request: Request) -> Response:
        """GET /_emulator/webhooks: every subscription, oldest first."""
        subs = self.emulator.webhooks.subscriptions()
        return json_response({"results": [self._webhook(s) for s in subs]})

    async def delete_webhook(self, request: Request) -> Response:
        """DELETE /_emulator/webhooks/{webhookId}: no more events for it; its waiting
        deliveries end (failed, "unsubscribed")."""
        number = parsing.ascii_int(request.path_params["webhookId"])
        if number is None:
            return error_response(
                errors.validation(
                    f"webhookId: a number (POST /_emulator/webhooks answered it), got "
                    f"{request.path_params['webhookId']!r}"
                )
            )
        if not self.emulator.webhooks.unsubscribe(number):
            return error_response(
                errors.ApiError(
                    404,
                    f"No webhook {request.path_params['webhookId']!r} "
                    "(GET /_emulator/webhooks lists them)",
                    "OBJECT_NOT_FOUND",
                )
            )
        return Response(status_code=204)

    async def flush_webhooks(self, request: Request) -> Response:
        """POST /_emulator/webhooks/flush (``{"portalId": N}`` for one portal's): every waiting
        delivery and retry attempted now, held ones too, until none waits or all attempts are
        spent; answers what was done once done."""
        try:
            body = await self._object_body(request)
            parsing.only(body, ("portalId",), "body")
            portal = self._body_portal(body).id if "portalId" in body else None
        except errors.ApiError as exc:
            return error_response(exc)
        # Deliveries block on the receivers: off the event loop, which may be serving the very
        # calls a receiver makes while it handles a delivery.
        done = await run_in_threadpool(self.emulator.webhooks.flush, portal)
        return json_response(done)

    async def get_deliveries(self, request: Request) -> Response:
        """GET /_emulator/webhooks/deliveries (``?portalId=N`` for one portal's): every kept
        delivery with its events' IDs and attempts, oldest first."""
        try:
            portal = self._query_portal(request).id if "portalId" in request.query_params else None
        except errors.ApiError as exc:
            return error_response(exc)
        return json_response({"results": self.emulator.webhooks.deliveries(portal)})

    # -- custom object schemas -----------------------------------------------------------------

    async def get_schemas(self, request: Request) -> Response:
        """GET /_emulator/schemas: the custom object types the portal declared."""
        try:
            portal = self._query_portal(request)
        except errors.ApiError as exc:
            return error_response(exc)
        return json_response(
            {"results": [_schema(portal.id, *row) for row in portal.backend.schemas()]}
        )

    async def add_schema(self, request: Request) -> Response:
        """POST /_emulator/schemas with ``{"name", "objectTypeId": "2-…",
        "primaryDisplayProperty"?}``: a custom object type of the portal (its object calls
        answer from then on, by ID, name or ``p{portalId}_{name}``); 201."""
        try:
            body = parsing.obj(parsing.json_body(await request.body()), "body")
            portal = self._body_portal(body)
            parsing.only(body, ("name", "objectTypeId", "primaryDisplayProperty"), "body")
            name = parsing.text(parsing.field(body, "name", "body"), "name")
            type_id = parsing.text(parsing.field(body, "objectTypeId", "body"), "objectTypeId")
            if not is_custom_type_id(type_id):
                raise errors.validation(
                    f"objectTypeId: a custom object type ID (2-…), got {shown(type_id)}"
                )
            if not name.replace("_", "").isalnum() or not name.isascii():
                raise errors.validation(f"name: letters, digits and _, got {shown(name)}")
            primary = parsing.text(
                body.get("primaryDisplayProperty", "name"), "primaryDisplayProperty"
            )
            _schema_conflict(portal, name, type_id)
            portal.backend.declare_schema(type_id, name, primary)
        except errors.ApiError as exc:
            return error_response(exc)
        return json_response(_schema(portal.id, type_id, name, primary), 201)

    # -- portals and tokens -------------------------------------------------------------------

    async def get_portals(self, request: Request) -> Response:
        """GET /_emulator/portals: every portal, with its rate limit, daily cap and settings."""
        portals = self.emulator.portals
        return json_response({"results": [portals[i].describe() for i in sorted(portals)]})

    def _path_portal_id(self, request: Request) -> int:
        raw = request.path_params["portalId"]
        number = parsing.ascii_int(raw)
        if number is None or not 1 <= number <= MAX_ID:
            raise errors.validation(f"portalId: an integer from 1 to {MAX_ID}, got {raw!r}")
        return number

    async def put_portal(self, request: Request) -> Response:
        """PUT /_emulator/portals/{portalId} with any of ``rateLimit``, ``dailyLimit``,
        ``settings`` (``{"scopeMode": "granular" | "published"}``): the portal made if new,
        then changed; checked whole first (a 400 changes nothing)."""
        try:
            portal_id = self._path_portal_id(request)
            body = await self._object_body(request)
            new = portal_id not in self.emulator.portals
            portal = self.emulator.portal(portal_id, create=True)
            try:
                portal.change(body)
            except errors.ApiError:
                if new:
                    self.emulator.forget_portal(portal_id)
                raise
        except errors.ApiError as exc:
            return error_response(exc)
        return json_response(portal.describe())

    async def get_portal(self, request: Request) -> Response:
        """GET /_emulator/portals/{portalId}: one portal, as GET /_emulator/portals lists it."""
        try:
            portal = self.emulator.portal(self._path_portal_id(request))
        except errors.ApiError as exc:
            return error_response(exc)
        return json_response(portal.describe())

    async def daily_reset(self, request: Request) -> Response:
        """POST /_emulator/portals/{portalId}/daily-reset: the portal's day ends (its daily count
        back to zero)."""
        try:
            portal = self.emulator.portal(self._path_portal_id(request))
        except errors.ApiError as exc:
            return error_response(exc)
        portal.daily_reset()
        return json_response(portal.describe())

    async def get_tokens(self, request: Request) -> Response:
        """GET /_emulator/tokens (``?portalId=``: that portal's only): every token, its portal,
        kind, app, user, scopes and state."""
        try:
            raw = request.query_params.get("portalId")
            portal = self._query_portal(request).id if raw is not None else None
        except errors.ApiError as exc:
            return error_response(exc)
        return json_response({"results": self.emulator.tokens.describe(portal)})

    async def add_token(self, request: Request) -> Response:
        """POST /_emulator/tokens: one more accepted token (``tokens.parse_token``), its portal
        made if new; 201 with the token as GET lists it."""
        try:
            token = parse_token(parsing.json_body(await request.body()))
            self.emulator.tokens.add(token)
        except errors.ApiError as exc:
            return error_response(exc)
        self.emulator.portal(token.portal_id, create=True)
        return json_response(token.describe(), 201)

    async def expire_token(self, request: Request) -> Response:
        """POST /_emulator/tokens/expire with ``{"token"}``: an OAuth token expired now."""
        return await self._token_change(request, self.emulator.tokens.expire)

    async def revoke_token(self, request: Request) -> Response:
        """POST /_emulator/tokens/revoke with ``{"token"}``: a token refused from now on."""
        return await self._token_change(request, self.emulator.tokens.revoke)

    async def _token_change(self, request: Request, change: Callable[[Any], Token]) -> Response:
        try:
            body = parsing.obj(parsing.json_body(await request.body()), "body")
            parsing.only(body, ("token",), "body")
            if "token" not in body:
                raise errors.missing_fields("token")
            token = change(body["token"])
        except errors.ApiError as exc:
            return error_response(exc)
        return json_response(token.describe())


def _schema_conflict(portal: Portal, name: str, type_id: str) -> None:
    """409 when the name or the type ID is taken in the portal, 400 when the name is one of
    HubSpot's object types (it would hide that type's calls)."""
    try:
        hubspot = resolve_object_type(name)
    except errors.ApiError:
        hubspot = None
    if hubspot is not None and not is_custom_type_id(hubspot):
        raise errors.validation(f"name: {shown(name)} names HubSpot's object type {hubspot}")
    for taken_id, taken_name, _ in portal.backend.schemas():
        if taken_name.lower() == name.lower() and taken_id != type_id:
            raise errors.ApiError(
                409, f"A custom object named {name} exists ({taken_id})", "CONFLICT"
            )
        if taken_id == type_id and taken_name.lower() != name.lower():
            raise errors.ApiError(
                409, f"Custom object type {type_id} exists, named {taken_name}", "CONFLICT"
            )


def _schema(portal_id: int, type_id: str, name: str, primary: str) -> dict[str, Any]:
    """A custom object type as the control API shows it."""
    return {
        "objectTypeId": type_id,
        "name": name,
        "fullyQualifiedName": f"p{portal_id}_{name}",
        "primaryDisplayProperty": primary,
    }


def _describe_config(portal: Portal) -> dict[str, Any]:
    """GET /_emulator/config's answer for one portal."""
    running = portal.running
    return {
        "profile": running.profile,
        "numericIds": running.numeric_ids,
        "maxLabelsPerPair": running.max_labels_per_pair,
        "enqueueTimeFormat": running.enqueue_time_format,
        "webhookTimeScale": running.webhook_time_scale,
        "webhookDuplicates": running.webhook_duplicates,
        "webhookShuffle": running.webhook_shuffle,
        "webhookHold": running.webhook_hold,
        "repeatAnswers": dict(portal.backend.repeat_answers),
        "recordLimits": [
            {"fromObjectTypeId": f, "toObjectTypeId": t, "limit": n}
            for f, t, n in running.record_limits
        ],
    }


def _seed(backend: Backend, body: dict[str, Any]) -> dict[str, Any]:
    """Apply each section of a seed body in order; the answer counts what each one added."""
    return {
        "records": _seed_records(backend, body.get("records", {})),
        "labels": _seed_labels(backend, body.get("labels", [])),
        "associations": _seed_associations(backend, body.get("associations", [])),
        "bulk": _seed_bulk(backend, body.get("bulk", [])),
        "limits": _seed_limits(backend, body.get("limits", [])),
    }


def _seed_records(backend: Backend, section: Any) -> int:
    """The seed's ``records``: {object type: [ID, …]}, declared for --strict-records."""
    added = 0
    for name, ids in parsing.obj(section, "records").items():
        type_id = resolve_object_type(name)
        numbers = [parsing.record_id(i, type_id) for i in parsing.array(ids, name)]
        backend.seed_records(type_id, numbers)
        added += len(numbers)
    return added


def _seed_labels(backend: Backend, section: Any) -> list[dict[str, Any]]:
    """The seed's ``labels``: custom labels, made as create_label makes them."""
    made_labels = []
    for i, item in enumerate(parsing.array(section, "labels")):
        where = f"labels[{i}]"
        o = parsing.obj(item, where)
        parsing.only(o, ("fromObjectType", "toObjectType", "name", "label", "inverseLabel"), where)
        from_type, to_type = _pair(o, where)
        inverse = o.get("inverseLabel")
        made = backend.create_label(
            from_type,
            to_type,
            parsing.text(parsing.field(o, "name", where), f"{where}.name"),
            parsing.text(parsing.field(o, "label", where), f"{where}.label"),
            None if inverse is None else parsing.text(inverse, f"{where}.inverseLabel"),
        )
        made_labels.append({"name": o["name"], "results": [views.spec_with_label(t) for t in made]})
    return made_labels


def _seed_associations(backend: Backend, section: Any) -> int:
    """The seed's ``associations``: written as associate_with_labels writes them (limits too)."""
    added = 0
    for i, item in enumerate(parsing.array(section, "associations")):
        where = f"associations[{i}]"
        o = parsing.obj(item, where)
        parsing.only(
            o, ("fromObjectType", "fromObjectId", "toObjectType", "toObjectId", "types"), where
        )
        from_type, to_type = _pair(o, where)
        specs = parsing.specs(o["types"], f"{where}.types") if o.get("types") else []
        backend.associate_with_labels(
            from_type,
            parsing.record_id(parsing.field(o, "fromObjectId", where), from_type),
            to_type,
            parsing.record_id(parsing.field(o, "toObjectId", where), to_type),
            specs,
        )
        added += 1
    return added


def _seed_bulk(backend: Backend, section: Any) -> int:
    """The seed's ``bulk``: ranges of unlabeled associations (``Backend.seed_range``)."""
    added = 0
    for i, item in enumerate(parsing.array(section, "bulk")):
        where = f"bulk[{i}]"
        o = parsing.obj(item, where)
        parsing.only(o, BULK_FIELDS, where)
        from_type, to_type = _pair(o, where)
        from_id = parsing.record_id(parsing.field(o, "fromObjectId", where), from_type)
        first = parsing.record_id(parsing.field(o, "firstToObjectId", where), to_type)
        count = parsing.integer(parsing.field(o, "count", where), f"{where}.count")
        backend.seed_range(from_type, from_id, to_type, first, count, f"{where}.count")
        added += count
    return added


def _seed_limits(backend: Backend, section: Any) -> int:
    """The seed's ``limits``: each created, or changed when the type already has one."""
    added = 0
    for i, item in enumerate(parsing.array(section, "limits")):
        where = f"limits[{i}]"
        o = parsing.obj(item, where)
        parsing.only(o, LIMIT_FIELDS, where)
        from_type, to_type = _pair(o, where)
        backend.seed_limit(
            from_type,
            to_type,
            parsing.category(parsing.field(o, "category", where), f"{where}.category"),
            parsing.integer(parsing.field(o, "typeId", where), f"{where}.typeId"),
            parsing.integer(parsing.field(o, "maxToObjectIds", where), f"{where}.maxToObjectIds"),
        )
        added += 1
    return added


SEED_SECTIONS = ("records", "labels", "associations", "bulk", "limits")
BULK_FIELDS = ("fromObjectType", "fromObjectId", "toObjectType", "firstToObjectId", "count")
LIMIT_FIELDS = ("fromObjectType", "toObjectType", "category", "typeId", "maxToObjectIds")
SNAPSHOT_VERSION = 3
# Version 1: before portals (no portalId), restored into the portal named; versions 1 and 2:
# before CRM objects (no objects nor schemas tables: none restored).
READABLE_SNAPSHOTS = (1, 2, SNAPSHOT_VERSION)
WEBHOOK_FIELDS = ("appId", "targetUrl", "clientSecret", "eventTypes", "signatureVersion")
_CONFIG_FIELDS = {
    "profile": "profile",
    "numericIds": "numeric_ids",
    "maxLabelsPerPair": "max_labels_per_pair",
    "enqueueTimeFormat": "enqueue_time_format",
    "webhookTimeScale": "webhook_time_scale",
    "webhookDuplicates": "webhook_duplicates",
    "webhookShuffle": "webhook_shuffle",
    "webhookHold": "webhook_hold",
}
# The largest webhookTimeScale: a million times slower than HubSpot is as good as never.
MAX_TIME_SCALE = 1e6


def _config_changes(
    body: dict[str, Any], current_answers: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The EmulatorConfig fields a PUT /_emulator/config changes, and the repeat answers."""
    parsing.only(body, (*_CONFIG_FIELDS, "repeatAnswers", "recordLimits"), "body")
    changes: dict[str, Any] = {}
    if "recordLimits" in body:
        changes["record_limits"] = _record_limits(body["recordLimits"])
    profile = body.get("profile")
    if "profile" in body and profile not in PROFILES:
        raise errors.validation(
            f"profile: one of {', '.join(sorted(PROFILES))}, got {shown(profile)}"
        )
    _check_switches(body)
    cap = body.get("maxLabelsPerPair")
    if "maxLabelsPerPair" in body and (type(cap) is not int or not 1 <= cap <= 1000):
        raise errors.validation(f"maxLabelsPerPair: an integer from 1 to 1000, got {shown(cap)}")
    form = body.get("enqueueTimeFormat")
    if "enqueueTimeFormat" in body and form not in ("auto", "string", "object"):
        raise errors.validation(f"enqueueTimeFormat: auto, string or object, got {shown(form)}")
    for key, name in _CONFIG_FIELDS.items():
        if key in body:
            changes[name] = body[key]
    chosen = parsing.obj(body.get("repeatAnswers", {}), "repeatAnswers")
    if not all(isinstance(v, str) for v in chosen.values()):
        raise errors.validation('repeatAnswers: every answer is a string, e.g. "404"')
    try:
        answers = repeat_answers({**current_answers, **chosen})
    except ValueError as exc:
        raise errors.validation(str(exc)) from None
    return changes, answers


def _check_switches(body: dict[str, Any]) -> None:
    """PUT /_emulator/config's true-or-false keys and ``webhookTimeScale``, when given."""
    for key in ("numericIds", "webhookDuplicates", "webhookShuffle", "webhookHold"):
        if key in body and type(body[key]) is not bool:
            raise errors.validation(f"{key}: true or false, got {shown(body[key])}")
    scale: Any = body.get("webhookTimeScale")
    if "webhookTimeScale" in body and (
        type(scale) not in (int, float) or not 0 < scale <= MAX_TIME_SCALE
    ):
        raise errors.validation(
            f"webhookTimeScale: a number above 0 and at most {MAX_TIME_SCALE:g} (0.001 makes "
            f"HubSpot's minute 60 ms), got {shown(scale)}"
        )


RECORD_LIMIT_FIELDS = ("fromObjectTypeId", "toObjectTypeId", "limit")


def _record_limits(value: Any) -> RecordLimits:
    """``recordLimits`` of PUT /_emulator/config: ``[{fromObjectTypeId, toObjectTypeId, limit}]``
    (object types by ID or name), the whole list replacing the configured one."""
    items = []
    for i, item in enumerate(parsing.array(value, "recordLimits")):
        where = f"recordLimits[{i}]"
        o = parsing.obj(item, where)
        parsing.only(o, RECORD_LIMIT_FIELDS, where)
        from_type, to_type, limit = (parsing.field(o, name, where) for name in RECORD_LIMIT_FIELDS)
        items.append(
            (
                parsing.text(from_type, f"{where}.fromObjectTypeId"),
                parsing.text(to_type, f"{where}.toObjectTypeId"),
                limit,
            )
        )
    try:
        return check_record_limits(items)
    except ValueError as exc:
        raise errors.validation(f"recordLimits: {exc}") from None


def _pair(o: dict[str, Any], where: str) -> tuple[str, str]:
    return (
        resolve_object_type(parsing.text(parsing.field(o, "fromObjectType", where), where)),
        resolve_object_type(parsing.text(parsing.field(o, "toObjectType", where), where)),
    )


def _body_named(
    endpoint: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """A PUT or POST endpoint that refuses ``?portalId=``: it names its portal in the body, and
    a query the handler never reads would change the default portal instead, silently."""

    async def refusing_the_query(request: Request) -> Response:
        if "portalId" in request.query_params:
            return error_response(
                errors.validation(
                    f"{request.method} {request.url.path} takes portalId as a key of its JSON "
                    'body ({"portalId": N, …}), not in the query'
                )
            )
        return await endpoint(request)

    return refusing_the_query


def control_routes(control: Control) -> list[BaseRoute]:
    """The control API's routes (every PUT and POST refusing ``?portalId=``)."""
    table = (
        ("GET", "/_emulator/health", control.health),
        ("POST", "/_emulator/reset", control.reset),
        ("POST", "/_emulator/seed", control.seed),
        ("GET", "/_emulator/faults", control.get_faults),
        ("PUT", "/_emulator/faults", control.put_faults),
        ("GET", "/_emulator/rate-limit", control.get_rate_limit),
        ("PUT", "/_emulator/rate-limit", control.put_rate_limit),
        ("GET", "/_emulator/reports", control.reports),
        ("GET", "/_emulator/config", control.get_config),
        ("PUT", "/_emulator/config", control.put_config),
        ("GET", "/_emulator/snapshot", control.get_snapshot),
        ("GET", "/_emulator/journal", control.get_journal),
        ("PUT", "/_emulator/journal", control.put_journal),
        ("GET", "/_emulator/journal.jsonl", control.get_journal_jsonl),
        ("GET", "/_emulator/journal.har", control.get_journal_har),
        ("PUT", "/_emulator/snapshot", control.put_snapshot),
        ("GET", "/_emulator/requests", control.requests),
        ("GET", "/_emulator/portals", control.get_portals),
        ("GET", "/_emulator/portals/{portalId}", control.get_portal),
        ("PUT", "/_emulator/portals/{portalId}", control.put_portal),
        ("POST", "/_emulator/portals/{portalId}/daily-reset", control.daily_reset),
        ("GET", "/_emulator/tokens", control.get_tokens),
        ("POST", "/_emulator/tokens", control.add_token),
        ("POST", "/_emulator/tokens/expire", control.expire_token),
        ("POST", "/_emulator/tokens/revoke", control.revoke_token),
        ("POST", "/_emulator/webhooks", control.add_webhook),
        ("GET", "/_emulator/webhooks", control.get_webhooks),
        ("POST", "/_emulator/webhooks/flush", control.flush_webhooks),
        ("GET", "/_emulator/webhooks/deliveries", control.get_deliveries),
        ("DELETE", "/_emulator/webhooks/{webhookId}", control.delete_webhook),
        ("GET", "/_emulator/schemas", control.get_schemas),
        ("POST", "/_emulator/schemas", control.add_schema),
    )
    return [
        Route(path, _body_named(handler) if method in ("PUT", "POST") else handler,
              methods=[method])
        for method, path, handler in table
    ]  # fmt: skip
