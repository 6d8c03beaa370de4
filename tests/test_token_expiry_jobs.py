"""A long job outlives its OAuth token: a bulk job of 1,000 pairs at 10 a batch crosses an expiry
forced from another thread (POST /_emulator/tokens/expire), its token provider gets a new token
from the emulator's refresh endpoint (POST /oauth/v1/token), and the job ends with every input
accounted for once, in its result and in the portal; the same through the real command line with
``--token-command``."""

from __future__ import annotations

import datetime
import json
import os
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hubspot_associations_emulator import RunningEmulator, serve_in_thread

from hubspot_associations import HubSpotAssociations

__all__: list[str] = []

CLI = str(Path(sys.executable).parent / "hubspot-associations")
PAIRS = [(n, 500_000 + n) for n in range(1, 1001)]
BATCH = 10
EXPIRE_AFTER = 30  # batches handled before the token is expired
# The refresh token's app credentials: the emulator asks for them, as HubSpot does.
APP = {"client_id": "app-client-id", "client_secret": "app-client-secret"}

# --token-command's script: each run asks the refresh endpoint for a new access token (stdlib
# only: it starts fast) and counts its runs in a file.
REFRESH_SCRIPT = """\
import json, pathlib, sys, urllib.parse, urllib.request
url, refresh_token, client_id, client_secret, runs = sys.argv[1:]
counter = pathlib.Path(runs)
counter.write_text(str(int(counter.read_text() if counter.exists() else "0") + 1))
form = urllib.parse.urlencode({"grant_type": "refresh_token", "refresh_token": refresh_token,
                               "client_id": client_id, "client_secret": client_secret})
with urllib.request.urlopen(url + "/oauth/v1/token", data=form.encode()) as answer:
    print(json.load(answer)["access_token"])
"""


@pytest.fixture(scope="module")
def server() -> Iterator[RunningEmulator]:
    """One emulator on 127.0.0.1 for the module (each test has its own portal)."""
    with serve_in_thread() as running:
        yield running


def add_oauth_token(url: str, portal: int, token: str, refresh_token: str) -> None:
    """An OAuth access token of ``portal`` living an hour, with its refresh token."""
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    added = httpx.post(
        f"{url}/_emulator/tokens",
        json={
            "token": token,
            "portalId": portal,
            "kind": "oauth",
            "expiresAt": expires.isoformat(),
            "refreshToken": refresh_token,
        },
    )
    assert added.status_code == 201, added.text


