"""The marker's ``portal=`` and ``scopes=`` and the fixtures' control token, as a user meets them:
a user's test file run through pytester, its session emulator started under
``HUBSPOT_EMULATOR_CONTROL_TOKEN`` (so every fixture must send the token), a token of its own per
marked test and gone in the next test."""

from __future__ import annotations

import pytest
from hubspot_associations_emulator.config import CONTROL_TOKEN_ENV
from hubspot_associations_emulator.tokens import DEFAULT_PORTAL_ID
from hubspot_associations_pytest import plugin

pytest_plugins = ["pytester"]

USER_TESTS = """
import httpx
import pytest
from hubspot_associations_emulator.control_client import SeedLabel
from hubspot_associations_pytest import (
    AsyncHubSpotAssociations, HubSpotAssociations, HubSpotEmulator)

from hubspot_associations import PermissionDeniedError

READ_ONLY = ["crm.objects.contacts.read", "crm.objects.companies.read"]
DEFAULT = 12345678
EARLIER: list[str] = []


@pytest.mark.hubspot_emulator(portal=42)
def test_the_client_fixtures_talk_to_the_marker_s_portal(
    hubspot_emulator: HubSpotEmulator, hubspot_client: HubSpotAssociations
) -> None:
    control = hubspot_emulator.control
    assert hubspot_emulator.portal_id == 42 and hubspot_emulator.control_token == "ci-secret"
    control.seed(labels=[SeedLabel("contact", "company", "buyer", "Buyer")])  # into portal 42
    assert "Buyer" in [t.label for t in hubspot_client.labels.list("contact", "company")]
    hubspot_client.basic.associate_default("contact", 1, "company", 10)
    assert control.requests().writes == 1
    assert control.requests(portal_id=DEFAULT).writes == 0
    assert [t.token for t in control.tokens(42)] == [hubspot_emulator.token]
    EARLIER.append(hubspot_emulator.token)


def test_the_next_test_has_the_default_portal_only(
    hubspot_emulator: HubSpotEmulator, hubspot_client: HubSpotAssociations
) -> None:
    control = hubspot_emulator.control
    assert (hubspot_emulator.portal_id, hubspot_emulator.token) == (DEFAULT, "emulator-token")
    assert [p.portal_id for p in control.portals()] == [DEFAULT]
    assert [t.token for t in control.tokens()] == ["emulator-token"]
    assert "Buyer" not in [t.label for t in hubspot_client.labels.list("contact", "company")]
    gone = httpx.get(f"{hubspot_emulator.base_url}/crm/v4/associations/contact/company/labels",
                     headers={"Authorization": f"Bearer {EARLIER[0]}"})
    assert gone.status_code == 401
    # The control API needs the token the session's emulator was started with.
    bare = httpx.get(f"{hubspot_emulator.base_url}/_emulator/health")
    assert bare.status_code == 401


@pytest.mark.hubspot_emulator(portal=42, scopes=READ_ONLY, release="2026-03")
def test_a_read_only_token_cannot_write(
    hubspot_emulator: HubSpotEmulator, hubspot_client: HubSpotAssociations
) -> None:
    assert hubspot_client.basic.get_page("contact", 1, "company").results == []
    with pytest.raises(PermissionDeniedError) as refused:
        hubspot_client.basic.associate_default("contact", 1, "company", 10)
    assert refused.value.required_scopes == ["crm.objects.contacts.write"]
    (token,) = hubspot_emulator.control.tokens(42)
    assert token.scopes == tuple(sorted(READ_ONLY))
    assert hubspot_emulator.control.journal().calls("associate_default")[0].status == 403


@pytest.mark.anyio
@pytest.mark.hubspot_emulator(scopes=READ_ONLY)
async def test_the_async_client_gets_the_marker_s_scopes(
    hubspot_emulator: HubSpotEmulator, async_hubspot_client: AsyncHubSpotAssociations
) -> None:
    assert hubspot_emulator.portal_id == DEFAULT
    with pytest.raises(PermissionDeniedError, match="crm.objects.contacts.write"):
        await async_hubspot_client.basic.associate_default("contact", 1, "company", 10)


@pytest.mark.hubspot_emulator(portal="42")
def test_portal_as_text(hubspot_client: HubSpotAssociations) -> None: ...


@pytest.mark.hubspot_emulator(scopes="crm.objects.contacts.read")
def test_scopes_as_one_string(hubspot_client: HubSpotAssociations) -> None: ...
"""


def test_the_marker_s_portal_and_scopes(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """portal= puts the client fixtures and the control client in that portal, scopes= gives them
    a token with exactly those scopes (a write refused with PermissionDeniedError naming the
    scope to add), nothing of a marked test reaches the next one, every fixture sends the control
    token, and a wrong portal or scopes value fails its test naming the marker's argument."""
    monkeypatch.setenv(CONTROL_TOKEN_ENV, "ci-secret")
    pytester.makeconftest("import pytest\n\n@pytest.fixture\ndef anyio_backend():\n"
                          "    return 'asyncio'\n")  # fmt: skip
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_inprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.hubspot_emulator(portal='42'): give the portal ID as an integer*",
            "*@pytest.mark.hubspot_emulator(scopes='crm.objects.contacts.read'): give a list of*",
        ]
    )


def test_the_plugin_s_constants_are_the_emulator_s() -> None:
    """The plugin spells out the emulator's default portal and control-token variable (it imports
    nothing of the emulator when pytest loads it): they must agree."""
    assert plugin.DEFAULT_PORTAL_ID == DEFAULT_PORTAL_ID
    assert plugin.CONTROL_TOKEN_ENV == CONTROL_TOKEN_ENV
