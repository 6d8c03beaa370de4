"""Releases as data: 2026-09's stand-in list call, cursors per release, support-end warnings."""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Iterator

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations import API_VERSIONS, ClientValidationError, HubSpotAssociations
from hubspot_associations._versions import RELEASES, _warned, get_release, warn_if_ending


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One emulator with a busy record: contact 1 has 1,234 companies."""
    with serve_in_thread(EmulatorConfig()) as running:
        bulk = {"fromObjectType": "contact", "fromObjectId": 1, "toObjectType": "company",
                "firstToObjectId": 5000, "count": 1234}  # fmt: skip
        httpx.post(f"{running.base_url}/_emulator/seed", json={"bulk": [bulk]}).raise_for_status()
        yield running.base_url


@pytest.mark.parametrize("release", API_VERSIONS)
@pytest.mark.parametrize("limit", [1, 100, 500])
def test_paging_reads_every_record_once_in_order(server: str, release: str, limit: int) -> None:
    """get_page with any limit, followed by its cursors, lists every company once, in order, on
    every release (2026-09 through batch/read); no page is longer than the limit."""
    seen: list[str] = []
    with HubSpotAssociations("emulator-token", base_url=server, api_version=release,
                             rate_limit=None) as client:  # fmt: skip
        after = None
        while True:
            page = client.basic.get_page("contact", 1, "company", after=after, limit=limit)
            assert len(page.results) <= limit
            seen.extend(r.to_object_id for r in page.results)
            following = page.paging.next_ if page.paging else None
            if not following:
                break
            after = following.after
            if limit == 1 and len(seen) >= 600:
                break
    expected = [str(5000 + i) for i in range(1234)]
    assert seen == expected[: len(seen)]
    assert len(seen) == (600 if limit == 1 else 1234)


def test_2026_09_sends_batch_read_and_never_the_list_call(server: str) -> None:
    """On 2026-09 iter_all uses batch_read_associations only: the list route does not exist."""
    httpx.post(f"{server}/_emulator/reset")
    httpx.post(f"{server}/_emulator/seed", json={"bulk": [
        {"fromObjectType": "contact", "fromObjectId": 2, "toObjectType": "company",
         "firstToObjectId": 10, "count": 3}]}).raise_for_status()  # fmt: skip
    with HubSpotAssociations("emulator-token", base_url=server, api_version="2026-09") as client:
        assert [r.to_object_id for r in client.basic.iter_all("contact", 2, "company")] == [
            "10", "11", "12"]  # fmt: skip
        assert list(client.basic.iter_all("contact", 3, "company")) == []
    operations = httpx.get(f"{server}/_emulator/requests").json()["operations"]
    assert set(operations) == {"batch_read_associations"}
    listed = httpx.get(f"{server}/crm/objects/2026-09/contact/2/associations/company",
                       headers={"Authorization": "Bearer emulator-token"})  # fmt: skip
    assert listed.status_code == 404


def test_a_cursor_of_another_release_is_refused(server: str) -> None:
    """Cursors belong to one release: a v4 cursor given to the 2026-09 stand-in is refused."""
    client = HubSpotAssociations("emulator-token", base_url=server, api_version="2026-09")
    with client, pytest.raises(ClientValidationError, match="belong to one release"):
        client.basic.get_page("contact", 1, "company", after="NTAwMQ")


def test_unknown_release_is_a_client_validation_error() -> None:
    """api_version names a known release, or ClientValidationError lists them."""
    with pytest.raises(ClientValidationError, match="2026-09"):
        HubSpotAssociations("token", api_version="2027-03")


def test_unknown_release_names_v4s_support_end_from_the_table() -> None:
    """The refusal of an unknown api_version gives v4's support-end date as the table has it."""
    ends = RELEASES["v4"].support_ends
    assert ends is not None
    with pytest.raises(ClientValidationError) as caught:
        HubSpotAssociations("token", api_version="2027-03")
    assert f"(v4 ends {ends.isoformat()})" in str(caught.value)


def test_support_end_warns_once_within_90_days_naming_the_successor() -> None:
    """v4 ends 2027-03-30: 89 days before, building a client warns once, naming 2026-03."""
    v4 = get_release("v4")
    _warned.discard("v4")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_ending(v4, today=datetime.date(2026, 10, 1))
        assert caught == []
        warn_if_ending(v4, today=datetime.date(2026, 12, 31))
        warn_if_ending(v4, today=datetime.date(2027, 1, 2))
    assert len(caught) == 1
    assert "2026-03" in str(caught[0].message)
    assert "2027-03-30" in str(caught[0].message)
    _warned.discard("v4")


def test_release_table_says_what_2026_09_lacks() -> None:
    """The release table is the one place that says 2026-09 lacks the list call."""
    assert not RELEASES["2026-09"].offers("list_associations")
    assert RELEASES["2026-09"].statuses["batch_create_associations"] == (200,)
    assert RELEASES["v4"].statuses["batch_create_associations"] == (201, 207)


def test_an_operation_the_release_lacks_is_refused_before_sending(server: str) -> None:
    """Calling list_associations itself on 2026-09 raises, naming the release and where it exists."""
    from hubspot_associations_api.api.basic import list_associations

    client = HubSpotAssociations("emulator-token", base_url=server, api_version="2026-09")
    with client, pytest.raises(ClientValidationError, match="2026-09 release has no") as caught:
        client.basic._core.call(list_associations.OPERATION, "contacts", "1", "companies")
    assert "v4, 2025-09, 2026-03" in str(caught.value)
