"""The GitHub Action as a runner runs it: action.yml's inputs with their defaults, mapped to the
INPUT_* variables of its one step, and action/run.sh started with the variables a runner sets."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

__all__ = ["ACTION", "RUN_SH", "action", "check_step", "env_name", "outputs", "run_action"]

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
RUN_SH = ROOT / "action" / "run.sh"


def action() -> dict[str, Any]:
    """action.yml as parsed."""
    loaded: dict[str, Any] = yaml.safe_load(ACTION.read_text("utf-8"))
    return loaded


def check_step() -> dict[str, Any]:
    """The Action's step that runs run.sh."""
    [step] = [s for s in action()["runs"]["steps"] if "run" in s]
    found: dict[str, Any] = step
    return found


def env_name(name: str) -> str:
    """The variable action.yml passes an input in: INPUT_ and the name upper-cased, - as _."""
    return "INPUT_" + name.upper().replace("-", "_")


def run_action(
    cwd: Path, path: str, inputs: dict[str, str], **job: str
) -> subprocess.CompletedProcess[str]:
    """run.sh in ``cwd`` with the check step's ``env:`` as a runner fills it (each input's default,
    overridden by ``inputs``), the variables a runner gives a step (its output and summary files,
    the workspace, the action's path) and the job's own environment ``job``; nothing of this
    machine's environment but ``path``."""
    declared = action()["inputs"]
    unknown = set(inputs) - set(declared)
    assert not unknown, f"not inputs of action.yml: {sorted(unknown)}"
    values = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    values.update(inputs)
    (cwd / "github_output").touch()
    env = {
        "PATH": path,
        "HOME": str(cwd),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(cwd),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(cwd / "github_output"),
        "GITHUB_STEP_SUMMARY": str(cwd / "step_summary.md"),
        "RUNNER_TEMP": str(cwd),
        **{
            variable: values[expression.removeprefix("${{ inputs.").removesuffix(" }}")]
            for variable, expression in check_step()["env"].items()
        },
        **job,
    }
    return subprocess.run(["bash", str(RUN_SH)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip


def outputs(cwd: Path) -> dict[str, str]:
    """The step's outputs run.sh wrote to $GITHUB_OUTPUT."""
    lines = (cwd / "github_output").read_text("utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)
