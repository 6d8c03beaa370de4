"""``hubspot-associations proxy`` forwards: the app sees exactly the upstream's answers (status,
body bytes, headers less the hop-by-hop ones), the upstream sees exactly the app's requests (Host
aside), whatever the client, path or content-coding; no answer is a HubSpot-shaped 502."""

from __future__ import annotations

import gzip
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from hubspot import HubSpot
from hubspot_associations_contract.proxy.command import main as proxy_main
from hubspot_associations_contract.specs import release_names
from hubspot_associations_emulator.release_table import PROFILES

from hubspot_associations import HubSpotAssociations
from hubspot_associations.cli import main as cli_main
from tests.proxy_cli import refusing_port, running_proxy
from tests.test_hubspot_associations_contract.portal import HEADERS, TOKEN, users_emulator

# Upstream headers the journal does not hold (uvicorn adds them on the way out).
_SERVER_ADDED = frozenset({"date", "server"})
_HOP = frozenset({"connection", "keep-alive", "x-drop-me"})


@pytest.fixture(scope="module")
def emulators() -> Iterator[tuple[str, str]]:
    """The upstream, and a twin that starts in the same state and is called directly."""
    with users_emulator() as upstream, users_emulator() as twin:
        yield upstream, twin


def _journal(url: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{url}/_emulator/journal.jsonl", timeout=30)
    return [json.loads(line) for line in answer.text.splitlines() if line.strip()]


def _calls(http: httpx.Client) -> list[httpx.Response]:
    """Association, label, object and unknown-path calls, hop-by-hop headers among them."""
    hop = {"Connection": "keep-alive, X-Drop-Me", "X-Drop-Me": "1", "Keep-Alive": "timeout=5"}
    return [
        http.put("/crm/v4/objects/contact/7001/associations/default/company/8001"),
        http.get("/crm/v4/objects/contact/7001/associations/company", params={"limit": "5"}),
        http.post(
            "/crm/associations/v4/contact/company/batch/read",
            json={"inputs": [{"id": "7001"}, {"id": "7002"}]},
            headers={"X-Kept": "yes", **hop},
        ),
        http.get("/crm/v4/associations/contact/company/labels"),
        http.post("/crm/v3/objects/contacts", json={"properties": {"email": "a@example.com"}}),
        http.get("/crm/v4/no/such/path"),
        http.delete("/crm/v4/objects/contact/7001/associations/company/8001"),
    ]


def test_answers_are_the_upstreams_byte_for_byte(
    emulators: tuple[str, str], tmp_path: Path
) -> None:
    """Each answer's status, body bytes and headers are what the upstream's journal says it sent;
    each request reached it with nothing added but Host, the hop-by-hop headers dropped."""
    upstream, _ = emulators
    before = len(_journal(upstream))
    findings = tmp_path / "findings.json"
    with (
        running_proxy("--upstream", upstream, "--findings", str(findings)) as proxy,
        httpx.Client(base_url=proxy.url, headers=HEADERS, timeout=30) as http,
    ):
        answers = _calls(http)
    entries = _journal(upstream)[before:]
    assert len(entries) == len(answers), [e["path"] for e in entries]
    for answer, entry in zip(answers, entries, strict=True):
        assert answer.status_code == entry["status"], entry["path"]
        assert answer.content == entry["responseBody"]["text"].encode(), entry["path"]
        got = [
            [k.decode().lower(), v.decode()]
            for k, v in answer.headers.raw
            if k.decode().lower() not in _SERVER_ADDED
        ]
        assert got == [[k.lower(), v] for k, v in entry["responseHeaders"]], entry["path"]
        sent = {
            k.lower(): v
            for k, v in answer.request.headers.items()
            if k.lower() not in _HOP | {"authorization"}
        }
        sent["host"] = upstream.removeprefix("http://")
        assert {k.lower(): v for k, v in entry["requestHeaders"]} == sent, entry["path"]
    assert {e["path"] for e in entries} >= {"/crm/v4/no/such/path", "/crm/v3/objects/contacts"}
    # The emulator answers as HubSpot documents: nothing found, and the exit code says so.
    assert proxy.code == 0, proxy.out + proxy.err
    result = json.loads(findings.read_text())
    assert (result["exchanges"], result["findings"]) == (len(answers), []), result


def _plain(value: Any) -> Any:
    """A client's result as JSON values, less the batch timestamps (each server's own)."""
    if isinstance(value, dict):
        return {
            k: _plain(v)
            for k, v in value.items()
            if k not in ("started_at", "completed_at", "startedAt", "completedAt")
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _official(url: str) -> list[Any]:
    """HubSpot's own client: a default association, the page, the labels."""
    api = HubSpot(access_token=TOKEN, host=url)
    basic = api.crm.associations.v4.basic_api
    created = basic.create_default("contact", "7101", "company", "8101")
    page = basic.get_page("contact", "7101", "company", limit=10)
    return [_plain(created.to_dict()), _plain(page.to_dict())]


def _ours(url: str) -> list[Any]:
    """This package's client: a default association, the page, the labels."""
    with HubSpotAssociations(access_token=TOKEN, base_url=url) as client:
        created = client.basic.associate_default("contact", "7201", "company", "8201")
        page = client.basic.get_page("contact", "7201", "company")
        labels = client.labels.list("deal", "ticket")
    return [
        _plain(created.to_dict()),
        _plain(page.to_dict()),
        [_plain(x.to_dict()) for x in labels],
    ]


def test_clients_see_what_they_see_without_it(emulators: tuple[str, str]) -> None:
    """HubSpot's official client and this one get, through the proxy, the answers the same calls
    get straight from a twin emulator."""
    upstream, twin = emulators
    with running_proxy("--upstream", upstream) as proxy:
        through = [_official(proxy.url), _ours(proxy.url)]
    assert through == [_official(twin), _ours(twin)]
    assert through[0][1]["results"], through  # the page holds the association just made
    assert proxy.code == 0, proxy.out + proxy.err


class _GzipUpstream(BaseHTTPRequestHandler):
    """Answers every GET with a gzip body: valid labels on the labels path, a broken one else."""

    protocol_version = "HTTP/1.1"
    bodies: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        """The compressed answer, as a server that compresses sends it."""
        body = self.bodies[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


def test_gzip_answers_pass_compressed_and_are_judged_decoded(tmp_path: Path) -> None:
    """A gzip answer reaches the app byte for byte, still compressed; the recording holds it
    decoded, without Content-Encoding; its broken schema is a finding, and the exit code is 1."""
    labels = json.dumps({"results": "not a list"}).encode()
    _GzipUpstream.bodies = {"/crm/v4/associations/contact/company/labels": gzip.compress(labels)}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GzipUpstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    record, findings = tmp_path / "r.jsonl", tmp_path / "f.json"
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        options = ("--record", str(record), "--findings", str(findings))
        with running_proxy("--upstream", url, *options) as proxy:
            path = "/crm/v4/associations/contact/company/labels"
            with httpx.stream("GET", proxy.url + path, headers=HEADERS) as answer:
                raw = b"".join(answer.iter_raw())
                assert answer.headers["content-encoding"] == "gzip"
    finally:
        server.shutdown()
        server.server_close()
    assert raw == _GzipUpstream.bodies[path]
    (entry,) = [json.loads(line) for line in record.read_text().splitlines()]
    assert entry["responseBody"]["text"].encode() == labels
    assert "content-encoding" not in {k.lower() for k, _ in entry["responseHeaders"]}
    assert proxy.code == 1, proxy.out + proxy.err
    result = json.loads(findings.read_text())
    assert [f["rule"] for f in result["findings"]] == ["schema.response"], result
    assert "schema.response: 1" in proxy.out


def test_upstream_down_is_a_hubspot_shaped_502(tmp_path: Path) -> None:
    """An unreachable upstream: the app gets a 502 in HubSpot's error shape, stderr one line
    naming the failure (no traceback); nothing reached the portal, so the exit code is 1 and
    the summary says why."""
    with refusing_port() as port, running_proxy("--upstream", f"http://127.0.0.1:{port}") as proxy:
        answers = [httpx.get(f"{proxy.url}/crm/v4/associations/contact/company/labels")]
        answers.append(httpx.post(f"{proxy.url}/anything", content=b"x"))
    for answer in answers:
        assert answer.status_code == 502
        assert set(answer.json()) == {"status", "message", "correlationId", "category"}
        assert answer.json()["status"] == "error"
    lines = [line for line in proxy.err.splitlines() if not line.startswith("proxy: stopping")]
    assert len(lines) == 2, lines
    assert all("upstream unreachable" in line for line in lines), lines
    assert "Traceback" not in proxy.err
    assert "2 without an answer" in proxy.out
    assert "unanswered: 2 exchanges got no answer from the upstream" in proxy.out, proxy.out
    assert proxy.code == 1


def test_bad_options_exit_2_before_listening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each option that cannot work ends the command with 2 and a message saying what to give
    (in this process: a process each costs a second)."""
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    # Each case on the taken port too: one that were not refused would stop there, not listen.
    port = ("--port", str(taken.getsockname()[1]))
    cases = {
        ("--upstream", "ftp://example.com", *port): "is not an http(s) URL",
        ("--port", "70000"): "is out of range",
        port: "cannot be listened on",
        ("--record-limit", "-1", *port): "is negative",
        # --findings is checked by the same code.
        ("--record", str(tmp_path / "missing" / "r.har"), *port): "cannot be written",
    }
    try:
        for options, message in cases.items():
            assert proxy_main(list(options)) == 2, options
            out, err = capsys.readouterr()
            assert out == "", (options, out)
            assert message in err, (options, err)
        # The refused port left no --record file behind.
        assert proxy_main(["--record", str(tmp_path / "r.jsonl"), *port]) == 2
        assert not (tmp_path / "r.jsonl").exists()
    finally:
        taken.close()


def test_help_names_the_proxy_its_choices_and_recordings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command's --help lists proxy; proxy --help shows the releases, the profiles and the
    exit codes; migrate-report --help reads the proxy's recordings."""
    helps = {}
    for argv in (["--help"], ["proxy", "--help"], ["migrate-report", "--help"]):
        with pytest.raises(SystemExit) as ended:
            cli_main(argv)
        assert ended.value.code == 0, argv
        helps[argv[0]] = " ".join(capsys.readouterr().out.split())
    assert "proxy a recording, validating proxy" in helps["--help"], helps["--help"]
    assert all(name in helps["proxy"] for name in [*release_names(), *PROFILES]), helps["proxy"]
    assert "130 a second Ctrl-C" in helps["proxy"], helps["proxy"]
    assert "a `proxy --record` recording" in helps["migrate-report"], helps["migrate-report"]
