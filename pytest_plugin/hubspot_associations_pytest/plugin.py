"""Fixtures and a marker for testing code that calls HubSpot's Associations API, offline.

- ``hubspot_emulator``: one emulator on 127.0.0.1 per pytest session (so one per xdist worker),
  reset before each test (every portal emptied, the tokens back to the start-up one); a
  :class:`HubSpotEmulator` with ``base_url``, ``token``, ``release``, ``control`` (the typed
  control client, acting on the test's portal), ``portal_id`` and ``control_token``.
- ``hubspot_client`` / ``async_hubspot_client``: this package's clients pointed at it with the
  test's token, unpaced (no client-side rate limit, whatever ``HUBSPOT_ASSOCIATIONS_RATE_LIMIT``
  says) unless the marker gives ``client_rate_limit=(N, SECONDS)``.
- ``@pytest.mark.hubspot_emulator(release=..., profile=..., numeric_ids=...,
  max_labels_per_pair=..., record_limits=[("0-1", "0-2", 3)], rate_limit=(N, SECONDS),
  client_rate_limit=(N, SECONDS), faults="rate=…", script=[AimedFault(...)], portal=N,
  scopes=[...])``: per test, restored after. ``portal=`` and ``scopes=`` give the test a token of
  its own (of portal N; with exactly those scopes), added before the test and gone after it.
  ``webhook_duplicates=``, ``webhook_shuffle=``, ``webhook_hold=`` (bools) and
  ``webhook_time_scale=`` set the portal's webhook deliveries; ``webhook_events=[...]`` and
  ``webhook_signature="v1" | "v2"`` the ``hubspot_webhooks`` subscription.
- ``hubspot_webhooks``: a receiver on 127.0.0.1 subscribed to the test's association-change
  webhooks, verifying every delivery (see ``webhooks.HubSpotWebhooks``).

``HUBSPOT_EMULATOR_CONTROL_TOKEN``, when set, is the session emulator's control token (as it is
``serve``'s): its control API then needs it, and the fixtures send it.

The types to annotate the fixtures with are exported by ``hubspot_associations_pytest``.

Nothing starts unless a fixture is used; without the ``[emulator]`` extra a fixture fails its test
with the line that installs it. This module imports only the standard library and pytest at load.
"""

from __future__ import annotations

import difflib
import math
import os
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from hubspot_associations_emulator.control_client import AimedFault, ControlClient, RecordLimit
    from hubspot_associations_emulator.server import RunningEmulator

    from hubspot_associations import AsyncHubSpotAssociations, HubSpotAssociations

    from .webhooks import HubSpotWebhooks

__all__ = ["MARKER", "HubSpotEmulator", "MarkerOptions"]

MARKER = "hubspot_emulator"
INSTALL = "pip install 'hubspot-associations[emulator]'"
# The emulator's DEFAULT_PORTAL_ID and CONTROL_TOKEN_ENV, spelt out: this module imports nothing
# of the emulator when pytest loads it (a test checks that they agree).
DEFAULT_PORTAL_ID = 12345678
CONTROL_TOKEN_ENV = "HUBSPOT_EMULATOR_CONTROL_TOKEN"
# Portal IDs travel as JSON numbers: the emulator takes 1 to 2**53 - 1.
_MAX_PORTAL_ID = 2**53 - 1


