"""Emulator benchmark: page reads at 1k and 1M stored associations, and requests per second.

The ratio of the two page-read times is what matters (the index makes a page one range scan);
absolute times depend on the machine.
"""

from __future__ import annotations

import base64
import statistics
import time
from collections.abc import Callable
from functools import partial

import httpx
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

SMALL, LARGE = 1_000, 1_000_000
PAGE = 100


def _cursor(to_id: int) -> str:
    return base64.urlsafe_b64encode(str(to_id).encode()).decode().rstrip("=")


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _rate(action: Callable[[], object], seconds: float) -> float:
    action()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        action()
        count += 1
    return count / (time.perf_counter() - start)


def _get(client: httpx.Client, url: str) -> None:
    client.get(url).raise_for_status()


def run() -> list[dict[str, object]]:
    """Measure and return rows of name, value and unit."""
    rows: list[dict[str, object]] = []
    timings: dict[int, tuple[float, float]] = {}
    with (
        serve_in_thread(EmulatorConfig()) as server,
        httpx.Client(
            base_url=server.base_url,
            headers={"Authorization": f"Bearer {server.token}"},
            timeout=120,
        ) as c,
    ):
        store = server.app.emulator.store  # type: ignore[attr-defined]
        for size in (SMALL, LARGE):
            c.post("/_emulator/reset")
            started = time.perf_counter()
            c.post(
                "/_emulator/seed",
                json={
                    "bulk": [
                        {
                            "fromObjectType": "company",
                            "fromObjectId": "1",
                            "toObjectType": "contact",
                            "firstToObjectId": 1,
                            "count": size,
                        }
                    ]
                },
            )
            if size == LARGE:
                rows.append(
                    {
                        "name": "seed 1M associations (2M rows)",
                        "value": time.perf_counter() - started,
                        "unit": "s",
                    }
                )
            middle = _cursor(size // 2)
            url = f"/crm/v4/objects/company/1/associations/contact?limit={PAGE}&after={middle}"
            http_ms = _median_ms(partial(_get, c, url), 200)
            store_ms = _median_ms(partial(store.page, "0-2", 1, "0-1", size // 2, PAGE), 500)
            timings[size] = (http_ms, store_ms)
            label = "1k" if size == SMALL else "1M"
            rows.append(
                {
                    "name": f"page read ({PAGE} records) at {label} stored, over HTTP",
                    "value": http_ms,
                    "unit": "ms",
                }
            )
            rows.append(
                {
                    "name": f"page read ({PAGE} records) at {label} stored, store only",
                    "value": store_ms,
                    "unit": "ms",
                }
            )
        rows.append(
            {
                "name": "page read 1M / 1k, over HTTP",
                "value": timings[LARGE][0] / timings[SMALL][0],
                "unit": "ratio",
            }
        )
        rows.append(
            {
                "name": "page read 1M / 1k, store only",
                "value": timings[LARGE][1] / timings[SMALL][1],
                "unit": "ratio",
            }
        )

        c.post("/_emulator/reset")
        small = "/crm/v4/objects/contact/1/associations/company?limit=10"
        c.put("/crm/v4/objects/contact/1/associations/default/company/2")
        rows.append(
            {
                "name": "GET page requests per second (loopback, one client)",
                "value": _rate(lambda: c.get(small).raise_for_status(), 2.0),
                "unit": "req/s",
            }
        )
        counter = iter(range(1, 10**9))

        def batch() -> None:
            base = next(counter) * 100
            inputs = [
                {
                    "from": {"id": str(base + i)},
                    "to": {"id": "7"},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
                }
                for i in range(100)
            ]
            c.post(
                "/crm/v4/associations/contact/company/batch/create", json={"inputs": inputs}
            ).raise_for_status()

        rows.append(
            {
                "name": "batch/create of 100 inputs per second (loopback)",
                "value": _rate(batch, 3.0),
                "unit": "req/s",
            }
        )
        rows += _journal_cost(c, small)
    return rows


def _journal_cost(c: httpx.Client, url: str) -> list[dict[str, object]]:
    """Requests per second with the request journal on and off, in interleaved rounds (the
    machine's speed drifts), and the time of a per-test reset."""
    on: list[float] = []
    off: list[float] = []
    for _ in range(9):
        for enabled, into in ((True, on), (False, off)):
            c.put("/_emulator/journal", json={"enabled": enabled}).raise_for_status()
            into.append(_rate(lambda: c.get(url).raise_for_status(), 0.5))
    c.put("/_emulator/journal", json={"enabled": True}).raise_for_status()
    cost = 1 - statistics.median(on) / statistics.median(off)
    reset_ms = _median_ms(lambda: c.post("/_emulator/reset").raise_for_status(), 50)
    return [
        {"name": "GET page req/s, journal on", "value": statistics.median(on), "unit": "req/s"},
        {"name": "GET page req/s, journal off", "value": statistics.median(off), "unit": "req/s"},
        {"name": "journal cost (share of the request rate)", "value": cost, "unit": "ratio",
         "target": "≤ 0.10", "met": "yes" if cost <= 0.10 else "no"},
        {"name": "per-test reset (POST /_emulator/reset)", "value": reset_ms, "unit": "ms"},
    ]  # fmt: skip


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']}: {row['value']:.3f} {row['unit']}")
