"""The emulator plays each release from its table: paths, what a release lacks, statuses,
the report's enqueueTime, and one store shared by every path family."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

AUTH = {"Authorization": "Bearer emulator-token"}
GOOD = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}
BAD = {"associationCategory": "USER_DEFINED", "associationTypeId": 99999}


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    """One emulator for the module."""
    with serve_in_thread(EmulatorConfig()) as running:
        yield running.base_url


@pytest.mark.parametrize(
    ("family", "expected"), [("v4", 207), ("2025-09", 207), ("2026-03", 207), ("2026-09", 200)]
)
def test_batch_create_with_a_refused_input(url: str, family: str, expected: int) -> None:
    """One good and one refused input: 207 on v4, 2025-09 and 2026-03, 200 with errors inside on
    2026-09."""
    base = "/crm/v4/associations" if family == "v4" else f"/crm/associations/{family}"
    body = {"inputs": [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [GOOD]},
                       {"from": {"id": "3"}, "to": {"id": "4"}, "types": [BAD]}]}  # fmt: skip
    answer = httpx.post(f"{url}{base}/contact/company/batch/create", json=body, headers=AUTH)
    assert answer.status_code == expected
    assert answer.json()["numErrors"] == 1
    assert len(answer.json()["results"]) == 1


def test_2026_09_has_no_list_call_but_shares_the_store(url: str) -> None:
    """The 2026-09 list path is an unknown route (404); what it writes is read back on v4."""
    httpx.post(f"{url}/_emulator/reset")
    made = httpx.put(
        f"{url}/crm/objects/2026-09/contact/5/associations/default/company/6", headers=AUTH
    )
    assert made.status_code == 200
    assert httpx.get(f"{url}/crm/objects/2026-09/contact/5/associations/company",
                     headers=AUTH).status_code == 404  # fmt: skip
    page = httpx.get(f"{url}/crm/v4/objects/contact/5/associations/company", headers=AUTH).json()
    assert [r["toObjectId"] for r in page["results"]] == ["6"]


@pytest.mark.parametrize(
    ("flag", "v4_form", "dated_form"),
    [("auto", str, dict), ("string", str, str), ("object", dict, dict)],
)
def test_enqueue_time_per_family_unless_the_flag_says(
    flag: str, v4_form: type, dated_form: type
) -> None:
    """auto: an ISO string on v4, the DateTime object on dated releases; a flag overrides both."""
    with serve_in_thread(EmulatorConfig(enqueue_time_format=flag)) as running:  # type: ignore[arg-type]
        for base, form in (("/crm/v4/associations", v4_form),
                           ("/crm/associations/2025-09", dated_form),
                           ("/crm/associations/2026-03", dated_form),
                           ("/crm/associations/2026-09", dated_form)):  # fmt: skip
            answer = httpx.post(f"{running.base_url}{base}/usage/high-usage-report/7", headers=AUTH)
            assert isinstance(answer.json()["enqueueTime"], form)
