"""The GitHub Action (action.yml and action/run.sh) as users reference it: a composite action whose
one script gets every input, whose default package is this release, and whose script refuses bad
inputs before installing anything. Its runs of check from the built wheel, in the embedded and
base-url modes, are in tests/wheel/test_installed_wheel.py (they need the wheel's venv)."""

from __future__ import annotations

import os
import re
import socket
import sys
from pathlib import Path

import pytest

from hubspot_associations import __version__
from tests.action_runner import (
    RUN_SH,
    Listener,
    action,
    check_step,
    env_name,
    outputs,
    run_action,
    run_locally,
)

ROOT = RUN_SH.parents[1]
# This repository's venv first: run.sh with install: false finds the package there, as after a
# step that installed it.
VENV_PATH = f"{Path(sys.executable).parent}:{os.environ['PATH']}"

# The only input run.sh does not get: actions/setup-python's step reads it.
SETUP_PYTHON_INPUT = "python-version"


def test_the_action_is_composite_and_every_run_step_calls_run_sh() -> None:
    """action.yml parses, runs as a composite action, and each `run:` step is action/run.sh from
    the action's own folder, in bash."""
    loaded = action()
    assert loaded["runs"]["using"] == "composite"
    runs = [step for step in loaded["runs"]["steps"] if "run" in step]
    assert runs, loaded["runs"]["steps"]
    for step in runs:
        assert step["run"] == 'bash "$GITHUB_ACTION_PATH/action/run.sh"', step
        assert step["shell"] == "bash", step
    assert RUN_SH.is_file()


def test_every_input_reaches_run_sh_as_its_variable() -> None:
    """Each input but python-version is passed to run.sh as INPUT_<NAME>, and the step passes
    nothing else; python-version goes to actions/setup-python, skipped when empty."""
    loaded = action()
    env = check_step()["env"]
    expected = {
        env_name(name): f"${{{{ inputs.{name} }}}}"
        for name in loaded["inputs"]
        if name != SETUP_PYTHON_INPUT
    }
    assert env == expected
    [setup] = [s for s in loaded["runs"]["steps"] if "uses" in s]
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"] == {"python-version": "${{ inputs.python-version }}"}
    assert setup["if"] == "inputs.python-version != ''"


def test_the_outputs_are_what_run_sh_writes() -> None:
    """The Action's outputs read the check step's exit-code, junit and report-dir."""
    declared = action()["outputs"]
    step = check_step()["id"]
    assert {name: spec["value"] for name, spec in declared.items()} == {
        name: f"${{{{ steps.{step}.outputs.{name} }}}}"
        for name in ("exit-code", "junit", "report-dir")
    }
    script = RUN_SH.read_text("utf-8")
    for name in declared:
        assert f"output {name} " in script, name


def test_the_default_package_is_this_release() -> None:
    """The `package` input installs exactly this version's contract extra: a release that bumps
    __version__ without action.yml fails here."""
    assert action()["inputs"]["package"]["default"] == (
        f"hubspot-associations[contract]=={__version__}"
    )


def test_run_sh_never_traces_its_commands() -> None:
    """run.sh holds the live token in a variable: it never turns on `set -x` (which would print
    it), and runs with `set -eu`."""
    script = RUN_SH.read_text("utf-8")
    assert "\nset -eu\n" in script
    commands = [line.split("#", 1)[0] for line in script.splitlines()]
    assert not [line for line in commands if "set -x" in line or "set -o xtrace" in line]


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"mode": "emulator"}, "input mode is 'emulator': write embedded"),
        ({"mode": "base-url"}, "mode base-url needs input base-url"),
        ({"mode": "live"}, "mode live needs input token, mapped from a secret"),
        ({"base-url": "http://127.0.0.1:9"}, "input base-url is for mode base-url or live"),
        ({"install": "sometimes"}, "input install is 'sometimes': write true or false"),
        ({"fail-on-report": "on"}, "input fail-on-report is 'on': write true or false"),
        ({"records": "contact:1;company:2"}, "inputs records and allow-writes are for mode live"),
        ({"package": ""}, "input package is empty"),
        ({"control-token": "c"}, "input control-token is for mode base-url"),
    ],
)
def test_run_sh_refuses_a_bad_input_with_exit_2(
    tmp_path: Path, inputs: dict[str, str], message: str
) -> None:
    """A bad input stops run.sh before anything is installed: exit 2, a GitHub error line naming
    the input and what to write, and exit-code=2 in the step's outputs."""
    done = run_action(tmp_path, os.environ["PATH"], inputs)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"::error title=hubspot-associations action::{message}" in done.stderr, done.stderr
    assert "installing" not in done.stdout
    assert outputs(tmp_path) == {"exit-code": "2"}


def test_run_sh_defaults_are_action_ymls() -> None:
    """run.sh gives each INPUT_* variable left unset exactly action.yml's default for its input
    (a shell outside GitHub sets only some), one line per input."""
    defaults = dict(re.findall(r'^: "\$\{(INPUT_\w+)=(.*)\}"$', RUN_SH.read_text("utf-8"), re.M))
    assert defaults == {
        env_name(name): str(spec.get("default", ""))
        for name, spec in action()["inputs"].items()
        if name != SETUP_PYTHON_INPUT
    }


