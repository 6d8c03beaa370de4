"""The wheel as users get it: built, installed in a fresh virtual environment outside the
checkout, type-checked from a user's file, its commands run, its imports counted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MYPY = "mypy==2.4.1"
USER_FILE = """
from hubspot_associations import APIStatusError, HubSpotAssociations, RateLimiter, RedisWindow

client = HubSpotAssociations("token", base_url="http://127.0.0.1:9")
page = client.basic.get_page("contact", 1, "company")
reveal_type(page)
for item in client.basic.iter_all("contact", 1, "company"):
    reveal_type(item)
reveal_type(client.raw)
result = client.bulk.associate_default("contact", "company", [(1, 2)])
reveal_type(result)
shared = RateLimiter(100, 10, shared=RedisWindow("redis://127.0.0.1:6379/0", key="portal:app"))
reveal_type(shared.acquire())


def show(error: APIStatusError) -> None:
    reveal_type(error.status_code)
    reveal_type(error.category)
"""


def _uv() -> str:
    found = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    assert Path(found).exists(), "uv is installed by `make install`"
    return found


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the built wheel (every extra) and mypy, nothing else."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([_uv(), "build", "--wheel", "-o", str(work / "dist"), str(ROOT)],
                   check=True, capture_output=True)  # fmt: skip
    [wheel] = (work / "dist").glob("*.whl")
    subprocess.run([_uv(), "venv", "--python", sys.executable, str(work / "venv")],
                   check=True, capture_output=True)  # fmt: skip
    python = work / "venv" / "bin" / "python"
    # The locked versions, so that a new release of an extra's dependency cannot flake CI.
    locked = subprocess.run([_uv(), "export", "--frozen", "--no-hashes", "--all-extras",
                             "--no-emit-project", "--project", str(ROOT)],
                            check=True, capture_output=True, text=True).stdout  # fmt: skip
    (work / "constraints.txt").write_text(locked)
    subprocess.run([_uv(), "pip", "install", "--python", str(python), "-c",
                    str(work / "constraints.txt"), f"{wheel}[cli,emulator,contract,redis,speedups]", MYPY],
                   check=True, capture_output=True)  # fmt: skip
    return work / "venv"


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # No checkout on the path: a clean environment, run from outside the repository.
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_a_users_strict_mypy_sees_real_types(venv: Path, tmp_path: Path) -> None:
    """A user's file passes `mypy --strict` against the installed wheel, with real types."""
    (tmp_path / "user.py").write_text(USER_FILE)
    done = _run(venv, str(venv / "bin" / "mypy"), "--strict", "user.py", cwd=tmp_path)
    out = done.stdout
    assert "error:" not in out, out
    revealed = [line.split("Revealed type is ", 1)[1] for line in out.splitlines()
                if "Revealed type is" in line]  # fmt: skip
    assert len(revealed) == 7, out
    assert not any("Any" in r for r in revealed), revealed
    expected = [
        "CollectionResponseMultiAssociatedObjectWithLabelForwardPaging",
        "MultiAssociatedObjectWithLabel",
        "AuthenticatedClient",
        "BulkResult[tuple[str, str]]",
        "Slot",
        "int",
        "str | None",
    ]
    for shown, name in zip(revealed, expected, strict=True):
        assert name in shown, (shown, name)


