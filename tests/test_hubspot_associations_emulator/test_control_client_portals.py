"""The typed control clients' portal dimension against a real emulator on 127.0.0.1 started with a
control token: portals, tokens (added, expired, revoked), ``portal_id=`` on seed, snapshot and
journal, and the control token itself (refused without it, accepted with it or from
``HUBSPOT_EMULATOR_CONTROL_TOKEN``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, RunningEmulator, serve_in_thread
from hubspot_associations_emulator.control_client import (
    DEFAULT_PORTAL_ID,
    AsyncControlClient,
    ControlClient,
    ControlError,
    EmulatorPortal,
    EmulatorSchema,
    SeedLabel,
)

CONTROL_TOKEN = "control-secret"
LABELS = "/crm/v4/associations/contact/company/labels"
# Enough to list contact-company labels in the granular mode (a read scope of each type).
READS = ("crm.objects.companies.read", "crm.objects.contacts.read")


@pytest.fixture(scope="module")
def server() -> Iterator[RunningEmulator]:
    """One emulator for the module, its control API behind a control token."""
    with serve_in_thread(EmulatorConfig(control_token=CONTROL_TOKEN)) as running:
        yield running


@pytest.fixture
def control(server: RunningEmulator) -> Iterator[ControlClient]:
    """A control client with the token, the emulator fully reset (every portal, the tokens)."""
    with ControlClient(server.base_url, control_token=CONTROL_TOKEN) as client:
        client.reset()
        yield client


def get(server: RunningEmulator, path: str, token: str) -> httpx.Response:
    """A HubSpot-path GET with ``token``."""
    return httpx.get(f"{server.base_url}{path}", headers={"Authorization": f"Bearer {token}"})


def test_the_control_token_is_required_and_sent(
    server: RunningEmulator, control: ControlClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the token a call is a ControlError 401 saying how to pass it; with it given, or
    from HUBSPOT_EMULATOR_CONTROL_TOKEN, the same call works; "" sends none whatever the
    variable says."""
    monkeypatch.delenv("HUBSPOT_EMULATOR_CONTROL_TOKEN", raising=False)
    with ControlClient(server.base_url) as bare, pytest.raises(ControlError) as refused:
        bare.portals()
    assert refused.value.status == 401
    assert "HUBSPOT_EMULATOR_CONTROL_TOKEN" in refused.value.message
    with (
        ControlClient(server.base_url, control_token="wrong") as wrong,
        pytest.raises(ControlError, match=r"^401"),
    ):
        wrong.journal_jsonl()  # the text calls are checked too, not read as the journal
    monkeypatch.setenv("HUBSPOT_EMULATOR_CONTROL_TOKEN", CONTROL_TOKEN)
    with ControlClient(server.base_url) as from_env:
        assert [p.portal_id for p in from_env.portals()] == [DEFAULT_PORTAL_ID]
    with ControlClient(server.base_url, control_token="") as none, pytest.raises(ControlError):
        none.health()
    assert control.health()


