"""`hubspot-associations check` in each of its modes, run as users run it, against real servers.

Exit codes separate "target unreachable" (3) from "contract broken" (1) and usage errors (2); a
live run (any server by URL and token, here the emulator) writes only on the records it is given
and removes what it created, even when a rule broke.
"""

from __future__ import annotations

import http.server
import signal
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from benchmarks.loopback import free_port
from tests.mutants.running import serve_mutant
from tests.test_hubspot_associations_contract.portal import (
    CLI,
    FAST_PORTAL,
    TOKEN,
    check,
    command_env,
    users_emulator,
)

# Each test runs the whole suite once or more.
pytestmark = pytest.mark.timeout(900)

RECORDS = "contact:101,102,103;company:201,202,203"


@pytest.fixture
def plain_http_server() -> Iterator[str]:
    """A web server on 127.0.0.1 that is not HubSpot and not the emulator."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_unreachable_target_exits_3() -> None:
    """Nothing listening: exit 3 (unreachable), not 1 (broken), and the message says which URL."""
    url = f"http://127.0.0.1:{free_port()}"
    done = check("--base-url", url)
    assert done.returncode == 3, done.stderr
    assert "unreachable" in done.stderr
    assert url in done.stderr


def test_a_live_target_that_refuses_the_token_exits_3() -> None:
    """A wrong token: exit 3 and a hint about the token, before any test runs."""
    with serve_in_thread() as emulator:
        done = check(
            "--live", "--base-url", emulator.base_url, env={"HUBSPOT_ACCESS_TOKEN": "wrong"}
        )
    assert done.returncode == 3, done.stdout + done.stderr
    # The preflight's introspection finds the token unknown before the probe sends it.
    assert "refused the token: HUBSPOT_ACCESS_TOKEN is unknown" in done.stderr


def test_a_server_without_the_control_api_is_not_taken_for_an_emulator(
    plain_http_server: str,
) -> None:
    """--base-url without --live needs an emulator: exit 2 saying to add --live."""
    done = check("--base-url", plain_http_server)
    assert done.returncode == 2
    assert "--live" in done.stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--api-version", "1999-01"], {}, "v4"),
        (["--live"], {}, "HUBSPOT_ACCESS_TOKEN"),
        (["--examples", "0"], {}, "at least 1"),
        ([], {"HUBSPOT_CONTRACT_RECORDS": "contact:1,x"}, "'x' is not a record ID"),
    ],
    ids=["unknown-release", "live-without-token", "zero-examples", "bad-records"],
)
def test_usage_errors_exit_2_and_say_what_to_do(
    args: list[str], env: dict[str, str], message: str
) -> None:
    """Bad options or environment: exit 2 with the fix in the message, nothing run."""
    done = check(*args, env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def _associations(base_url: str, contact: str) -> list[object]:
    answer = httpx.get(
        f"{base_url}/crm/v4/objects/contact/{contact}/associations/company",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    return list(answer.json()["results"])


def _custom_labels(base_url: str) -> list[object]:
    answer = httpx.get(
        f"{base_url}/crm/v4/associations/contact/company/labels",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    return [t for t in answer.json()["results"] if t["category"] == "USER_DEFINED"]


def test_live_mode_writes_only_with_records_and_cleans_up(tmp_path: Path) -> None:
    """--live against a server by URL (the emulator counts): the graph run writes on the given records
    and leaves no association or label behind; rules HubSpot does not promise are only reported."""
    junit = tmp_path / "live.xml"
    env = {"HUBSPOT_ACCESS_TOKEN": TOKEN, "HUBSPOT_CONTRACT_RECORDS": RECORDS,
           "HUBSPOT_CONTRACT_ALLOW_WRITES": "1", "HUBSPOT_ASSOCIATIONS_RATE_LIMIT": FAST_PORTAL}  # fmt: skip
    with serve_in_thread() as emulator:
        done = check(
            "--live",
            "--base-url",
            emulator.base_url,
            "--examples",
            "2",
            "--junit",
            str(junit),
            env=env,
        )
        left = [_associations(emulator.base_url, c) for c in ("101", "102", "103")]
        labels = _custom_labels(emulator.base_url)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "contract check: live" in done.stdout
    assert left == [[], [], []]
    assert labels == []
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    judged = {c.get("classname") for c in cases if c.find("skipped") is None}
    skipped = {
        c.get("classname"): str(reason.get("message"))
        for c in cases
        if (reason := c.find("skipped")) is not None
    }
    assert "graph.both-directions" in judged
    for rule in ("ratelimit.enforced", "limits.every-write-path", "accounting.under-faults"):
        assert rule not in judged
        assert "control API" in skipped[rule], rule


def test_live_mode_without_records_only_reads(tmp_path: Path) -> None:
    """--live without HUBSPOT_CONTRACT_RECORDS: nothing is written, the graph run says how to
    enable it; Hypothesis's derived tables go to the user's cache, nothing to the working folder."""
    work = tmp_path / "work"
    work.mkdir()
    with serve_in_thread() as emulator:
        done = check("--live", "--base-url", emulator.base_url, "--examples", "2",
                     env={"HUBSPOT_ACCESS_TOKEN": TOKEN,
                          "HUBSPOT_ASSOCIATIONS_RATE_LIMIT": FAST_PORTAL,
                          "XDG_CACHE_HOME": str(tmp_path / "cache")},
                     cwd=work)  # fmt: skip
        counts = httpx.get(f"{emulator.base_url}/_emulator/requests").json()
    assert done.returncode == 0, done.stdout[-4000:]
    assert "HUBSPOT_CONTRACT_RECORDS" in done.stdout
    assert counts["writes"] == 0, counts
    assert (tmp_path / "cache/hubspot-associations/hypothesis/unicode_data").is_dir()
    assert list(work.iterdir()) == []


def test_a_live_run_that_breaks_a_rule_still_cleans_up() -> None:
    """A rule broken mid-run (a batch create that drops an input): exit 1, and the records are left clean."""
    env = {"HUBSPOT_ACCESS_TOKEN": TOKEN, "HUBSPOT_CONTRACT_RECORDS": RECORDS,
           "HUBSPOT_CONTRACT_ALLOW_WRITES": "1", "HUBSPOT_ASSOCIATIONS_RATE_LIMIT": FAST_PORTAL}  # fmt: skip
    with serve_mutant("batch-create-drops-one") as url:
        done = check("--live", "--base-url", url, "--examples", "2", env=env)
        left = [_associations(url, c) for c in ("101", "102", "103")]
        labels = _custom_labels(url)
    assert done.returncode == 1, done.stdout[-4000:]
    assert "[batch.accounting]" in done.stdout
    assert left == [[], [], []]
    assert labels == []


def test_live_writes_refuse_records_already_associated() -> None:
    """Named records that are already associated: exit 2 before any test, and nothing is touched."""
    env = {"HUBSPOT_ACCESS_TOKEN": TOKEN, "HUBSPOT_CONTRACT_RECORDS": RECORDS,
           "HUBSPOT_CONTRACT_ALLOW_WRITES": "1", "HUBSPOT_ASSOCIATIONS_RATE_LIMIT": FAST_PORTAL}  # fmt: skip
    with serve_in_thread() as emulator:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        put = f"{emulator.base_url}/crm/v4/objects/contact/101/associations/default/company/201"
        httpx.put(put, headers=headers).raise_for_status()
        done = check("--live", "--base-url", emulator.base_url, env=env)
        left = _associations(emulator.base_url, "101")
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr
    assert "contact 101 is already associated with company 201" in done.stderr
    assert len(left) == 1


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ("contact:101;company:201", "at least 2 different IDs"),
        ("contact:101,102,103", "short: company"),
        ("contact:101,0101;company:201,202", "short: contact"),
        ("deal:1,2;company:201,202", "contacts and companies only"),
    ],
)
def test_records_the_graph_run_cannot_use_exit_2(records: str, message: str) -> None:
    """Too few, duplicate or other records: exit 2 with what the graph run needs, before any test."""
    env = {"HUBSPOT_ACCESS_TOKEN": TOKEN, "HUBSPOT_CONTRACT_RECORDS": records}
    done = check("--live", "--base-url", "http://127.0.0.1:9", env=env)
    assert done.returncode == 2
    assert message in done.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HUBSPOT_CONTRACT_EXAMPLES", "abc"),
        ("HUBSPOT_CONTRACT_EXAMPLES", "0"),
        ("HUBSPOT_CONTRACT_SEED", "-1"),
        ("HUBSPOT_CONTRACT_READ_BACK_WAIT_MS", "2s"),
    ],
)
def test_bad_settings_in_the_environment_exit_2_up_front(name: str, value: str) -> None:
    """A bad environment setting names the variable, exit 2, no traceback."""
    done = check("--base-url", "http://127.0.0.1:9", env={name: value})
    assert done.returncode == 2
    assert name in done.stderr
    assert "Traceback" not in done.stderr


# The control token of the emulator a check is run against as a CI service would be.
CONTROL_TOKEN = "ci-control-token"


def _conditions(url: str) -> tuple[object, object]:
    auth = {"Authorization": f"Bearer {CONTROL_TOKEN}"}  # ignored by one started without it
    return (
        httpx.get(f"{url}/_emulator/rate-limit", headers=auth).json(),
        httpx.get(f"{url}/_emulator/faults", headers=auth).json()["spec"],
    )


LIMITED = ("--rate-limit", "50/1", "--faults", "rate=0.05,kinds=503+429,seed=3")


def test_an_emulator_with_a_rate_limit_and_faults_is_checked_and_left_as_it_was() -> None:
    """`check --base-url` on an emulator started with --rate-limit and --faults: exit 0, and both
    are in place again afterwards (the suite's probes must not meet the user's limit or faults).
    The emulator also has a control token, given with --control-token: the command's and the
    suite's control calls (lift, resets, put back) all carry it."""
    with users_emulator(*LIMITED, "--control-token", CONTROL_TOKEN) as url:
        before = _conditions(url)
        done = check("--base-url", url, "--control-token", CONTROL_TOKEN, "--examples", "2")
        after = _conditions(url)
    assert before == ({"requests": 50, "seconds": 1.0}, "rate=0.05,kinds=503+429,seed=3")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "a rate limit of 50 per 1 s and faults rate=0.05" in done.stdout
    assert after == before


