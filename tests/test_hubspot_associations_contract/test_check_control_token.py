"""`check --base-url` against an emulator started with `serve --control-token` (a `serve`
subprocess, as a CI service runs): without the token, or with another one, the command stops
before the run (exit 3) saying how to pass it; `--control-token` where no control API of a user's
emulator is called is a usage error (exit 2); a reproducer's curl script sends the token from
`$HUBSPOT_EMULATOR_CONTROL_TOKEN` to the control API. The run that succeeds with the token is
test_check_command.py's emulator with a rate limit and faults (one suite run for both)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest
from hubspot_associations_contract import runner
from hubspot_associations_contract.reproduce import CONTROL_CURL

from tests.test_hubspot_associations_contract.portal import users_emulator

CONTROL_TOKEN = "ci-control-token"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    """An emulator process whose control API needs CONTROL_TOKEN."""
    with users_emulator("--control-token", CONTROL_TOKEN) as base_url:
        yield base_url


def test_without_the_control_token_the_check_stops_saying_how_to_pass_it(
    url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No token: exit 3 before the run, naming --control-token and the variable; another token
    from $HUBSPOT_EMULATOR_CONTROL_TOKEN: exit 3 saying it is not the emulator's."""
    monkeypatch.delenv("HUBSPOT_EMULATOR_CONTROL_TOKEN", raising=False)
    args = ["--base-url", url, "--operation", "list_labels", "--examples", "1"]
    assert runner.main(args) == 3
    err = capsys.readouterr().err
    assert f"the emulator at {url} refused the control token (401)" in err
    assert "none was given: pass the same with --control-token T or " in err
    assert "$HUBSPOT_EMULATOR_CONTROL_TOKEN" in err
    monkeypatch.setenv("HUBSPOT_EMULATOR_CONTROL_TOKEN", "not-the-one")
    assert runner.main(args) == 3
    assert "the token given is not that one" in capsys.readouterr().err


def test_a_control_token_without_an_emulator_by_url_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--control-token with --live, or without --base-url (the embedded emulator): exit 2, before
    anything starts."""
    for args in (["--live", "--base-url", "http://127.0.0.1:9"], []):
        assert runner.main([*args, "--control-token", CONTROL_TOKEN]) == 2
        err = capsys.readouterr().err
        assert "--control-token is for the control API of an emulator you run" in err


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_a_curl_script_s_control_calls_carry_the_variable_s_token(url: str) -> None:
    """The control arguments of a reproducer's curl script (set -u, as the script runs): with
    $HUBSPOT_EMULATOR_CONTROL_TOKEN the emulator answers 200, without it 401."""
    script = (
        f'set -euo pipefail; curl -sS -o /dev/null -w "%{{http_code}}" {CONTROL_CURL} '
        f'"{url}/_emulator/health"'
    )
    statuses = []
    for env in ({"HUBSPOT_EMULATOR_CONTROL_TOKEN": CONTROL_TOKEN}, {}):
        done = subprocess.run(
            ["bash", "-c", script],
            env={"PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        statuses.append(done.stdout)
    assert statuses == ["200", "401"]
