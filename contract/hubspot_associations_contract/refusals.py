"""What ``check`` refuses before anything runs (exit 2), and the run that judged nothing.

Each function returns why the options cannot do what the user asked (a sentence saying what to
do), or None. The runner raises it as a usage error; kept apart from runner.py so that each
refusal is one small function the tests can name.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from .specs import strict_spec

__all__ = [
    "RECORDS_FORMAT",
    "judged_nothing",
    "live",
    "read_only_writes",
    "reproduce_options",
    "writes_without_records",
]

RECORDS_FORMAT = "contact:101,102,103;company:201,202,203"
_TRUE = ("1", "true", "yes")


def writes_without_records(environ: Mapping[str, str]) -> str | None:
    """Writes allowed but no records named: the run would silently read only (every graph rule
    not judged) and pass; the docs' Action example gives this when the variable is undefined."""
    writes = environ.get("HUBSPOT_CONTRACT_ALLOW_WRITES", "") in _TRUE
    if not writes or environ.get("HUBSPOT_CONTRACT_RECORDS", "").strip():
        return None
    return (
        "HUBSPOT_CONTRACT_ALLOW_WRITES=1 but HUBSPOT_CONTRACT_RECORDS is empty or unset: a writing "
        "live run writes only on records you name. Set HUBSPOT_CONTRACT_RECORDS (e.g. "
        f"{RECORDS_FORMAT}: at least two contacts and two companies of a sandbox portal, "
        "associated with nothing between them), or drop HUBSPOT_CONTRACT_ALLOW_WRITES for a "
        "read-only run"
    )


def read_only_writes(release: str, operations: Iterable[str]) -> str | None:
    """``--operation`` naming operations a read-only live run never sends (it sends GET requests
    only: a POST, PUT or DELETE operation is judged by nothing)."""
    methods = {
        str(operation["operationId"]): method.upper()
        for item in strict_spec(release)["paths"].values()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    writes = [f"{op} ({methods[op]})" for op in operations if methods.get(op, "GET") != "GET"]
    if not writes:
        return None
    return (
        f"--operation {', '.join(writes)}: a live run without writes sends only GET requests, so "
        "nothing would judge it. Set HUBSPOT_CONTRACT_ALLOW_WRITES=1 and HUBSPOT_CONTRACT_RECORDS "
        f"({RECORDS_FORMAT}) for a writing run, or select read operations"
    )


def live(args: argparse.Namespace, environ: Mapping[str, str]) -> str | None:
    """A live run that would pass having judged less than asked: writes allowed on no records,
    or a write operation selected on a read-only run."""
    if not args.live or args.cleanup_only:
        return None
    if environ.get("HUBSPOT_CONTRACT_ALLOW_WRITES", "") in _TRUE:
        return writes_without_records(environ)
    return read_only_writes(args.api_version, args.operation)


# Options of a run that a replay of one saved failure has no use for.
_NOT_FOR_A_REPLAY = (
    ("operation", "--operation"),
    ("exclude_operation", "--exclude-operation"),
    ("rule", "--rule"),
    ("exclude_rule", "--exclude-rule"),
    ("report_dir", "--report-dir"),
    ("baseline", "--baseline"),
    ("update_baseline", "--update-baseline"),
    ("fail_on_report", "--fail-on-report"),
    ("cleanup_only", "--cleanup-only"),
)


def reproduce_options(args: argparse.Namespace) -> str | None:
    """Options ``--reproduce`` would ignore: the file names the one rule and operation it
    replays, and a replay writes no reports and compares with no baseline."""
    named = [option for attribute, option in _NOT_FOR_A_REPLAY if getattr(args, attribute, None)]
    if not named:
        return None
    return (
        f"--reproduce replays the one failure its file saved: {', '.join(named)} "
        f"{'does' if len(named) == 1 else 'do'} not apply to it (the file names its rule and "
        "operation; --junit writes the replay's one case); drop "
        f"{'it' if len(named) == 1 else 'them'}"
    )


def judged_nothing(outcome_file: Path, args: argparse.Namespace) -> str | None:
    """A run that ended without a single verdict of a rule (``run.unexpected`` aside): the
    selection was chosen so that nothing of it applies at run time."""
    try:
        outcome = json.loads(outcome_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if outcome.get("judged", 1) != 0:
        return None
    chosen = [
        f"{option} {value}"
        for option, values in (
            ("--operation", args.operation),
            ("--exclude-operation", args.exclude_operation),
            ("--rule", args.rule),
            ("--exclude-rule", args.exclude_rule),
        )
        for value in values
    ]
    return (
        f"the selection judged nothing: {' '.join(chosen) or 'the whole suite'} ended without "
        "a verdict of any rule (a rule judged on every operation judges only the answers it "
        "concerns: batch.accounting a batch's, ratelimit.headers those carrying rate-limit "
        "headers; a live run without writes sends only reads). Choose a rule and an operation "
        "judged together (docs/operations.md)"
    )
