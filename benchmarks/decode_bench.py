"""Decode one 500-item page of associations (bytes → typed objects), as each client does by default.

Side by side in one process: plain json.loads, this package, HubSpot's official client
(hubspot-api-client) and HubSpot's pre-release SDK (hubspot-sdk). Reported as ratios.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx

PAGE_SIZE = 500


def page_bytes() -> bytes:
    """A realistic page: numeric IDs past 32 bits, the unlabeled type and a custom label."""
    results = [
        {
            "toObjectId": 5434402448 + i,
            "associationTypes": [
                {"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None},
                {"category": "USER_DEFINED", "typeId": 36, "label": "Manager"},
            ],
        }
        for i in range(PAGE_SIZE)
    ]
    return json.dumps(
        {"results": results, "paging": {"next": {"after": "NTAw", "link": "x"}}}
    ).encode()


def _best_ms(fn: Callable[[], object], *, seconds: float = 1.5) -> float:
    """Median of repeated runs, in milliseconds (median: the machine is shared)."""
    fn()
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 5:
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def ours(raw: bytes) -> Callable[[], object]:
    """This package's default path: the generated parser behind client.basic.get_page."""
    from hubspot_associations import HubSpotAssociations

    client = HubSpotAssociations(
        "bench-token",
        base_url="https://bench.invalid",
        rate_limit=None,
        transport=httpx.MockTransport(lambda request: httpx.Response(200, content=raw)),
    )
    return lambda: client.basic.get_page("contact", 1, "company")


def ours_stdlib_json(raw: bytes) -> Callable[[], object]:
    """The same call without the ``[speedups]`` extra: the standard library's parser."""
    import hubspot_associations_api.types as generated_types

    call = ours(raw)

    def without_orjson() -> object:
        chosen, generated_types._loads = generated_types._loads, json.loads
        try:
            return call()
        finally:
            generated_types._loads = chosen

    return without_orjson


def ours_decode_only(raw: bytes) -> Callable[[], object]:
    """The same without HTTP: bytes → models only (with the package's parser)."""
    from hubspot_associations_api.models import (
        CollectionResponseMultiAssociatedObjectWithLabelForwardPaging as Page,
    )
    from hubspot_associations_api.types import json_loads

    loads = json_loads()
    return lambda: Page.from_dict(loads(raw))


def official(raw: bytes) -> Callable[[], object]:
    """hubspot-api-client: its ApiClient.deserialize, which every generated call uses."""
    from hubspot.crm.associations.v4 import ApiClient

    class _Response:
        data = raw

        def getheader(self, name: str, default: object = None) -> object:
            return default

    api = ApiClient()
    name = "CollectionResponseMultiAssociatedObjectWithLabelForwardPaging"
    return lambda: api.deserialize(_Response(), name)


def sdk(raw: bytes) -> Callable[[], object]:
    """hubspot-sdk (pre-release, pydantic): a full list call on an in-memory transport."""
    import hubspot_sdk

    client = hubspot_sdk.HubSpot(
        access_token="bench-token",
        base_url="https://bench.invalid",
        http_client=httpx.Client(
            transport=httpx.MockTransport(lambda request: httpx.Response(200, content=raw))
        ),
        max_retries=0,
    )

    def call() -> Any:
        return client.crm.associations.list("company", object_type="contact", object_id="1")

    return call


def run() -> list[dict[str, object]]:
    """Rows of (name, milliseconds, ratio to json.loads)."""
    raw = page_bytes()
    baseline = _best_ms(lambda: json.loads(raw))
    rows: list[dict[str, object]] = [
        {"name": "decode: json.loads (baseline)", "value": baseline, "unit": "ms", "ratio": 1.0}
    ]
    for name, factory in [
        ("decode: hubspot-associations get_page", ours),
        ("decode: hubspot-associations get_page, without [speedups]", ours_stdlib_json),
        ("decode: hubspot-associations bytes to models", ours_decode_only),
        ("decode: hubspot-api-client (official)", official),
        ("decode: hubspot-sdk (pre-release)", sdk),
    ]:
        try:
            value = _best_ms(factory(raw))
        except Exception as exc:  # a competitor that cannot run must not hide our figures
            rows.append(
                {"name": name, "value": None, "unit": "ms", "ratio": None, "note": repr(exc)}
            )
            continue
        rows.append({"name": name, "value": value, "unit": "ms", "ratio": value / baseline})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
