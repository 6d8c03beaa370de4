"""The emulator's answering conditions (its rate limit and injected faults), via its control API.

The suite judges HubSpot's contract, so it needs an emulator that answers every request: a rate
limit or faults the user started their emulator with (``serve --rate-limit 50/1``) would turn the
suite's own probes into 429s and 503s, and a healthy emulator into "contract broken". ``check
--base-url`` therefore lifts them for the run and puts back exactly what it found, and every test
that empties the emulator (whose reset returns to the startup configuration) lifts them again.

An emulator started with ``--control-token T`` answers its control API only to ``Authorization:
Bearer T``: every control call sent through ``http()`` carries the token ``use_control_token``
set (``check --control-token``), else ``HUBSPOT_EMULATOR_CONTROL_TOKEN`` (which the command
passes on to the suite).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = [
    "CONTROL_TOKEN_VARIABLE",
    "Conditions",
    "control_headers",
    "fresh",
    "lift",
    "read",
    "restore",
    "use_control_token",
]

_TIMEOUT = 30
# The emulator's own variable (hubspot_associations_emulator.config.CONTROL_TOKEN_ENV).
CONTROL_TOKEN_VARIABLE = "HUBSPOT_EMULATOR_CONTROL_TOKEN"
# check --control-token's value for this process (None: the variable's).
_given_control_token: list[str | None] = [None]


def use_control_token(token: str | None) -> None:
    """Send ``token`` to the emulator's control API from now on (None: the variable's value)."""
    _given_control_token[0] = token


def control_headers() -> dict[str, str]:
    """The Authorization header a control call carries (none without a control token)."""
    token = _given_control_token[0]
    if token is None:
        token = os.environ.get(CONTROL_TOKEN_VARIABLE, "")
    token = token.strip()
    return {"Authorization": f"Bearer {token}"} if token else {}


def _with_control_token(request: httpx.Request) -> None:
    # Only the control API's paths: the wrong-token probes sent through the same client must
    # reach HubSpot's paths with exactly the Authorization they chose.
    if "/_emulator/" in request.url.path and "authorization" not in request.headers:
        request.headers.update(control_headers())


@functools.cache
def http() -> httpx.Client:
    """The process's one client for requests sent outside the client under test (the control API,
    the wrong-token probes): each ``httpx.get`` builds a TLS context, about 20 ms of CPU, and a run
    sends a hundred of them."""
    return httpx.Client(timeout=_TIMEOUT, event_hooks={"request": [_with_control_token]})


@dataclass(frozen=True)
class Conditions:
    """A rate limit (requests per seconds) and a fault spec, each None when there is none."""

    requests: int | None = None
    seconds: float | None = None
    faults: str | None = None
    # Aimed faults (operationId, kind, after, times), as PUT /_emulator/faults takes them.
    script: tuple[tuple[str | None, str, int, int], ...] = ()

    @property
    def any(self) -> bool:
        """Something would stop the emulator from answering every request as HubSpot does."""
        return self.requests is not None or bool(self.faults) or bool(self.script)

    def describe(self) -> str:
        """For the run's first lines, e.g. ``a rate limit of 50 per 1 s and faults rate=0.1``."""
        parts = []
        if self.requests is not None:
            parts.append(f"a rate limit of {self.requests} per {self.seconds:g} s")
        if self.faults:
            parts.append(f"faults {self.faults}")
        if self.script:
            parts.append(f"{len(self.script)} aimed fault(s)")
        return " and ".join(parts) or "no rate limit and no faults"


def read(base_url: str) -> Conditions:
    """What the emulator at ``base_url`` runs with now."""
    limit = _json(http().get(f"{base_url}/_emulator/rate-limit"))
    faults = _json(http().get(f"{base_url}/_emulator/faults"))
    script = tuple(
        (e.get("operationId"), e["kind"], e.get("after", 0), e.get("times", 1))
        for e in faults.get("script") or ()
    )
    return Conditions(
        requests=limit.get("requests"),
        seconds=limit.get("seconds"),
        faults=faults.get("spec"),
        script=script,
    )


def lift(base_url: str) -> None:
    """No rate limit and no faults until set again (or until a reset returns to the config)."""
    restore(base_url, Conditions())


def restore(base_url: str, conditions: Conditions) -> None:
    """Put back a rate limit and faults read earlier; the limit starts a fresh window."""
    limit = {"requests": conditions.requests, "seconds": conditions.seconds}
    if conditions.requests is None:
        limit = {"requests": None}
    script = [
        {"kind": kind, "after": after, "times": times}
        | ({"operationId": operation} if operation is not None else {})
        for operation, kind, after, times in conditions.script
    ]
    faults = {"spec": conditions.faults, "script": script}
    for what, body in (("rate-limit", limit), ("faults", faults)):
        http().put(f"{base_url}/_emulator/{what}", json=body).raise_for_status()


def fresh(base_url: str) -> None:
    """An empty emulator that answers every request: reset, then the conditions lifted."""
    http().post(f"{base_url}/_emulator/reset").raise_for_status()
    lift(base_url)


def _json(answer: httpx.Response) -> dict[str, Any]:
    answer.raise_for_status()
    body = answer.json()
    return body if isinstance(body, dict) else {}
