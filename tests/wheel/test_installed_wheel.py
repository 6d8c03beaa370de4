"""The wheel as users get it: built, installed in a fresh virtual environment outside the
checkout, type-checked from a user's file, its commands run, its imports counted."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from tests.action_runner import outputs, run_action
from tests.mutants.running import serve_mutant
from tests.test_hubspot_associations.cli.cli_helpers import typed_state
from tests.test_hubspot_associations_contract.portal import live_env, users_emulator

ROOT = Path(__file__).resolve().parents[2]
MYPY = "mypy==2.4.1"
# Only for the plugin's test under pytest-asyncio (the repository itself does not use it).
PYTEST_ASYNCIO = "pytest-asyncio==1.5.0"
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
                    str(work / "constraints.txt"), f"{wheel}[cli,emulator,contract,redis,speedups,celery]", MYPY,
                    # A user's test environment: xdist, HubSpot's client, pytest-asyncio.
                    "pytest-xdist", "hubspot-api-client", PYTEST_ASYNCIO,
                    # pip alone (not `uv venv --seed`, whose setuptools loads _distutils_hack at
                    # every start): the GitHub Action's script installs with pip, as on a runner.
                    "pip"],
                   check=True, capture_output=True)  # fmt: skip
    return work / "venv"


def _mypy_strict(venv: Path) -> list[str]:
    """The venv's `mypy --strict`, with one cache for the file's runs: the installed packages are
    analysed once instead of cold in each test (mypy's cache is keyed by each file's contents and
    the options, so a shared one changes no verdict)."""
    return [str(venv / "bin" / "mypy"), "--cache-dir", str(venv.parent / "mypy-cache"), "--strict"]


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # No checkout on the path: a clean environment, run from outside the repository.
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_a_users_strict_mypy_sees_real_types(venv: Path, tmp_path: Path) -> None:
    """A user's file passes `mypy --strict` against the installed wheel, with real types."""
    (tmp_path / "user.py").write_text(USER_FILE)
    done = _run(venv, *_mypy_strict(venv), "user.py", cwd=tmp_path)
    out = done.stdout
    assert "error:" not in out, out
    revealed = [line.split("Revealed type is ", 1)[1] for line in out.splitlines()
                if "Revealed type is" in line]  # fmt: skip
    assert len(revealed) == 7, out
    assert not any("Any" in r for r in revealed), revealed
    expected = [
        "AssociatedRecordPage",
        "AssociatedRecord",
        "AuthenticatedClient",
        "BulkResult[tuple[str, str]]",
        "Slot",
        "int",
        "str | None",
    ]
    for shown, name in zip(revealed, expected, strict=True):
        assert name in shown, (shown, name)


# A pinned user's file on the models' names before 0.2, one per import site: each old name is
# imported, checked to be (a subclass of) its new class for the type checker and to be the new
# class at run time, where importing it warns. Written out from the checkout's RENAMED table.
OLD_NAMES_FILE = """
import json
import warnings
from typing import Any

import {site}
from hubspot_associations_api.models import {new}

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from {site} import {old}

{typed}


def read(payload: dict[str, Any]) -> AssociatedRecord:
    record = MultiAssociatedObjectWithLabel.from_dict(payload)
    reveal_type(record.to_object_id)
    reveal_type(record.association_types)
    return record


def first(page: CollectionResponseMultiAssociatedObjectWithLabelForwardPaging) -> AssociatedRecordPage:
    return page


print(json.dumps({{
    "same": [name for name, (old, new) in PAIRS.items() if old is new],
    "warned": [[w.category.__name__, str(w.message)] for w in caught],
}}))
"""


def _old_names_file(site: str) -> str:
    from hubspot_associations_api.models import RENAMED

    old = sorted(RENAMED)
    typed = "\n".join(f"as_new_{i}: type[{RENAMED[n]}] = {n}" for i, n in enumerate(old))
    pairs = ", ".join(f"{n!r}: ({n}, {RENAMED[n]})" for n in old)
    return OLD_NAMES_FILE.format(
        site=site,
        old=", ".join(old),
        new=", ".join(sorted(set(RENAMED.values()))),
        typed=f"{typed}\nPAIRS: dict[str, tuple[type[Any], type[Any]]] = {{{pairs}}}",
    )


def test_old_model_names_type_check_as_deprecated_and_warn_at_run_time(
    venv: Path, tmp_path: Path
) -> None:
    """A pinned user's file on every old model name, from hubspot_associations and from
    hubspot_associations_api.models, passes `mypy --strict` with the new classes' types; with
    `--enable-error-code deprecated` mypy reports each old name, naming its new one; at run time
    each import warns (DeprecationWarning) and gives the new class itself."""
    from hubspot_associations_api.models import RENAMED

    sites = {"top": "hubspot_associations", "models": "hubspot_associations_api.models"}
    for name, site in sites.items():
        (tmp_path / f"old_{name}.py").write_text(_old_names_file(site))
    files = [f"old_{name}.py" for name in sites]
    # One mypy run: enabling the `deprecated` code only adds errors of that code, so "every error
    # is [deprecated]" is "plain `mypy --strict` passes" (one cold run of the venv's mypy saved).
    flagged = _run(venv, *_mypy_strict(venv), "--enable-error-code", "deprecated", *files,
                   cwd=tmp_path)  # fmt: skip
    revealed = [line.split("Revealed type is ", 1)[1] for line in flagged.stdout.splitlines()
                if "Revealed type is" in line]  # fmt: skip
    assert revealed == ['"str"', '"list[hubspot_associations_api.models'
                        '.association_spec_with_label.AssociationSpecWithLabel]"'] * 2, revealed  # fmt: skip
    errors = [line for line in flagged.stdout.splitlines() if ": error: " in line]
    assert errors, flagged.stdout
    assert all(line.endswith("[deprecated]") for line in errors), errors
    for file in files:
        reported = {
            line.split(" class hubspot_associations_api.models.", 1)[1].split(" ", 1)[0]: line
            for line in errors
            if line.startswith(f"{file}:")
        }
        assert set(reported) == set(RENAMED), (file, set(RENAMED) ^ set(reported))
        for old, line in reported.items():
            assert f"{old} is deprecated: it is now called {RENAMED[old]} (" in line, line
    for name in sites:
        ran = _run(venv, str(venv / "bin" / "python"), f"old_{name}.py", cwd=tmp_path)
        assert ran.returncode == 0, ran.stderr
        seen = json.loads(ran.stdout)
        assert sorted(seen["same"]) == sorted(RENAMED), (name, seen["same"])
        # Both sites are packages: importlib's from-list probe and the import itself each warn.
        warned = {message.split(" ", 1)[0] for _, message in seen["warned"]}
        assert warned == set(RENAMED), (name, set(RENAMED) ^ warned)
        for kind, message in seen["warned"]:
            old = message.split(" ", 1)[0]
            assert kind == "DeprecationWarning", (old, kind)
            assert f"{old} is deprecated: it is now called {RENAMED[old]} (" in message, message


