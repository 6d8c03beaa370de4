"""Every public method of both clients against the emulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations import (
    API_VERSIONS,
    AssociationType,
    AsyncHubSpotAssociations,
    BadRequestError,
    HubSpotAssociations,
    RetryPolicy,
)

FAST_RETRIES = RetryPolicy(max_retries=8, initial_backoff=0.01, max_backoff=0.05, total_timeout=30)


class Seen(httpx.BaseTransport):
    """Records what the wire answered under the retrying transport (faults included)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.statuses: list[int] = []
        self.dropped = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Pass the request on and note the status, or the dropped connection."""
        try:
            response = self.inner.handle_request(request)
        except httpx.TransportError:
            self.dropped += 1
            raise
        self.statuses.append(response.status_code)
        return response


@pytest.fixture(scope="module", params=["current", "2025-10"])
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    """One emulator per v4 profile (numeric IDs on, as the live API sends them): the v4 paths
    answer as today's v4 or as the 2025-10 release did (200s with errors inside, wrapped PUT)."""
    config = EmulatorConfig(numeric_ids=True, profile=request.param)
    with serve_in_thread(config) as running:
        yield running.base_url


@pytest.fixture(params=API_VERSIONS)
def release(request: pytest.FixtureRequest) -> str:
    """Each HubSpot release the client speaks: every end-to-end test runs on each."""
    name: str = request.param
    return name


@pytest.fixture
def client(server: str, release: str) -> Iterator[HubSpotAssociations]:
    """A sync client of one release on a freshly reset emulator."""
    httpx.post(f"{server}/_emulator/reset")
    with HubSpotAssociations(
        "emulator-token", base_url=server, rate_limit=None, api_version=release
    ) as c:
        yield c


@pytest.fixture
async def aclient(server: str, release: str) -> AsyncIterator[AsyncHubSpotAssociations]:
    """An async client of one release on a freshly reset emulator."""
    async with httpx.AsyncClient() as plain:
        await plain.post(f"{server}/_emulator/reset")
    async with AsyncHubSpotAssociations(
        "emulator-token", base_url=server, rate_limit=None, api_version=release
    ) as c:
        yield c


def test_basic_methods(client: HubSpotAssociations) -> None:
    """associate_default, associate, get_page, iter_all and remove, with IDs always str."""
    made = client.basic.associate_default("contact", 5434402448, "company", 7)
    assert [(r.from_.id, r.to.id) for r in made.results][:1] == [("5434402448", "7")]
    labels = client.basic.associate(
        "contact", 5434402448, "company", 7, [AssociationType.PRIMARY_CONTACT_TO_COMPANY]
    )
    assert (labels.from_object_id, labels.to_object_id, labels.labels) == (
        "5434402448",
        "7",
        ["Primary"],
    )
    page = client.basic.get_page("contact", 5434402448, "company")
    assert [r.to_object_id for r in page.results] == ["7"]
    assert isinstance(page.results[0].to_object_id, str)
    assert sorted(t.type_id for t in page.results[0].association_types) == [1, 279]
    for company in range(8, 13):
        client.basic.associate_default("contact", 5434402448, "company", company)
    assert [
        r.to_object_id
        for r in client.basic.iter_all("contacts", 5434402448, "companies", page_size=2)
    ] == ["7", "8", "9", "10", "11", "12"]
    client.basic.remove("contact", 5434402448, "company", 7)
    assert [r.to_object_id for r in client.basic.iter_all("contact", 5434402448, "company")] == [
        "8",
        "9",
        "10",
        "11",
        "12",
    ]


