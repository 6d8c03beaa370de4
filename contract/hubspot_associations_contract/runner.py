"""``hubspot-associations check``: run the shipped suite against the emulator or a portal.

Exit codes: 0 every rule held; 1 the contract is broken (the failures name the rules); 2 usage
error or the suite could not run; 3 the target is unreachable or refused the token; 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from hubspot_associations import APIConnectionError, APIStatusError, HubSpotAssociations
from hubspot_associations._settings import default_rate_limit

from . import (
    conditions,
    live_run,
    preflight,
    refusals,
    reproduce,
    reproduce_conformance,
    selection,
    stopping,
    verdicts,
)
from . import results as run_results
from .ledger import LEDGER_VARIABLE, STATE_DIR_VARIABLE, Ledger, ledger_path
from .leftovers import PREFIX, RUN_TAG_VARIABLE, new_run_tag
from .restoring import Refused, note_written, read_contact_sides
from .run_lock import Busy, RunLock, describe_owner, owner_now
from .specs import release_names
from .target import (
    DEFAULT_EXAMPLES,
    DEFAULT_READ_BACK_WAIT_MS,
    DEFAULT_SEED,
    DEFAULT_TOKEN,
    READ_BACK_WAIT_VARIABLE,
    TargetError,
    env_int,
    parse_records,
    selected,
)

__all__ = [
    "EXIT_BROKEN",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "Interrupted",
    "build_parser",
    "main",
]

EXIT_OK, EXIT_BROKEN, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
PROBE_PATH = "/crm/v4/associations/contacts/companies/labels"
HUBSPOT = "https://api.hubapi.com"
_INI = "[pytest]\nconsole_output_style = classic\n"
# The user's pytest set-up must not change the run: these are dropped from its environment,
# plugins are not autoloaded (the suite's own are named), and no conftest.py is read.
IGNORED_VARIABLES = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTHONWARNINGS")
SUITE_PLUGINS = (
    "schemathesis.pytest.plugin",
    "_hypothesis_pytestplugin",
    "hubspot_associations_contract.plugin",
)
# Seconds the suite may take to stop after Ctrl-C or SIGTERM before it is killed (the command
# restores the portal from the ledger either way).
STOP_SECONDS = 60
CLEANUP_COMMAND = "hubspot-associations check --live --cleanup-only"
HYPOTHESIS_HOME_VARIABLE = "HYPOTHESIS_STORAGE_DIRECTORY"
OPERATIONS_VARIABLE = "HUBSPOT_CONTRACT_OPERATIONS"
EXCLUDE_OPERATIONS_VARIABLE = "HUBSPOT_CONTRACT_EXCLUDE_OPERATIONS"
RULES_VARIABLE = "HUBSPOT_CONTRACT_RULES"
EXCLUDE_RULES_VARIABLE = "HUBSPOT_CONTRACT_EXCLUDE_RULES"


class CheckError(Exception):
    """The check cannot start; ``code`` is the exit code, the message says what to do."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class Interrupted(Exception):
    """Ctrl-C or SIGTERM: the run stopped; ``why`` says what was removed and what remains."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} must be at least {minimum}")
        return value

    return parse


def build_parser(prog: str = "hubspot-associations check") -> argparse.ArgumentParser:
    """The options of the check."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Check a server against HubSpot's Associations contract: the embedded emulator by "
            "default, an emulator you run (--base-url), or a portal (--live)."
        ),
        epilog=(
            "Exit codes: 0 every rule held, 1 contract broken, 2 usage error, "
            "3 target unreachable or token refused. Live runs read HUBSPOT_ACCESS_TOKEN, and "
            "write only with HUBSPOT_CONTRACT_ALLOW_WRITES=1 on HUBSPOT_CONTRACT_RECORDS "
            "(contact:101,102,103;company:201,202,203). A writing live run records those records' "
            "associations first and restores what it changed, also after Ctrl-C or SIGTERM; its "
            f"labels are named {PREFIX}<name>_<run tag>; after a kill, {CLEANUP_COMMAND} (or "
            "the next writing run) restores from the ledger under "
            f"${STATE_DIR_VARIABLE}. The suite runs isolated from your pytest set-up: "
            f"{', '.join(IGNORED_VARIABLES)} are ignored, plugins are not autoloaded and no "
            "conftest.py, pytest.ini or pyproject.toml of the current directory is read."
        ),
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="a portal or any server by URL and token "
        "(rules HubSpot does not promise are reported)",
    )
    parser.add_argument(
        "--base-url",
        help="without --live: an emulator you run (its control API is used); with --live: the "
        f"server (default $HUBSPOT_BASE_URL or {HUBSPOT})",
    )
    parser.add_argument(
        "--control-token",
        metavar="T",
        help="with --base-url: the control token the emulator was started with (serve "
        f"--control-token), sent to its control API (default ${conditions.CONTROL_TOKEN_VARIABLE})",
    )
    parser.add_argument("--api-version", default="v4", help="the release to check (default v4)")
    parser.add_argument(
        "--junit", type=Path, help="write JUnit XML: one case per rule and operation"
    )
    parser.add_argument(
        "--seed", type=_at_least(0), default=None, help=f"replay a run (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--examples",
        type=_at_least(1),
        default=None,
        help=f"examples per operation (default {DEFAULT_EXAMPLES}; more for a nightly run; "
        "below 5 is a quick run without schemathesis' coverage phase of boundary values)",
    )
    parser.add_argument(
        "--cleanup-only",
        action="store_true",
        help="with --live: restore what earlier writing runs of this machine left on the target "
        "(from the ledger) and delete their labels; runs no rule",
    )
    parser.add_argument(
        "--wait",
        action="store_true",
        help="with --live and writes: wait for a writing run of this machine on the same target "
        "to end instead of refusing (exit 2)",
    )
    choose = parser.add_argument_group(
        "what to judge",
        "conformance cases of the selected operations and graph scenarios whose rules match; "
        "each option repeatable; verdicts outside the selection are not written",
    )
    choose.add_argument("--operation", action="append", default=[], metavar="OPERATION_ID",
                        help="only this operation (e.g. remove_associations)")  # fmt: skip
    choose.add_argument("--exclude-operation", action="append", default=[],
                        metavar="OPERATION_ID", help="not this operation")  # fmt: skip
    choose.add_argument("--rule", action="append", default=[], metavar="RULE",
                        help="only this rule (e.g. graph.model)")  # fmt: skip
    choose.add_argument("--exclude-rule", action="append", default=[], metavar="RULE",
                        help="not this rule")  # fmt: skip
    results = parser.add_argument_group("what a run leaves for CI")
    results.add_argument("--report-dir", type=Path, default=None,
                         help="write coverage.json, summary.md and reproducer files of failures "
                         "there (also written, with the summary appended, when "
                         "$GITHUB_STEP_SUMMARY is set)")  # fmt: skip
    results.add_argument("--fail-on-report", action="store_true",
                         help="a difference reported on a live target (not promised by HubSpot) "
                         "fails the run too (exit 1)")  # fmt: skip
    results.add_argument("--baseline", type=Path, default=None,
                         help="accept the known failures listed in this file; a new one fails, "
                         "a listed one that no longer happens is reported as fixed")  # fmt: skip
    results.add_argument("--update-baseline", action="store_true",
                         help="with --baseline: write this run's failures to the file")  # fmt: skip
    results.add_argument("--reproduce", type=Path, default=None, metavar="FILE",
                         help="run the request sequence of a saved failure again (a reproducer "
                         "file a failing run wrote); against --base-url it resets and seeds "
                         "first, with --live it is a writing run")  # fmt: skip
    results.add_argument("--curl", action="store_true",
                         help="with --reproduce: print the sequence as a shell script (curl, "
                         "with jq for the IDs the server assigns) and send nothing")  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="only the summary")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="every failure with its traceback"
    )
    return parser