USER_APP = Path(__file__).with_name("user_app.py")
# Runs the user's app from the venv against the installed emulator, once per HubSpot release and
# v4 profile; prints what the app saw and the statuses each batch create got, one line each.
APP_RUNNER = """
import json, sys, urllib.request, warnings
warnings.simplefilter("error")  # the app uses no deprecated name
from hubspot_associations import API_VERSIONS
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread
import user_app
for profile in ("current", "2025-10"):
    with serve_in_thread(EmulatorConfig(profile=profile, numeric_ids=True)) as em:
        for release in API_VERSIONS:
            urllib.request.urlopen(urllib.request.Request(em.base_url + "/_emulator/reset", method="POST"))
            seen = user_app.run(em.base_url, em.token, release)
            lines = urllib.request.urlopen(em.base_url + "/_emulator/journal.jsonl").read().splitlines()
            statuses = sorted({e["status"] for e in map(json.loads, lines)
                               if e["operationId"] == "batch_create_associations"})
            print(json.dumps({"profile": profile, "statuses": statuses, **seen}))
"""


def test_a_users_app_holds_every_answer_without_unset_or_narrowing(
    venv: Path, tmp_path: Path
) -> None:
    """The user's app (tests/wheel/user_app.py) passes `mypy --strict` against the installed
    wheel, and its code imports nothing of hubspot_associations_api and names no Unset, no
    isinstance and no cast."""
    tree = ast.parse(USER_APP.read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {"Unset", "UNSET", "isinstance", "cast"} & names
    assert not [m for m in modules if m.startswith("hubspot_associations_api")], modules
    assert "assert_type" in names
    shutil.copy(USER_APP, tmp_path / "user_app.py")
    done = _run(venv, *_mypy_strict(venv), "user_app.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found in 1 source file" in done.stdout


def test_a_users_app_runs_unchanged_on_every_release_and_profile(
    venv: Path, tmp_path: Path
) -> None:
    """The same app against the installed emulator on every release and v4 profile: the same
    answers everywhere, and one model class per batch answer whether HubSpot said 201, 207 or
    200 with the failed input inside."""
    shutil.copy(USER_APP, tmp_path / "user_app.py")
    done = _run(venv, str(venv / "bin" / "python"), "-c", APP_RUNNER, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    runs = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(runs) == 2 * 4, done.stdout
    statuses = set()
    for run in runs:
        statuses |= set(run["statuses"])
        assert run["types"] == ["DefaultAssociationBatch", "AssociatedRecordPage"]
        assert run["batch_types"] == ["LabelsBetweenObjectPairBatch"], run
        assert run["read_type"] == "RecordAssociationsBatch"
        assert run["limit_types"] == ["AssociationLimitBatch", "AssociationLimitUpdateBatch"]
        assert run["async_types"] == ["LabelsBetweenObjectPairBatch", "RecordAssociationsBatch"]
        # The failed input is reported with the status HubSpot used for the whole batch.
        in_200 = run["release"] == "2026-09" or (run["release"], run["profile"]) == (
            "v4",
            "2025-10",
        )
        assert run["bulk"][5] == (200 if in_200 else 207), run
        assert run["statuses"] == ([200] if in_200 else [201, 207]), run
    assert statuses == {200, 201, 207}

    def answers(run: dict[str, object]) -> dict[str, object]:
        bulk = list(run["bulk"])  # type: ignore[call-overload]
        bulk[5] = "status"
        keep = {k: v for k, v in run.items() if k not in {"release", "profile", "statuses"}}
        return {**keep, "bulk": bulk}

    first = answers(runs[0])
    assert first["basic"][:3] == [["1", "10"], ["Primary"], "10"]  # type: ignore[index]
    assert first["batch"][2:4] == [2, True]  # type: ignore[index]
    for run in runs[1:]:
        assert answers(run) == first, (run["release"], run["profile"])


USER_OPTIONS = Path(__file__).with_name("user_options.py")
# Runs the user's file with per-call options against the installed emulator; prints what its raw
# views showed and the journal (request headers, answer correlation IDs) as one JSON object.
OPTIONS_RUNNER = """
import json, urllib.request
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread
import user_options
with serve_in_thread(EmulatorConfig()) as em:
    urllib.request.urlopen(urllib.request.Request(em.base_url + "/_emulator/rate-limit",
        data=b'{"requests": 500, "seconds": 10}', method="PUT",
        headers={"Content-Type": "application/json"}))
    seen = user_options.run(em.base_url, em.token)
    lines = urllib.request.urlopen(em.base_url + "/_emulator/journal.jsonl").read().splitlines()
    print(json.dumps({"seen": seen, "journal": [json.loads(line) for line in lines]}))
"""


def test_a_users_per_call_options_type_check_and_reach_the_emulator(
    venv: Path, tmp_path: Path
) -> None:
    """The user's file with timeout=, extra_headers=, with_options and the raw view passes
    `mypy --strict`; run against the installed emulator, each extra header arrives (read back
    from the request journal) and the raw view shows the answer's correlation ID."""
    shutil.copy(USER_OPTIONS, tmp_path / "user_options.py")
    checked = _run(venv, *_mypy_strict(venv), "user_options.py", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    done = _run(venv, str(venv / "bin" / "python"), "-c", OPTIONS_RUNNER, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    out = json.loads(done.stdout)
    seen, journal = out["seen"], out["journal"]

    def header(entry: dict[str, object], name: str, where: str = "requestHeaders") -> str | None:
        pairs = entry[where]
        assert isinstance(pairs, list)
        return next((v for k, v in pairs if k.lower() == name), None)

    by_operation: dict[str, list[dict[str, object]]] = {}
    for entry in journal:
        by_operation.setdefault(str(entry["operationId"]), []).append(entry)
    [default] = by_operation["associate_default"]
    assert header(default, "x-job-id") == "nightly-42"
    bulk, single = (
        by_operation["batch_create_associations"][:2],
        by_operation["batch_create_associations"][2],
    )
    for chunk in bulk:  # one request per chunk, each with the copy's and the call's headers
        assert (header(chunk, "x-job-id"), header(chunk, "x-team")) == ("nightly-42", "crm")
    assert (header(single, "x-job-id"), header(single, "x-team")) == (None, "crm")
    [page] = by_operation["list_associations"]
    assert header(page, "x-job-id") == "nightly-42"
    assert seen["page"]["correlation_id"] == header(
        page, "x-hubspot-correlation-id", "responseHeaders"
    )
    assert seen["page"]["status"] == 200
    assert seen["page"]["to"] == ["2", "3", "4"]
    assert seen["page"]["rate_limits"]["max"] == 500
    assert seen["batch"]["status"] == 201
    assert seen["batch"]["correlation_id"] == header(
        single, "x-hubspot-correlation-id", "responseHeaders"
    )
    assert seen["bulk_done"] == [["1", "3"], ["1", "4"]]
    [labels] = by_operation["list_labels"]
    assert header(labels, "x-job-id") == "nightly-42"
    assert seen["async_labels"]["correlation_id"] == header(
        labels, "x-hubspot-correlation-id", "responseHeaders"
    )
    assert all(header(e, "authorization") is None for e in journal)


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
    """The plain wheel (no extras): `check`, the emulator and `worker` say which extra to install, exit 2,
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
        (["hubspot-associations", "proxy"], "[contract]"),
        (["hubspot-associations", "emulator", "serve"], "[emulator]"),
        (["hubspot-associations-emulator", "serve", "--port", "0"], "[emulator]"),
        (["hubspot-associations", "worker", "--broker", "redis://127.0.0.1:9/0"], "[celery]"),
    ):
        done = _run(plain, str(plain / "bin" / command[0]), *command[1:], cwd=tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert extra in done.stderr, (command, done.stderr)
        assert "Traceback" not in done.stderr, command
    imported = _run(plain, str(plain / "bin" / "python"), "-c", "import hubspot_associations",
                    cwd=tmp_path)  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    # migrate-report's replay imports the emulator inside the command: with the [cli] extra's
    # rich and no [emulator] extra, the command line and its help (which lists it) work.
    subprocess.run([_uv(), "pip", "install", "--python", str(plain / "bin" / "python"), "-c",
                    str(venv.parent / "constraints.txt"), "rich"],
                   check=True, capture_output=True)  # fmt: skip
    helped = _run(plain, str(plain / "bin" / "hubspot-associations"), "--help", cwd=tmp_path)
    assert helped.returncode == 0, helped.stderr
    assert "migrate-report" in helped.stdout
    # The plugin's entry point reaches plain installs too: an unrelated suite still runs green,
    # and a fixture used there fails its test with the install line.
    subprocess.run([_uv(), "pip", "install", "--python", str(plain / "bin" / "python"), "-c",
                    str(venv.parent / "constraints.txt"), "pytest"],
                   check=True, capture_output=True)  # fmt: skip
    (tmp_path / "test_unrelated.py").write_text(
        "def test_one():\n    assert 1 + 1 == 2\n\n\n"
        "def test_uses_the_fixture(hubspot_emulator):\n    pass\n"
    )
    done = _run(plain, str(plain / "bin" / "pytest"), "-q", "-p", "no:cacheprovider",
                "test_unrelated.py", cwd=tmp_path)  # fmt: skip
    assert "1 passed, 1 error" in done.stdout, done.stdout
    assert "During handling" not in done.stdout, done.stdout
    assert "pip install 'hubspot-associations[emulator]'" in done.stdout, done.stdout
    assert "Traceback" not in done.stdout
    green = _run(plain, str(plain / "bin" / "pytest"), "-q", "-p", "no:cacheprovider",
                 "test_unrelated.py::test_one", cwd=tmp_path)  # fmt: skip
    assert green.returncode == 0, green.stdout


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


def test_a_fleet_worker_and_associate_broker_from_the_wheel(venv: Path, tmp_path: Path) -> None:
    """With [celery]: `hubspot-associations worker` (prefork) and `associate --broker` as a user
    runs them, against a real Redis and the wheel's emulator: every pair done, the results file
    written from the ledger."""
    from tests.fleet_support import redis_server

    cli = str(venv / "bin" / "hubspot-associations")
    server, url = _serve(venv, tmp_path)
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path),
           "HUBSPOT_ACCESS_TOKEN": "emulator-token", "HUBSPOT_BASE_URL": url,
           "HUBSPOT_ASSOCIATIONS_RATE_LIMIT": "1000/10"}  # fmt: skip
    (tmp_path / "pairs.csv").write_text("from_id,to_id\n" + "".join(
        f"{100 + n},{900 + n % 3}\n" for n in range(20)))  # fmt: skip
    try:
        with redis_server() as redis, (tmp_path / "worker.log").open("wb") as log:
            worker = subprocess.Popen(
                [cli, "worker", "--broker", redis.url, "--processes", "1"], cwd=tmp_path,
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            try:
                deadline = time.monotonic() + 60
                while b" ready." not in (tmp_path / "worker.log").read_bytes():
                    assert worker.poll() is None, (tmp_path / "worker.log").read_text()
                    assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
                    time.sleep(0.1)
                done = subprocess.run(
                    [cli, "associate", "pairs.csv", "--from", "contact", "--to", "company",
                     "--broker", redis.url], cwd=tmp_path, env=env, capture_output=True,
                    text=True, timeout=120, check=False,
                )  # fmt: skip
            finally:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert "20 done, 0 failed" in done.stdout
    assert re.search(r"job [0-9a-f]+: 20 input\(s\) in 1 chunk\(s\) sent to the fleet", done.stderr)
    results = (tmp_path / "pairs.csv.associate-contact-company.results.jsonl").read_text()
    assert [json.loads(line)["status"] for line in results.splitlines()[1:]] == ["done"] * 20


USERS_TESTS = {
    "test_app_first.py": """
import os

from hubspot_associations import HubSpotAssociations


def _note(url: str) -> None:
    with open(os.environ["URLS_FILE"], "a") as out:
        out.write(f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')} {url}\\n")


def test_writes(hubspot_emulator, hubspot_client: HubSpotAssociations) -> None:
    hubspot_client.basic.associate_default("contact", 1, "company", 10)
    assert len(hubspot_client.basic.get_page("contact", 1, "company").results) == 1
    _note(hubspot_emulator.base_url)


def test_state_is_gone(hubspot_emulator, hubspot_client: HubSpotAssociations) -> None:
    assert hubspot_client.basic.get_page("contact", 1, "company").results == []
    _note(hubspot_emulator.base_url)
""",
    "test_app_second.py": """
import os

import hubspot
import pytest
from hubspot.crm.associations import v4

from hubspot_associations_emulator.control_client import AimedFault, SeedLabel


def _note(url: str) -> None:
    with open(os.environ["URLS_FILE"], "a") as out:
        out.write(f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')} {url}\\n")


def test_hubspots_official_client(hubspot_emulator) -> None:
    hubspot_emulator.control.seed(labels=[SeedLabel("contact", "company", "buyer", "Buyer")])
    official = hubspot.HubSpot(access_token=hubspot_emulator.token, host=hubspot_emulator.base_url)
    basic = official.crm.associations.v4.basic_api
    basic.create("contact", "1", "company", "10", [v4.AssociationSpec("USER_DEFINED", 1200)])
    page = basic.get_page("contact", "1", "company")
    assert [t.label for t in page.results[0].association_types] == [None, "Buyer"]
    _note(hubspot_emulator.base_url)


@pytest.mark.hubspot_emulator(release="2026-03", script=[AimedFault("cut", "delete_label")])
def test_marker_and_lost_answer(hubspot_emulator, hubspot_client) -> None:
    made = hubspot_client.labels.create("contact", "company", name="buyer", label="Buyer")
    hubspot_client.labels.delete("contact", "company", made[0].type_id)
    assert hubspot_emulator.control.faults().script[0].fired == 1
    assert [t.label for t in hubspot_client.labels.list("contact", "company")] == ["Primary", None]
    _note(hubspot_emulator.base_url)
""",
    "test_app_async.py": """
import pytest


@pytest.mark.asyncio
async def test_under_pytest_asyncio(async_hubspot_client) -> None:
    await async_hubspot_client.basic.associate_default("contact", 1, "company", 10)
    page = await async_hubspot_client.basic.get_page("contact", 1, "company")
    assert [p.to_object_id for p in page.results] == ["10"]


@pytest.mark.anyio
async def test_under_anyio(async_hubspot_client) -> None:
    page = await async_hubspot_client.basic.get_page("contact", 1, "company")
    assert page.results == []
""",
}


def _urls(path: Path) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}
    for line in path.read_text().splitlines():
        worker, url = line.split()
        seen.setdefault(worker, set()).add(url)
    return seen


@pytest.mark.parametrize("workers", [None, "2"], ids=["plain", "xdist-2"])
def test_a_users_suite_runs_on_the_plugins_fixtures(
    venv: Path, tmp_path: Path, workers: str | None
) -> None:
    """A user's test files using only the documented fixtures (this package's client, HubSpot's
    official client, the marker, the async client under pytest-asyncio and anyio) pass under
    plain pytest and under -n 2: one emulator per worker, emptied between tests."""
    for name, text in USERS_TESTS.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --strict-markers\n")
    urls = tmp_path / "urls.txt"
    args = ["-q", "-p", "no:cacheprovider"]
    if workers:
        args += ["-n", workers, "--dist", "loadfile"]
    env_run = _run(venv, "/usr/bin/env", f"URLS_FILE={urls}", str(venv / "bin" / "pytest"), *args,
                   cwd=tmp_path)  # fmt: skip
    assert env_run.returncode == 0, env_run.stdout[-4000:] + env_run.stderr[-2000:]
    assert "6 passed" in env_run.stdout, env_run.stdout[-2000:]
    seen = _urls(urls)
    assert all(len(found) == 1 for found in seen.values()), seen  # one server per worker
    assert len(seen) == (2 if workers else 1), seen
    assert len(set().union(*seen.values())) == len(seen)


def test_a_users_control_client_file_passes_mypy_strict(venv: Path, tmp_path: Path) -> None:
    """A user's test file typed against the plugin and the control client passes mypy --strict
    and runs: the marker's portal= and scopes= give its client a read-only token of portal 42,
    whose write is a PermissionDeniedError naming the scope to add."""
    (tmp_path / "test_typed.py").write_text(
        "import pytest\n"
        "from hubspot_associations import HubSpotAssociations, PermissionDeniedError\n"
        "from hubspot_associations_emulator.control_client import (\n"
        "    AimedFault, EmulatorToken, RequestCounts, SeedAssociation, SeedLabel, Seeded,\n"
        "    Snapshot)\n"
        "from hubspot_associations_pytest import HubSpotEmulator\n\n\n"
        "@pytest.mark.hubspot_emulator(portal=42, scopes=['crm.objects.contacts.read',\n"
        "                                                 'crm.objects.companies.read'])\n"
        "def test_read_only(hubspot_emulator: HubSpotEmulator,\n"
        "                   hubspot_client: HubSpotAssociations) -> None:\n"
        "    with pytest.raises(PermissionDeniedError) as refused:\n"
        "        hubspot_client.basic.associate_default('contact', 1, 'company', 10)\n"
        "    assert refused.value.required_scopes == ['crm.objects.contacts.write']\n"
        "    tokens: list[EmulatorToken] = hubspot_emulator.control.tokens(42)\n"
        "    assert [t.token for t in tokens] == [hubspot_emulator.token]\n"
        "    assert hubspot_emulator.portal_id == 42\n\n\n"
        "def test_typed(hubspot_emulator: HubSpotEmulator, hubspot_client: HubSpotAssociations)"
        " -> None:\n"
        "    seeded: Seeded = hubspot_emulator.control.seed(\n"
        "        labels=[SeedLabel('contact', 'company', 'b', 'B')],\n"
        "        associations=[SeedAssociation('contact', 1, 'company', 2)])\n"
        "    saved: Snapshot = hubspot_emulator.control.snapshot()\n"
        "    hubspot_emulator.control.set_faults(script=[AimedFault('drop', 'list_labels')])\n"
        "    counts: RequestCounts = hubspot_emulator.control.requests()\n"
        "    hubspot_emulator.control.restore(saved)\n"
        "    assert seeded.labels['b'] and counts.received >= 0\n"
    )
    done = _run(venv, *_mypy_strict(venv), "test_typed.py", cwd=tmp_path)
    assert "Success" in done.stdout, done.stdout
    ran = _run(venv, str(venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider", "test_typed.py",
               cwd=tmp_path)  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-3000:]


USERS_WEBHOOK_TEST = """
import pytest
from starlette_app import AssociationStore, make_app

from hubspot_associations import HubSpotAssociations
from hubspot_associations.webhooks import AssociationChangeEvent
from hubspot_associations_pytest import HubSpotWebhooks


@pytest.mark.hubspot_emulator(webhook_duplicates=True, webhook_signature="v2")
def test_my_handler(hubspot_webhooks: HubSpotWebhooks,
                    hubspot_client: HubSpotAssociations) -> None:
    store = AssociationStore()
    hubspot_webhooks.send_to(make_app(hubspot_webhooks.client_secret, store))
    hubspot_client.basic.associate_default("contact", 1, "company", 10)
    events: list[AssociationChangeEvent] = hubspot_webhooks.wait_for(4)
    hubspot_webhooks.flush()
    assert store.associations == {("CONTACT_TO_COMPANY", "1", "10"),
                                  ("COMPANY_TO_CONTACT", "10", "1")}
    assert store.seen == {e.event_id for e in events}
    assert store.duplicates == 4
"""


def test_a_users_starlette_webhook_handler_is_tested_through_the_fixture(
    venv: Path, tmp_path: Path
) -> None:
    """The Starlette example, copied out of the checkout as a user's app, and a user's test of it
    through the hubspot_webhooks fixture (duplicates on, v2 signatures) pass `mypy --strict` and
    the venv's pytest: the app verified and recorded the emulator's real deliveries."""
    shutil.copy(ROOT / "examples" / "webhooks" / "starlette_app.py", tmp_path)
    (tmp_path / "test_webhooks.py").write_text(USERS_WEBHOOK_TEST)
    checked = _run(venv, *_mypy_strict(venv), "starlette_app.py", "test_webhooks.py",
                   cwd=tmp_path)  # fmt: skip
    assert "Success" in checked.stdout, checked.stdout
    ran = _run(venv, str(venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider",
               "test_webhooks.py", cwd=tmp_path)  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-3000:]
    assert "1 passed" in ran.stdout, ran.stdout[-2000:]


def test_the_emulator_as_a_ci_service_for_code_in_other_languages(
    venv: Path, tmp_path: Path
) -> None:
    """The docs' CI-service recipe: `serve --host H --port P` from the wheel with the control
    token in HUBSPOT_EMULATOR_CONTROL_TOKEN, health probed from another process: 401 without the
    token, 200 with it. (The docs say 0.0.0.0 for a service container; tests here bind
    loopback.)"""
    from benchmarks.loopback import free_port

    port = free_port()
    env = {**os.environ, "HUBSPOT_EMULATOR_CONTROL_TOKEN": "ci-secret"}
    with (tmp_path / "serve.log").open("w") as log:
        server = subprocess.Popen(
            [str(venv / "bin" / "hubspot-associations"), "emulator", "serve", "--host",
             "127.0.0.1", "--port", str(port)], stdout=log, stderr=log, cwd=tmp_path, env=env,
        )  # fmt: skip
        try:
            probe = (
                "import sys, time, httpx\n"
                "url = sys.argv[1] + '/_emulator/health'\n"
                "for _ in range(300):\n"
                "    try:\n"
                "        r = httpx.get(url, timeout=2)\n"
                "        print(r.status_code)\n"
                "        r = httpx.get(url, headers={'Authorization': 'Bearer ci-secret'})\n"
                "        print(r.status_code, r.json()); break\n"
                "    except httpx.HTTPError:\n"
                "        time.sleep(0.1)\n"
            )
            done = _run(venv, str(venv / "bin" / "python"), "-c", probe,
                        f"http://127.0.0.1:{port}", cwd=tmp_path)  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert done.stdout.split("\n", 1) == ["401", "200 {'status': 'ok'}\n"], (
        done.stdout + done.stderr
    )


LIMITS_USAGE_APP = """
import json
import subprocess
import sys
from pathlib import Path

from hubspot_associations import (
    AssociationRecordLimitUsage, ClientValidationError, HubSpotAssociations)
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

config = EmulatorConfig(record_limits=(("0-1", "0-3", 2),))
with serve_in_thread(config) as server:
    with HubSpotAssociations(server.token, base_url=server.base_url, rate_limit=None,
                             api_version="2025-09") as client:
        client.labels.create("contacts", "companies", name="buyer", label="Buyer")
        for deal in (41, 42):
            client.basic.associate_default("contact", 3, "deal", deal)
        deals: AssociationRecordLimitUsage = client.limits.usage.records("contacts", "deals")
        assert (deals.limit, deals.total_records_at_limit) == (2, 1), deals
        sample_id: str = deals.at_limit_from_record_samples[0].object_id
        assert sample_id == "3"
        try:
            client.limits.usage.record_targets("p_cars")
        except ClientValidationError as error:
            assert "type ID" in str(error)
        else:
            raise AssertionError("a custom object by name was sent")
    cli = str(Path(sys.executable).parent / "hubspot-associations")
    env = {"HUBSPOT_ACCESS_TOKEN": server.token, "HUBSPOT_BASE_URL": server.base_url}
    done = subprocess.run([cli, "limits", "usage", "labels", "--json", "--api-version", "2025-09"],
                          capture_output=True, text=True, env=env, check=True)
    (pair,) = [p for p in json.loads(done.stdout) if p["fromObjectType"]["objectTypeId"] == "0-1"]
    assert (pair["usage"], pair["allLabels"]) == (1, ["Buyer"]), pair
    releases = subprocess.run([cli, "releases", "--json"], capture_output=True, text=True,
                              check=True)
    beta = [r["release"] for r in json.loads(releases.stdout) if r["beta"]]
    assert beta == ["2025-09"], beta
print("limits usage ok")
"""


def test_limits_usage_and_2025_09_from_the_installed_wheel(venv: Path, tmp_path: Path) -> None:
    """A user's file on api_version="2025-09" reads limits usage from an emulator with a pair
    limit, the installed CLI prints label usage as JSON and names 2025-09 as the beta, and the
    file passes mypy --strict."""
    (tmp_path / "usage_app.py").write_text(LIMITS_USAGE_APP)
    done = _run(venv, str(venv / "bin" / "python"), "usage_app.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "limits usage ok" in done.stdout
    typed = _run(venv, *_mypy_strict(venv), "usage_app.py", cwd=tmp_path)
    assert typed.returncode == 0, typed.stdout


RECORD_TRAFFIC = """
import sys
from pathlib import Path

import httpx
from hubspot_associations import AssociationType, HubSpotAssociations
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

with serve_in_thread(EmulatorConfig()) as server:
    for name in ("lists", "unchanged"):
        httpx.post(f"{server.base_url}/_emulator/reset")
        with HubSpotAssociations(server.token, base_url=server.base_url, rate_limit=None) as c:
            if name == "lists":
                c.basic.associate_default("contact", 1, "company", 2)
                c.basic.get_page("contact", 1, "company")
                c.batch.create("contact", "company", [(1, 3)],
                               [AssociationType.PRIMARY_CONTACT_TO_COMPANY])
            else:
                c.basic.associate("contact", 1, "company", 2,
                                  [AssociationType.PRIMARY_CONTACT_TO_COMPANY])
                c.basic.associate_default("contact", 1, "company", 3)
                c.basic.remove("contact", 1, "company", 3)
                made = c.labels.create("contact", "company", name="buyer", label="Buyer")
                c.labels.list("contact", "company")
                c.labels.update("contact", "company", type_id=made[0].type_id, label="Buyers")
                c.labels.delete("contact", "company", made[0].type_id)
                c.limits.list("contact", "company")
        journal = httpx.get(f"{server.base_url}/_emulator/journal.jsonl").text
        Path(f"{name}.jsonl").write_text(journal)
"""


def test_migrate_report_from_the_installed_wheel(venv: Path, tmp_path: Path) -> None:
    """Recorded v4 traffic, read by the installed CLI: list + batch create against 2026-09 exits 1
    naming list_associations and the batch create status change; calls unchanged on 2026-09
    exit 0; a file that is no traffic exits 2 without a traceback."""
    (tmp_path / "record.py").write_text(RECORD_TRAFFIC)
    recorded = _run(venv, str(venv / "bin" / "python"), "record.py", cwd=tmp_path)
    assert recorded.returncode == 0, recorded.stderr
    cli = str(venv / "bin" / "hubspot-associations")
    lists = _run(venv, cli, "migrate-report", "--to", "2026-09", "lists.jsonl", "--json",
                 cwd=tmp_path)  # fmt: skip
    assert lists.returncode == 1, lists.stdout + lists.stderr
    report = json.loads(lists.stdout)
    by_operation = {o["operation"]: o for o in report["operations"]}
    assert by_operation["list_associations"]["lacking"]
    assert "batch_read_associations" in by_operation["list_associations"]["instead"]
    (change,) = by_operation["batch_create_associations"]["statusChanges"]
    assert "201" in change
    assert "2026-09 answers 200" in change
    assert report["from"] == "v4"
    text = _run(venv, cli, "migrate-report", "--to", "2026-09", "lists.jsonl", cwd=tmp_path)
    assert "LACKING in 2026-09" in text.stdout
    unchanged = _run(venv, cli, "migrate-report", "--to", "2026-09", "unchanged.jsonl",
                     cwd=tmp_path)  # fmt: skip
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert "exit 0: only paths change" in unchanged.stdout
    operations = {line.split(" (")[0].strip() for line in unchanged.stdout.splitlines()
                  if "unchanged but for the path" in line}  # fmt: skip
    assert operations == {"associate_with_labels", "associate_default", "remove_associations",
                          "create_label", "list_labels", "update_label", "delete_label",
                          "list_limits"}  # fmt: skip
    (tmp_path / "notes.txt").write_text("not traffic at all\n")
    refused = _run(venv, cli, "migrate-report", "--to", "2026-09", "notes.txt", cwd=tmp_path)
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    assert "HAR" in refused.stderr


def _serve(venv: Path, cwd: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """`emulator serve` from the wheel on a free loopback port, waited for; (process, URL)."""
    from benchmarks.loopback import free_port

    port = free_port()
    log = (cwd / f"serve-{port}.log").open("w")
    server = subprocess.Popen([str(venv / "bin" / "hubspot-associations"), "emulator", "serve",
                               "--port", str(port), *extra], stdout=log, stderr=log, cwd=cwd)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_emulator/health", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.1)
    server.terminate()
    raise AssertionError(f"the emulator did not start: {(cwd / f'serve-{port}.log').read_text()}")


def _interrupted_then_resumed(venv: Path, cwd: Path, args: list[str], env: dict[str, str],
                              results: Path) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Start the CLI slowly, Ctrl-C once some results are in (exit 130), then --resume it fast."""
    cli = str(venv / "bin" / "hubspot-associations")
    slow = ["--rate-limit", "20/1", "--batch-size", "10", "--concurrency", "1"]
    first = subprocess.Popen([cli, *args, *slow], cwd=cwd, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (
        not results.exists() or len(results.read_text().splitlines()) < 30
    ):
        time.sleep(0.05)
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=60)
    assert first.returncode == 130, err.decode()
    done_before = sum('"done"' in line for line in results.read_text().splitlines())
    assert done_before > 0
    resumed = subprocess.run([cli, *args, "--resume", "--rate-limit", "1000/1"], cwd=cwd, env=env,
                             capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert f"{done_before} skipped" in resumed.stdout, resumed.stdout + resumed.stderr
    return resumed


def test_the_cli_reads_real_files_and_copies_from_the_installed_wheel(
    venv: Path, tmp_path: Path
) -> None:
    """From the wheel against `emulator serve`: a `;` file with named columns, repeats and bad
    lines (--delimiter, --from-column/--to-column, --skip-invalid) interrupted and resumed; --strict
    refusing the repeats; export --id-column --json; the export copied into a second emulator with
    --types-from-file, interrupted and resumed; each checked in the emulators' state."""
    cli = str(venv / "bin" / "hubspot-associations")
    source_server, source_url = _serve(venv, tmp_path, "--latency-ms", "20")
    target_server, target_url = _serve(venv, tmp_path, "--latency-ms", "20")
    try:
        env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path),
               "HUBSPOT_ACCESS_TOKEN": "emulator-token", "HUBSPOT_BASE_URL": source_url}  # fmt: skip
        pairs = {(str(10 + i % 40), str(5000 + i)) for i in range(800)}
        lines = ["contact;company;note"] + [f'{f};{t};"n;{t}"' for f, t in sorted(pairs)]
        lines[5:5] = ["oops;1;x", lines[3], ""]  # a bad line, a repeat, a blank line
        source = tmp_path / "pairs.csv"
        source.write_text("\n".join(lines) + "\n")
        rejected = tmp_path / "rejected.csv"
        args = ["associate", str(source), "--from", "contact", "--to", "company", "--delimiter",
                ";", "--from-column", "contact", "--to-column", "company", "--skip-invalid",
                str(rejected), "--progress", "never"]  # fmt: skip
        [results] = [tmp_path / (f"pairs.csv.associate-contact-company-read-{h}-skip-invalid"
                                 ".results.jsonl") for h in [_reading_hash(";")]]  # fmt: skip
        resumed = _interrupted_then_resumed(venv, tmp_path, args, env, results)
        assert resumed.returncode == 1, resumed.stderr  # the bad line was set aside
        assert "1 invalid line(s)" in resumed.stderr
        assert "oops" in rejected.read_text()
        statuses = [json.loads(line).get("status") for line in results.read_text().splitlines()]
        assert statuses.count("duplicate") == statuses.count("invalid") == 1
        strict = subprocess.run([*[cli, *args[:-4]], "--strict", "--results",
                                 str(tmp_path / "s.jsonl")], env=env, capture_output=True,
                                text=True, check=False)  # fmt: skip
        assert strict.returncode == 2
        assert "duplicate of line 4" in strict.stderr
        ids = tmp_path / "ids.csv"
        ids.write_text("Name,Contact\n" + "".join(f"x,{r}\n" for r in range(10, 50)))
        label = {"name": "buyer", "label": "Buyer"}
        for url in (target_url, source_url):  # the same label gets another typeId over there
            httpx.post(f"{url}/crm/v4/associations/contact/company/labels", json=label,
                       headers={"Authorization": "Bearer emulator-token"}).raise_for_status()  # fmt: skip
        labelled = tmp_path / "labelled.csv"
        labelled.write_text("from_id,to_id\n10,5000\n11,5001\n")
        subprocess.run([cli, "associate", str(labelled), "--from", "contact", "--to", "company",
                        "--label", "Buyer"], env=env, check=True, capture_output=True)  # fmt: skip
        exported = subprocess.run([cli, "export", str(ids), "--from", "contact", "--to",
                                   "company", "--id-column", "contact", "--json"], env=env,
                                  capture_output=True, text=True, check=True)  # fmt: skip
        source_state = typed_state(exported.stdout)
        assert {(f, t) for f, t, _, _ in source_state} == pairs
        copy = tmp_path / "copy.csv"
        subprocess.run([cli, "export", str(ids), "--from", "contact", "--to", "company",
                        "--id-column", "Contact", "--out", str(copy)], env=env, check=True,
                       capture_output=True)  # fmt: skip
        to_target = {**env, "HUBSPOT_BASE_URL": target_url}
        copy_args = ["associate", str(copy), "--from", "contact", "--to", "company",
                     "--types-from-file", "--progress", "never"]  # fmt: skip
        copied = _interrupted_then_resumed(
            venv, tmp_path, copy_args, to_target,
            tmp_path / "copy.csv.associate-contact-company-file-types.results.jsonl")  # fmt: skip
        assert copied.returncode == 0, copied.stderr
        again = subprocess.run([cli, "export", str(ids), "--from", "contact", "--to", "company",
                                "--id-column", "contact", "--json"], env=to_target,
                               capture_output=True, text=True, check=True)  # fmt: skip
        assert typed_state(again.stdout) == source_state
    finally:
        for server in (source_server, target_server):
            server.terminate()
            server.wait(timeout=30)


def _reading_hash(delimiter: str) -> str:
    """The results-name part of --from-column contact --to-column company --delimiter D."""
    import hashlib

    return hashlib.sha256(json.dumps(["contact", "company", delimiter]).encode()).hexdigest()[:8]


def _action_job(venv: Path) -> dict[str, str]:
    """A job's environment for the Action's script: the venv's Python first on PATH (as after
    actions/setup-python), one Hypothesis cache for the file's runs (a runner caching it)."""
    return {"PATH": f"{venv / 'bin'}:/usr/bin:/bin",
            "XDG_CACHE_HOME": str(venv.parent / "xdg-cache")}  # fmt: skip


def test_the_action_installs_the_wheel_and_checks_the_embedded_emulator(
    venv: Path, tmp_path: Path
) -> None:
    """action/run.sh with a runner's environment and the Action's defaults (mode embedded):
    pip installs `package` (the built wheel with [contract], offline, under the locked
    constraints), the check runs with each word of the selection lists (spaces, commas, new
    lines) an option, exits 0, writes
    the JUnit file, and the step's outputs name the exit code, the JUnit file and the report
    folder."""
    [wheel] = (venv.parent / "dist").glob("*.whl")
    job = _action_job(venv)
    done = run_action(
        tmp_path, job.pop("PATH"),
        {"package": f"{wheel}[contract]", "examples": "1", "operations": " list_labels\n",
         "exclude-operations": "create_label,\ndelete_label", "rules": "status.documented"},
        PIP_CONSTRAINT=str(venv.parent / "constraints.txt"), PIP_NO_INDEX="1", **job,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert f"installing {wheel}[contract] into {venv / 'bin' / 'python3'}" in done.stdout
    assert (
        "hubspot-associations check --api-version v4 --examples 1 --junit hubspot-contract.xml "
        "--report-dir hubspot-contract --operation list_labels --exclude-operation create_label "
        "--exclude-operation delete_label --rule status.documented\n"
    ) in done.stdout, done.stdout
    root = ET.parse(tmp_path / "hubspot-contract.xml").getroot()
    assert root.get("failures") == "0"
    cases = {(c.get("classname"), c.get("name")) for c in root.iter("testcase")}
    assert ("status.documented", "list_labels") in cases, sorted(cases)
    assert outputs(tmp_path) == {
        "exit-code": "0", "junit": "hubspot-contract.xml", "report-dir": "hubspot-contract"
    }  # fmt: skip


def test_the_action_checks_an_emulator_the_job_started_with_its_token(
    venv: Path, tmp_path: Path
) -> None:
    """Mode base-url against an emulator started as a job's service with its own token and
    control token, and install: false (the wheel already installed): the token and control-token
    inputs, not the job's HUBSPOT_ACCESS_TOKEN and HUBSPOT_EMULATOR_CONTROL_TOKEN, reach the
    check, which passes; neither token is printed anywhere."""
    token, control = "action-token-7f3a", "action-control-9c1d"
    with users_emulator("--token", token, "--control-token", control) as url:
        done = run_action(
            tmp_path, _action_job(venv)["PATH"],
            {"mode": "base-url", "base-url": url, "token": token, "control-token": control,
             "install": "false", "examples": "1", "operations": "list_labels",
             "rules": "status.documented", "junit": "base-url.xml", "report-dir": ""},
            HUBSPOT_ACCESS_TOKEN="the-jobs-token-for-other-steps",
            HUBSPOT_EMULATOR_CONTROL_TOKEN="the-jobs-control-token-for-other-steps",
            XDG_CACHE_HOME=_action_job(venv)["XDG_CACHE_HOME"],
        )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert token not in done.stdout + done.stderr
    assert control not in done.stdout + done.stderr
    assert "installing" not in done.stdout
    assert f"hubspot-associations check --base-url {url} " in done.stdout, done.stdout
    assert ET.parse(tmp_path / "base-url.xml").getroot().get("failures") == "0"
    assert outputs(tmp_path) == {"exit-code": "0", "junit": "base-url.xml", "report-dir": ""}


def test_a_live_run_counts_its_reports_and_writes_its_summary_from_the_wheel(
    venv: Path, tmp_path: Path
) -> None:
    """A writing live run of the wheel's `check` against a portal whose label DELETE answers 200
    (not promised by HubSpot): exit 0, the report a skipped JUnit case "reported: …" and a
    "reported" section; --report-dir holds coverage.json (every v4 operation, its statuses and
    rules) and summary.md (the rules' table, the seed, the replay). With --fail-on-report the
    same run exits 1; with $GITHUB_STEP_SUMMARY and no --report-dir the summary is appended
    there and the files go to the state directory, never to the working directory."""
    work, state, step = tmp_path / "work", tmp_path / "state", tmp_path / "step-summary.md"
    work.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path),
           "XDG_CACHE_HOME": str(venv.parent / "xdg-cache"),
           "HUBSPOT_CONTRACT_STATE_DIR": str(state), **live_env()}  # fmt: skip
    with serve_mutant("delete-label-200-body") as url:
        command = [str(venv / "bin" / "hubspot-associations"), "check", "--live", "--base-url",
                   url, "--operation", "delete_label", "--rule", "status.documented",
                   "--examples", "1"]  # fmt: skip
        counted = subprocess.run(
            [*command, "--junit", str(tmp_path / "live.xml"), "--report-dir", str(tmp_path / "r")],
            cwd=work, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        failed = subprocess.run(
            [*command, "--fail-on-report"], cwd=work, env={**env, "GITHUB_STEP_SUMMARY": str(step)},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert counted.returncode == 0, counted.stdout[-4000:] + counted.stderr[-2000:]
    root = ET.parse(tmp_path / "live.xml").getroot()
    case = next(c for c in root.iter("testcase")
                if (c.get("classname"), c.get("name")) == ("status.documented", "delete_label"))  # fmt: skip
    skipped = case.find("skipped")
    assert skipped is not None, ET.tostring(case)
    assert skipped.get("message") == "reported: answered 200; the release documents only [204]"
    assert root.get("failures") == "0"
    reported = counted.stdout.split("= reported =")[1]
    assert "[status.documented] delete_label: answered 200" in reported
    coverage = json.loads((tmp_path / "r" / "coverage.json").read_text(encoding="utf-8"))
    operations = {o["operation_id"]: o for o in coverage["operations"]}
    assert len(operations) == 23
    assert operations["delete_label"]["rules"] == {"status.documented": "reported"}
    assert "200" in operations["delete_label"]["statuses"]
    assert {"operation_id", "method", "path", "statuses", "rules"} == set(operations["list_labels"])
    summary = (tmp_path / "r" / "summary.md").read_text(encoding="utf-8")
    assert "| `status.documented` | 0 | 0 | 1 | 0 |" in summary
    assert "seed 20260323" in summary
    assert f"hubspot-associations check --live --base-url {url} " in summary
    assert failed.returncode == 1, failed.stdout[-4000:] + failed.stderr[-2000:]
    assert "--fail-on-report: 1 reported difference(s)" in failed.stdout
    assert "## hubspot-associations contract check" in step.read_text(encoding="utf-8")
    [written] = (state / "reports").glob("*/summary.md")
    assert f"reports: {written}" in failed.stdout
    assert list(work.iterdir()) == []
