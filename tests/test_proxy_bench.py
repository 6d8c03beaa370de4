"""The proxy benchmark runs end to end on a few exchanges (its figures are measured, not asserted)."""

from __future__ import annotations

from benchmarks.__main__ import summary_line
from benchmarks.proxy_bench import run

# Two blocks of ten have direct calls (one in four blocks): the p99 needs two writes per side.
EXCHANGES = 80


def test_proxy_bench_measures_both_modes_and_the_proxy_saw_every_exchange() -> None:
    """Both modes give latency and memory rows; each proxy counted exactly the calls sent through
    it, judged none wrong and (with --shadow) found no difference from an emulator upstream."""
    rows = run(EXCHANGES)
    for mode in ("proxy", "proxy --shadow"):
        latency = [r for r in rows if str(r["name"]).startswith(f"{mode}: ") and "ratio" in r]
        assert len(latency) == 4, latency
        assert all(float(str(r["ratio"])) > 0 for r in latency), latency
        (peak,) = [
            r for r in rows if r["name"] == f"{mode}: peak RSS of the proxy process, 80 exchanges"
        ]
        assert peak["exchanges_seen"] == EXCHANGES, peak
        assert peak["findings"] == 0, peak
        assert peak["differences"] == (0 if mode.endswith("--shadow") else "–"), peak
        assert 10 < float(str(peak["value"])) < 1_000, peak
    line = summary_line("proxy_bench", rows)
    assert "not measured" not in line, line
    assert "`proxy --shadow` adds" in line, line