def test_the_documented_local_command_gets_the_defaults_to_check(tmp_path: Path) -> None:
    """The command docs/contract-ci.md and run.sh's header show for a local run, as written (only
    the variables it names): no input refused, and check gets the Action's defaults, the JUnit
    file and the report folder included."""
    documented = re.findall(
        r"`((?:INPUT_\w+=\S+ )+bash action/run\.sh)`",
        (ROOT / "docs" / "contract-ci.md").read_text("utf-8"),
    )
    header = re.findall(r"^#   ((?:INPUT_\w+=\S+ )+bash action/run\.sh)$",
                        RUN_SH.read_text("utf-8"), re.M)  # fmt: skip
    assert len(documented) == 1, documented
    assert header == documented
    variables = dict(word.split("=", 1) for word in documented[0].split()[:-2])
    # A file where the default report folder goes: check refuses it before the suite runs (a
    # whole run takes 3 s; the built wheel's tests run the suite from run.sh), so its message
    # shows the default reached it.
    (tmp_path / "hubspot-contract").write_text("", "utf-8")
    done = run_locally(tmp_path, VENV_PATH, variables)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "::error" not in done.stderr, done.stderr
    assert (
        "hubspot-associations check --api-version v4 --examples 1 --junit hubspot-contract.xml "
        "--report-dir hubspot-contract\n"
    ) in done.stdout, done.stdout
    assert "--report-dir hubspot-contract is a file: name a directory" in done.stderr


def test_a_live_run_reaches_only_the_base_url_input_with_the_token_input(tmp_path: Path) -> None:
    """Mode live with base-url: the token input goes to the base-url input's server alone; the
    job's HUBSPOT_BASE_URL gets no connection, and the job's other HUBSPOT_* settings (a token,
    records, a seed) do not reach check, which would refuse those. The portal refusing the
    token: exit 3, check's own message, then an error naming the token input."""
    token = "input-token-5c1e"
    with Listener() as portal, Listener() as elsewhere:
        done = run_action(
            tmp_path, VENV_PATH,
            {"mode": "live", "base-url": portal.url, "token": token, "install": "false",
             "examples": "1", "operations": "list_labels"},
            HUBSPOT_BASE_URL=elsewhere.url, HUBSPOT_ACCESS_TOKEN="the-jobs-token",
            HUBSPOT_CONTRACT_RECORDS="not records", HUBSPOT_CONTRACT_SEED="not a seed",
        )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr
    assert elsewhere.heads == []
    assert portal.heads, done.stderr
    # The token's introspection (the preflight) carries it in its path or body instead.
    introspection = (f"GET /oauth/v1/access-tokens/{token} ", "POST /oauth/v2/private-apps/")
    assert all(
        f"\r\nAuthorization: Bearer {token}\r\n" in head or head.startswith(introspection)
        for head in portal.heads
    )
    # The token reached the portal (its introspection refused it before the probe was sent).
    assert any(token in head for head in portal.heads)
    assert f"hubspot-associations check --live --base-url {portal.url} " in done.stdout
    assert token not in done.stdout + done.stderr
    assert (
        "::notice title=hubspot-associations action::not used: the job's HUBSPOT_ACCESS_TOKEN "
        "HUBSPOT_BASE_URL HUBSPOT_CONTRACT_RECORDS HUBSPOT_CONTRACT_SEED ("
    ) in done.stdout, done.stdout
    assert "refused the token: HUBSPOT_ACCESS_TOKEN is unknown, expired or revoked" in done.stderr
    assert (
        "::error title=hubspot-associations action::check exited 3: "
        f"{portal.url} is unreachable or refused the token"
    ) in done.stderr
    assert "In this Action the token is input token, not HUBSPOT_ACCESS_TOKEN" in done.stderr
    assert outputs(tmp_path)["exit-code"] == "3"


def test_a_live_run_without_base_url_goes_to_hubspot_not_the_jobs_base_url(
    tmp_path: Path,
) -> None:
    """Mode live without base-url checks https://api.hubapi.com, named on the command line: the
    job's HUBSPOT_BASE_URL gets no connection; the job's HTTPS proxy (a listener here, so nothing
    leaves the machine) is asked for api.hubapi.com and refuses, so the target is unreachable."""
    with Listener() as proxy, Listener() as elsewhere:
        done = run_action(
            tmp_path, VENV_PATH,
            {"mode": "live", "token": "input-token-5c1e", "install": "false",
             "operations": "list_labels"},
            HUBSPOT_BASE_URL=elsewhere.url, HTTPS_PROXY=proxy.url,
        )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr
    assert elsewhere.heads == []
    assert [head.split("\r\n", 1)[0] for head in proxy.heads] == [
        "CONNECT api.hubapi.com:443 HTTP/1.1"
    ]
    assert "hubspot-associations check --live --base-url https://api.hubapi.com " in done.stdout
    assert "the target is input base-url (empty: https://api.hubapi.com)" in done.stderr


def test_an_unreachable_emulator_names_the_base_url_and_token_inputs(tmp_path: Path) -> None:
    """Mode base-url, an address where no emulator listens: check exits 3 (unreachable) and
    run.sh's error names the token and base-url inputs, not HUBSPOT_ACCESS_TOKEN."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
        done = run_action(
            tmp_path, VENV_PATH, {"mode": "base-url", "base-url": url, "install": "false"}
        )
    assert done.returncode == 3, done.stdout + done.stderr
    assert f"the emulator at {url} is unreachable" in done.stderr
    assert (
        f"::error title=hubspot-associations action::check exited 3: {url} is unreachable or "
        "refused the token (check's message above says which). In this Action the token is "
        "input token, not HUBSPOT_ACCESS_TOKEN: the token the emulator was started with"
    ) in done.stderr
    assert outputs(tmp_path)["exit-code"] == "3"