def test_portals_put_portal_and_daily_reset(
    server: RunningEmulator, control: ControlClient
) -> None:
    """put_portal makes a portal and sets its cap and scope mode; the cap refuses the request
    past it (HubSpot's DAILY 429) until daily_reset ends the portal's day; a full reset forgets
    the portal."""
    made = control.put_portal(42, daily_limit=2, scope_mode="published", rate_limit=(50, 10))
    assert made == EmulatorPortal(42, (50, 10.0), 2, 0, "published")
    control.add_token("portal-42", portal_id=42)
    statuses = [get(server, LABELS, "portal-42").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert control.portals()[0].daily_used == 2  # sorted by ID: 42 first
    assert control.daily_reset(42).daily_used == 0
    assert get(server, LABELS, "portal-42").status_code == 200
    # Only what is given changes: the cap stays, the rate limit goes.
    assert control.put_portal(42, rate_limit=None) == EmulatorPortal(42, None, 2, 1, "published")
    with pytest.raises(ControlError, match="scopeMode"):
        control.put_portal(42, scope_mode="everything")  # type: ignore[arg-type]
    control.reset()
    assert [p.portal_id for p in control.portals()] == [DEFAULT_PORTAL_ID]


def test_tokens_added_expired_and_revoked(server: RunningEmulator, control: ControlClient) -> None:
    """add_token answers the token as typed values; an OAuth token works until expire_token
    (then 401 EXPIRED_AUTHENTICATION), a revoked one gets 401 INVALID_AUTHENTICATION; tokens()
    lists per portal or all; a full reset returns to the start-up token."""
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=30)
    oauth = control.add_token(
        "oauth-1",
        portal_id=7,
        kind="oauth",
        app_id=11,
        user_id=22,
        scopes=READS,
        association_writes=False,
        expires_at=expires,
        refresh_token="refresh-1",
    )
    assert (oauth.portal_id, oauth.kind, oauth.app_id, oauth.user_id) == (7, "oauth", 11, 22)
    assert oauth.scopes == READS
    assert oauth.association_writes is False
    assert oauth.refresh_token == "refresh-1"
    assert oauth.expires_at is not None
    assert abs(oauth.expires_at - expires).total_seconds() < 1
    private = control.add_token("private-1")
    assert (private.portal_id, private.scopes, private.association_writes) == (
        DEFAULT_PORTAL_ID,
        None,
        None,
    )
    assert get(server, LABELS, "oauth-1").status_code == 200
    assert control.expire_token("oauth-1").expired
    assert get(server, LABELS, "oauth-1").json()["category"] == "EXPIRED_AUTHENTICATION"
    assert control.revoke_token("private-1").revoked
    refused = get(server, LABELS, "private-1")
    assert (refused.status_code, refused.json()["category"]) == (401, "INVALID_AUTHENTICATION")
    assert [t.token for t in control.tokens(7)] == ["oauth-1"]
    assert [t.token for t in control.tokens()] == ["emulator-token", "oauth-1", "private-1"]
    with pytest.raises(ControlError, match="409"):
        control.add_token("oauth-1")
    with pytest.raises(ValueError, match="aware datetime"):
        control.add_token("naive", kind="oauth", expires_at=datetime.datetime(2030, 1, 1))
    with pytest.raises(TypeError, match="not a string"):
        control.add_token("one-string", scopes="crm.objects.contacts.read")
    control.reset()
    assert [t.token for t in control.tokens()] == ["emulator-token"]


def test_oauth_only_keywords_on_a_private_app_token_are_refused_in_pythons_spelling(
    control: ControlClient,
) -> None:
    """association_writes, expires_at or refresh_token without kind="oauth": a ValueError
    naming the keywords as Python spells them, before anything is sent (no token made), not
    the control API's advice to send JSON's "kind": "oauth"."""
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=30)
    with pytest.raises(
        ValueError, match=r'^association_writes and refresh_token need kind="oauth" \('
    ):
        control.add_token("p1", association_writes=False, refresh_token="r")
    with pytest.raises(ValueError, match=r'^expires_at needs kind="oauth" \(.*leave it out$'):
        control.add_token("p2", kind="private-app", expires_at=expires)
    assert [t.token for t in control.tokens()] == ["emulator-token"]


def test_portal_id_on_seed_snapshot_and_journal(
    server: RunningEmulator, control: ControlClient
) -> None:
    """portal_id= seeds, journals, snapshots, resets and restores one portal, never another; a
    client made with portal_id= acts on that portal when a call names none."""
    control.add_token("portal-42", portal_id=42)
    control.seed(labels=[SeedLabel("contact", "company", "buyer", "Buyer")], portal_id=42)
    labels = {t["label"] for t in get(server, LABELS, "portal-42").json()["results"]}
    assert "Buyer" in labels
    default = {t["label"] for t in get(server, LABELS, server.token).json()["results"]}
    assert "Buyer" not in default
    assert [e.path for e in control.journal(portal_id=42).entries] == [LABELS]
    assert [e.path for e in control.journal().entries] == [LABELS]  # the default portal's read
    saved = control.snapshot(portal_id=42)
    assert saved.portal_id == 42
    control.reset(portal_id=42)
    assert control.journal(portal_id=42).entries == []
    assert control.journal().entries != []  # the default portal kept its own
    control.restore(saved)  # into the portal it was taken of
    assert "Buyer" in {t["label"] for t in get(server, LABELS, "portal-42").json()["results"]}
    with ControlClient(server.base_url, control_token=CONTROL_TOKEN, portal_id=42) as bound:
        bound.configure(numeric_ids=True)
        bound.set_rate_limit(9, 1.0)
        assert bound.settings().numeric_ids
        assert bound.rate_limit() == (9, 1.0)
    assert not control.settings().numeric_ids
    assert control.rate_limit() is None
    with pytest.raises(ControlError, match="No portal 99"):
        control.requests(portal_id=99)


@pytest.mark.anyio
async def test_the_async_client_has_the_same_calls(server: RunningEmulator) -> None:
    """The async twin adds a token of a new portal, lists it and snapshots that portal."""
    async with AsyncControlClient(server.base_url, control_token=CONTROL_TOKEN) as control:
        await control.reset()
        added = await control.add_token("async-1", portal_id=5, scopes=[])
        assert (added.portal_id, added.scopes) == (5, ())
        assert [p.portal_id for p in await control.portals()] == [5, DEFAULT_PORTAL_ID]
        assert (await control.snapshot(portal_id=5)).portal_id == 5
        await control.reset()
        assert [t.token for t in await control.tokens()] == ["emulator-token"]


