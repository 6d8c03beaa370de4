"""The GitHub Action as a runner runs it: action.yml's inputs with their defaults, mapped to the
INPUT_* variables of its one step, and action/run.sh started with the variables a runner sets;
or run.sh started from a shell with only some INPUT_* variables, as its header shows; and a
server that records what reaches it."""

from __future__ import annotations

import socket
import subprocess
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml

__all__ = [
    "ACTION",
    "RUN_SH",
    "Listener",
    "action",
    "check_step",
    "env_name",
    "outputs",
    "run_action",
    "run_locally",
]

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
    return _run_sh(cwd, env)


def run_locally(
    cwd: Path, path: str, variables: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """run.sh in ``cwd`` as a user starts it from a shell: ``variables`` (the INPUT_* they set),
    no runner's variables, no input set that they did not set."""
    return _run_sh(cwd, {"PATH": path, "HOME": str(cwd), **variables})


def _run_sh(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(RUN_SH)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip


def outputs(cwd: Path) -> dict[str, str]:
    """The step's outputs run.sh wrote to $GITHUB_OUTPUT."""
    lines = (cwd / "github_output").read_text("utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


# A portal refusing the token, as HubSpot answers a revoked one.
_REFUSED = (
    b'{"status":"error","message":"Authentication credentials not found.",'
    b'"category":"INVALID_AUTHENTICATION"}'
)
REFUSAL = (
    b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
    + f"Content-Length: {len(_REFUSED)}\r\nConnection: close\r\n\r\n".encode()
    + _REFUSED
)


class Listener:
    """A server on 127.0.0.1 that records the head of every request reaching it (an HTTP
    request, or a proxy's CONNECT) and answers each 401, until the block ends."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.heads: list[str] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # shutdown wakes the blocked accept() (close alone does not on Linux).
        self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()
        self._thread.join(timeout=10)

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(10)
                head = b""
                # A connection counts even if it sends nothing.
                while b"\r\n\r\n" not in head:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                self.heads.append(head.decode("latin-1"))
                connection.sendall(REFUSAL)
