"""Peak memory of the client against hostile answers: a 1 GiB gzip bomb and a 1 GiB body.

Each case runs a small script as its own process (through peak_rss's launcher) against
benchmarks/hostile_server.py; the script must end with ResponseTooLargeError, HubSpot's
answers never reaching the caller. Targets: under 100 MB and a typed error, with the default
cap (64 MiB) and the bomb ratio guard.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.peak_rss import measure

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 100
SCRIPT = """
import sys
from hubspot_associations import HubSpotAssociations, ResponseTooLargeError
with HubSpotAssociations("token", base_url=sys.argv[1], rate_limit=None) as client:
    try:
        client.batch.associate_default("contact", "company", [(1, 2)])
    except ResponseTooLargeError as error:
        print(type(error).__name__, error)
        sys.exit(0)
sys.exit("the client read a 1 GiB answer without a typed error")
"""


def _case(answer: str, label: str) -> dict[str, object]:
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "hostile_server.py"), answer],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        measured = measure(
            [sys.executable, "-c", SCRIPT, url], env=dict(os.environ), cwd=ROOT, timeout=300
        )
    finally:
        server.kill()
        server.wait()
    return {
        "name": label,
        "value": round(measured.peak_mb),
        "unit": "MB",
        "target": f"< {TARGET_MB}, typed error",
        "met": "yes" if measured.peak_mb < TARGET_MB else "no",
        "seconds": measured.seconds,
    }


def run() -> list[dict[str, object]]:
    """Both hostile answers, default client settings."""
    return [
        _case("bomb", "client peak RSS: 1 GiB gzip bomb (chunked) → ResponseTooLargeError"),
        _case(
            "endless", "client peak RSS: 1 GiB body without Content-Length → ResponseTooLargeError"
        ),
    ]
