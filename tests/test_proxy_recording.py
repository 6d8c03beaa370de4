"""``hubspot-associations proxy --record``: the recording reads like the emulator's own journal
(``migrate-report`` and ``--replay`` give the same verdicts), holds no secret, keeps the first
``--record-limit`` exchanges and counts the rest."""

from __future__ import annotations

import contextlib
import hashlib
import json
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from hubspot_associations_contract.proxy.command import main as proxy_main
from hubspot_associations_contract.proxy.exchange import Exchange
from hubspot_associations_contract.proxy.recording import Recording, RecordingRefused

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
    # Object calls are named as the emulator's journal names them.
    named = {(e["method"], e["path"]): e["operationId"] for e in map(json.loads, jsonl.open())}
    assert named[("POST", "/crm/v3/objects/contacts")] == "create_object", named
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


_LABELS = "/crm/v4/associations/contact/company/labels"


class _SlowUpstream(BaseHTTPRequestHandler):
    """Labels answers the checks take long to judge (4 MB, every typeId a string), and
    ``/slow``, answered only once ``release`` is set."""

    protocol_version = "HTTP/1.1"
    big: ClassVar[bytes] = b""
    arrived: ClassVar[threading.Event] = threading.Event()
    release: ClassVar[threading.Event] = threading.Event()

    def do_GET(self) -> None:
        """The big answer, or the slow one."""
        body = self.big
        if self.path == "/slow":
            self.arrived.set()
            self.release.wait(60)
            body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextlib.contextmanager
def _slow_upstream() -> Iterator[str]:
    labels = [{"category": "USER_DEFINED", "typeId": str(i), "label": f"L{i}", "x": [[1] * 40]}
              for i in range(20_000)]  # fmt: skip
    _SlowUpstream.big = json.dumps({"results": labels}).encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowUpstream)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        _SlowUpstream.release.set()
        server.shutdown()
        server.server_close()


def test_answered_exchanges_are_on_disk_and_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each answered exchange is in the JSONL file while the checks are still seconds behind;
    SIGTERM says it waits for the request in flight, a second signal ends it at once (130)
    saying what is lost; a second proxy on the file, and a later one, are refused (exit 2)
    and the file is left as it was."""
    record = tmp_path / "r.jsonl"
    with (
        _slow_upstream() as url,
        running_proxy("--upstream", url, "--record", str(record)) as proxy,
        httpx.Client(base_url=proxy.url, timeout=30) as http,
    ):
        # In this process, on the first proxy's port: one not refused could not listen either.
        port = proxy.url.rpartition(":")[2]
        assert proxy_main(["--record", str(record), "--port", port]) == 2
        assert "another proxy records there" in capsys.readouterr().err
        for _ in range(5):
            assert http.get(_LABELS).status_code == 200

        def slow() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the proxy ends under it
                httpx.get(f"{proxy.url}/slow", timeout=30)

        waiting = threading.Thread(target=slow)
        waiting.start()
        assert _SlowUpstream.arrived.wait(30)
        proxy.process.send_signal(signal.SIGTERM)
        proxy.wait_for("proxy: stopping: waiting for 1 requests in flight")
        # The checks take 0.4 s an answer: the lines were written as the answers went back.
        assert len(record.read_text().splitlines()) == 5
        proxy.stop(signal.SIGINT)
        _SlowUpstream.release.set()
        waiting.join(30)
    assert proxy.code == 130, proxy.out + proxy.err
    assert "interrupted again, ending now; lost: 1 requests in flight" in proxy.err, proxy.err
    assert "findings: " not in proxy.out  # no summary
    kept = record.read_bytes()
    assert len(kept.splitlines()) == 5
    with socket.socket() as taken:  # as above: a run not refused would stop at the port
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        assert proxy_main(["--record", str(record), "--port", port]) == 2
    err = capsys.readouterr().err
    assert "already holds a recording: give another file, or delete it" in err, err
    assert record.read_bytes() == kept


def test_har_marks_cut_bodies_and_is_locked(tmp_path: Path) -> None:
    """A HAR body past 64 KiB carries _truncated and the whole body's _sha256; an object call
    is named create_object; the file is locked while recorded, then refused as a recording."""
    path = tmp_path / "r.har"
    big = json.dumps({"properties": {"notes": "n" * 70_000}}).encode()
    json_type = (("Content-Type", "application/json"),)
    recording = Recording(path, "https://api.hubapi.com")
    with pytest.raises(RecordingRefused, match="another proxy records there"):
        Recording(path, "https://api.hubapi.com")
    recording.add(
        Exchange(
            index=0, started="2026-12-07T10:00:00.000Z", seconds=0.1, method="POST",
            path="/crm/v3/objects/contacts", query="", request_headers=json_type,
            request_body=big, status=201, response_headers=json_type, response_body=big,
        )
    )  # fmt: skip
    recording.close()
    (entry,) = json.loads(path.read_text())["log"]["entries"]
    assert entry["_operationId"] == "create_object"
    for part in (entry["request"]["postData"], entry["response"]["content"]):
        assert (part["_truncated"], part["_sha256"]) == (True, hashlib.sha256(big).hexdigest())
    with pytest.raises(RecordingRefused, match="already holds a recording"):
        Recording(path, "https://api.hubapi.com")