@dataclass(frozen=True)
class MarkerOptions:
    """What ``@pytest.mark.hubspot_emulator(...)`` sets for one test (None: as configured)."""

    release: str = "v4"
    profile: str | None = None
    numeric_ids: bool | None = None
    max_labels_per_pair: int | None = None
    # (from object type, to object type, limit) or RecordLimit: per-pair record limits.
    record_limits: Sequence[RecordLimit | tuple[str, str, int]] | None = None
    # The emulator's rate limit (its 429s), not the client fixtures' pace.
    rate_limit: tuple[int, float] | None = None
    # The client fixtures' own limiter; None: unpaced (HUBSPOT_ASSOCIATIONS_RATE_LIMIT is not
    # read: a test's pace is the marker's to set, not the environment's).
    client_rate_limit: tuple[int, float] | None = None
    faults: str | None = None
    script: Sequence[AimedFault] = ()
    # The portal the test's token belongs to (and its control client acts on); None: the default.
    portal: int | None = None
    # The test's token has exactly these scopes (None: every scope).
    scopes: Sequence[str] | None = None
    # The portal's webhook delivery switches (PUT /_emulator/config; None: as configured).
    webhook_duplicates: bool | None = None
    webhook_shuffle: bool | None = None
    webhook_hold: bool | None = None
    webhook_time_scale: float | None = None
    # The hubspot_webhooks fixture's subscription: its event types (None: all six) and its
    # signature version besides v3 ("v1" or "v2"; None: v1).
    webhook_events: Sequence[str] | None = None
    webhook_signature: str | None = None


@dataclass(frozen=True)
class HubSpotEmulator:
    """The emulator a test runs against: its address, the token the client fixtures use, the
    release they use, its control client (seed, faults, counts, snapshot …, acting on the test's
    portal), that portal, and the control token its control API needs (None: none)."""

    base_url: str
    token: str
    release: str
    control: ControlClient
    portal_id: int = DEFAULT_PORTAL_ID
    control_token: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (so that --strict-markers passes)."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(release=, profile=, numeric_ids=, max_labels_per_pair=, record_limits=, "
        "rate_limit=, client_rate_limit=, faults=, script=, portal=, scopes=, webhook_duplicates=, "
        "webhook_shuffle=, webhook_hold=, webhook_time_scale=, webhook_events=, "
        "webhook_signature=): run this test's "
        "emulator and client fixtures so (hubspot-associations)",
    )


def _options(node: pytest.Item) -> MarkerOptions:
    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return MarkerOptions()
    if marker.args:
        pytest.fail(f"@pytest.mark.{MARKER} takes keyword arguments only", pytrace=False)
    allowed = list(MarkerOptions.__dataclass_fields__)
    unknown = [name for name in marker.kwargs if name not in allowed]
    if unknown:
        # Named here, not from the dataclass' TypeError: the user wrote the marker, so the
        # message names their keyword, the likely one meant, and every one it takes.
        hints = [
            f"{name}= (did you mean {close[0]}=?)"
            if (close := difflib.get_close_matches(name, allowed, n=1))
            else f"{name}="
            for name in unknown
        ]
        pytest.fail(
            f"@pytest.mark.{MARKER}: unknown keyword {', '.join(hints)}; it takes "
            f"{', '.join(allowed)}",
            pytrace=False,
        )
    options = MarkerOptions(**marker.kwargs)
    if options.portal is not None:
        _check_portal(options.portal)
    if options.scopes is not None:
        options = replace(options, scopes=_scopes(options.scopes))
    if any(getattr(options, name) is not None for name in _WEBHOOK_KEYWORDS):
        from .webhooks import check_webhook_options  # only when a test uses them

        check_webhook_options(options)
    if options.client_rate_limit is None:
        return options
    return replace(options, client_rate_limit=_client_rate_limit(options.client_rate_limit))


_WEBHOOK_KEYWORDS = (
    "webhook_duplicates",
    "webhook_shuffle",
    "webhook_hold",
    "webhook_time_scale",
    "webhook_events",
    "webhook_signature",
)


