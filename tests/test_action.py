"""The GitHub Action (action.yml and action/run.sh) as users reference it: a composite action whose
one script gets every input, whose default package is this release, and whose script refuses bad
inputs before installing anything. Its runs of check from the built wheel, in the embedded and
base-url modes, are in tests/wheel/test_installed_wheel.py (they need the wheel's venv)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubspot_associations import __version__
from tests.action_runner import RUN_SH, action, check_step, env_name, outputs, run_action

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
