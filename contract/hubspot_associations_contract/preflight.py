"""``check --live``'s preflight: the token's scopes, read by introspection before anything else.

Before the first request to the portal (the reachability probe included), the command asks
HubSpot's token introspection what the token may do (the client's reading of it, as
``client.token_info()``: the private-app call for a ``pat-`` token, the OAuth call for any other,
the other one after a 400 or 404; sent as the probe is, honouring the environment's proxies).
Then:

* a **writing run** (``HUBSPOT_CONTRACT_ALLOW_WRITES=1`` on ``HUBSPOT_CONTRACT_RECORDS``) whose
  token lacks a scope of an operation it may send is refused at once (exit 3), naming the scopes
  to add: it writes contact↔company associations from both records' sides and its own labels,
  and restores them (the sweep and the restore write whatever the selection is);
* a **read-only run** skips the operations the token may not call, as ``--exclude-operation``
  would (the run's replay command keeps them), and says which; one that could call none of the
  selected operations is refused (exit 3), naming the scopes;
* a token the introspection refuses (both calls answering 400 or 404 with HubSpot's JSON
  error body, or a 401): it is unknown, expired or revoked, and the run is refused (exit 3) as
  a refused token;
* a portal that does not answer the introspection at all (another server or a proxy without
  that path: an HTML 404, a 405, a body that is not HubSpot's JSON): one line says so and the
  run goes on unchecked;
* a writing run given ``HUBSPOT_CONTRACT_READONLY_TOKEN`` (the second token
  ``refusals.change-nothing`` sends its refused write with) has it checked too: a token of
  another portal, one that may write contact associations, or one the introspection does not
  know (400, 401, 404 where the main token was read) is refused (exit 2).

Which scopes an operation needs is the emulator's table (``hubspot_associations_emulator.scopes``,
its ``granular`` mode), imported rather than copied: one reading of HubSpot's 403 bodies, kept in
one place, and the contract package may import the emulator. HubSpot publishes no such rule (its
spec files list every CRM object scope as enough for every association call), so the table is
INFERRED; it is the stricter of the emulator's two modes, the one a real portal's 403 bodies
suggest.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from hubspot_associations_emulator.scopes import OPERATION_ACCESS, missing_scopes

from hubspot_associations import AuthenticationError, HubSpotError, TokenInfo
from hubspot_associations._auth.info import (
    TRY_THE_OTHER,
    TokenKind,
    introspection_calls,
    introspection_order,
    introspection_request,
    read_introspection,
    redacted,
)

from . import selection
from .specs import strict_spec
from .target import READONLY_TOKEN_VARIABLE

__all__ = [
    "DIRECTIONS",
    "EXIT_TOKEN",
    "EXIT_USAGE",
    "PROBE_OPERATION",
    "READONLY_TOKEN_VARIABLE",
    "REFUSED_WRITE",
    "SCOPE_SKIPPED",
    "WRITING_RUN_WRITES",
    "Checked",
    "Refused",
    "check",
    "describe",
    "missing_for",
    "read_operations",
    "reads_labels",
]

EXIT_USAGE, EXIT_TOKEN = 2, 3
# The args attribute holding the operations a read-only run skips for want of a scope.
SCOPE_SKIPPED = "scope_skipped"
# The run's object types, both ways: the probes and the state machine write and read
# contact↔company from either record's side (a removal from the company's, every read-back from
# both records); the conformance cases fix contacts→companies.
DIRECTIONS = (("contact", "company"), ("company", "contact"))
# What a writing live run may send besides reads: the graph scenarios' writes, the restore's
# removals and label deletes (a live run sets no limits).
WRITING_RUN_WRITES = (
    "associate_default",
    "associate_with_labels",
    "batch_associate_default",
    "batch_create_associations",
    "remove_associations",
    "batch_remove_associations",
    "batch_remove_labels",
    "create_label",
    "update_label",
    "delete_label",
)
# The write refusals.change-nothing sends with a token that may not make it (contact→company).
REFUSED_WRITE = "associate_default"
# The read the reachability probe sends (runner.PROBE_PATH).
PROBE_OPERATION = "list_labels"
# Seconds the introspection may take (the reachability probe's).
TIMEOUT = 30
# A token's scopes listed in full up to this many.
SCOPES_SHOWN = 6
_PLURALS = ("contacts", "companies")
_FROM = ("fromObjectType", "objectType", "fromObjectTypeId")
_TO = ("toObjectType", "toObjectTypeId")


class Refused(Exception):
    """The run must not start: ``code`` is the exit code, the message says what to do."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Checked:
    """What the preflight found: the token's introspection (None: the portal did not answer
    it) and the operations a read-only run skips for want of a scope."""

    info: TokenInfo | None
    skipped: tuple[str, ...] = ()

    def skips(self, operation: str) -> bool:
        """Whether the run leaves the operation out for want of a scope (a refusal of it by
        the portal is then expected, not a refused token)."""
        return operation in self.skipped


