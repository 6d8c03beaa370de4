"""`check --baseline FILE`: known failures accepted, new ones failing, fixed ones reported.

Real failures, cheaply: mutant emulators (tests/mutants) whose list_labels answers break one
rule, each checked by a filtered run (list_labels, the schema rules, one example). The runs are
independent, two at a time (the suite's runs are what take the time). Conformance reproducers
are replayed here too, each against the mutant that broke, through a recording proxy against a
correct emulator, and as its curl script: a schemathesis case's (the list_labels run's), the
wrong-token request's (a run against the mutant whose 401s lack correlationId) and a linked
sequence's, whose later steps send what earlier answers assigned (recorded here by the suite's
recorder: no mutant fails the linked sequences alone in a quick run).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from hubspot_associations_contract import (
    conformance_record,
    recorder,
    results,
    selection,
    target,
    verdicts,
)
from hubspot_associations_contract.baseline import Fingerprint, mask
from hubspot_associations_contract.rules import RuleViolation
from hubspot_associations_contract.runner import PROBE_PATH
from hubspot_associations_contract.target import DEFAULT_TOKEN

from tests.mutants.running import serve_mutant
from tests.test_hubspot_associations_contract.altering_proxy import AlteringProxy, Received
from tests.test_hubspot_associations_contract.portal import check, command_env, users_emulator

FILTER = ("--operation", "list_labels", "--rule", "schema.response", "--rule",
          "schema.server-error", "--examples", "1")  # fmt: skip
# The wrong-token case alone, on the one operation no graph scenario sends (with list_labels
# every probe that reads labels back would run too: a second more).
WRONG_TOKEN_FILTER = ("--operation", "request_high_usage_report", "--rule", "errors.fields",
                      "--examples", "1")  # fmt: skip
WRONG_TOKEN = "Bearer not-a-token-of-this-portal"
# What the missing-required-field mutant breaks, as a baseline lists it.
KNOWN = {"rule": "schema.response", "operation_id": "list_labels", "status": 200,
         "message": "Response violates schema"}  # fmt: skip
# Listed, of a case the runs judge, never happening: the runs report it as fixed.
GONE = {"rule": "schema.response", "operation_id": "list_labels", "status": 200,
        "message": "Response violates schema: # old problem"}  # fmt: skip

Runs = dict[str, tuple[subprocess.CompletedProcess[str], Path]]


def _baseline(path: Path, *entries: dict[str, object]) -> Path:
    path.write_text(json.dumps({"version": 1, "failures": list(entries)}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def broken() -> Iterator[str]:
    """The mutant whose list_labels answer lacks a required typeId (schema.response)."""
    with serve_mutant("missing-required-field") as url:
        yield url


@pytest.fixture(scope="module")
def wrong_token_broken() -> Iterator[str]:
    """The mutant whose 401 answers lack correlationId (errors.fields on a wrong token)."""
    with serve_mutant("401-without-correlation-id") as url:
        yield url


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, broken: str, wrong_token_broken: str) -> Runs:
    """Each run of the file: (its result, its folder with junit.xml and the report directory)."""
    folder = tmp_path_factory.mktemp("baseline")
    listed = _baseline(folder / "listed.json", KNOWN, GONE)
    with serve_mutant("server-error-status") as other:
        plans: dict[str, Callable[[Path], list[str]]] = {
            "update": lambda out: [broken, *FILTER, "--baseline", str(out / "written.json"),
                                   "--update-baseline"],
            "known": lambda out: [broken, *FILTER, "--baseline", str(listed)],
            "strict": lambda out: [broken, *FILTER, "--baseline", str(listed),
                                   "--fail-on-report"],
            "new": lambda out: [other, *FILTER, "--baseline", str(listed)],
            "wrong-token": lambda out: [wrong_token_broken, *WRONG_TOKEN_FILTER],
        }  # fmt: skip

        def one(name: str) -> tuple[subprocess.CompletedProcess[str], Path]:
            out = folder / name
            out.mkdir()
            url, *rest = plans[name](out)
            done = check("--base-url", url, "--junit", str(out / "junit.xml"),
                         "--report-dir", str(out / "report"), *rest)  # fmt: skip
            return done, out

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            return dict(zip(plans, pool.map(one, plans), strict=True))


def _cases(out: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(out / "junit.xml").getroot()
    return {(c.get("classname", ""), c.get("name", "")): c for c in root.iter("testcase")}


def test_update_baseline_writes_the_runs_failures_sorted_and_stable(runs: Runs) -> None:
    """--update-baseline writes the failing run's fingerprints (versioned JSON, masked message,
    the answer's status) and the run, its failures now listed, exits 0 saying so."""
    done, out = runs["update"]
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    written = out / "written.json"
    assert json.loads(written.read_text(encoding="utf-8")) == {"version": 1, "failures": [KNOWN]}
    assert written.read_text(encoding="utf-8").endswith("]\n}\n")
    assert f"baseline written: {written} (1 known failure(s))" in done.stdout


