"""A bulk job's inputs refused by a 429 carry HubSpot's policyName, so a caller (the fleet's
tasks) tells the daily cap from the ten-secondly window without reading prose."""

from __future__ import annotations

import httpx
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations import HubSpotAssociations


def test_a_daily_429_names_its_policy_on_every_input() -> None:
    """Against an emulator portal at its daily cap, every input of the refused chunk fails with
    status 429 and policy DAILY; the 10 answered before the cap succeeded."""
    with serve_in_thread(EmulatorConfig()) as emulator:
        control = httpx.Client(base_url=emulator.base_url)
        portal = control.get("/_emulator/portals").json()["results"][0]["portalId"]
        control.put(f"/_emulator/portals/{portal}", json={"dailyLimit": 1}).raise_for_status()
        with HubSpotAssociations(
            emulator.token, base_url=emulator.base_url, max_retries=0
        ) as client:
            pairs = [(str(i), str(1000 + i)) for i in range(1, 21)]
            result = client.bulk.associate_default(
                "contact", "company", pairs, batch_size=10, concurrency=1
            )
        control.close()
    assert len(result.succeeded) == 10
    assert len(result.failed) == 10
    assert {(f.status_code, f.policy) for f in result.failed} == {(429, "DAILY")}
