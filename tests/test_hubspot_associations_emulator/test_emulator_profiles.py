"""Profiles: --profile 2025-10 makes the v4 paths answer as in that release, and only them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, create_app, serve_in_thread
from hubspot_associations_emulator.cli import build_parser, config_from, main

from tests.test_hubspot_associations_emulator.emulator_helpers import spec, without_volatile

# (objects base, associations base, whether the 2025-10 profile applies)
FAMILIES = [
    ("/crm/v4/objects", "/crm/v4/associations", True),
    ("/crm/v4/objects", "/crm/associations/v4", True),
    ("/crm/objects/2026-03", "/crm/associations/2026-03", False),
]
GOOD_AND_BAD = [
    {"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec(279)]},
    {"from": {"id": "3"}, "to": {"id": "4"}, "types": [spec(2)]},
]
LIMIT = {"category": "HUBSPOT_DEFINED", "typeId": 3, "maxToObjectIds": 5}


@pytest.fixture(scope="module")
def old_v4() -> Iterator[httpx.Client]:
    """A client of an emulator playing the 2025-10 profile."""
    with (
        serve_in_thread(EmulatorConfig(profile="2025-10")) as server,
        httpx.Client(
            base_url=server.base_url,
            headers={"Authorization": f"Bearer {server.token}"},
            timeout=30,
        ) as client,
    ):
        yield client


@pytest.fixture
def c(old_v4: httpx.Client) -> httpx.Client:
    """The 2025-10 client, its emulator just reset."""
    assert old_v4.post("/_emulator/reset").status_code == 200
    return old_v4


@pytest.mark.parametrize(("objects", "associations", "profiled"), FAMILIES)
def test_labelled_put_is_wrapped_on_v4(
    c: httpx.Client, objects: str, associations: str, profiled: bool
) -> None:
    """2025-10's labelled PUT answers 200 {createdResourceId, entity, location} on v4 paths."""
    r = c.put(f"{objects}/deal/1/associations/company/2", json=[spec(5)])
    entity = {
        "fromObjectTypeId": "0-3",
        "fromObjectId": "1",
        "toObjectTypeId": "0-2",
        "toObjectId": "2",
        "labels": ["Primary"],
    }
    if not profiled:
        assert (r.status_code, r.json()) == (201, entity)
        return
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"createdResourceId", "entity", "location"}
    assert body["entity"] == entity
    assert isinstance(body["createdResourceId"], str)
    assert body["location"].startswith("http://127.0.0.1:")


@pytest.mark.parametrize(("objects", "associations", "profiled"), FAMILIES)
def test_batch_errors_answer_200_on_v4(
    c: httpx.Client, objects: str, associations: str, profiled: bool
) -> None:
    """2025-10's batch create, batch read and limits writes put failures inside a 200 on v4."""
    a, conf = associations, f"{associations}/definitions/configurations"
    created = c.post(f"{a}/contact/company/batch/create", json={"inputs": GOOD_AND_BAD})
    read = c.post(f"{a}/contact/company/batch/read", json={"inputs": [{"id": "1"}, {"id": "9"}]})
    c.post(f"{conf}/deal/contact/batch/create", json={"inputs": [LIMIT]})
    limits_created = c.post(f"{conf}/deal/contact/batch/create", json={"inputs": [LIMIT]})
    missing = {**LIMIT, "typeId": 5}
    limits_updated = c.post(f"{conf}/deal/contact/batch/update", json={"inputs": [missing]})
    answers = [created, read, limits_created, limits_updated]
    expected = 200 if profiled else 207
    assert [r.status_code for r in answers] == [expected] * 4
    assert [r.json()["numErrors"] for r in answers] == [1, 1, 1, 1]
    assert len(created.json()["results"]) == 1


@pytest.mark.parametrize(("objects", "associations", "profiled"), FAMILIES)
def test_void_calls_answer_a_batch_body_on_v4_except_purge(
    c: httpx.Client, objects: str, associations: str, profiled: bool
) -> None:
    """2025-10's batch archive and labels archive answer 200 with a batch body; purge stays 204."""
    a, conf = associations, f"{associations}/definitions/configurations"
    one = [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec(279)]}]
    archived = c.post(
        f"{a}/contact/company/batch/archive",
        json={"inputs": [{"from": {"id": "1"}, "to": [{"id": "2"}]}]},
    )
    labels_archived = c.post(f"{a}/contact/company/batch/labels/archive", json={"inputs": one})
    purged = c.post(
        f"{conf}/deal/contact/batch/purge",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 3}]},
    )
    batch_body = {"status": "COMPLETE", "results": []}
    for r in (archived, labels_archived):
        assert r.status_code == 200
        assert without_volatile(r.json()) == batch_body
    # The profile lists only the two batch removals; 2026-03 gives purge a batch body of its own.
    assert purged.status_code == (204 if profiled else 200)


def test_the_current_profile_is_todays_v4(api: httpx.Client) -> None:
    """Without --profile the v4 paths keep their 201, 207 and 204 answers."""
    a = "/crm/v4/associations/contact/company"
    assert api.put("/crm/v4/objects/deal/1/associations/company/2", json=[]).status_code == 201
    assert api.post(f"{a}/batch/create", json={"inputs": GOOD_AND_BAD}).status_code == 207
    archive = {"inputs": [{"from": {"id": "1"}, "to": [{"id": "2"}]}]}
    assert api.post(f"{a}/batch/archive", json=archive).status_code == 204


def test_profile_flag_reaches_the_configuration() -> None:
    """--profile NAME sets EmulatorConfig.profile; the default is current."""
    args = build_parser().parse_args(["serve", "--profile", "2025-10"])
    assert config_from(args).profile == "2025-10"
    assert config_from(build_parser().parse_args(["serve"])).profile == "current"


def test_unknown_profiles_are_refused() -> None:
    """An unknown profile is a usage error on the command line and a ValueError in code."""
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--profile", "1999-01"])
    assert exc.value.code == 2
    with pytest.raises(ValueError, match="unknown profile"):
        create_app(EmulatorConfig(profile="1999-01"))
