"""`check --live`'s preflight (preflight.py) and refusals.change-nothing on a live portal.

One emulator by URL stands in for the portal, started as a user starts it with ``--tokens FILE``:
a private-app token that may read contacts and companies but write nothing, and one that may
read and write contacts but has no companies scope. Its journal (HubSpot paths only: the token
introspection is not journaled) shows what each run sent.
"""

from __future__ import annotations

import argparse
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hubspot_associations_contract import preflight, runner, target, verdicts
from hubspot_associations_contract.preflight import missing_for

from tests.test_hubspot_associations.token_server import Seen, serve
from tests.test_hubspot_associations_contract.portal import (
    STATE_DIR,
    check,
    live_env,
    users_emulator,
)

PORTAL = 12345678  # the emulator's DEFAULT_PORTAL_ID: the --tokens file names no other
READ_ONLY = "pat-na1-contract-read-only"
CONTACTS_ONLY = "pat-na1-contract-contacts-only"
TOKENS = [
    {"token": READ_ONLY, "scopes": ["crm.objects.contacts.read", "crm.objects.companies.read"]},
    {"token": CONTACTS_ONLY, "scopes": ["crm.objects.contacts.read", "crm.objects.contacts.write"]},
]
RULE = "refusals.change-nothing"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`hubspot-associations emulator serve --tokens FILE` with the two tokens above."""
    tokens = tmp_path_factory.mktemp("tokens") / "tokens.json"
    tokens.write_text(json.dumps(TOKENS), encoding="utf-8")
    with users_emulator("--tokens", str(tokens)) as url:
        yield url


@pytest.fixture
def url(emulator: str) -> str:
    """The emulator emptied, its journal too (the --tokens file's tokens come back)."""
    httpx.post(f"{emulator}/_emulator/reset", timeout=30).raise_for_status()
    return emulator


def _journal(url: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{url}/_emulator/journal", params={"portalId": PORTAL}, timeout=30)
    answer.raise_for_status()
    entries: list[dict[str, Any]] = answer.json()["entries"]
    return entries


def _cases(junit: Path) -> dict[tuple[str, str], ET.Element]:
    return {
        (str(case.get("classname")), str(case.get("name"))): case
        for case in ET.parse(junit).getroot().iter("testcase")
    }


def test_a_writing_run_whose_token_cannot_write_is_refused_before_sending_anything(
    url: str,
) -> None:
    """Writes allowed, a token without write scopes: exit 3 naming the scopes to add, and the
    portal received no request at all (no probe, no read, no write)."""
    done = check("--live", "--base-url", url, env=live_env(HUBSPOT_ACCESS_TOKEN=READ_ONLY))
    assert done.returncode == 3, done.stdout + done.stderr
    assert (
        "the token lacks crm.objects.companies.write, crm.objects.contacts.write, which this "
        "writing run needs"
    ) in done.stderr
    assert "Add crm.objects.companies.write, crm.objects.contacts.write" in done.stderr
    assert "drop HUBSPOT_CONTRACT_ALLOW_WRITES for a read-only run" in done.stderr
    assert f"token: private-app of portal {PORTAL}" in done.stdout
    assert _journal(url) == []


def test_a_read_only_run_skips_what_the_token_may_not_read_and_passes(
    url: str, tmp_path: Path
) -> None:
    """No write allowed, a token without a companies scope: the run says it skips list_labels
    (every contact↔company read needs both types), sends nothing of it, and judges the rest."""
    junit = tmp_path / "read-only.xml"
    env = live_env(
        HUBSPOT_ACCESS_TOKEN=CONTACTS_ONLY,
        HUBSPOT_CONTRACT_ALLOW_WRITES="",
        HUBSPOT_CONTRACT_RECORDS="",
    )
    done = check(
        "--live", "--base-url", url, "--operation", "list_all_limits", "--operation",
        "list_labels", "--examples", "1", "--junit", str(junit), env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert (
        "this read-only run skips 1 operation(s) the token may not call (it lacks "
        "crm.objects.companies.read): list_labels"
    ) in done.stdout
    judged = {op for (_, op), case in _cases(junit).items() if case.find("skipped") is None}
    assert "list_all_limits" in judged
    assert "list_labels" not in judged
    # Nor the reachability probe nor the leftovers look-up read the labels.
    assert {entry["operationId"] for entry in _journal(url)} == {"list_all_limits"}


def test_a_live_run_given_a_read_only_token_judges_a_refused_write(
    url: str, tmp_path: Path
) -> None:
    """A writing run with HUBSPOT_CONTRACT_READONLY_TOKEN: the preflight checks that token too,
    its write is refused (403) and the wrong token's (401), the rule holds, nothing stays."""
    junit = tmp_path / "refusals.xml"
    env = live_env(
        HUBSPOT_CONTRACT_READONLY_TOKEN=READ_ONLY, HUBSPOT_CONTRACT_READ_BACK_WAIT_MS="100"
    )
    done = check("--live", "--base-url", url, "--rule", RULE, "--junit", str(junit), env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert f"HUBSPOT_CONTRACT_READONLY_TOKEN: token: private-app of portal {PORTAL}" in done.stdout
    case = _cases(junit)[(RULE, "associate_default")]
    assert case.find("skipped") is None
    assert case.find("failure") is None
    writes = [(e["method"], e["status"]) for e in _journal(url) if e["method"] != "GET"]
    assert ("PUT", 403) in writes
    assert all(status >= 400 for _, status in writes), writes


def test_a_read_only_token_that_may_write_is_refused(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """HUBSPOT_CONTRACT_READONLY_TOKEN holding crm.objects.contacts.write would make the rule's
    write for real: exit 2 naming the variable, before anything is sent (in-process: the
    command's code, without a process's start-up)."""
    for name, value in live_env(HUBSPOT_CONTRACT_READONLY_TOKEN=CONTACTS_ONLY).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HUBSPOT_CONTRACT_STATE_DIR", str(STATE_DIR))
    assert runner.main(["--live", "--base-url", url]) == 2
    assert (
        "HUBSPOT_CONTRACT_READONLY_TOKEN may write contact associations" in capsys.readouterr().err
    )
    assert _journal(url) == []


@pytest.mark.parametrize(
    ("variables", "code", "said"),
    [
        (
            {"HUBSPOT_ACCESS_TOKEN": "pat-na1-expired-or-revoked"},
            3,
            "refused the token: HUBSPOT_ACCESS_TOKEN is unknown, expired or revoked",
        ),
        (
            {"HUBSPOT_CONTRACT_READONLY_TOKEN": "pat-na1-of-no-portal"},
            2,
            "HUBSPOT_CONTRACT_READONLY_TOKEN is not a live token of this portal",
        ),
    ],
    ids=["access-token", "read-only-token"],
)
def test_a_token_the_introspection_does_not_know_is_refused_before_the_run(
    url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variables: dict[str, str],
    code: int,
    said: str,
) -> None:
    """A token both introspection calls answer 404 for (the emulator's JSON error) is unknown,
    expired or revoked: the run's token exits 3 as a refused token, a read-only token exits 2
    naming its variable; neither is "did not answer the introspection", nothing is sent."""
    for name, value in live_env(**variables).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HUBSPOT_CONTRACT_STATE_DIR", str(STATE_DIR))
    assert runner.main(["--live", "--base-url", url]) == code
    out, err = capsys.readouterr()
    assert said in err
    assert "unknown, expired or revoked" in err
    assert "did not answer" not in out + err
    for token in variables.values():
        assert token not in out + err
    assert _journal(url) == []


def test_only_a_server_without_introspection_goes_on_unchecked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Another server's HTML 404 on both calls: the "not checked" line and the run goes on; the
    same 404s with HubSpot's JSON error body: the token is refused (exit 3)."""
    args = argparse.Namespace()

    def html(request: Seen) -> tuple[int, Any]:
        return 404, b"<html><body>Not Found</body></html>"

    with serve(html) as server:
        assert preflight.check(args, server.url, "pat-na1-x", writing=True).info is None
    assert "token scopes: not checked before the run" in capsys.readouterr().out

    def hubspot(request: Seen) -> tuple[int, Any]:
        return 404, {"status": "error", "message": "not found", "correlationId": "c"}

    with serve(hubspot) as server, pytest.raises(preflight.Refused) as raised:
        preflight.check(args, server.url, "pat-na1-x", writing=True)
    assert raised.value.code == 3
    assert "unknown, expired or revoked" in str(raised.value)


def test_the_scopes_each_operation_needs_follow_the_granular_rule() -> None:
    """Both directions of the run's pair: an association write needs both write scopes, a read
    both types' reads, a call naming no type any CRM object scope."""
    reads = ("crm.objects.contacts.read", "crm.objects.companies.read")
    assert missing_for("associate_default", reads) == [
        "crm.objects.companies.write",
        "crm.objects.contacts.write",
    ]
    assert missing_for("list_labels", ("crm.objects.contacts.write",)) == [
        "crm.objects.companies.read"
    ]
    assert missing_for("list_all_limits", ("crm.objects.deals.read",)) == []
    assert missing_for("list_all_limits", ()) == ["crm.objects.contacts.read"]


def test_a_live_run_without_a_read_only_token_says_why_the_rule_is_not_judged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Against a live target the rule's skipped JUnit case names the variable that would judge it."""
    monkeypatch.setenv("HUBSPOT_CONTRACT_TARGET", "live")
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-anything")
    target.selected.cache_clear()
    verdicts.reset()
    try:
        reason = verdicts.unjudged_reason(RULE)
    finally:
        target.selected.cache_clear()
    assert "HUBSPOT_CONTRACT_READONLY_TOKEN" in reason
    assert reason.startswith("on a live target, needs a writing run")