def missing_for(
    operation: str,
    held: Iterable[str],
    directions: Iterable[tuple[str, str]] = DIRECTIONS,
) -> list[str]:
    """The granular scopes a token holding ``held`` lacks for the operation in any of the
    directions (empty: it may call it). An operation naming no object type, which any CRM object
    scope allows, asks for the contacts read scope when none is held (as HubSpot's 403 does)."""
    _, names = OPERATION_ACCESS[operation]
    scopes = frozenset(held)
    out: list[str] = []
    for from_type, to_type in directions:
        params = {name: from_type if name in _FROM else to_type for name in names}
        missing = missing_scopes(operation, params, scopes, "granular")
        if missing is not None:
            out += missing or ["crm.objects.contacts.read"]
    return sorted(set(out))


def read_operations(release: str) -> list[str]:
    """The GET operations of a release: all a read-only live run sends."""
    return sorted(
        str(operation["operationId"])
        for item in strict_spec(release)["paths"].values()
        for method, operation in item.items()
        if method == "get" and isinstance(operation, dict)
    )


def describe(info: TokenInfo) -> str:
    """One line about a token (never the token itself): its scopes, or of many those of the
    run's object types."""
    app = f", app {info.app_id}" if info.app_id is not None else ""
    held = sorted(info.scopes)
    if len(held) > SCOPES_SHOWN:
        mine = [s for s in held if any(f".{plural}." in s for plural in _PLURALS)]
        shown = f", of which the run's: {', '.join(mine) or 'none'}"
    else:
        shown = f": {', '.join(held) or 'none'}"
    return f"token: {info.kind} of portal {info.portal_id}{app}; {len(held)} scope(s){shown}"


def reads_labels(args: argparse.Namespace) -> bool:
    """Whether the run may read the contact↔company labels (the leftovers look-up of a
    read-only run reads them; the preflight may have found the token cannot)."""
    return PROBE_OPERATION not in getattr(args, SCOPE_SKIPPED, ())


@dataclass(frozen=True)
class _Introspection:
    """What the introspection said of a token: its TokenInfo, or None with the calls sent and
    what they answered (``calls``, ``statuses``), and whether they refused the token
    (``refused``: a 401, or both calls' 400 or 404 with HubSpot's JSON error; an
    AuthenticationError from the client's reading)."""

    info: TokenInfo | None
    calls: str = ""
    refused: bool = False
    statuses: tuple[int, ...] = ()


def _introspect(base_url: str, token: str) -> _Introspection:
    """The token's introspection. A target that cannot be reached is refused here, as the
    reachability probe would.

    The client's reading of HubSpot's two calls (the same order, fallback and strict parsing as
    ``client.token_info()``: both calls refusing the token with HubSpot's JSON error is an
    AuthenticationError, two HTML 404s a server without introspection), sent as the probe is
    sent: through an HTTP client that honours ``HTTPS_PROXY``/``NO_PROXY``, once, without
    retries. The client's own transport ignores the environment's proxies, so ``token_info()``
    would reach around a CI job's proxy."""
    answers: list[tuple[TokenKind, httpx.Response]] = []
    try:
        with httpx.Client(base_url=base_url, timeout=TIMEOUT) as http:
            kind, other = introspection_order(token)
            answers.append((kind, _sent(http, kind, token)))
            if answers[0][1].status_code in TRY_THE_OTHER:
                answers.append((other, _sent(http, other, token)))
        return _Introspection(read_introspection(answers))
    except httpx.HTTPError as exc:
        shown = str(exc).replace(token, "REDACTED").replace(quote(token, safe=""), "REDACTED")
        raise Refused(EXIT_TOKEN, f"the target {base_url} is unreachable: {shown}") from None
    except HubSpotError as exc:
        calls = introspection_calls(answers) if answers else type(exc).__name__
        statuses = tuple(answer.status_code for _, answer in answers)
        return _Introspection(None, calls, isinstance(exc, AuthenticationError), statuses)


def _sent(http: httpx.Client, kind: TokenKind, token: str) -> httpx.Response:
    return redacted(http.request(**introspection_request(kind, token)), token)


def check(
    args: argparse.Namespace,
    base_url: str,
    token: str,
    *,
    writing: bool,
    environ: Mapping[str, str] = os.environ,
) -> Checked:
    """The preflight of a live run (see the module's docstring); prints what it found. A
    read-only run's skipped operations are added to ``args.exclude_operation``."""
    found = _introspect(base_url, token)
    if found.refused:
        raise Refused(
            EXIT_TOKEN,
            f"the target {base_url} refused the token: HUBSPOT_ACCESS_TOKEN is unknown, expired "
            f"or revoked there (its token introspection: {found.calls}). Give a current token (an "
            "OAuth access token lives 30 minutes; a private app's is in its Auth tab, a new one "
            "after a rotation); nothing was sent to the portal",
        )
    info = found.info
    if info is None:
        print(
            f"token scopes: not checked before the run ({base_url} did not answer HubSpot's "
            f"token introspection: {found.calls}); an operation the token may not call fails "
            "the run",
            flush=True,
        )
        return Checked(None)
    print(describe(info), flush=True)
    if writing:
        _writing_run(args, info)
        _readonly_token(args, base_url, info, environ)
        return Checked(info)
    skipped = _read_only_run(args, info)
    if skipped:
        args.exclude_operation = [*args.exclude_operation, *skipped]
    setattr(args, SCOPE_SKIPPED, skipped)
    return Checked(info, skipped)