def _check_portal(value: object) -> None:
    """The marker's ``portal``, or the test fails naming it."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= _MAX_PORTAL_ID:
        return
    pytest.fail(
        f"@pytest.mark.{MARKER}(portal={value!r}): give the portal ID as an integer from 1 to "
        f"{_MAX_PORTAL_ID}, e.g. portal=42; leave it out for the default portal "
        f"({DEFAULT_PORTAL_ID})",
        pytrace=False,
    )


def _scopes(value: object) -> tuple[str, ...]:
    """The marker's ``scopes`` as a tuple of scope names, or the test fails naming it (a lone
    string, which would read as a list of one-letter scopes, included)."""
    if isinstance(value, list | tuple | set | frozenset) and all(
        isinstance(s, str) and s.strip() for s in value
    ):
        return tuple(value)
    pytest.fail(
        f"@pytest.mark.{MARKER}(scopes={value!r}): give a list of scope names, e.g. "
        "scopes=['crm.objects.contacts.read']; leave it out for a token with every scope",
        pytrace=False,
    )


def _client_rate_limit(value: object) -> tuple[int, float]:
    """The marker's ``client_rate_limit`` as (requests, seconds), or the test fails naming it.

    Checked here rather than left to the client, whose message speaks of its own ``rate_limit``
    argument: the user wrote the marker, so the marker is what the message names.
    """
    pair = tuple(value) if isinstance(value, tuple | list) else ()
    requests, seconds = pair if len(pair) == 2 else (None, None)
    # bool is an int subclass: True would otherwise pass as 1.
    if (
        isinstance(requests, int)
        and not isinstance(requests, bool)
        and requests >= 1
        and isinstance(seconds, int | float)
        and not isinstance(seconds, bool)
        and math.isfinite(seconds)
        and seconds > 0
    ):
        return requests, float(seconds)
    pytest.fail(
        f"@pytest.mark.{MARKER}(client_rate_limit={value!r}): give (requests, seconds) with "
        "whole requests >= 1 and finite seconds > 0, e.g. client_rate_limit=(5, 1) for at most "
        "5 requests a second; leave it out for unpaced client fixtures",
        pytrace=False,
    )


def _emulator_modules() -> tuple[Any, Any]:
    """(serve_in_thread, EmulatorConfig), or the test fails with the install line."""
    missing = None
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
        from hubspot_associations_emulator import EmulatorConfig, serve_in_thread
    except ImportError as exc:
        missing = exc.name
    if missing is not None:  # outside the except: no chained ImportError in the report
        pytest.fail(
            f"the {MARKER} fixture needs the emulator ({missing} is missing): {INSTALL}",
            pytrace=False,
        )
    return serve_in_thread, EmulatorConfig


@pytest.fixture(scope="session")
def hubspot_emulator_server() -> Iterator[RunningEmulator]:
    """One emulator on 127.0.0.1 for the whole session (one per xdist worker), with
    ``HUBSPOT_EMULATOR_CONTROL_TOKEN`` as its control token when that is set."""
    serve_in_thread, config = _emulator_modules()
    control_token = os.environ.get(CONTROL_TOKEN_ENV, "").strip() or None
    with serve_in_thread(config(control_token=control_token)) as running:
        yield running


@pytest.fixture
def hubspot_emulator(
    request: pytest.FixtureRequest, hubspot_emulator_server: RunningEmulator
) -> Iterator[HubSpotEmulator]:
    """The session's emulator, emptied for this test and set as its marker says."""
    from hubspot_associations_emulator.control_client import ControlClient

    options = _options(request.node)
    running = hubspot_emulator_server
    # The server's own control token (read when the session started), not the environment now.
    control_token: str | None = running.app.emulator.config.control_token  # type: ignore[attr-defined]
    # "": send none, even when the environment holds one the server was not started with.
    with ControlClient(
        running.base_url, control_token=control_token or "", portal_id=options.portal
    ) as control:
        # Everything, not only the test's portal: tokens and portals a test added go too.
        control.reset()
        token = running.token
        try:
            if options.portal is not None or options.scopes is not None:
                # A value of its own per test: nothing of another test's token can answer.
                token = f"pytest-{secrets.token_hex(8)}"
                control.add_token(token, scopes=options.scopes)  # of the control's portal
            _apply(control, options)
        except Exception as exc:
            control.reset()
            pytest.fail(f"@pytest.mark.{MARKER}: {exc}", pytrace=False)
        try:
            yield HubSpotEmulator(
                running.base_url,
                token,
                options.release,
                control,
                options.portal or DEFAULT_PORTAL_ID,
                control_token,
            )
        finally:
            # A full reset returns profile, IDs, label cap, record limits, rate limit and faults
            # to the start-up, and the tokens to the start-up one (the test's token is gone).
            control.reset()


