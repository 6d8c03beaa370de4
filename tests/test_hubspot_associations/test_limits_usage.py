"""Limits usage (HubSpot's Limits Tracking API) through both clients and HubSpot's new SDK, on
every release, against the emulator over real HTTP: the state is built through the API first
(labels created, associations up to and past a limit), then every number is checked."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread
from hubspot_associations_emulator.control_client import ControlClient

from hubspot_associations import (
    API_VERSIONS,
    AsyncHubSpotAssociations,
    BadRequestError,
    ClientValidationError,
    HubSpotAssociations,
    LimitsUsage,
)

CONTACT, COMPANY, DEAL = "0-1", "0-2", "0-3"
# contact 1 reaches 4 of its limit of 5 companies (80 %: near), contact 2 all 5 (at), contact 3
# one; contact 3 reaches 2 deals, the configured limit of the contact/deal pair (at).
COMPANIES = {1: [11, 12, 13, 14], 2: [21, 22, 23, 24, 25], 3: [31]}
DEALS = {3: [41, 42], 4: [43]}
PAIR_LIMIT = 2


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One emulator, numeric IDs as the live API sends them, and a per-record limit of 2 on the
    contact/deal pair."""
    config = EmulatorConfig(numeric_ids=True, record_limits=((CONTACT, DEAL, PAIR_LIMIT),))
    with serve_in_thread(config) as running:
        yield running.base_url


@pytest.fixture(params=API_VERSIONS)
def client(server: str, request: pytest.FixtureRequest) -> Iterator[HubSpotAssociations]:
    """A sync client of one release on a freshly reset emulator."""
    httpx.post(f"{server}/_emulator/reset")
    with HubSpotAssociations(
        "emulator-token", base_url=server, rate_limit=None, api_version=request.param
    ) as c:
        yield c


def build(client: HubSpotAssociations) -> None:
    """Two labels (one paired), a limit of 5 on the unlabeled contact→company type, then the
    associations of COMPANIES and DEALS, and one past the limit set (refused; the configured
    pair limit stands in for HubSpot's subscription limit and is only reported)."""
    client.labels.create("contacts", "companies", name="buyer", label="Buyer")
    client.labels.create(
        "contacts", "companies", name="billing", label="Billing", inverse_label="Billed by"
    )
    client.limits.create("contacts", "companies", [(("HUBSPOT_DEFINED", 279), 5)])
    for contact, companies in COMPANIES.items():
        for company in companies:
            client.basic.associate_default("contact", contact, "company", company)
    for contact, deals in DEALS.items():
        for deal in deals:
            client.basic.associate_default("contact", contact, "deal", deal)
    with pytest.raises(BadRequestError):
        client.basic.associate_default("contact", 2, "company", 26)


def check(usage: LimitsUsage) -> None:
    """Every number of the four answers, for the state ``build`` made."""
    pairs = {(p.from_object_type.object_type_id, p.to_object_type.object_type_id): p
             for p in usage.labels()}  # fmt: skip
    assert set(pairs) == {(CONTACT, COMPANY), (COMPANY, CONTACT)}
    forward = pairs[(CONTACT, COMPANY)]
    assert (forward.usage, forward.limit, forward.percentage) == (2, 10, 20.0)
    assert sorted(forward.all_labels) == ["Billing", "Buyer"]
    assert forward.from_object_type.singular_label == "Contact"
    assert forward.to_object_type.plural_label == "Companies"
    assert sorted(pairs[(COMPANY, CONTACT)].all_labels) == ["Billed by", "Buyer"]
    only = usage.labels("companies", "0-1")
    assert [(p.from_object_type.object_type_id, p.usage) for p in only] == [(COMPANY, 2)]
    none = usage.labels(CONTACT, DEAL)
    assert [(p.usage, p.all_labels, p.percentage) for p in none] == [(0, [], 0.0)]

    companies = usage.records("contacts", "companies")
    assert (companies.total_records_near_limit, companies.total_records_at_limit) == (1, 1)
    near = companies.near_limit_from_record_samples
    assert [(s.object_id, s.label, s.usage, s.percentage) for s in near] == [
        ("1", "Contact 1", 4, 80.0)
    ]
    assert [(s.object_id, s.label) for s in companies.at_limit_from_record_samples] == [
        ("2", "Contact 2")
    ]
    deals = usage.records(CONTACT, "deals")
    assert deals.limit == PAIR_LIMIT
    assert (deals.total_records_near_limit, deals.total_records_at_limit) == (0, 1)
    assert [s.object_id for s in deals.at_limit_from_record_samples] == ["3"]
    # Companies reach one contact each, far from the default per-record limit.
    back = usage.records(COMPANY, CONTACT)
    assert (back.total_records_near_limit, back.total_records_at_limit) == (0, 0)
    assert back.limit == 50_000

    sources = {t.object_type_id: t for t in usage.record_sources()}
    assert (sources[CONTACT].has_records_near_limit, sources[CONTACT].has_records_at_limit) == (
        True,
        True,
    )
    company = sources.get(COMPANY)
    assert company is None or (company.has_records_near_limit, company.has_records_at_limit) == (
        False,
        False,
    )
    targets = {t.object_type_id: (t.has_records_near_limit, t.has_records_at_limit)
               for t in usage.record_targets("contact")}  # fmt: skip
    assert targets[COMPANY] == (True, True)
    assert targets[DEAL] == (False, True)


