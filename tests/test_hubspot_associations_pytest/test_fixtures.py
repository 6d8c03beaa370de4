"""The pytest plugin's fixtures as this repository's own suite meets them (loaded by its entry point,
under --strict-markers): one emulator per session, emptied per test, set per test by the marker."""

from __future__ import annotations

import httpx
import pytest
from hubspot_associations_emulator.control_client import (
    AimedFault,
    ControlError,
    SeedAssociation,
    SeedLabel,
    SeedLimit,
)
from hubspot_associations_pytest.plugin import HubSpotEmulator

from hubspot_associations import (
    APIConnectionError,
    AsyncHubSpotAssociations,
    HubSpotAssociations,
    RateLimitError,
)

# The base URLs this process's tests saw (one process: one xdist worker, or the whole run).
SEEN: set[str] = set()


def test_state_written_by_one_test(hubspot_client: HubSpotAssociations) -> None:
    """Writes through the client reach the session's emulator (the next test must not see them)."""
    hubspot_client.basic.associate_default("contact", 1, "company", 10)
    assert [
        p.to_object_id for p in hubspot_client.basic.get_page("contact", 1, "company").results
    ] == ["10"]


def test_is_gone_in_the_next(
    hubspot_emulator: HubSpotEmulator, hubspot_client: HubSpotAssociations
) -> None:
    """Each test starts from an empty emulator, the same one (one base_url per session)."""
    assert hubspot_client.basic.get_page("contact", 1, "company").results == []
    SEEN.add(hubspot_emulator.base_url)
    assert hubspot_emulator.base_url.startswith("http://127.0.0.1:")


def test_every_test_sees_the_same_server(hubspot_emulator: HubSpotEmulator) -> None:
    """One server per session: every test of this process sees the same base URL."""
    SEEN.add(hubspot_emulator.base_url)
    assert len(SEEN) == 1, SEEN


@pytest.mark.hubspot_emulator(
    release="2026-09", profile="2025-10", numeric_ids=True, max_labels_per_pair=1
)
def test_the_marker_sets_release_profile_ids_and_label_cap(
    hubspot_emulator: HubSpotEmulator, hubspot_client: HubSpotAssociations
) -> None:
    """The marker's release reaches the client fixture, its settings the emulator."""
    assert hubspot_client.release.name == "2026-09"
    settings = hubspot_emulator.control.settings()
    assert (settings.profile, settings.numeric_ids, settings.max_labels_per_pair) == (
        "2025-10",
        True,
        1,
    )
    http = httpx.Client(
        base_url=hubspot_emulator.base_url,
        headers={"Authorization": f"Bearer {hubspot_emulator.token}"},
    )
    http.put("/crm/v4/objects/contact/1/associations/default/company/10").raise_for_status()
    body = http.get("/crm/v4/objects/contact/1/associations/company").json()
    assert body["results"][0]["toObjectId"] == 10  # a JSON number: numeric IDs on
    hubspot_client.labels.create("contact", "company", name="one", label="One")
    with pytest.raises(Exception, match="Cannot create more than 1"):
        hubspot_client.labels.create("contact", "company", name="two", label="Two")


def test_and_restores_them_after_the_test(hubspot_emulator: HubSpotEmulator) -> None:
    """After a marked test the emulator answers as it started."""
    settings = hubspot_emulator.control.settings()
    assert (settings.profile, settings.numeric_ids, settings.max_labels_per_pair) == (
        "current",
        False,
        10,
    )
    assert hubspot_emulator.control.rate_limit() is None
    assert hubspot_emulator.control.faults().script == ()


@pytest.mark.hubspot_emulator(record_limits=[("0-1", "0-2", 3), ("deal", "contact", 9)])
def test_the_marker_sets_per_pair_record_limits(hubspot_emulator: HubSpotEmulator) -> None:
    """record_limits from the marker reach the emulator's limits usage answer."""
    settings = hubspot_emulator.control.settings()
    assert [(x.from_object_type_id, x.to_object_type_id, x.limit)
            for x in settings.record_limits] == [("0-1", "0-2", 3), ("0-3", "0-1", 9)]  # fmt: skip
    auth = {"Authorization": f"Bearer {hubspot_emulator.token}"}
    url = f"{hubspot_emulator.base_url}/crm/v3/limits/associations/records/0-1/0-2"
    assert httpx.get(url, headers=auth).json()["limit"] == 3