def _environment(args: argparse.Namespace, base_url: str, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in IGNORED_VARIABLES}
    env.update(
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        HUBSPOT_CONTRACT_TARGET="live" if args.live else "emulator",
        HUBSPOT_BASE_URL=base_url,
        HUBSPOT_ACCESS_TOKEN=token,
        HUBSPOT_CONTRACT_API_VERSION=args.api_version,
        HUBSPOT_CONTRACT_SEED=str(
            args.seed if args.seed is not None else env.get("HUBSPOT_CONTRACT_SEED", DEFAULT_SEED)
        ),
    )
    env.setdefault(HYPOTHESIS_HOME_VARIABLE, str(hypothesis_home()))
    if args.control_token is not None:
        # The suite's own control calls (conditions.http()) read it there.
        env[conditions.CONTROL_TOKEN_VARIABLE] = args.control_token
    if args.examples is not None:
        env["HUBSPOT_CONTRACT_EXAMPLES"] = str(args.examples)
    if args.junit is not None:
        env["HUBSPOT_CONTRACT_JUNIT"] = str(args.junit.resolve())
    # The selection travels as comma lists (operation IDs and rule names hold no comma).
    for variable, values in (
        (OPERATIONS_VARIABLE, args.operation),
        (EXCLUDE_OPERATIONS_VARIABLE, args.exclude_operation),
        (RULES_VARIABLE, args.rule),
        (EXCLUDE_RULES_VARIABLE, args.exclude_rule),
    ):
        if values:
            env[variable] = ",".join(values)
    env["HUBSPOT_CONTRACT_REPLAY"] = _replay(args, env["HUBSPOT_CONTRACT_SEED"])
    return env


def hypothesis_home() -> Path:
    """Where the suite's Hypothesis keeps the tables it derives (the Unicode categories, the
    characters a codec encodes, the constants of the modules it reads): in the suite's temporary
    working folder, its default, every run rebuilt them, a second and a half of CPU a run. The
    suite keeps no examples there (its database is off), so a shared cache changes no run."""
    cache = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(cache) / "hubspot-associations" / "hypothesis"