def test_a_known_failure_is_accepted_and_a_fixed_one_reported(runs: Runs) -> None:
    """The listed failure still happening is accepted (exit 0): a skipped JUnit case "known
    failure", a "known" column in summary.md; the listed one that no longer happens is reported
    as fixed in the terminal and the summary."""
    done, out = runs["known"]
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    case = _cases(out)[("schema.response", "list_labels")]
    assert case.find("failure") is None
    skipped = case.find("skipped")
    assert skipped is not None
    assert str(skipped.get("message")).startswith("known failure (baseline ")
    assert "fixed since the baseline" in done.stdout
    assert (
        "[schema.response] list_labels (status 200): Response violates schema: # old problem"
        in (done.stdout)
    )
    summary = (out / "report" / "summary.md").read_text(encoding="utf-8")
    assert "| `schema.response` | 0 | 0 | 0 | 1 |" in summary
    assert "### Fixed since the baseline" in summary


def test_fail_on_report_fails_a_run_with_a_fixed_failure(runs: Runs) -> None:
    """With --fail-on-report the fixed entry fails the run (exit 1): the baseline is stale."""
    done, out = runs["strict"]
    assert done.returncode == 1, done.stdout[-4000:] + done.stderr[-2000:]
    assert "--fail-on-report: 0 reported difference(s), 1 fixed" in done.stdout
    failure = _cases(out)[("schema.response", "list_labels")].find("failure")
    assert failure is not None
    assert str(failure.get("message")).startswith("fixed: ")
    summary = (out / "report" / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## hubspot-associations contract check: fixed since the baseline "
                              "(failing with --fail-on-report: 1 fixed since the baseline)\n")  # fmt: skip


def test_the_summarys_heading_says_what_the_exit_code_says(runs: Runs) -> None:
    """summary.md is headed held only for a run that exits 0: known failures accepted (0), a new
    failure (1: broken); the strict run's fixed entry is above."""
    headings = {name: (out / "report" / "summary.md").read_text(encoding="utf-8").split("\n")[0]
                for name, (_, out) in runs.items()}  # fmt: skip
    assert headings["known"] == ("## hubspot-associations contract check: held (1 known "
                                 "failure(s) accepted, 1 fixed since the baseline)")  # fmt: skip
    assert headings["new"] == "## hubspot-associations contract check: broken"
    for name, (done, _) in runs.items():
        assert (done.returncode == 0) == (": held" in headings[name]), (name, headings[name])


def test_the_replay_runs_the_same_checks(runs: Runs) -> None:
    """The replay command of the terminal and summary.md keeps the selection, the release, the
    baseline and --fail-on-report (the strict run exits 1 on them, so must its replay)."""
    _done, out = runs["strict"]
    summary = (out / "report" / "summary.md").read_text(encoding="utf-8")
    replay = summary.split("```sh\n", 1)[1].split("\n```", 1)[0]
    words = replay.split()
    assert words[:4] == ["hubspot-associations", "check", "--base-url", words[3]]
    assert " ".join(FILTER[:-2]) in replay
    assert "--examples 1" in replay
    assert "--api-version v4" in replay
    assert replay.endswith(" --fail-on-report")
    assert "--baseline " in replay
    assert "listed.json" in replay
    assert "--update-baseline" not in replay
    assert "--junit" not in replay