def test_every_call_on_every_release(client: HubSpotAssociations) -> None:
    """labels, record_sources, record_targets and records answer what the graph holds."""
    build(client)
    check(client.limits.usage)


@pytest.mark.anyio
async def test_the_async_client_reads_the_same(client: HubSpotAssociations) -> None:
    """The async client's four calls give the same answers as the sync client's."""
    build(client)
    settings = client.settings
    async with AsyncHubSpotAssociations(
        "emulator-token",
        base_url=settings.base_url,
        rate_limit=None,
        api_version=settings.api_version,
    ) as aclient:
        usage = aclient.limits.usage
        labels = [p.to_dict() for p in await usage.labels()]
        records = (await usage.records("contact", "company")).to_dict()
        sources = [t.to_dict() for t in await usage.record_sources()]
        targets = [t.to_dict() for t in await usage.record_targets("0-1")]
    sync = client.limits.usage
    assert labels == [p.to_dict() for p in sync.labels()]
    assert records == sync.records("contact", "company").to_dict()
    assert sources == [t.to_dict() for t in sync.record_sources()]
    assert targets == [t.to_dict() for t in sync.record_targets("0-1")]


@pytest.mark.parametrize(
    "call",
    [
        lambda u: u.labels("p_cars"),
        lambda u: u.labels(None, "lead"),
        lambda u: u.record_targets("p12345_cars"),
        lambda u: u.records("contacts", "p_cars"),
    ],
)
def test_a_custom_object_by_name_is_refused_before_sending(server: str, call: object) -> None:
    """A custom object (or a type without a known ID) given by name: ClientValidationError that
    says to pass the type ID, and nothing reaches the server."""
    httpx.post(f"{server}/_emulator/reset")
    with (
        HubSpotAssociations("emulator-token", base_url=server, rate_limit=None) as c,
        pytest.raises(ClientValidationError, match="type ID"),
    ):
        call(c.limits.usage)  # type: ignore[operator]
    assert ControlClient(server).journal().entries == []


def test_hubspot_sdk_crm_limits_against_the_emulator(server: str) -> None:
    """HubSpot's new SDK (hubspot-sdk, 2026-03 paths): its four crm.limits methods parse the
    emulator's answers with the same numbers."""
    import hubspot_sdk

    httpx.post(f"{server}/_emulator/reset")
    with HubSpotAssociations(
        "emulator-token", base_url=server, rate_limit=None, api_version="2026-03"
    ) as ours:
        build(ours)
    sdk = hubspot_sdk.HubSpot(access_token="emulator-token", base_url=server, max_retries=0)
    limits = sdk.crm.limits
    labels = limits.get_association_label_limits(
        from_object_type_id=CONTACT, to_object_type_id=COMPANY
    )
    (pair,) = labels.results
    assert (pair.usage, pair.limit) == (2, 10)
    assert sorted(pair.all_labels) == ["Billing", "Buyer"]
    assert pair.from_object_type.object_type_id == CONTACT
    sources = {
        t.object_type_id: t for t in limits.get_association_records_limits_from_objects().results
    }
    assert sources[CONTACT].has_records_at_limit
    assert sources[CONTACT].has_records_near_limit
    targets = limits.get_association_records_limits_to_objects(CONTACT).results
    assert {t.object_type_id for t in targets} >= {COMPANY, DEAL}
    records = limits.get_association_records_limits_by_object_type(
        COMPANY, from_object_type_id=CONTACT
    )
    assert (records.total_records_near_limit, records.total_records_at_limit) == (1, 1)
    assert [str(s.object_id) for s in records.near_limit_from_record_samples] == ["1"]
    assert [s.label for s in records.at_limit_from_record_samples] == ["Contact 2"]