def test_and_a_reset_removes_them(hubspot_emulator: HubSpotEmulator) -> None:
    """The next test sees no record limit."""
    assert hubspot_emulator.control.settings().record_limits == ()


@pytest.mark.hubspot_emulator(rate_limit=(2, 60.0))
def test_the_marker_sets_a_rate_limit(hubspot_emulator: HubSpotEmulator) -> None:
    """A rate limit from the marker: the third request in the window is a 429."""
    with HubSpotAssociations(
        hubspot_emulator.token, base_url=hubspot_emulator.base_url, rate_limit=None, max_retries=0
    ) as client:
        client.labels.list("contact", "company")
        client.labels.list("contact", "company")
        with pytest.raises(RateLimitError):
            client.labels.list("contact", "company")


@pytest.mark.hubspot_emulator(script=[AimedFault("drop", "list_labels", times=10)])
def test_the_marker_aims_faults(hubspot_client: HubSpotAssociations) -> None:
    """Aimed faults from the marker reach the emulator."""
    with pytest.raises(APIConnectionError):
        hubspot_client.labels.list("contact", "company")


@pytest.mark.anyio
async def test_the_async_client_under_anyio(async_hubspot_client: AsyncHubSpotAssociations) -> None:
    """The async client fixture works under anyio's pytest plugin."""
    await async_hubspot_client.basic.associate_default("contact", 1, "company", 10)
    page = await async_hubspot_client.basic.get_page("contact", 1, "company")
    assert [p.to_object_id for p in page.results] == ["10"]


def test_a_seed_with_an_unknown_key_is_refused_whole(hubspot_emulator: HubSpotEmulator) -> None:
    """A seed with a misspelt key answers 400 naming it, and nothing of it is applied."""
    url = f"{hubspot_emulator.base_url}/_emulator/seed"
    answer = httpx.post(
        url,
        json={
            "labels": [
                {"fromObjectType": "contact", "toObjectType": "company", "name": "a", "label": "A"}
            ],
            "recordz": {},
        },
    )
    assert answer.status_code == 400
    assert "recordz" in answer.json()["message"]
    answer = httpx.post(
        url,
        json={
            "labels": [
                {
                    "fromObjectType": "contact",
                    "toObjectType": "company",
                    "name": "a",
                    "label": "A",
                    "lable": "x",
                }
            ]
        },
    )
    assert answer.status_code == 400
    assert "lable" in answer.json()["message"]
    # A refused item late in the seed undoes the items before it.
    with pytest.raises(ControlError, match="invalid"):
        hubspot_emulator.control.seed(
            labels=[SeedLabel("contact", "company", "a", "A")],
            associations=[SeedAssociation("contact", "abc", "company", 1)],
        )
    snapshot = hubspot_emulator.control.snapshot()
    assert all(rows == [] for rows in snapshot.data["tables"].values()), snapshot.data


def test_snapshot_change_restore_reads_back_exactly(
    hubspot_emulator: HubSpotEmulator, hubspot_client: HubSpotAssociations
) -> None:
    """Snapshot, change, restore: the store reads back as it was, type-ID counter included."""
    control = hubspot_emulator.control
    seeded = control.seed(
        records={"contact": [1]},
        labels=[SeedLabel("contact", "company", "buyer", "Buyer", "Bought from")],
        associations=[SeedAssociation("contact", 1, "company", 10, [("USER_DEFINED", 1200)])],
        limits=[SeedLimit("contact", "company", "HUBSPOT_DEFINED", 279, 5)],
    )
    assert seeded.labels == {"buyer": [1200, 1201]}
    hubspot_client.report.request(7)
    saved = control.snapshot()
    labels_before = hubspot_client.labels.list("contact", "company")
    hubspot_client.labels.create("contact", "company", name="other", label="Other")
    hubspot_client.basic.remove("contact", 1, "company", 10)
    hubspot_client.limits.purge("contact", "company", [("HUBSPOT_DEFINED", 279)])
    control.restore(saved)
    assert control.snapshot() == saved
    assert hubspot_client.labels.list("contact", "company") == labels_before
    assert [c.user_enforced_max_to_object_ids for c in hubspot_client.limits.list_all()] == [5]
    assert len(control.reports()) == 1
    # The type-ID counter came back too: the next label gets 1202 again, not 1203.
    made = hubspot_client.labels.create("contact", "company", name="next", label="Next")
    assert [t.type_id for t in made] == [1202]