def _apply(control: ControlClient, options: MarkerOptions) -> None:
    settings = (
        options.profile,
        options.numeric_ids,
        options.max_labels_per_pair,
        options.record_limits,
        options.webhook_time_scale,
        options.webhook_duplicates,
        options.webhook_shuffle,
        options.webhook_hold,
    )
    if any(v is not None for v in settings):
        control.configure(
            profile=options.profile,
            numeric_ids=options.numeric_ids,
            max_labels_per_pair=options.max_labels_per_pair,
            record_limits=options.record_limits,
            webhook_time_scale=options.webhook_time_scale,
            webhook_duplicates=options.webhook_duplicates,
            webhook_shuffle=options.webhook_shuffle,
            webhook_hold=options.webhook_hold,
        )
    if options.rate_limit is not None:
        control.set_rate_limit(*options.rate_limit)
    if options.faults is not None or options.script:
        control.set_faults(options.faults, options.script)


@pytest.fixture
def hubspot_webhooks(
    request: pytest.FixtureRequest, hubspot_emulator: HubSpotEmulator
) -> Iterator[HubSpotWebhooks]:
    """A receiver on 127.0.0.1 subscribed to the test's association-change webhooks (after the
    emulator's reset), verifying every delivery with the client's ``verify_signature``: its
    ``events``, ``wait_for(count)``, ``flush()``, ``deliveries()`` and ``send_to(app)``. The test
    fails at teardown when the receiver refused a request (a bad signature or body)."""
    from .webhooks import webhooks_for

    with webhooks_for(hubspot_emulator.control, _options(request.node)) as hooks:
        yield hooks


@pytest.fixture
def hubspot_client(
    request: pytest.FixtureRequest, hubspot_emulator: HubSpotEmulator
) -> Iterator[HubSpotAssociations]:
    """This package's client, pointed at the test's emulator (the marker's release), unpaced
    unless the marker gives ``client_rate_limit``."""
    from hubspot_associations import HubSpotAssociations

    # Explicitly None, not the client's default: HubSpot's production pace (100 requests per
    # 10 s) only slows a test down against a local emulator (a 300-call test took 30.5 s, 0.69 s
    # unpaced), and the environment's HUBSPOT_ASSOCIATIONS_RATE_LIMIT is meant for live runs.
    client = HubSpotAssociations(
        hubspot_emulator.token,
        base_url=hubspot_emulator.base_url,
        api_version=hubspot_emulator.release,
        rate_limit=_options(request.node).client_rate_limit,
    )
    with client:
        yield client


@pytest.fixture
def async_hubspot_client(
    request: pytest.FixtureRequest, hubspot_emulator: HubSpotEmulator
) -> AsyncHubSpotAssociations:
    """The async client, pointed at the test's emulator; paced as ``hubspot_client`` is.

    A plain fixture (not an async one), so that it works under anyio's pytest plugin,
    pytest-asyncio in strict or auto mode, or ``asyncio.run`` in a sync test: it keeps no
    connection open between requests, so nothing bound to the test's event loop is left to close
    after the loop is gone.
    """
    import httpx

    from hubspot_associations import AsyncHubSpotAssociations

    return AsyncHubSpotAssociations(
        hubspot_emulator.token,
        base_url=hubspot_emulator.base_url,
        api_version=hubspot_emulator.release,
        rate_limit=_options(request.node).client_rate_limit,
        transport=httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
    )