def test_batch_methods(client: HubSpotAssociations) -> None:
    """batch associate_default, create, read (with 207), iter_read, remove_labels and remove."""
    client.batch.associate_default("deal", "contact", [(1, 10), (1, 11), (2, 12)])
    created = client.batch.create(
        "deal", "company", [(1, 20)], [AssociationType.PRIMARY_DEAL_TO_COMPANY]
    )
    assert [(r.from_object_id, r.to_object_id) for r in created.results] == [("1", "20")]
    read = client.batch.read("deal", "contact", [1, 2, 3])
    assert sorted((r.from_.id, [t.to_object_id for t in r.to]) for r in read.results) == [
        ("1", ["10", "11"]),
        ("2", ["12"]),
    ]
    errors = getattr(read, "errors", [])
    assert [e.category for e in errors] == ["OBJECT_NOT_FOUND"]
    assert sorted(r.from_.id for r in client.batch.iter_read("deal", "contact", [1, 2])) == [
        "1",
        "2",
    ]
    client.batch.remove_labels(
        "deal", "company", [(1, 20)], [AssociationType.PRIMARY_DEAL_TO_COMPANY]
    )
    assert [
        t.type_id for t in client.basic.get_page("deal", 1, "company").results[0].association_types
    ] == [341]
    client.batch.remove("deal", "contact", [(1, 10), (2, 12)])
    assert [
        t.to_object_id for r in client.batch.read("deal", "contact", [1]).results for t in r.to
    ] == ["11"]


def test_labels_limits_and_report(client: HubSpotAssociations) -> None:
    """labels list/create/update/delete, limits list/create/update/purge, report request."""
    created = client.labels.create(
        "contact", "company", name="manager_of", label="Manager", inverse_label="Managed by"
    )
    custom = {t.label: t.type_id for t in created}
    assert set(custom) == {"Manager", "Managed by"}
    listed = client.labels.list("contact", "company")
    assert any(t.label == "Manager" for t in listed)
    client.labels.update(
        "contact", "company", type_id=custom["Manager"], label="Boss", inverse_label="Reports to"
    )
    assert any(t.label == "Boss" for t in client.labels.list("contact", "company"))
    client.basic.associate("contact", 1, "company", 2, [("USER_DEFINED", custom["Manager"])])
    with pytest.raises(BadRequestError) as wrong_direction:
        client.basic.associate("company", 2, "contact", 1, [("USER_DEFINED", custom["Manager"])])
    assert "INVALID_ASSOCIATION_TYPE_ID" in wrong_direction.value.context
    client.labels.delete("contact", "company", custom["Manager"])
    assert all(t.label != "Boss" for t in client.labels.list("contact", "company"))

    made = client.limits.create("deal", "contact", [(AssociationType.DEAL_TO_CONTACT, 2)])
    assert [(r.type_id, r.user_enforced_max_to_object_ids) for r in made.results] == [(3, 2)]
    client.limits.update("deal", "contact", [(AssociationType.DEAL_TO_CONTACT, 3)])
    assert [
        (c.type_id, c.user_enforced_max_to_object_ids)
        for c in client.limits.list("deal", "contact")
    ] == [(3, 3)]
    assert any(c.type_id == 3 for c in client.limits.list_all())
    client.limits.purge("deal", "contact", [AssociationType.DEAL_TO_CONTACT])
    assert client.limits.list("deal", "contact") == []

    report = client.report.request(42)
    assert report.user_id == 42


