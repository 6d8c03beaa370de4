"""The plugin as users write against it: its fixture types imported from the package (without
loading the client or the emulator when pytest loads the plugin), and the client fixtures' pace,
set only by the marker, run through pytester as a user's own test file."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import hubspot_associations_pytest
import pytest
from hubspot_associations_emulator import RunningEmulator
from hubspot_associations_emulator.control_client import ControlClient
from hubspot_associations_pytest import HubSpotAssociations, HubSpotEmulator

import hubspot_associations

pytest_plugins = ["pytester"]


def test_the_fixture_types_are_the_package_s_names(
    hubspot_emulator: HubSpotEmulator,
    hubspot_client: HubSpotAssociations,
    hubspot_emulator_server: RunningEmulator,
) -> None:
    """Every type a fixture yields is exported by name, and is the very class it yields."""
    assert sorted(hubspot_associations_pytest.__all__) == [
        "AsyncHubSpotAssociations",
        "ControlClient",
        "HubSpotAssociations",
        "HubSpotEmulator",
        "HubSpotWebhooks",
        "MarkerOptions",
        "RunningEmulator",
    ]
    assert hubspot_associations_pytest.AsyncHubSpotAssociations is (
        hubspot_associations.AsyncHubSpotAssociations
    )
    assert HubSpotAssociations is hubspot_associations.HubSpotAssociations
    assert type(hubspot_client) is HubSpotAssociations
    assert type(hubspot_emulator_server) is hubspot_associations_pytest.RunningEmulator
    assert type(hubspot_emulator.control) is hubspot_associations_pytest.ControlClient
    assert hubspot_associations_pytest.ControlClient is ControlClient
    with pytest.raises(AttributeError, match="HubSpotEmulater"):
        _ = hubspot_associations_pytest.HubSpotEmulater  # type: ignore[attr-defined]


def test_loading_the_plugin_imports_neither_the_client_nor_the_emulator() -> None:
    """Importing the package (as pytest's entry point does) loads only the standard library and
    pytest; the client's and the emulator's types load on first access."""
    probe = textwrap.dedent(
        """
        import sys
        import hubspot_associations_pytest as p
        from hubspot_associations_pytest import HubSpotEmulator, MarkerOptions
        ours = ("hubspot_associations", "hubspot_associations_emulator", "httpx")
        print(sorted(m for m in sys.modules if m.split(".")[0] in ours))
        from hubspot_associations_pytest import HubSpotAssociations, RunningEmulator
        print(HubSpotAssociations.__module__, RunningEmulator.__module__)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    before, after = done.stdout.splitlines()
    assert before == "[]"
    assert after == "hubspot_associations._sync.client hubspot_associations_emulator.server"


USER_TESTS = """
import pytest
from hubspot_associations_pytest import (
    AsyncHubSpotAssociations, HubSpotAssociations, HubSpotEmulator)


def test_unpaced_by_default(
    hubspot_emulator: HubSpotEmulator,
    hubspot_client: HubSpotAssociations,
    async_hubspot_client: AsyncHubSpotAssociations,
) -> None:
    assert hubspot_client.settings.limiter is None
    assert async_hubspot_client.settings.limiter is None
    for _ in range(200):
        hubspot_client.labels.list("contact", "company")
    assert hubspot_emulator.control.requests().operations == {"list_labels": 200}


@pytest.mark.hubspot_emulator(client_rate_limit=(5, 1))
def test_paced_by_the_marker(
    hubspot_client: HubSpotAssociations, async_hubspot_client: AsyncHubSpotAssociations
) -> None:
    for client in (hubspot_client, async_hubspot_client):
        limiter = client.settings.limiter
        assert limiter is not None
        assert (limiter.max_requests, limiter.per_seconds) == (5, 1.0)


@pytest.mark.hubspot_emulator(rate_limit=(50, 10.0))
def test_the_server_s_rate_limit_leaves_the_client_unpaced(
    hubspot_emulator: HubSpotEmulator, hubspot_client: HubSpotAssociations
) -> None:
    assert hubspot_emulator.control.rate_limit() == (50, 10.0)
    assert hubspot_client.settings.limiter is None


@pytest.mark.hubspot_emulator(client_rate_limit=(0, 1))
def test_no_requests(hubspot_client: HubSpotAssociations) -> None: ...


@pytest.mark.hubspot_emulator(client_rate_limit="5/1")
def test_text(hubspot_client: HubSpotAssociations) -> None: ...


@pytest.mark.hubspot_emulator(client_rate_limit=(5, float("inf")))
def test_endless_window(hubspot_client: HubSpotAssociations) -> None: ...
"""


def test_client_fixtures_are_paced_only_by_the_marker(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unpaced client fixtures (HUBSPOT_ASSOCIATIONS_RATE_LIMIT set or not), client_rate_limit
    configures their limiter, and a bad value fails its test naming the marker's argument."""
    # Set to show the fixtures ignore it: the marker is the only thing that paces them.
    monkeypatch.setenv("HUBSPOT_ASSOCIATIONS_RATE_LIMIT", "100/10")
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_inprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, errors=3)
    for shown in ("(0, 1)", "'5/1'", "(5, inf)"):
        result.stdout.fnmatch_lines(
            [
                f"*@pytest.mark.hubspot_emulator(client_rate_limit={shown}): give (requests, seconds)*"
            ]
        )
