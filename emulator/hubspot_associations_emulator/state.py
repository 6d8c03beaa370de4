"""The state of one running emulator: its start-up configuration, the database, the tokens it
accepts and the portals they reach. The ASGI app (``app``) and the control API (``control``) both
use it.

A request's token decides its portal (``tokens.Token.portal_id``); a request without a known
token is counted, journaled and faulted in the default portal before its 401.
"""

from __future__ import annotations

import dataclasses
import math
from contextlib import AbstractContextManager
from typing import Any

from starlette.requests import Request
from starlette.types import Scope

from . import errors, scopes
from .backend import Backend
from .config import DEFAULT_TOKEN, EmulatorConfig, check_record_limits
from .counts import RequestCounts
from .faults import FaultPlan
from .journal import Journal
from .object_routes import OBJECT_OPERATION_IDS, ObjectHandlers
from .portals import CURRENT, Portal
from .release_table import RELEASES
from .routes import Handlers
from .store import Database, Store
from .tokens import DEFAULT_PORTAL_ID, Token, TokenRegistry
from .webhooks import Webhooks

__all__ = ["Emulator"]

# (allowed, the policy that refused it, the X-HubSpot-RateLimit-* headers of the answer)
Admission = tuple[bool, str | None, list[tuple[bytes, bytes]]]


