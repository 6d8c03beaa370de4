"""``hubspot-associations proxy --record``: the recording reads like the emulator's own journal
(``migrate-report`` and ``--replay`` give the same verdicts), holds no secret, keeps the first
``--record-limit`` exchanges and counts the rest."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.proxy_cli import running_proxy
from tests.test_hubspot_associations_contract.portal import (
    CLI,
    HEADERS,
    TOKEN,
    command_env,
    users_emulator,
)

_COOKIE = "hubspotutk=cookie-secret-1"
_HAPIKEY = "hapikey-secret-2"
_ACCESS = "query-token-secret-3"
_SECRETS = (TOKEN, "cookie-secret-1", _HAPIKEY, _ACCESS)


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    """The emulator the proxy forwards to (its journal is the reference)."""
    with users_emulator() as url:
        yield url


def _session(base: str) -> None:
    """A user's calls: labels, record and batch associations, an object call, tokens in the
    query and a cookie."""
    pair = "/crm/v4/objects/contact/{}/associations/company/{}"
    with httpx.Client(base_url=base, headers={**HEADERS, "Cookie": _COOKIE}, timeout=30) as http:
        label = http.post(
            "/crm/v4/associations/contact/company/labels",
            json={"label": "Recorded", "name": "recorded_label"},
        ).json()["results"][0]["typeId"]
        types = [{"associationCategory": "USER_DEFINED", "associationTypeId": label}]
        http.put(pair.format(301, 401), json=types)
        http.put("/crm/v4/objects/contact/302/associations/default/company/402")
        http.get("/crm/v4/objects/contact/301/associations/company", params={"limit": "10"})
        http.post(
            "/crm/v4/associations/contact/company/batch/read",
            json={"inputs": [{"id": "301"}, {"id": "302"}]},
        )
        http.post("/crm/v4/associations/contact/company/batch/archive",
                  json={"inputs": [{"from": {"id": "302"}, "to": [{"id": "402"}]}]})  # fmt: skip
        http.get("/crm/v4/associations/contact/company/labels", params={"hapikey": _HAPIKEY})
        http.get(
            "/crm/v4/associations/contact/company/labels",
            params={"access_token": _ACCESS, "after": "0"},
        )
        http.post("/crm/v3/objects/contacts", json={"properties": {"email": "r@example.com"}})
        http.delete(pair.format(301, 401))


def _report(*args: str) -> tuple[int, Any]:
    """``migrate-report --json``: (exit code, the report less its file names)."""
    done = subprocess.run(
        [CLI, "migrate-report", "--to", "2026-03", "--json", *args], env=command_env(),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, _without_files(json.loads(done.stdout))


def _without_files(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_files(v) for k, v in value.items() if k not in ("files", "file")}
    if isinstance(value, list):
        return [_without_files(v) for v in value]
    return value


def test_recordings_read_like_the_journal(upstream: str, tmp_path: Path) -> None:
    """One session through two proxies in a row (the outer recording HAR, the inner JSONL):
    migrate-report and --replay give each recording the verdicts the upstream's own journal of
    the session gets; no token, cookie or query secret is in either file."""
    httpx.post(f"{upstream}/_emulator/reset", timeout=30).raise_for_status()
    har, jsonl = tmp_path / "session.har", tmp_path / "session.jsonl"
    with (
        running_proxy("--upstream", upstream, "--record", str(jsonl)) as inner,
        running_proxy("--upstream", inner.url, "--record", str(har)) as outer,
    ):
        _session(outer.url)
        outer.stop()  # SIGTERM: the HAR is written whole on the way out
    journal = tmp_path / "journal.jsonl"
    journal.write_text(httpx.get(f"{upstream}/_emulator/journal.jsonl", timeout=30).text)
    for proxy in (inner, outer):
        assert proxy.code == 0, proxy.out + proxy.err
        assert "10 exchanges, 10 recorded, 0 not recorded" in proxy.out, proxy.out
    assert len(json.loads(har.read_text())["log"]["entries"]) == 10
    for record in (har, jsonl):
        text = record.read_text()
        for secret in _SECRETS:
            assert secret not in text, (record.name, secret)
        assert "hapikey=REDACTED" in text
        assert "access_token=REDACTED" in text
    # --replay's report is the plain report (operations, object calls) plus the replay's.
    reports = [_report("--replay", str(f)) for f in (journal, har, jsonl)]
    assert reports[1:] == [reports[0]] * 2
    assert {"operations", "objectCalls", "replay"} <= set(reports[0][1]), reports[0]
    assert reports[0][1]["operations"], reports[0]  # the session's calls were read


def test_record_limit_keeps_the_first_and_counts_all(upstream: str, tmp_path: Path) -> None:
    """1,500 exchanges with --record-limit 100: the file holds the first 100, the summary and
    the findings file count 1,500."""
    record, findings = tmp_path / "r.jsonl", tmp_path / "f.json"
    options = ("--record", str(record), "--record-limit", "100", "--findings", str(findings))

    def fire(url: str, first: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:  # keep-alive: one connection
            for i in range(first, 1500, 3):
                http.get("/_emulator/health", params={"n": str(i)})

    with running_proxy("--upstream", upstream, *options) as proxy, ThreadPoolExecutor(3) as pool:
        list(pool.map(fire, [proxy.url] * 3, range(3)))
    lines = record.read_text().splitlines()
    assert len(lines) == 100
    # The first hundred answered, in answer order: numbered 0 to 99 whichever thread sent them.
    assert all(json.loads(line)["path"] == "/_emulator/health" for line in lines)
    assert "1500 exchanges, 100 recorded, 1400 not recorded" in proxy.out
    result = json.loads(findings.read_text())
    assert (result["exchanges"], result["recorded"], result["not_recorded"]) == (1500, 100, 1400)