def _writing_run(args: argparse.Namespace, info: TokenInfo) -> None:
    """Refuse (exit 3) a writing run whose token lacks a scope of a write it may send, or of a
    selected read."""
    offered = set(selection.release_operations(args.api_version))
    chosen = selection.Selection.of(args.operation, args.exclude_operation)
    reads = [op for op in read_operations(args.api_version) if chosen.operation(op)]
    sent = [op for op in WRITING_RUN_WRITES if op in offered] + reads
    lacking = {op: missing_for(op, info.scopes) for op in sent}
    lacking = {op: scopes for op, scopes in lacking.items() if scopes}
    if not lacking:
        return
    scopes = sorted({scope for found in lacking.values() for scope in found})
    raise Refused(
        EXIT_TOKEN,
        f"the token lacks {', '.join(scopes)}, which this writing run needs "
        f"({', '.join(sorted(lacking))}: it writes contact↔company associations from both "
        "records' sides and labels of its own, and restores them). Add "
        f"{', '.join(scopes)} to the app's scopes (and install it again), or drop "
        "HUBSPOT_CONTRACT_ALLOW_WRITES for a read-only run",
    )


def _read_only_run(args: argparse.Namespace, info: TokenInfo) -> tuple[str, ...]:
    """The selected reads the token may not call; refused (exit 3) when that is all of them."""
    chosen = selection.Selection.of(args.operation, args.exclude_operation)
    reads = [op for op in read_operations(args.api_version) if chosen.operation(op)]
    lacking = {op: missing_for(op, info.scopes) for op in reads}
    skipped = tuple(op for op in reads if lacking[op])
    if not skipped:
        return ()
    scopes = sorted({scope for op in skipped for scope in lacking[op]})
    if len(skipped) == len(reads):
        raise Refused(
            EXIT_TOKEN,
            f"the token may call none of the operations this read-only run would judge "
            f"({', '.join(skipped)}): add {', '.join(scopes)} to the app's scopes",
        )
    print(
        f"this read-only run skips {len(skipped)} operation(s) the token may not call (it lacks "
        f"{', '.join(scopes)}): {', '.join(skipped)}; add the scope(s) to the app to judge them",
        flush=True,
    )
    return skipped


def _readonly_token(
    args: argparse.Namespace, base_url: str, info: TokenInfo, environ: Mapping[str, str]
) -> None:
    """The second token of refusals.change-nothing: of the run's portal, and refused the write
    the rule sends (exit 2 otherwise: the rule would write for real, or on another portal)."""
    second = environ.get(READONLY_TOKEN_VARIABLE, "").strip()
    if not second:
        return
    answered = _introspect(base_url, second)
    found = answered.info
    # The run's token was read, so the portal does answer introspection: a 400, 401 or 404 of
    # this one (HubSpot's JSON or not) is a token it does not know.
    unknown = bool(answered.statuses) and set(answered.statuses) <= {400, 401, 404}
    if found is None and (answered.refused or unknown):
        raise Refused(
            EXIT_USAGE,
            f"{READONLY_TOKEN_VARIABLE} is not a live token of this portal ({base_url}): "
            "unknown, expired or revoked (its token introspection: "
            f"{answered.calls}), while HUBSPOT_ACCESS_TOKEN is: "
            "refusals.change-nothing needs a read-only token of the portal the run writes on. "
            "Give a current one (of the same portal, with crm.objects.contacts.read and without "
            "crm.objects.contacts.write), or unset the variable",
        )
    if found is None:
        print(
            f"{READONLY_TOKEN_VARIABLE}: not checked before the run (token introspection: "
            f"{answered.calls})",
            flush=True,
        )
        return
    if found.portal_id != info.portal_id:
        raise Refused(
            EXIT_USAGE,
            f"{READONLY_TOKEN_VARIABLE} belongs to portal {found.portal_id}, HUBSPOT_ACCESS_TOKEN "
            f"to portal {info.portal_id}: refusals.change-nothing needs a read-only token of the "
            "portal the run writes on",
        )
    if not missing_for(REFUSED_WRITE, found.scopes, DIRECTIONS[:1]):
        raise Refused(
            EXIT_USAGE,
            f"{READONLY_TOKEN_VARIABLE} may write contact associations ({describe(found)}): "
            "refusals.change-nothing sends a write it must be refused; give a token without "
            "crm.objects.contacts.write",
        )
    print(f"{READONLY_TOKEN_VARIABLE}: {describe(found)}", flush=True)