def test_terminal_summary_and_junit_list_the_same_rules(runs: Runs) -> None:
    """A filtered run lists the rules its selection can reach in all three places alike, and a
    rule it did not judge is a skipped case named after the operation, not "(every operation)";
    a fixed baseline entry of a passing or known case is marked in its JUnit case."""
    done, out = runs["known"]
    terminal = done.stdout.split(" contract rules ", 1)[1].split("coverage:", 1)[0]
    in_terminal = set(re.findall(r"^([a-z]+\.[a-z-]+) ", terminal, re.MULTILINE))
    summary = (out / "report" / "summary.md").read_text(encoding="utf-8")
    in_summary = set(re.findall(r"^\| `([a-z]+\.[a-z-]+)` \|", summary, re.MULTILINE))
    cases = _cases(out)
    in_junit = {rule for rule, _ in cases}
    expected = selection.Selection.of(
        ["list_labels"], rules=["schema.response", "schema.server-error"]
    ).rules_in_reach(selection.release_operations("v4"))
    assert in_terminal == in_summary == in_junit == expected
    assert ("schema.server-error", "list_labels") in cases
    case = cases[("schema.response", "list_labels")]
    properties = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert str(properties.get("baseline", "")).startswith("fixed since the baseline ")
    output = case.find("system-out")
    assert output is not None
    assert "fixed since the baseline" in str(output.text)
    assert "Response violates schema: # old problem" in str(output.text)


def test_a_new_failure_fails_despite_the_baseline(runs: Runs) -> None:
    """A failure the baseline does not list fails the run (exit 1) as a failed JUnit case."""
    done, out = runs["new"]
    assert done.returncode == 1, done.stdout[-4000:] + done.stderr[-2000:]
    assert "[schema.server-error] list_labels" in done.stdout
    assert _cases(out)[("schema.server-error", "list_labels")].find("failure") is not None
    assert "### Failures" in (out / "report" / "summary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"version": 2, "failures": []}', "has version 2; this suite reads version 1"),
        ('{"version": 1, "failures": [{"rule": "schema.nope", "operation_id": "x", '
         '"status": null, "message": ""}]}', "failure 1: 'schema.nope' is not a rule"),
        ('{"version": 1, "failures": [{"rule": "graph.model", "operation_id": '
         '"remove_asociations", "status": null, "message": "m"}]}',
         "'remove_asociations', not an operation of release v4 (entries: [graph.model] "
         "remove_asociations: m); its operations: "),
    ],
)  # fmt: skip
def test_a_bad_baseline_is_refused_before_the_run(tmp_path: Path, content: str, says: str) -> None:
    """A baseline of another version or naming an unknown rule: exit 2 saying what is wrong and
    how to write it again, before any target is started."""
    bad = tmp_path / "baseline.json"
    bad.write_text(content, encoding="utf-8")
    done = check("--baseline", str(bad))
    assert done.returncode == 2, done.stdout + done.stderr
    assert says in done.stderr
    assert "--update-baseline" in done.stderr
    assert "contract check:" not in done.stdout


def test_fingerprints_mask_digits_and_ids_and_sort_stably() -> None:
    """Ports, record IDs, UUIDs and run tags do not make a known failure new."""
    first = mask("GET http://127.0.0.1:40123/x/101 label hsa_contract_a_6b1667197dcf "
                 "id 0c9a5c1e-8a6f-4b8e-9d3c-1f2e3d4c5b6a")  # fmt: skip
    again = mask("GET http://127.0.0.1:51234/x/7 label hsa_contract_a_6b16671a0e2f "
                 "id 11111111-2222-4333-8444-555555555555")  # fmt: skip
    assert first == again == "GET http://#.#.#.#:#/x/# label hsa_contract_a_<id> id <id>"
    found = [Fingerprint("b", "op", 200, "m"), Fingerprint("a", "op", None, "m")]
    assert sorted(found, key=Fingerprint.sort_key)[0].status is None