@pytest.mark.parametrize(
    "command",
    [
        ["hubspot-associations", "--version"],
        ["hubspot-associations", "releases", "--json"],
        ["hubspot-associations-emulator", "--help"],
        ["hubspot-associations", "check", "--help"],
        ["python", "-m", "hubspot_associations.cli", "--version"],
        ["python", "-m", "hubspot_associations_emulator", "--help"],
    ],
    ids=" ".join,
)
def test_console_scripts_and_modules_run(venv: Path, tmp_path: Path, command: list[str]) -> None:
    """Every entry point of the wheel runs from the installed environment."""
    done = _run(venv, str(venv / "bin" / command[0]), *command[1:], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_importing_the_client_loads_only_httpx_and_attrs(venv: Path, tmp_path: Path) -> None:
    """With every extra installed, `import hubspot_associations` loads nothing outside httpx,
    attrs and their own dependencies."""
    probe = (
        "import importlib.metadata as md, json, re, sys\n"
        "import hubspot_associations\n"
        "def deps(name, seen, extras=False):\n"
        "    try: requires = md.requires(name) or []\n"
        "    except md.PackageNotFoundError: return seen  # a marker left it out\n"
        "    for req in requires:\n"
        "        if 'extra ==' in req and not extras: continue\n"
        "        dep = re.split(r'[ <>=!;\\[]', req, maxsplit=1)[0].lower().replace('_', '-')\n"
        "        if dep not in seen: seen.add(dep); deps(dep, seen)\n"
        "    return seen\n"
        # httpx imports its own command line (click, rich, pygments: its `cli` extra) whenever
        # those happen to be installed, as they are with our [cli] and [emulator] extras.
        "allowed = deps('httpx', {'httpx'}, extras=True) | deps('attrs', {'attrs'})\n"
        "top = {m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names)\n"
        "owners = md.packages_distributions()\n"
        "print(json.dumps({m: [d.lower().replace('_', '-') for d in owners.get(m, [])]"
        " for m in sorted(top)}))\n"
        "print(json.dumps(sorted(allowed)))\n"
    )
    done = _run(venv, str(venv / "bin" / "python"), "-c", probe, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    loaded_line, allowed_line = done.stdout.splitlines()
    loaded, allowed = json.loads(loaded_line), set(json.loads(allowed_line))
    ours = {"hubspot-associations"}
    strays = {m: d for m, d in loaded.items() if d and not set(d) <= allowed | ours}
    assert strays == {}, strays
    assert not {"starlette", "uvicorn", "dateutil", "hubspot_associations_emulator"} & set(loaded)


def test_the_wheel_carries_its_license_and_typing_markers(venv: Path) -> None:
    """py.typed in every package, and the licence, are installed."""
    site = next((venv / "lib").glob("python3*/site-packages"))
    for package in ("hubspot_associations", "hubspot_associations_api",
                    "hubspot_associations_emulator", "hubspot_associations_contract"):  # fmt: skip
        assert (site / package / "py.typed").exists(), package
    assert (site / "hubspot_associations_contract" / "specs" / "v4.yaml").exists()
    assert list(site.glob("hubspot_associations-*.dist-info/licenses/LICENSE"))
    assert os.path.getsize(next(site.glob("hubspot_associations-*.dist-info/METADATA"))) > 0


def test_check_runs_from_the_installed_wheel(venv: Path, tmp_path: Path) -> None:
    """`hubspot-associations check` from the wheel, outside any checkout: the embedded emulator
    passes every rule and a JUnit file has one case per rule and operation."""
    junit = tmp_path / "contract.xml"
    done = _run(venv, str(venv / "bin" / "hubspot-associations"), "check", "--examples", "2",
                "--junit", str(junit), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "seed 20260323" in done.stdout
    root = ET.parse(junit).getroot()
    cases = {(c.get("classname"), c.get("name")) for c in root.iter("testcase")}
    assert root.get("failures") == "0"
    assert ("status.documented", "delete_label") in cases
    assert ("graph.both-directions", "list_associations") in cases
    assert len({rule for rule, _ in cases}) >= 15, sorted(cases)


def test_without_extras_each_command_names_the_extra_it_needs(venv: Path, tmp_path: Path) -> None:
    """The plain wheel (no extras): `check` and the emulator say which extra to install, exit 2,
    no traceback; the client itself imports."""
    [wheel] = (venv.parent / "dist").glob("*.whl")
    plain = tmp_path / "plain"
    subprocess.run([_uv(), "venv", "--python", sys.executable, str(plain)],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run([_uv(), "pip", "install", "--python", str(plain / "bin" / "python"), "-c",
                    str(venv.parent / "constraints.txt"), str(wheel)],
                   check=True, capture_output=True)  # fmt: skip
    for command, extra in (
        (["hubspot-associations", "check"], "[contract]"),
        (["hubspot-associations", "emulator", "serve"], "[emulator]"),
        (["hubspot-associations-emulator", "serve", "--port", "0"], "[emulator]"),
    ):
        done = _run(plain, str(plain / "bin" / command[0]), *command[1:], cwd=tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert extra in done.stderr, (command, done.stderr)
        assert "Traceback" not in done.stderr, command
    imported = _run(plain, str(plain / "bin" / "python"), "-c", "import hubspot_associations",
                    cwd=tmp_path)  # fmt: skip
    assert imported.returncode == 0, imported.stderr


def test_the_shared_budget_and_the_faster_parser_work_from_the_wheel(
    venv: Path, tmp_path: Path
) -> None:
    """With [redis] and [speedups]: two limiters on one key share one window in a real Redis
    server, and pages are parsed by orjson, imported only at the first decode."""
    from benchmarks.redis_server import redis_server

    probe = (
        "import sys\n"
        "from hubspot_associations import RateLimiter, RedisWindow\n"
        "import hubspot_associations_api.types as t\n"
        "assert 'redis' not in sys.modules and 'orjson' not in sys.modules\n"
        "first, second = (RateLimiter(3, 60.0, burst=3, shared=RedisWindow(sys.argv[1], key='k'))"
        " for _ in range(2))\n"
        "waits = [first.reserve(), second.reserve(), first.reserve(), second.reserve()]\n"
        "loads = t.json_loads()\n"
        "print([round(w) for w in waits], loads.__defaults__[0].__module__)\n"
    )
    with redis_server() as server:
        done = _run(venv, str(venv / "bin" / "python"), "-c", probe, server.url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[0,", "0,", "0,", "60]", "orjson"]