@pytest.mark.anyio
async def test_async_client_runs_every_group(aclient: AsyncHubSpotAssociations) -> None:
    """The async twin: basic, batch, labels, limits, report and bulk over real HTTP."""
    await aclient.basic.associate_default("contact", 1, "company", 2)
    await aclient.basic.associate("contact", 1, "company", 3, [AssociationType.CONTACT_TO_COMPANY])
    assert [
        r.to_object_id async for r in aclient.basic.iter_all("contact", 1, "company", page_size=1)
    ] == ["2", "3"]
    page = await aclient.basic.get_page("contact", 1, "company")
    assert len(page.results) == 2
    await aclient.basic.remove("contact", 1, "company", 3)
    await aclient.batch.associate_default("deal", "contact", [(1, 10)])
    await aclient.batch.create("deal", "contact", [(1, 11)], [AssociationType.DEAL_TO_CONTACT])
    read = await aclient.batch.read("deal", "contact", [1])
    assert sorted(t.to_object_id for t in read.results[0].to) == ["10", "11"]
    assert [r.from_.id async for r in aclient.batch.iter_read("deal", "contact", [1])] == ["1"]
    await aclient.batch.remove_labels(
        "deal", "contact", [(1, 11)], [AssociationType.DEAL_TO_CONTACT]
    )
    await aclient.batch.remove("deal", "contact", [(1, 10)])
    created = await aclient.labels.create("deal", "contact", name="champion", label="Champion")
    type_id = next(t.type_id for t in created if t.label == "Champion")
    assert any(t.type_id == type_id for t in await aclient.labels.list("deal", "contact"))
    await aclient.labels.update("deal", "contact", type_id=type_id, label="Sponsor")
    await aclient.labels.delete("deal", "contact", type_id)
    await aclient.limits.create("deal", "contact", [(AssociationType.DEAL_TO_CONTACT, 5)])
    await aclient.limits.update("deal", "contact", [(AssociationType.DEAL_TO_CONTACT, 6)])
    assert [
        c.user_enforced_max_to_object_ids for c in await aclient.limits.list("deal", "contact")
    ] == [6]
    assert len(await aclient.limits.list_all()) == 1
    await aclient.limits.purge("deal", "contact", [AssociationType.DEAL_TO_CONTACT])
    assert (await aclient.report.request(7)).user_id == 7
    result = await aclient.bulk.read("deal", "contact", [1, 2])
    assert result.associations == {"1": [], "2": []}


def test_bulk_with_faults_accounts_for_every_input_exactly_once() -> None:
    """10 % of answers faulted (429, 503, HTML 502, dropped connection): every input ends done."""
    pairs = [(str(100_000 + i), str(900 + i % 50)) for i in range(3000)]
    config = EmulatorConfig(faults="rate=0.15,kinds=429+503+html+drop,seed=11")
    with serve_in_thread(config) as server:
        seen = Seen(httpx.HTTPTransport())
        client = HubSpotAssociations(
            server.token,
            base_url=server.base_url,
            rate_limit=None,
            retry_policy=FAST_RETRIES,
            transport=seen,
        )
        with client:
            result = client.bulk.associate_default(
                "contact", "company", pairs, batch_size=100, concurrency=4
            )
            stored = client.bulk.read("contact", "company", [p[0] for p in pairs[:200]])
        assert sorted(result.succeeded) == sorted(pairs)
        assert result.failed == []
        assert result.requests >= 30
        # Faults are drawn per request, and threads change the order: count them, not kinds.
        assert seen.dropped + sum(status >= 400 for status in seen.statuses) >= 3
        assert all([a.to_object_id for a in stored.associations[f]] == [t] for f, t in pairs[:200])


@pytest.mark.parametrize("profile", ["current", "2025-10"])
def test_bulk_failures_carry_hubspots_reason_on_every_release(release: str, profile: str) -> None:
    """Inputs HubSpot refuses (unknown records) fail with its category and message, whether the
    release (or the v4 profile) reports them in a 207 or inside a 200."""
    config = EmulatorConfig(strict_records=True, profile=profile)
    with serve_in_thread(config) as server:
        httpx.post(
            f"{server.base_url}/_emulator/seed",
            json={"records": {"contact": list(range(1, 51)), "company": [900]}},
        ).raise_for_status()
        pairs = [(str(i), "900") for i in range(1, 101)]
        with HubSpotAssociations(
            server.token, base_url=server.base_url, rate_limit=None, api_version=release
        ) as client:
            created = client.bulk.create(
                "contact", "company", pairs, [AssociationType.CONTACT_TO_COMPANY], batch_size=25
            )
            made = client.bulk.associate_default("contact", "company", pairs, batch_size=25)
    # batch create answers 207 where the release has it; associate default always 200.
    in_200 = release == "2026-09" or (release == "v4" and profile == "2025-10")
    for result, status in ((created, 200 if in_200 else 207), (made, 200)):
        assert sorted(result.succeeded) == sorted(pairs[:50])
        assert sorted(f.input for f in result.failed) == sorted(pairs[50:])
        for failure in result.failed:
            assert failure.category == "VALIDATION_ERROR"
            assert failure.reason == "One or more associations are invalid"
            assert failure.status_code == status