# -- a conformance failure's reproducer ---------------------------------------------------------


@pytest.fixture(scope="module")
def correct() -> Iterator[str]:
    """An emulator without the bug, as a user runs one (the target once fixed)."""
    with users_emulator() as url:
        yield url


@pytest.fixture(scope="module")
def reproducer(runs: Runs) -> Path:
    """The reproducer the failing "update" run wrote for schemathesis' failing list_labels case."""
    done, out = runs["update"]
    files = [
        path
        for path in (out / "report").glob("reproducer-schema.response-list_labels*.json")
        if json.loads(path.read_text(encoding="utf-8"))["test"].endswith(
            "test_every_operation_conforms"
        )
    ]
    assert len(files) == 1, done.stdout[-4000:]
    return files[0]


@dataclass(frozen=True)
class Replays:
    """One reproducer replayed against the server that broke and, through a recording proxy,
    against a correct emulator; and its --curl script run with bash through the same proxy."""

    broken: subprocess.CompletedProcess[str]
    fixed: subprocess.CompletedProcess[str]
    # What the proxy received from the replay (the command's reachability probe left out).
    replayed: list[Received]
    script: subprocess.CompletedProcess[str]
    ran: subprocess.CompletedProcess[str]
    # What the proxy received from the script.
    sent: list[Received]