def post(server: RunningEmulator, path: str, body: object, token: str) -> httpx.Response:
    """A HubSpot-path POST of a JSON body with ``token``."""
    return httpx.post(
        f"{server.base_url}{path}", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_put_portal_sets_the_object_property_rules(
    server: RunningEmulator, control: ControlClient
) -> None:
    """put_portal's strict_properties, properties and required_properties reach the portal
    (keyed by object type ID, shown by portals() too): an undeclared property is refused with
    HubSpot's PROPERTY_DOESNT_EXIST, a declared one kept, and a create lacking a required
    property refused on 2026-09 only; a lone string per type is a TypeError before sending."""
    changed = control.put_portal(
        DEFAULT_PORTAL_ID,
        strict_properties=True,
        properties={"deals": ["x_region"]},
        required_properties={"0-3": ["dealname"]},
    )
    assert changed.strict_properties
    assert changed.properties == {"0-3": ("x_region",)}
    assert changed.required_properties == {"0-3": ("dealname",)}
    assert control.portals() == [changed]
    refused = post(server, "/crm/v3/objects/deals", {"properties": {"x_other": "1"}}, server.token)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"
    kept = post(server, "/crm/v3/objects/deals", {"properties": {"x_region": "EU"}}, server.token)
    assert (kept.status_code, kept.json()["properties"].get("x_region")) == (201, "EU")
    dated = post(server, "/crm/objects/2026-09/deals", {"properties": {}}, server.token)
    assert (dated.status_code, dated.json()["category"]) == (400, "VALIDATION_ERROR")
    assert "dealname" in dated.json()["message"]
    # Only what is given changes: the lists stay when strictness goes.
    relaxed = control.put_portal(DEFAULT_PORTAL_ID, strict_properties=False)
    assert (relaxed.strict_properties, relaxed.properties) == (False, {"0-3": ("x_region",)})
    with pytest.raises(TypeError, match="required_properties: a mapping"):
        control.put_portal(DEFAULT_PORTAL_ID, required_properties={"deals": "dealname"})
    with pytest.raises(ControlError, match="400"):
        control.put_portal(DEFAULT_PORTAL_ID, properties={"deals": [""]})
    assert control.portals() == [relaxed]


def test_custom_object_schemas_and_a_version_3_snapshot(
    server: RunningEmulator, control: ControlClient
) -> None:
    """add_schema declares a custom object of one portal (typed answer, its p{portal}_ name
    usable on object calls); schemas() lists it there only; the snapshot is version 3 and holds
    the schema and the object, restored after a reset; a taken name is a ControlError 409."""
    control.add_token("portal-42", portal_id=42)
    cars = control.add_schema("cars", "2-123", primary_display_property="model", portal_id=42)
    assert cars == EmulatorSchema("2-123", "cars", "p42_cars", "model")
    assert control.schemas(portal_id=42) == [cars]
    assert control.schemas() == []
    made = post(server, "/crm/v3/objects/p42_cars", {"properties": {"model": "T"}}, "portal-42")
    assert made.status_code == 201
    car_id = int(made.json()["id"])
    saved = control.snapshot(portal_id=42)
    assert (saved.version, saved.schemas, saved.objects) == (3, (cars,), {"2-123": (car_id,)})
    control.reset(portal_id=42)
    assert control.schemas(portal_id=42) == []
    control.restore(saved)
    assert get(server, f"/crm/v3/objects/2-123/{car_id}", "portal-42").status_code == 200
    with pytest.raises(ControlError, match="409"):
        control.add_schema("cars", "2-999", portal_id=42)
    default_name = control.add_schema("boats", "2-124", portal_id=42)
    assert default_name.primary_display_property == "name"


@pytest.mark.anyio
async def test_the_async_client_declares_schemas_and_object_rules(server: RunningEmulator) -> None:
    """The async twin's add_schema, schemas and put_portal's object rules."""
    async with AsyncControlClient(server.base_url, control_token=CONTROL_TOKEN) as control:
        await control.reset()
        with pytest.raises(ControlError, match="No portal 5"):
            await control.add_schema("pets", "2-7", portal_id=5)  # a portal is made first
        await control.put_portal(5)
        made = await control.add_schema("pets", "2-7", portal_id=5)
        assert await control.schemas(portal_id=5) == [made]
        portal = await control.put_portal(5, required_properties={"pets": ["name"]})
        assert portal.required_properties == {"2-7": ("name",)}
        await control.reset()