def test_a_stopped_check_puts_the_emulators_limit_and_faults_back() -> None:
    """SIGTERM mid-run: exit 130, and the emulator has its rate limit and faults again."""
    with users_emulator(*LIMITED) as url:
        before = _conditions(url)
        returncode, out, err = _stopped_mid_run(["--base-url", url], signal.SIGTERM, url)
        after = _conditions(url)
    assert returncode == 130, out[-3000:] + err[-3000:]
    assert after == before


def _stopped_mid_run(
    args: list[str], stop: signal.Signals, url: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run check with ``args``, send ``stop`` once it has written; (exit code, stdout, stderr)."""
    process = subprocess.Popen(
        [CLI, "check", *args, "--examples", "2"],
        env=command_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for_writes(url)
        process.send_signal(stop)
        out, err = process.communicate(timeout=300)
    finally:
        process.kill()
    return process.returncode, out, err


def _wait_for_writes(base_url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if httpx.get(f"{base_url}/_emulator/requests").json()["writes"] > 0:
            return
        time.sleep(0.2)
    raise AssertionError("the run never wrote")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stopped_live_run_removes_what_it_created(stop: signal.Signals) -> None:
    """Ctrl-C or SIGTERM (to the command only) mid-run: exit 130 once what the run created is removed."""
    env = {"HUBSPOT_ACCESS_TOKEN": TOKEN, "HUBSPOT_CONTRACT_RECORDS": RECORDS,
           "HUBSPOT_CONTRACT_ALLOW_WRITES": "1", "HUBSPOT_ASSOCIATIONS_RATE_LIMIT": FAST_PORTAL}  # fmt: skip
    with serve_in_thread(EmulatorConfig(latency_ms=60)) as emulator:
        returncode, out, err = _stopped_mid_run(
            ["--live", "--base-url", emulator.base_url], stop, emulator.base_url, env
        )
        left = [_associations(emulator.base_url, c) for c in ("101", "102", "103")]
        labels = _custom_labels(emulator.base_url)
    assert returncode == 130, out[-3000:] + err[-3000:]
    assert "what the run wrote is restored once the suite has ended" in err
    assert "nothing the run wrote remains" in err
    assert left == [[], [], []]
    assert labels == []


def test_a_target_that_dies_mid_run_stops_the_run_with_exit_3() -> None:
    """The emulator killed mid-run: exit 3, one line saying so, not a wall of failures."""
    with serve_mutant("none") as url:
        process = subprocess.Popen(
            [CLI, "check", "--base-url", url, "--examples", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            _wait_for_writes(url)
        except BaseException:
            process.kill()
            raise
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 3, out[-3000:]
    assert "became unreachable" in out
    assert len(out.splitlines()) < 3000