def _replay(args: argparse.Namespace, seed: str) -> str:
    """The command that runs the same checks again: the target, release, seed and examples, the
    selection, and what decides the exit code (--baseline, --fail-on-report); each word quoted
    for a shell. Where the files go (--junit, --report-dir) is left to the user."""
    words = ["hubspot-associations", "check"]
    if args.live:
        words.append("--live")
    if args.base_url:
        words += ["--base-url", args.base_url]
    words += ["--api-version", args.api_version, "--seed", seed]
    examples = args.examples if args.examples is not None else os.environ.get(
        "HUBSPOT_CONTRACT_EXAMPLES", "").strip()  # fmt: skip
    if examples:
        words += ["--examples", str(examples)]
    chosen = (
        ("--operation", args.operation),
        ("--exclude-operation", args.exclude_operation),
        ("--rule", args.rule),
        ("--exclude-rule", args.exclude_rule),
    )
    words += [word for option, values in chosen for value in values for word in (option, value)]
    if args.baseline is not None:
        words += ["--baseline", str(args.baseline)]
    if args.fail_on_report:
        words.append("--fail-on-report")
    return shlex.join(words)


def _probe(base_url: str, token: str) -> None:
    """Reach the target once; refuse to run against nothing or with a refused token."""
    try:
        answer = httpx.get(
            base_url + PROBE_PATH, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
    except httpx.HTTPError as exc:
        raise CheckError(EXIT_UNREACHABLE, f"the target {base_url} is unreachable: {exc}") from None
    if answer.status_code in (401, 403):
        raise CheckError(
            EXIT_UNREACHABLE,
            f"the target {base_url} refused the token ({answer.status_code}): "
            "check HUBSPOT_ACCESS_TOKEN and the app's crm.objects.*.read/write scopes",
        )


def _preflight(args: argparse.Namespace, base_url: str, token: str, *, writing: bool) -> None:
    """A live run's token scopes, by introspection, before anything else reaches the portal
    (preflight.py: a writing run without its write scopes refused, exit 3; a read-only run's
    unreadable operations skipped); then the probe, unless the token may not read its labels
    (the introspection reached the target already, and the run leaves those reads out)."""
    checked = preflight.Checked(None)
    if args.live and not args.cleanup_only:
        try:
            checked = preflight.check(args, base_url, token, writing=writing)
        except preflight.Refused as exc:
            raise CheckError(exc.code, str(exc)) from None
    if not checked.skips(preflight.PROBE_OPERATION):
        _probe(base_url, token)


def _client(args: argparse.Namespace, base_url: str, token: str) -> HubSpotAssociations:
    return HubSpotAssociations(token, base_url=base_url, api_version=args.api_version)


@contextlib.contextmanager
def _portal_errors(base_url: str, doing: str) -> Iterator[None]:
    """The target failing while the command reads or restores it, as the exit code it means."""
    try:
        yield
    except APIConnectionError as exc:
        raise CheckError(EXIT_UNREACHABLE, f"the target {base_url} is unreachable: {exc}") from None
    except APIStatusError as exc:
        raise CheckError(
            EXIT_UNREACHABLE, f"the target {base_url} refused {doing}: {exc}"
        ) from None


def _begin(
    args: argparse.Namespace,
    base_url: str,
    token: str,
    ledger: Path,
    tag: str,
    records: Mapping[str, tuple[str, ...]],
) -> None:
    """Record the named records in the ledger before the first write (a writing run, or a live
    reproduction); a refusal (records already associated, no free labels, …) is exit 2."""
    with (
        _portal_errors(base_url, "the reads before the run"),
        _client(args, base_url, token) as client,
    ):
        try:
            live_run.begin(client, Ledger.load(ledger), tag, records, owner_now())
        except Refused as exc:
            raise CheckError(EXIT_USAGE, str(exc)) from None


def _sweep(
    args: argparse.Namespace, base_url: str, token: str, path: Path, *, writes: bool
) -> live_run.Cleanup:
    """Restore (or, without writes, name) what earlier live runs left on the target."""
    ledger = Ledger.load(path)
    with (
        _portal_errors(base_url, "the look-up of earlier runs' leftovers"),
        _client(args, base_url, token) as client,
    ):
        swept = live_run.sweep(client, ledger, writes=writes)
    if not swept.anything:
        return swept
    if writes:
        print("restored what earlier runs of the suite left on the target:", flush=True)
    else:
        print(
            "earlier runs of the suite left these on the target (a run with "
            f"HUBSPOT_CONTRACT_ALLOW_WRITES=1 and HUBSPOT_CONTRACT_RECORDS, or {CLEANUP_COMMAND}, "
            "removes them):",
            flush=True,
        )
    for line in swept.lines():
        print(line, flush=True)
    return swept


def _lock(path: Path, wait: bool, stop: _Stop) -> RunLock:
    """The target's lock for a writing run; refused (exit 2) while another run holds it."""

    def waiting(owner: dict[str, object]) -> None:
        print(
            f"waiting for the writing run {describe_owner(owner)} on this target to end…",
            file=sys.stderr,
            flush=True,
        )

    try:
        # Nothing is written yet: Ctrl-C while waiting simply ends the command.
        stop.interruptible = True
        return RunLock.acquire(path, wait=wait, on_wait=waiting)
    except Busy as busy:
        raise CheckError(
            EXIT_USAGE,
            f"another writing live run on this target is going on: {busy}. One writing run per "
            "portal at a time on this machine: wait for it (add --wait), or stop it (Ctrl-C "
            "restores what it wrote)",
        ) from None
    finally:
        stop.interruptible = False


class _Stop:
    """SIGINT and SIGTERM while the command runs: noted once, passed to the suite once; the
    command itself is never interrupted, so that it restores the portal to the end."""

    def __init__(self) -> None:
        self.signal: int | None = None
        self.child: subprocess.Popen[bytes] | None = None
        # While waiting for another run's lock nothing is written yet: a stop ends the wait.
        self.interruptible = False

    def __call__(self, signum: int, frame: object) -> None:
        if self.interruptible:
            self.interruptible = False
            raise Interrupted("interrupted (Ctrl-C or SIGTERM) while waiting for another run")
        if self.signal is not None:
            print(
                "contract check: still stopping (restoring what the run wrote); kill -9 leaves "
                f"it to {CLEANUP_COMMAND}",
                file=sys.stderr,
                flush=True,
            )
            return
        self.signal = signum
        print(
            "contract check: stopping; what the run wrote is restored once the suite has ended…",
            file=sys.stderr,
            flush=True,
        )
        self.forward()

    def forward(self) -> None:
        """Pass the stop to the suite (its own session: a terminal's Ctrl-C does not reach it)."""
        if self.signal is not None and self.child is not None and self.child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.child.send_signal(signal.SIGTERM)


@contextlib.contextmanager
def _signals() -> Iterator[_Stop]:
    stop = _Stop()
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _probe_control(base_url: str) -> None:
    try:
        answer = conditions.http().get(f"{base_url}/_emulator/health")
    except httpx.HTTPError as exc:
        raise CheckError(
            EXIT_UNREACHABLE, f"the emulator at {base_url} is unreachable: {exc}"
        ) from None
    if answer.status_code == 401:
        given = conditions.control_headers()
        raise CheckError(
            EXIT_UNREACHABLE,
            f"the emulator at {base_url} refused the control token (401): it was started with "
            "--control-token, and "
            + ("the token given is not that one" if given else "none was given")
            + f": pass the same with --control-token T or ${conditions.CONTROL_TOKEN_VARIABLE}",
        )
    if answer.status_code != 200:
        raise CheckError(
            EXIT_USAGE,
            f"{base_url} has no emulator control API (/_emulator/health answered "
            f"{answer.status_code}); to check a portal or another server, add --live",
        )


@contextlib.contextmanager
def _conditions_lifted(base: str) -> Iterator[None]:
    """Run without the rate limit and faults the user's emulator has, then put them back."""
    try:
        found = conditions.read(base)
        if found.any:
            conditions.lift(base)
    except httpx.HTTPError as exc:
        raise CheckError(
            EXIT_UNREACHABLE, f"the emulator at {base} did not answer its control API: {exc}"
        ) from None
    if found.any:
        print(
            f"the emulator runs with {found.describe()}: lifted for the check, "
            "put back when it ends",
            flush=True,
        )
    try:
        yield
    finally:
        if found.any:
            try:
                conditions.restore(base, found)
            except httpx.HTTPError as exc:
                print(
                    f"could not put back {found.describe()} on the emulator at {base}: {exc}",
                    file=sys.stderr,
                    flush=True,
                )


@contextlib.contextmanager
def _target(args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    """(base URL, token) of the target, starting the embedded emulator when none is named."""
    if args.live:
        token = os.environ.get("HUBSPOT_ACCESS_TOKEN", "").strip()
        if not token:
            raise CheckError(
                EXIT_USAGE,
                "--live needs HUBSPOT_ACCESS_TOKEN (a sandbox portal's private-app token)",
            )
        base = (args.base_url or os.environ.get("HUBSPOT_BASE_URL") or HUBSPOT).rstrip("/")
        yield base, token
        return
    if args.base_url:
        base = args.base_url.rstrip("/")
        _probe_control(base)
        with _conditions_lifted(base):
            yield base, os.environ.get("HUBSPOT_ACCESS_TOKEN", "").strip() or DEFAULT_TOKEN
        return
    try:
        from hubspot_associations_emulator import EmulatorConfig, serve_in_thread
    except ImportError as exc:
        raise CheckError(
            EXIT_USAGE,
            f"the embedded emulator needs its extra ({exc.name} is missing): "
            "pip install 'hubspot-associations[contract]'",
        ) from None
    with serve_in_thread(EmulatorConfig()) as running:
        yield running.base_url, running.token


def _suite_installed() -> None:
    missing = []
    for module in ("pytest", "schemathesis", "hypothesis", "yaml"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise CheckError(
            EXIT_USAGE,
            f"the contract suite needs {', '.join(missing)}: "
            "pip install 'hubspot-associations[contract]'",
        )


def _exit_code(returncode: int, outcome_file: Path) -> int:
    if returncode == 0:
        return EXIT_OK
    if returncode not in (1, 2):
        return EXIT_USAGE  # pytest could not run the suite (internal error, usage, no tests)
    try:
        outcome = json.loads(outcome_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        outcome = {}
    if outcome.get("unreachable") and not outcome.get("broken"):
        return EXIT_UNREACHABLE  # the run stopped itself (2) or ended (1) on a dead target
    return EXIT_BROKEN if returncode == 1 else EXIT_INTERRUPTED


def run(args: argparse.Namespace) -> int:
    """Run the suite for parsed options; the exit code."""
    if args.reproduce is not None or args.curl:
        return _reproduced(args)
    if args.api_version not in release_names():
        raise CheckError(
            EXIT_USAGE,
            f"--api-version {args.api_version!r} is not a release the suite knows: "
            f"{', '.join(release_names())}",
        )
    refused = selection.refusal(
        args.api_version, args.operation, args.exclude_operation, args.rule, args.exclude_rule
    )
    refused = refused or run_results.refusal(args)  # --baseline, --report-dir
    if refused is not None:
        raise CheckError(EXIT_USAGE, refused)
    if args.cleanup_only and not args.live:
        raise CheckError(EXIT_USAGE, "--cleanup-only restores a live target: add --live")
    # Refused here, not found out by a live run that judges nothing and passes.
    refused = refusals.live(args, os.environ)
    if refused is not None:
        raise CheckError(EXIT_USAGE, refused)
    try:
        records = parse_records(os.environ.get("HUBSPOT_CONTRACT_RECORDS", ""))
        env_int("HUBSPOT_CONTRACT_SEED", DEFAULT_SEED, 0)
        env_int("HUBSPOT_CONTRACT_EXAMPLES", DEFAULT_EXAMPLES, 1)
        env_int(READ_BACK_WAIT_VARIABLE, DEFAULT_READ_BACK_WAIT_MS, 0)
    except TargetError as exc:
        raise CheckError(EXIT_USAGE, str(exc)) from None
    if not args.cleanup_only:
        _suite_installed()
    writes = os.environ.get("HUBSPOT_CONTRACT_ALLOW_WRITES", "") in ("1", "true", "yes")
    writing = args.live and writes and bool(records)
    with _signals() as stop, _target(args) as (base_url, token):
        _preflight(args, base_url, token, writing=writing)
        ledger = ledger_path(base_url, token)
        if args.cleanup_only:
            return _cleanup_only(args, base_url, token, ledger, stop)
        lock = _lock(ledger, args.wait, stop) if writing else None
        try:
            return _checked(args, base_url, token, records, ledger, lock, stop)
        finally:
            if lock is not None:
                lock.release()


def _reproduced(args: argparse.Namespace) -> int:
    """--reproduce FILE: the saved sequence printed as curl (--curl), or sent again and judged:
    against an emulator after a reset and the file's seed, or as a writing live run (lock,
    sweep, record, restore: the guarantees of every writing run)."""
    if args.reproduce is None:
        raise CheckError(EXIT_USAGE, "--curl prints a reproducer's sequence: add --reproduce FILE")
    refused = refusals.reproduce_options(args)
    if refused is not None:
        raise CheckError(EXIT_USAGE, refused)
    try:
        found = reproduce.load(args.reproduce)
    except reproduce.ReproducerError as exc:
        raise CheckError(EXIT_USAGE, str(exc)) from None
    conformance = found.kind == "conformance"
    if args.curl:
        script = reproduce_conformance.curl_script if conformance else reproduce.curl_script
        print(script(found, live=args.live), end="", flush=True)
        return EXIT_OK
    refused = reproduce_conformance.live_refusal(found) if conformance and args.live else None
    if refused is not None:
        raise CheckError(EXIT_USAGE, refused)
    args.api_version = found.release
    started = time.monotonic()
    with _signals() as stop, _target(args) as (base_url, token):
        _probe(base_url, token)
        # The replay judges as the suite does on this target (selected() reads these).
        os.environ.update(
            HUBSPOT_CONTRACT_TARGET="live" if args.live else "emulator",
            HUBSPOT_BASE_URL=base_url,
            HUBSPOT_ACCESS_TOKEN=token,
            HUBSPOT_CONTRACT_API_VERSION=found.release,
        )
        selected.cache_clear()
        print(
            f"reproducing [{found.rule}] {found.operation} ({found.path}, {len(found.steps)} "
            f"steps) against {'live' if args.live else 'emulator'} at {base_url}",
            flush=True,
        )
        if conformance:
            # Against an emulator from an emptied one; on a live portal the file only reads.
            if not args.live:
                conditions.fresh(base_url)
            replayed = reproduce_conformance.replay(found, conditions.http(), base_url, token)
        elif args.live:
            replayed = _reproduced_live(args, found, base_url, token, stop)
        else:
            symbols = reproduce.new_symbols(new_run_tag())
            conditions.fresh(base_url)
            reproduce.seed_emulator(conditions.http(), base_url, found, symbols)
            replayed = reproduce.replay(found, conditions.http(), base_url, token, symbols)
        _emptied_after_replay(args, base_url)
    if stop.signal is not None:
        raise Interrupted("interrupted (Ctrl-C or SIGTERM)")
    return _reproduction_verdict(found, replayed, args, started)


def _emptied_after_replay(args: argparse.Namespace, base_url: str) -> None:
    """As a check run ends: the emulator emptied (the conditions it was started with are put
    back as the target's context ends), not left holding the sequence's final state; a live
    portal is restored by the writing run instead."""
    if args.live:
        return
    conditions.fresh(base_url)
    if args.base_url:
        print(f"the emulator at {base_url} is reset (emptied) after the replay", flush=True)


def _reproduced_live(
    args: argparse.Namespace,
    found: reproduce.Reproducer,
    base_url: str,
    token: str,
    stop: _Stop,
) -> reproduce.Replayed:
    """The replay as a writing live run: only on HUBSPOT_CONTRACT_RECORDS, under the target's
    lock, each write noted in the ledger before it is sent, everything restored after."""
    _may_replay_live(found)
    limits = sorted({op for op in found.writes() if "limit" in op})
    if limits:
        raise CheckError(
            EXIT_USAGE,
            f"the sequence sets limits ({', '.join(limits)}): limits are portal-wide and a live "
            "run sets none; reproduce it against an emulator (--base-url URL)",
        )
    ledger = ledger_path(base_url, token)
    lock = _lock(ledger, args.wait, stop)
    tag = new_run_tag()
    try:
        _sweep(args, base_url, token, ledger, writes=True)
        named = {kind: tuple(ids) for kind, ids in found.records.items()}
        _begin(args, base_url, token, ledger, tag, named)
        book = Ledger.load(ledger)
        entry = book.runs[tag]
        contacts = named.get("contact", ())
        requests, seconds = default_rate_limit()
        print(f"labels this reproduction creates are named {PREFIX}<name>_{tag}", flush=True)
        with (
            _client(args, base_url, token) as reader,
            _portal_errors(base_url, "the reads that count the replay's changes"),
        ):
            # The contacts' associations as each write finds them: every change the replay
            # makes is counted in the run's entry (the restore adds its own), as the suite
            # counts a run's: the webhook warning's number.
            last = [read_contact_sides(reader, contacts)]

            def count_changes() -> None:
                now = read_contact_sides(reader, contacts)
                changed = reproduce.changes_between(last[0], now)
                last[0] = now
                if changed:
                    entry.changes += changed
                    book.save()

            def before_write(notes: Mapping[str, Any]) -> None:
                count_changes()
                pairs = {
                    (key.split(",")[0], key.split(",")[1]): {int(t) for t in ids}
                    for key, ids in notes.get("pairs", {}).items()
                }
                noted = note_written(entry.written, pairs, {})
                for contact, moves in notes.get("primary", {}).items():
                    for was, now in moves:
                        noted = note_written(entry.written, {}, {contact: (was, now)}) or noted
                if noted:
                    book.save()

            replayed = reproduce.replay(
                found, conditions.http(), base_url, token, reproduce.new_symbols(tag),
                pace=seconds / requests, before_write=before_write,
            )  # fmt: skip
            count_changes()  # the last write's
        return replayed
    finally:
        try:
            _restored(args, base_url, token, ledger, tag, stop, EXIT_OK, replay=True)
        finally:
            lock.release()


def _may_replay_live(found: reproduce.Reproducer) -> None:
    """A live replay writes: only with writes allowed on records that name the file's."""
    writes = os.environ.get("HUBSPOT_CONTRACT_ALLOW_WRITES", "") in ("1", "true", "yes")
    try:
        allowed = parse_records(os.environ.get("HUBSPOT_CONTRACT_RECORDS", ""))
    except TargetError as exc:
        raise CheckError(EXIT_USAGE, str(exc)) from None
    outside = [f"{kind} {i}" for kind, ids in found.records.items() for i in ids
               if i not in allowed.get(kind, ())]  # fmt: skip
    if not writes or not allowed or outside:
        raise CheckError(
            EXIT_USAGE,
            "--reproduce --live writes: set HUBSPOT_CONTRACT_ALLOW_WRITES=1 and name the file's "
            f"records in HUBSPOT_CONTRACT_RECORDS ({_records_text(found.records)})"
            + (f"; not named: {', '.join(outside)}" if outside else ""),
        )


def _records_text(records: Mapping[str, list[str]]) -> str:
    return ";".join(f"{kind}:{','.join(ids)}" for kind, ids in sorted(records.items()))


def _reproduction_verdict(
    found: reproduce.Reproducer,
    replayed: reproduce.Replayed,
    args: argparse.Namespace,
    started: float,
) -> int:
    """Exit 1 when a judgement failed again (naming the rule), 0 when every step held; the
    replay's one JUnit case with --junit."""
    if args.junit is not None:
        reproduce.write_junit(args.junit, found, replayed, "live" if args.live else "emulator",
                              time.monotonic() - started)  # fmt: skip
        print(f"JUnit: {args.junit}", flush=True)
    for difference, steps in reproduce.distinct(replayed.differences):
        at = f"step {steps[0]}" if len(steps) == 1 else f"steps {', '.join(map(str, steps))}"
        print(
            f"[{difference.rule}] {difference.operation}: {difference.message} "
            f"({at} of {len(found.steps)})",
            flush=True,
        )
    for (name, operation), case in sorted(verdicts.cases().items()):
        if case.reported:
            print(f"reported, not failed (HubSpot does not promise it): [{name}] {operation}: "
                  f"{case.reports[0]}", flush=True)  # fmt: skip
    if replayed.stopped is not None:
        print(f"the replay stopped: {replayed.stopped}", flush=True)
    if replayed.differences or replayed.stopped is not None:
        if any(d.rule == found.rule for d in replayed.differences):
            print(f"reproduced: [{found.rule}] {found.operation} fails again", flush=True)
        else:
            print(f"the target fails, but not as recorded ([{found.rule}] {found.operation})",
                  flush=True)  # fmt: skip
        return EXIT_BROKEN
    print(
        f"passed: the recorded failure [{found.rule}] {found.operation} no longer happens "
        f"({replayed.sent} requests sent, every answer judged)",
        flush=True,
    )
    return EXIT_OK


def _cleanup_only(
    args: argparse.Namespace, base_url: str, token: str, ledger: Path, stop: _Stop
) -> int:
    lock = _lock(ledger, args.wait, stop)
    try:
        swept = _sweep(args, base_url, token, ledger, writes=True)
    finally:
        lock.release()
    if not swept.anything:
        print(f"nothing of earlier runs of the suite to restore on {base_url}", flush=True)
    return EXIT_OK


def _checked(
    args: argparse.Namespace,
    base_url: str,
    token: str,
    records: dict[str, tuple[str, ...]],
    ledger: Path,
    lock: RunLock | None,
    stop: _Stop,
) -> int:
    """Sweep, record, run the suite, restore: the part of a run that holds the target's lock."""
    tag = new_run_tag()
    writing = lock is not None
    if args.live and (writing or preflight.reads_labels(args)):
        _sweep(args, base_url, token, ledger, writes=writing)
    if writing and stop.signal is None:
        _begin(args, base_url, token, ledger, tag, records)
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        (folder / "pytest.ini").write_text(_INI, encoding="utf-8")
        env = _environment(args, base_url, token)
        env["HUBSPOT_CONTRACT_OUTCOME"] = str(folder / "outcome.json")
        env[RUN_TAG_VARIABLE] = tag
        reports = run_results.report_dir(args, tag)
        env.update(run_results.environment(args, reports))
        embedded = not args.base_url and not args.live
        env.update(reproduce.suite_environment(args.report_dir, base_url, tag, live=args.live,
                                               embedded=embedded))  # fmt: skip
        if writing:
            env[LEDGER_VARIABLE] = str(ledger)
            print(f"labels this run creates are named {PREFIX}<name>_{tag}", flush=True)
        seed = env["HUBSPOT_CONTRACT_SEED"]
        kind = "live" if args.live else "emulator"
        print(
            f"contract check: {kind} at {base_url}, release {args.api_version}, seed {seed} "
            f"(replay with --seed {seed})",
            flush=True,
        )
        plugins = [word for name in SUITE_PLUGINS for word in ("-p", name)]
        command = [
            sys.executable, "-m", "pytest", "--pyargs", "hubspot_associations_contract",
            *plugins, "-p", "no:cacheprovider", "--noconftest",
            "-c", str(folder / "pytest.ini"), "--rootdir", work,
            "-qq" if args.quiet else "-q",
            *(["-ra", "--tb=long"] if args.verbose else ["-rs", "--tb=no"]),
        ]  # fmt: skip
        returncode = None
        if stop.signal is None:
            returncode = _run_suite(command, work, env, stop, lock)
        code = _exit_code(returncode, folder / "outcome.json") if returncode is not None else None
        if code is not None:
            code = run_results.exit_code(code, folder / "outcome.json", args)
        code = _judged_something(code, folder / "outcome.json", args)
    run_results.publish(reports)
    if writing:
        code = _restored(args, base_url, token, ledger, tag, stop, code)
    if stop.signal is not None:
        raise Interrupted("interrupted (Ctrl-C or SIGTERM)")
    if args.junit is not None:
        print(f"JUnit: {args.junit}", flush=True)
    assert code is not None
    return code


def _judged_something(code: int | None, outcome_file: Path, args: argparse.Namespace) -> int | None:
    """A passing run that judged nothing of its selection is a usage error (2), not a pass."""
    nothing = refusals.judged_nothing(outcome_file, args) if code == EXIT_OK else None
    if nothing is None:
        return code
    print(f"contract check: {nothing}", file=sys.stderr, flush=True)
    return EXIT_USAGE


def _restored(
    args: argparse.Namespace,
    base_url: str,
    token: str,
    ledger: Path,
    tag: str,
    stop: _Stop,
    code: int | None,
    *,
    replay: bool = False,
) -> int | None:
    """Restore what the run left (the suite restores after each scenario; this is the rest, and
    all of it after a stop) and say so; Interrupted after a stop, with exactly what was done."""
    try:
        with _portal_errors(base_url, "the restore"), _client(args, base_url, token) as client:
            done = live_run.finish(client, Ledger.load(ledger), tag)
    except CheckError as exc:
        remains = (
            f"what the run wrote is NOT all restored ({exc}); it is in the ledger {ledger}: "
            f"restore it with {CLEANUP_COMMAND}"
        )
        print(remains, file=sys.stderr, flush=True)
        if stop.signal is not None:
            raise Interrupted(f"interrupted (Ctrl-C or SIGTERM); {remains}") from None
        return exc.code if code in (None, EXIT_OK) else code
    lines = list(done.lines())
    report = (
        f"{'the replay and its restore' if replay else 'the run'} made {done.changes} "
        "association change(s) on the portal (HubSpot sends an association-change webhook for "
        "each to the apps subscribed on the portal)"
    )
    removed = "; ".join(line.strip() for line in lines) or "nothing was left to restore"
    if stop.signal is None:
        # (After a stop the same words end the run, in the interrupted line and the JUnit file.)
        after = (
            "restored after the replay"
            if replay
            else ("each scenario's changes restored after it; restored at the end")
        )
        print(f"{report}, {after}: {removed}", flush=True)  # fmt: skip
    else:
        raise Interrupted(
            f"interrupted (Ctrl-C or SIGTERM); {report}; restored after the stop: {removed}; "
            "nothing the run wrote remains"
        )
    return code


def _run_suite(
    command: list[str], cwd: str, env: dict[str, str], stop: _Stop, lock: RunLock | None
) -> int:
    """Run pytest in a session of its own (a terminal's Ctrl-C reaches this command only, which
    passes it on once); it holds the run's lock too, and ends if this process dies."""
    env[stopping.PARENT_VARIABLE] = str(os.getpid())
    child = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        start_new_session=True,
        pass_fds=(lock.fd,) if lock is not None else (),
    )
    stop.child = child
    stop.forward()  # a stop that came while it started
    deadline: float | None = None
    while True:
        try:
            return child.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            if stop.signal is None:
                continue
            deadline = deadline or time.monotonic() + STOP_SECONDS
            if time.monotonic() > deadline:
                child.kill()
                return child.wait()


_STOP_KINDS = {
    EXIT_BROKEN: "broken",
    EXIT_USAGE: "refused",
    EXIT_UNREACHABLE: "unreachable",
    EXIT_INTERRUPTED: "interrupted",
}


def _junit_of_stop(
    args: argparse.Namespace, started: float, why: str, code: int, *, amend: bool = False
) -> None:
    """A run that got past its options always leaves a JUnit file (CI reads it): when the suite
    wrote none in this run, one error case says why the run stopped; with ``amend``, the stop
    case the suite wrote gets this command's message (what was restored after a stop)."""
    path: Path | None = args.junit
    if path is None:
        return
    try:
        if path.stat().st_mtime >= started:
            if amend:
                verdicts.set_stopped(path, why, _STOP_KINDS.get(code, "stopped"))
            return  # the suite wrote it, with its own error case
    except OSError:
        pass
    properties = {
        "target": "live" if args.live else "emulator",
        "base_url": (args.base_url or (os.environ.get("HUBSPOT_BASE_URL") or HUBSPOT))
        if args.live
        else (args.base_url or "the embedded emulator"),
        "release": args.api_version,
        "seed": str(args.seed if args.seed is not None else DEFAULT_SEED),
        "exit_code": str(code),
    }
    verdicts.write_refused_junit(path, started, why, _STOP_KINDS.get(code, "stopped"), properties)


def _use_control_token(args: argparse.Namespace) -> None:
    """The control token this run sends to the emulator's control API; refused (exit 2) where no
    control API of a user's emulator is called (``$HUBSPOT_EMULATOR_CONTROL_TOKEN`` is not: a
    job may export it for every command)."""
    if args.control_token is not None and (args.live or not args.base_url):
        raise CheckError(
            EXIT_USAGE,
            "--control-token is for the control API of an emulator you run: give it with "
            "--base-url URL (without --live)",
        )
    conditions.use_control_token(args.control_token)


def main(argv: Sequence[str] | None = None, prog: str = "hubspot-associations check") -> int:
    """Parse the options and run; errors before the run print what to do."""
    args = build_parser(prog).parse_args(argv)
    started = time.time()
    try:
        _use_control_token(args)
        code = run(args)
    except CheckError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        _junit_of_stop(args, started, str(exc), exc.code)
        return exc.code
    except Interrupted as stop:
        print(f"{prog}: {stop.why}", file=sys.stderr)
        _junit_of_stop(args, started, stop.why, EXIT_INTERRUPTED, amend=True)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        _junit_of_stop(args, started, "interrupted (Ctrl-C or SIGTERM)", EXIT_INTERRUPTED)
        return EXIT_INTERRUPTED
    if code != EXIT_OK:
        why = {
            EXIT_BROKEN: "the contract is broken",
            EXIT_UNREACHABLE: "the target became unreachable during the run",
        }.get(code, "the suite could not run (see its output)")
        _junit_of_stop(args, started, why, code)
    return code