def refresh(url: str, refresh_token: str) -> str:
    """A new access token from the emulator's refresh endpoint, as HubSpot hands them out."""
    answer = httpx.post(
        f"{url}/oauth/v1/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token, **APP},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert body["refresh_token"] == refresh_token
    return str(body["access_token"])


def batches_handled(url: str, portal: int) -> int:
    """batch_associate_default requests the portal has run (a 401 is not run)."""
    counts = httpx.get(f"{url}/_emulator/requests", params={"portalId": portal}).json()
    return int(counts["operations"].get("batch_associate_default", 0))


def expire_when(url: str, portal: int, which: Callable[[], str], done: threading.Event) -> None:
    """Wait until EXPIRE_AFTER batches are handled, then expire the token ``which()`` names;
    ``done`` is set once it is expired."""
    deadline = time.monotonic() + 60
    while batches_handled(url, portal) < EXPIRE_AFTER:
        if time.monotonic() > deadline:
            return
        time.sleep(0.005)
    answer = httpx.post(f"{url}/_emulator/tokens/expire", json={"token": which()})
    assert answer.status_code == 200, answer.text
    done.set()


def refusals(url: str, portal: int) -> list[Any]:
    """The portal's answers with status 401, from its journal."""
    journal = httpx.get(f"{url}/_emulator/journal", params={"portalId": portal}).json()
    assert journal["dropped"] == 0
    return [e for e in journal["entries"] if e["status"] == 401]


def check_portal(url: str, portal: int) -> None:
    """The portal holds each pair once, nothing else; each batch ran once; every refused
    request was an expiry."""
    snapshot = httpx.get(f"{url}/_emulator/snapshot", params={"portalId": portal}).json()
    forward = [(r[1], r[3]) for r in snapshot["tables"]["assoc"] if r[0] == "0-1"]
    assert sorted(forward) == PAIRS
    counts = httpx.get(f"{url}/_emulator/requests", params={"portalId": portal}).json()
    assert counts["operations"] == {"batch_associate_default": len(PAIRS) // BATCH}
    refused = refusals(url, portal)
    assert refused, "no request met the expired token: the job did not cross the expiry"
    assert counts["received"] == len(PAIRS) // BATCH + len(refused)
    assert all("EXPIRED_AUTHENTICATION" in json.dumps(e["responseBody"]) for e in refused)


def test_bulk_job_crosses_an_expiry_with_a_token_provider(server: RunningEmulator) -> None:
    """The provider is asked twice (the first token, then a refreshed one after the 401s); the
    job's result lists every pair once as done."""
    url, portal = server.base_url, 7301
    first, refresh_token = "oauth-access-first", "oauth-refresh-7301"
    add_oauth_token(url, portal, first, refresh_token)
    asked: list[str] = []

    def provider() -> str:
        # The first token as the app got it; on expiry, a new one from the refresh token.
        token = first if not asked else refresh(url, refresh_token)
        asked.append(token)
        return token

    expired = threading.Event()
    watcher = threading.Thread(target=expire_when, args=(url, portal, lambda: first, expired))
    watcher.start()
    done = 0

    def on_chunk(succeeded: list[Any], failed: list[Any]) -> None:
        # Hold the job (no new batch starts; those in flight finish) until the other thread has
        # expired the token: the expiry then falls inside the job on any machine.
        nonlocal done
        done += len(succeeded) + len(failed)
        if done >= EXPIRE_AFTER * BATCH:
            assert expired.wait(30), "the token was never expired"

    try:
        with HubSpotAssociations(provider, base_url=url, rate_limit=None) as client:
            result = client.bulk.associate_default(
                "contact", "company", PAIRS, batch_size=BATCH, on_chunk=on_chunk
            )
    finally:
        watcher.join(timeout=60)
    assert expired.is_set()
    assert result.stopped is None
    assert result.failed == []
    assert sorted(result.succeeded) == sorted((str(a), str(b)) for a, b in PAIRS)
    assert result.requests == len(PAIRS) // BATCH
    assert len(asked) == 2, asked
    assert asked[1] != first
    check_portal(url, portal)


def test_cli_job_crosses_an_expiry_with_token_command(
    server: RunningEmulator, tmp_path: Path
) -> None:
    """``associate --token-command`` runs the refresh script once at the start and once after
    the expiry; the results file lists every pair once as done."""
    url, portal = server.base_url, 7302
    refresh_token = "oauth-refresh-7302"
    add_oauth_token(url, portal, "oauth-access-never-used", refresh_token)
    script = tmp_path / "refresh.py"
    script.write_text(REFRESH_SCRIPT)
    runs = tmp_path / "runs"
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("from_id,to_id\n" + "".join(f"{a},{b}\n" for a, b in PAIRS))
    results = tmp_path / "results.jsonl"

    def holder() -> str:
        # The access token the refresh token belongs to now: the one the command last printed.
        tokens = httpx.get(f"{url}/_emulator/tokens", params={"portalId": portal}).json()
        return next(
            str(t["token"]) for t in tokens["results"] if t.get("refreshToken") == refresh_token
        )

    expired = threading.Event()
    watcher = threading.Thread(target=expire_when, args=(url, portal, holder, expired))
    watcher.start()
    command = [sys.executable, str(script), url, refresh_token, APP["client_id"],
               APP["client_secret"], str(runs)]  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HUBSPOT_")}
    try:
        # Paced at about 100 requests a second, the 100 batches take a second or more: the
        # expiry after the 30th falls well inside the job.
        ran = subprocess.run(
            [CLI, "associate", str(pairs), "--from", "contact", "--to", "company",
             "--batch-size", str(BATCH), "--rate-limit", "10/0.1", "--base-url", url,
             "--results", str(results), "--token-command", shlex.join(command)],
            env=environment, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    finally:
        watcher.join(timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert expired.is_set()
    assert runs.read_text() == "2", "the command ran once: did the job end before the expiry?"
    lines = [json.loads(line) for line in results.read_text().splitlines()[1:]]
    assert sorted((int(row["from"]), int(row["to"])) for row in lines) == PAIRS
    assert {row["status"] for row in lines} == {"done"}
    check_portal(url, portal)
