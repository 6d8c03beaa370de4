"""Decode one 500-item page of associations (bytes → typed objects), as each client does by default.

Side by side in one process: plain json.loads, this package, HubSpot's official client
(hubspot-api-client) and HubSpot's pre-release SDK (hubspot-sdk). Reported as ratios. Like is
compared with like: each client's whole ``get_page`` (its HTTP layers on an in-memory answer),
and each one's bytes-to-models step alone.
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


def _interleaved_ms(
    candidates: dict[str, Callable[[], object]], *, seconds: float = 12.0, at_least: int = 30
) -> dict[str, list[float]]:
    """Milliseconds per call of each candidate, measured in rounds: one call of each per round.

    The machine is shared and its speed drifts over seconds; measuring the candidates one after
    the other would compare them under different loads. Within a round they meet the same load,
    so a ratio is taken per round, then its median.
    """
    for fn in candidates.values():
        fn()  # imports, caches and first-call costs out of the figures
    times: dict[str, list[float]] = {name: [] for name in candidates}
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times[next(iter(times))]) < at_least:
        for name, fn in candidates.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000)
    return times


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
    stdlib = generated_types.json_parser("json")

    def without_orjson() -> object:
        chosen, generated_types._loads = generated_types._loads, stdlib
        try:
            return call()
        finally:
            generated_types._loads = chosen

    return without_orjson


def ours_decode_only(raw: bytes) -> Callable[[], object]:
    """The same without HTTP: bytes → models only (with the package's parser)."""
    from hubspot_associations_api.models import (
        AssociatedRecordPage as Page,
    )
    from hubspot_associations_api.types import json_loads

    loads = json_loads()
    return lambda: Page.from_dict(loads(raw))


def attrs_floor(raw: bytes) -> Callable[[], object]:
    """The least any attrs model can cost: orjson, then bare slotted objects with no check at all.

    What the 1.5× target is up against (issue #15): this, plus HTTP, is above it.
    """
    import attrs
    import orjson

    @attrs.define
    class Spec:
        type_id: object
        category: object
        label: object

    @attrs.define
    class Record:
        association_types: list[Spec]
        to_object_id: object

    def decode() -> list[Record]:
        return [
            Record(
                [Spec(t["typeId"], t["category"], t["label"]) for t in r["associationTypes"]],
                r["toObjectId"],
            )
            for r in orjson.loads(raw)["results"]
        ]

    return decode


def msgspec_structs(raw: bytes) -> Callable[[], object]:
    """Models built in C (msgspec Structs, ``msgspec_page``) with the generated models' checks and
    more: what a change of model technology would give."""
    from benchmarks.msgspec_page import decoder

    decode = decoder().decode
    return lambda: decode(raw)


def official_get_page(raw: bytes) -> Callable[[], object]:
    """hubspot-api-client's whole get_page: its ApiClient, REST client and deserializer, with
    urllib3's pool replaced by one that answers the page (so both rows pay for their HTTP
    layers, and neither for a socket)."""
    import urllib3
    from hubspot.crm.associations.v4 import ApiClient, BasicApi, Configuration

    class _Pool:
        def request(self, method: str, url: str, **options: object) -> urllib3.HTTPResponse:
            return urllib3.HTTPResponse(
                body=raw, status=200, headers={"Content-Type": "application/json"}
            )

    api = ApiClient(Configuration())
    api.rest_client.pool_manager = _Pool()
    basic = BasicApi(api)
    return lambda: basic.get_page("contact", "1", "company", limit=500)


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
    """Rows of (name, median milliseconds, median per-round ratio to json.loads)."""
    raw = page_bytes()
    baseline = "decode: json.loads (baseline)"
    candidates: dict[str, Callable[[], object]] = {baseline: lambda: json.loads(raw)}
    failed: list[dict[str, object]] = []
    for name, factory in [
        ("decode: hubspot-associations get_page", ours),
        ("decode: hubspot-associations get_page, without [speedups]", ours_stdlib_json),
        ("decode: hubspot-associations bytes to models", ours_decode_only),
        ("decode: floor of attrs models (orjson, bare objects, no checks)", attrs_floor),
        ("decode: msgspec Structs (models built in C, checked)", msgspec_structs),
        ("decode: hubspot-api-client get_page (official)", official_get_page),
        ("decode: hubspot-api-client bytes to models (official)", official),
        ("decode: hubspot-sdk (pre-release)", sdk),
    ]:
        try:
            candidate = factory(raw)
            candidate()
        except Exception as exc:  # a competitor that cannot run must not hide our figures
            failed.append(
                {"name": name, "value": None, "unit": "ms", "ratio": None, "note": repr(exc)}
            )
            continue
        candidates[name] = candidate
    times = _interleaved_ms(candidates)
    rows: list[dict[str, object]] = []
    for name, series in times.items():
        ratios = [t / b for t, b in zip(series, times[baseline], strict=True)]
        rows.append(
            {
                "name": name,
                "value": statistics.median(series),
                "unit": "ms",
                "ratio": statistics.median(ratios),
            }
        )
    return rows + failed


if __name__ == "__main__":
    for row in run():
        print(row)