class Emulator:
    """What one running emulator holds: configuration, database, tokens and portals."""

    def __init__(self, config: EmulatorConfig) -> None:
        if not (math.isfinite(config.request_timeout) and config.request_timeout > 0):
            raise ValueError("request_timeout must be a finite number of seconds above 0")
        if config.max_body_bytes < 1:
            raise ValueError("max_body_bytes must be at least 1")
        token = config.control_token
        if token is not None and (not token or any(not 0x21 <= ord(c) <= 0x7E for c in token)):
            # An empty one would let an empty bearer in; spaces cannot travel in the header.
            raise ValueError(
                "the control token is empty or holds spaces or non-ASCII characters: give a "
                "token of visible ASCII characters (an unset CI secret expands to nothing)"
            )
        if config.scope_mode not in scopes.MODES:
            raise ValueError(f"scope mode: {' or '.join(scopes.MODES)}, got {config.scope_mode!r}")
        # Object types of the record limits as type IDs, as GET /_emulator/config shows them.
        limits = check_record_limits(config.record_limits)  # ValueError when one is wrong
        config = dataclasses.replace(config, record_limits=limits)
        self.config = config
        # The release table's path families (profiles change answers, never paths).
        self.releases: dict[str, dict[str, Any]] = dict(config.releases or RELEASES)
        # Auth is never off: an empty token list falls back to the default token.
        startup = [Token(t) for t in dict.fromkeys(config.tokens or (DEFAULT_TOKEN,))]
        given = {t.token for t in startup}
        for t in config.token_records:
            if t.token in given:
                named = (
                    "the default start-up token (no --token given)"
                    if t.token == DEFAULT_TOKEN
                    and not config.tokens[1:]
                    and t.token in config.tokens
                    else "given twice (--token and --tokens)"
                )
                raise ValueError(f"--tokens: token {t.token!r} is {named}: choose another value")
            given.add(t.token)
        self.tokens = TokenRegistry([*startup, *config.token_records])
        self.database = Database(config.db_path, DEFAULT_PORTAL_ID)
        self.portals: dict[int, Portal] = {}
        try:
            for portal_id in sorted({DEFAULT_PORTAL_ID, *self.tokens.portals(),
                                     *self.database.portals()}):  # fmt: skip
                self.portal(portal_id, create=True)
        except BaseException:
            self.database.close()
            raise
        self.webhooks = Webhooks(
            self.database,
            apps_of=lambda portal_id: {
                t.app_id for t in self.tokens.tokens.values() if t.portal_id == portal_id
            },
            type_of=lambda portal_id, type_id: (
                p.backend.types.get(type_id) if (p := self.portals.get(portal_id)) else None
            ),
            settings_of=lambda portal_id: (
                p.running if (p := self.portals.get(portal_id)) else self.config
            ),
        )
        self.handlers = Handlers(lambda: CURRENT.get(self.default))
        self.object_handlers = ObjectHandlers(lambda: CURRENT.get(self.default))

    # -- portals ------------------------------------------------------------------------------

    @property
    def default(self) -> Portal:
        """The default portal (``tokens.DEFAULT_PORTAL_ID``)."""
        return self.portals[DEFAULT_PORTAL_ID]

    def portal(self, portal_id: int, *, create: bool = False) -> Portal:
        """The portal of that ID (made when ``create``); 404 naming how to make it, else."""
        found = self.portals.get(portal_id)
        if found is not None:
            return found
        if not create:
            raise errors.ApiError(
                404,
                f"No portal {portal_id}: add a token of it (POST /_emulator/tokens) or create it "
                f"(PUT /_emulator/portals/{portal_id})",
                "OBJECT_NOT_FOUND",
            )
        made = self.portals[portal_id] = Portal(portal_id, self.config, self.database)
        return made

    def forget_portal(self, portal_id: int) -> None:
        """Drop a portal no token reaches (a PUT /_emulator/portals/{id} that failed)."""
        if portal_id == DEFAULT_PORTAL_ID or portal_id in self.tokens.portals():
            return
        portal = self.portals.pop(portal_id, None)
        if portal is not None:
            portal.store.reset()

    # The default portal's parts, as they were before portals (tests, benchmarks, mutants).
    @property
    def backend(self) -> Backend:
        """The default portal's backend."""
        return self.default.backend

    @property
    def store(self) -> Store:
        """The default portal's store."""
        return self.default.store

    @property
    def requests(self) -> RequestCounts:
        """The default portal's request counts."""
        return self.default.requests

    @property
    def journal(self) -> Journal:
        """The default portal's journal."""
        return self.default.journal

    @property
    def faults(self) -> FaultPlan:
        """The default portal's faults."""
        return self.default.faults

    @property
    def running(self) -> EmulatorConfig:
        """The default portal's running configuration."""
        return self.default.running

    def close(self) -> None:
        """Stop delivering webhooks and close the database (the server stops)."""
        self.webhooks.close()
        self.database.close()

    def quietly(self) -> AbstractContextManager[None]:
        """The control API's writes (seeding, restoring, resetting) inside make no webhook
        events: they set a portal's state, no one changed its associations."""
        return self.database.quiet()

    def reset(self) -> None:
        """Every portal emptied (those no start-up token reaches forgotten) and the tokens back
        to the start-up set."""
        self.tokens.reset()
        self.webhooks.reset()
        keep = {DEFAULT_PORTAL_ID, *self.tokens.portals()}
        for portal_id in list(self.portals):
            self.portals[portal_id].reset()
            if portal_id not in keep:
                del self.portals[portal_id]

    # -- the gate's steps ---------------------------------------------------------------------

    def identify(self, scope: Scope) -> tuple[Token | None, Portal]:
        """The request's token (None: none, or not one the emulator ever accepted) and the
        portal that answers it (the token's, else the default one)."""
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, raw = value.decode("latin-1").partition(" ")
                if scheme.lower() != "bearer":
                    return None, self.default
                token = self.tokens.get(raw.strip())
                if token is None:
                    return None, self.default
                portal = self.portals.get(token.portal_id) or self.portal(
                    token.portal_id, create=True
                )
                return token, portal
        return None, self.default

    def admit(self, portal: Portal, token: Token | None) -> Admission:
        """Count one request against its portal's budget (``Portal.admit``), under the token's
        app (requests without a known token share app 0's window)."""
        return portal.admit(token.app_id if token is not None else 0)

    def authorized(self, scope: Scope) -> errors.ApiError | None:
        """None when the request's token (``identify``, kept in ``scope``) is live, else the 401:
        INVALID_AUTHENTICATION for none, an unknown or a revoked one, EXPIRED_AUTHENTICATION for
        an OAuth token past its expiry."""
        token: Token | None = scope.get("hubspot_token")
        if token is None or token.revoked:
            present = any(name == b"authorization" for name, _ in scope["headers"])
            return errors.unauthorized(present=present)
        if token.expired():
            return errors.expired_authentication()
        return None

    # -- routes.RouteGate ---------------------------------------------------------------------

    def counts(self) -> RequestCounts:
        """The request counts of the portal answering now."""
        return CURRENT.get(self.default).requests

    def refusal(self, request: Request, operation_id: str, release: str) -> errors.ApiError | None:
        """The 403 an operation gets before it runs: the token's scopes (the portal's mode),
        then, on a release whose row has ``association_permission``, an OAuth user's missing
        "Edit associations" permission on an association write. None: it may run."""
        token: Token | None = request.scope.get("hubspot_token")
        if token is None:
            return None
        portal = CURRENT.get(self.default)
        missing = scopes.missing_scopes(
            operation_id, dict(request.path_params), token.scopes, portal.scope_mode,
            portal.resolve_type if operation_id in OBJECT_OPERATION_IDS else portal.resolve_name,
        )  # fmt: skip
        if missing is not None:
            return scopes.refusal(missing)
        rule = portal.releases[release].get("association_permission")
        if (
            rule
            and token.kind == "oauth"
            and not token.association_writes
            and operation_id in scopes.ASSOCIATION_WRITES
        ):
            return errors.association_permission(int(rule["status"]), str(rule["category"]))
        return None