def _replays(reproducer: Path, broken: str, correct: str) -> Replays:
    """The three commands at once (two at a time: each is a CLI start), then the script."""
    with AlteringProxy(correct) as proxy, concurrent.futures.ThreadPoolExecutor(2) as pool:
        against = [pool.submit(check, "--reproduce", str(reproducer), "--base-url", url)
                   for url in (broken, proxy.url)]  # fmt: skip
        curl = pool.submit(check, "--reproduce", str(reproducer), "--curl")
        failing, fixed = (job.result() for job in against)
        probe, *replayed = proxy.hubspot_requests()
        assert (probe.method, probe.target) == ("GET", PROBE_PATH), probe
        proxy.received.clear()
        script = curl.result()
        assert script.returncode == 0, script.stderr
        ran = subprocess.run(["bash", "-c", script.stdout],
                             env=command_env({"HUBSPOT_BASE_URL": proxy.url}),
                             capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
        return Replays(failing, fixed, replayed, script, ran, proxy.hubspot_requests())


@pytest.fixture(scope="module")
def replays(broken: str, correct: str, reproducer: Path) -> Replays:
    """The missing-required-field run's reproducer, replayed and curled."""
    return _replays(reproducer, broken, correct)


def test_a_conformance_failure_fails_again_and_passes_once_fixed(
    reproducer: Path, replays: Replays
) -> None:
    """The request schemathesis sent, saved without the token, replayed: exit 1 naming the rule
    on the mutant, exit 0 on a correct emulator."""
    saved = json.loads(reproducer.read_text(encoding="utf-8"))
    assert (saved["kind"], saved["rule"], saved["operation"]) == (
        "conformance", "schema.response", "list_labels")  # fmt: skip
    assert [(s["method"], s["auth"]) for s in saved["steps"]] == [("GET", "token")]
    assert DEFAULT_TOKEN not in reproducer.read_text(encoding="utf-8")
    again = replays.broken
    assert again.returncode == 1, again.stdout + again.stderr
    assert "[schema.response] list_labels: Response violates schema (step 1 of 1)" in again.stdout
    assert "reproduced: [schema.response] list_labels fails again" in again.stdout
    fixed = replays.fixed
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "passed: the recorded failure [schema.response] list_labels" in fixed.stdout


def test_a_conformance_reproducers_curl_script_sends_the_recorded_request(
    replays: Replays,
) -> None:
    """--curl's script sends the request the replay sends (headers too), as a proxy in front of
    the emulator receives them; the replay's other requests are schemathesis' auth probes of the
    same operation."""
    assert replays.ran.returncode == 0, replays.ran.stderr
    expected, sent = replays.replayed, replays.sent
    assert sent == expected[:1]
    assert {(r.method, r.target.split("?")[0]) for r in expected} == {
        (r.method, r.target.split("?")[0]) for r in sent
    }
    assert "x-schemathesis-testcaseid" in {k for k, _ in sent[0].headers}


# The wrong-token request: its token kept as sent (it is no secret), the run's never.


@pytest.fixture(scope="module")
def wrong_token_reproducer(runs: Runs) -> Path:
    """The reproducer the run against the 401 mutant wrote for the wrong-token case."""
    done, out = runs["wrong-token"]
    assert done.returncode == 1, done.stdout[-4000:] + done.stderr[-2000:]
    files = list((out / "report").glob("reproducer-*.json"))
    assert [f.name for f in files] == ["reproducer-errors.fields-request_high_usage_report.json"], (
        done.stdout[-4000:]
    )
    assert f"--reproduce {files[0]} --base-url " in done.stdout
    return files[0]


@pytest.fixture(scope="module")
def wrong_token_replays(
    wrong_token_broken: str, correct: str, wrong_token_reproducer: Path
) -> Replays:
    """The wrong-token reproducer, replayed and curled."""
    return _replays(wrong_token_reproducer, wrong_token_broken, correct)


def test_a_wrong_token_reproducer_keeps_the_wrong_token_and_leaves_out_the_real_one(
    wrong_token_reproducer: Path,
) -> None:
    """The wrong-token case is saved as sent: its Authorization verbatim under auth as-sent,
    judged as the wrong-token test judges (check wrong-token); the run's token appears nowhere."""
    text = wrong_token_reproducer.read_text(encoding="utf-8")
    saved = json.loads(text)
    assert (saved["kind"], saved["rule"], saved["operation"]) == (
        "conformance", "errors.fields", "request_high_usage_report")  # fmt: skip
    assert saved["test"].startswith("test_conformance.py::test_a_wrong_token_gets_hubspots_401[")
    [step] = saved["steps"]
    assert (step["method"], step["check"], step["auth"], step["authorization"], step["status"]) == (
        "POST", "wrong-token", "as-sent", WRONG_TOKEN, 401)  # fmt: skip
    assert not {k.lower() for k in step["headers"]} & {"authorization", "cookie"}
    assert DEFAULT_TOKEN not in text


def test_a_wrong_token_failure_fails_again_and_passes_once_fixed(
    wrong_token_replays: Replays,
) -> None:
    """Replayed: exit 1 naming errors.fields against the mutant, exit 0 against a correct
    emulator, which received the wrong token (not the run's) in the one request replayed."""
    again = wrong_token_replays.broken
    assert again.returncode == 1, again.stdout + again.stderr
    assert ("[errors.fields] request_high_usage_report: the 401 error body lacks correlationId"
            in again.stdout)  # fmt: skip
    assert "(step 1 of 1)" in again.stdout
    assert "reproduced: [errors.fields] request_high_usage_report fails again" in again.stdout
    fixed = wrong_token_replays.fixed
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "passed: the recorded failure [errors.fields] request_high_usage_report" in fixed.stdout
    [request] = wrong_token_replays.replayed
    assert ("authorization", WRONG_TOKEN) in request.headers


def test_a_wrong_token_reproducers_curl_script_sends_the_same_authorization(
    wrong_token_replays: Replays,
) -> None:
    """--curl's script sends what the replay sent, the wrong Authorization header included."""
    assert wrong_token_replays.ran.returncode == 0, wrong_token_replays.ran.stderr
    assert "-> 401" in wrong_token_replays.ran.stderr
    assert "Authorization: Bearer $token" not in wrong_token_replays.script.stdout
    assert wrong_token_replays.sent == wrong_token_replays.replayed
    [request] = wrong_token_replays.sent
    assert [v for k, v in request.headers if k == "authorization"] == [WRONG_TOKEN]


# A linked sequence: a value the server assigned (a cursor, a created label's typeId) captured
# from one answer as {id:N} and sent in a later request. No mutant makes the linked sequences
# fail alone in a quick run, so the steps are sent here, as a sequence would, and recorded with
# the suite's own recorder.

LABELS = "/crm/v4/associations/contacts/companies/labels"
RECORD = "/crm/v4/objects/contacts/1/associations"


@pytest.fixture(scope="module")
def label_delete_broken() -> Iterator[str]:
    """The mutant whose label DELETE answers 200 with a body (status.documented)."""
    with serve_mutant("delete-label-200-body") as url:
        yield url


@pytest.fixture(scope="module")
def linked_reproducer(tmp_path_factory: pytest.TempPathFactory, label_delete_broken: str) -> Path:
    """Two records associated, read page by page (the second page after the first's cursor),
    a label created and deleted by its typeId: sent to the mutant and recorded by
    conformance_record as the linked sequences' steps are; the DELETE's 200 kept as a failure."""
    folder = tmp_path_factory.mktemp("linked")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HUBSPOT_CONTRACT_TARGET", "emulator")
        env.setenv("HUBSPOT_BASE_URL", label_delete_broken)
        env.delenv("HUBSPOT_ACCESS_TOKEN", raising=False)
        env.setenv(recorder.DIRECTORY_VARIABLE, str(folder))
        target.selected.cache_clear()
        headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
        sent: list[httpx.Response] = []
        try:
            with httpx.Client(base_url=label_delete_broken, headers=headers, timeout=30) as http:
                conformance_record.start()

                def send(
                    operation: str, method: str, path: str, body: object = None
                ) -> httpx.Response:
                    answer = http.request(method, path, json=body)
                    request = answer.request
                    conformance_record.exchange(
                        operation, request.method, str(request.url), request.headers,
                        request.content, answer.status_code, answer.content,
                        token=DEFAULT_TOKEN, mode="positive")  # fmt: skip
                    sent.append(answer)
                    return answer

                for company in (2, 3):
                    send("associate_default", "PUT", f"{RECORD}/default/companies/{company}")
                first = send("list_associations", "GET", f"{RECORD}/companies?limit=1")
                after = first.json()["paging"]["next"]["after"]
                send("list_associations", "GET", f"{RECORD}/companies?limit=1&after={after}")
                created = send("create_label", "POST", LABELS,
                               {"label": "Reproduced", "name": "reproduced"})  # fmt: skip
                type_id = created.json()["results"][0]["typeId"]
                deleted = send("delete_label", "DELETE", f"{LABELS}/{type_id}")
            assert [a.status_code for a in sent] == [200, 200, 200, 200, 200, 200]
            assert deleted.json() == {"status": "ok"}  # the mutant's bug
            conformance_record.failed(
                "status.documented",
                "delete_label",
                "answered 200; the release documents only [204]",
            )
            written = conformance_record.save("test_conformance.py::test_linked_sequences_conform")
        finally:
            conformance_record.start()
            target.selected.cache_clear()
    assert len(written) == 1
    return Path(written[0])


@pytest.fixture(scope="module")
def linked_replays(label_delete_broken: str, correct: str, linked_reproducer: Path) -> Replays:
    """The linked sequence's reproducer, replayed and curled."""
    return _replays(linked_reproducer, label_delete_broken, correct)


def test_a_linked_sequence_keeps_what_the_server_assigned_symbolic(
    linked_reproducer: Path,
) -> None:
    """The cursor and the typeId a later step sends are captured from the answer that gave them
    ({id:N} at the same JSON pointer) and sent as the symbol; only the last answer is kept."""
    text = linked_reproducer.read_text(encoding="utf-8")
    saved = json.loads(text)
    assert (saved["version"], saved["kind"], saved["rule"], saved["operation"]) == (
        2, "conformance", "status.documented", "delete_label")  # fmt: skip
    steps = saved["steps"]
    assert [(s["method"], s["path"], s["query"]) for s in steps] == [
        ("PUT", f"{RECORD}/default/companies/2", ""),
        ("PUT", f"{RECORD}/default/companies/3", ""),
        ("GET", f"{RECORD}/companies", "limit=1"),
        ("GET", f"{RECORD}/companies", "limit=1&after={id:1}"),
        ("POST", LABELS, ""),
        ("DELETE", f"{LABELS}/{{id:2}}", ""),
    ]
    assert [s.get("captures") for s in steps] == [
        None, None, [{"symbol": "id:1", "pointer": "/paging/next/after"}], None,
        [{"symbol": "id:2", "pointer": "/results/0/typeId"}], None]  # fmt: skip
    assert {s["auth"] for s in steps} == {"token"}
    assert ["answer" in s for s in steps] == [False] * 5 + [True]
    assert DEFAULT_TOKEN not in text


def test_a_linked_sequence_fails_again_and_passes_once_fixed(linked_replays: Replays) -> None:
    """Replayed with the IDs the target assigns this time: exit 1 naming status.documented on the
    DELETE against the mutant, exit 0 against a correct emulator."""
    again = linked_replays.broken
    assert again.returncode == 1, again.stdout + again.stderr
    assert "[status.documented] delete_label: answered 200" in again.stdout
    assert "(step 6 of 6)" in again.stdout
    assert "reproduced: [status.documented] delete_label fails again" in again.stdout
    fixed = linked_replays.fixed
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "passed: the recorded failure [status.documented] delete_label" in fixed.stdout
    assert "(6 requests sent, every answer judged)" in fixed.stdout


def test_a_linked_sequences_curl_script_sends_the_captured_ids(linked_replays: Replays) -> None:
    """The script, run with bash, sends the replay's requests (those with the run's token: the
    replay's others are schemathesis' auth probes), the cursor and the typeId jq captured from
    the answers put in the query and the DELETE path."""
    assert linked_replays.ran.returncode == 0, linked_replays.ran.stderr
    steps = [r for r in linked_replays.replayed
             if ("authorization", f"Bearer {DEFAULT_TOKEN}") in r.headers]  # fmt: skip
    assert linked_replays.sent == steps
    targets = [r.target for r in linked_replays.sent]
    assert re.fullmatch(rf"{RECORD}/companies\?limit=1&after=\w+", targets[3]), targets
    assert re.fullmatch(rf"{LABELS}/\d+", targets[5]), targets
    created = json.loads(linked_replays.ran.stdout.splitlines()[4])
    assert targets[5] == f"{LABELS}/{created['results'][0]['typeId']}"
    assert "{id:" not in linked_replays.ran.stderr
    assert "-> 204" in linked_replays.ran.stderr.splitlines()[-1]


def test_a_conformance_write_is_not_replayed_live(tmp_path: Path, reproducer: Path) -> None:
    """A conformance reproducer that writes with the token is refused with --live (exit 2)
    before any target is reached: generated writes name records nobody chose."""
    saved = json.loads(reproducer.read_text(encoding="utf-8"))
    saved["steps"][0]["method"] = "POST"
    writing = tmp_path / "writes.json"
    writing.write_text(json.dumps(saved), encoding="utf-8")
    done = check("--reproduce", str(writing), "--live", "--base-url", "http://127.0.0.1:9")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "reproduce it against an emulator (--base-url URL)" in done.stderr


# -- the reporting's functions on recorded verdicts (no run) ------------------------------------


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Verdicts recorded in this process: a target and a selection from the environment, both
    read afresh, and no verdict of another test."""

    def fresh() -> None:
        target.selected.cache_clear()
        selection.current.cache_clear()
        verdicts.reset()

    monkeypatch.setenv("HUBSPOT_CONTRACT_TARGET", "emulator")
    monkeypatch.setenv("HUBSPOT_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "t")
    fresh()
    yield monkeypatch
    monkeypatch.undo()
    fresh()


def _line(rule_name: str) -> str:
    return next(line for line in verdicts.summary_lines() if line.startswith(f"{rule_name} "))


def test_a_reported_operation_is_not_counted_held(recorded: pytest.MonkeyPatch) -> None:
    """Live, --operation delete_label: a 200 on delete_label is reported, and the rule's line
    says so without a held operation; another operation that held is counted."""
    recorded.setenv("HUBSPOT_CONTRACT_TARGET", "live")
    recorded.setenv(selection.OPERATIONS_VARIABLE, "delete_label,list_labels")
    target.selected.cache_clear()
    selection.current.cache_clear()
    verdicts.violated("status.documented", "delete_label", "answered 200", status=200)
    line = _line("status.documented")
    assert line.split(None, 1)[1] == "reported (not promised) on delete_label"
    verdicts.passed("status.documented", "list_labels")
    line = _line("status.documented")
    assert (
        line.split(None, 1)[1] == "held on 1 operation(s); reported (not promised) on delete_label"
    )


def test_a_scenario_stopped_by_a_failure_leaves_its_rules_not_reached(
    recorded: pytest.MonkeyPatch,
) -> None:
    """delete_label answering 200 stops test_deletes_cascade before it judges delete.cascade:
    the terminal says "not reached", not "not judged"; a rule no failed scenario judges is
    still "not judged in this run"."""
    verdicts.set_test("hubspot_associations_contract/test_graph.py::test_deletes_cascade")
    with pytest.raises(RuleViolation):
        verdicts.violated("status.documented", "delete_label", "answered 200", status=200)
    assert _line("delete.cascade").endswith(
        "not reached: the scenario failed before (test_deletes_cascade)"
    )
    assert _line("accounting.under-faults").endswith("not judged in this run")


@pytest.mark.parametrize(
    ("counts", "fail_on_report", "heading"),
    [
        ({}, False, "held"),
        ({"new": 1}, False, "broken"),
        ({"unaccounted": ("t",)}, False, "broken"),
        ({"known": 2}, False, "held (2 known failure(s) accepted)"),
        ({"known": 1, "new": 1}, False, "broken"),
        ({"reported": 1}, False, "held (1 reported)"),
        ({"reported": 1}, True, "reported (failing with --fail-on-report: 1 reported)"),
        ({"known": 1, "fixed": 1}, True,
         "fixed since the baseline (failing with --fail-on-report: 1 fixed since the baseline)"),
        ({"reported": 2, "fixed": 1}, True, "reported and fixed since the baseline (failing with "
         "--fail-on-report: 2 reported, 1 fixed since the baseline)"),
    ],
)  # fmt: skip
def test_the_heading_and_the_exit_code_agree(
    tmp_path: Path, counts: dict[str, object], fail_on_report: bool, heading: str
) -> None:
    """Each combination of counts: the heading, and held exactly when the command exits 0."""
    values: dict[str, object] = {"new": 0, "known": 0, "fixed": 0, "reported": 0, **counts}
    finished = results.Finished(comparison=None, **values)  # type: ignore[arg-type]
    assert results.headline(finished, fail_on_report) == heading
    outcome = tmp_path / "outcome.json"
    outcome.write_text(json.dumps({**finished.outcome(), "unaccounted": list(finished.unaccounted)}),
                       encoding="utf-8")  # fmt: skip
    args = argparse.Namespace(baseline=tmp_path / "b.json", fail_on_report=fail_on_report)
    suite = 1 if finished.new or finished.known or finished.unaccounted else 0
    code = results.exit_code(suite, outcome, args)
    assert (code == 0) == heading.startswith("held"), (code, heading)
