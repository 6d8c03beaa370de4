"""What a run leaves for CI beyond its exit code: the baseline's verdict on its failures, and the
report directory's ``coverage.json`` and ``summary.md``.

``hubspot-associations check`` passes its options to the suite in the variables below; the plugin
calls :func:`finish` once the suite has run and writes the outcome the command's exit code is
made from (the counts of :class:`Finished`).
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import baseline, coverage, selection, verdicts
from .baseline import Comparison, Fingerprint
from .ledger import state_dir
from .target import selected

__all__ = [
    "BASELINE_VARIABLE",
    "FAIL_ON_REPORT_VARIABLE",
    "REPORT_DIR_VARIABLE",
    "STEP_SUMMARY_VARIABLE",
    "UPDATE_BASELINE_VARIABLE",
    "Finished",
    "Settings",
    "environment",
    "exit_code",
    "finish",
    "headline",
    "publish",
    "refusal",
    "report_dir",
    "settings",
    "summary_markdown",
    "unknown_operations",
    "write_reports",
]

REPORT_DIR_VARIABLE = "HUBSPOT_CONTRACT_REPORT_DIR"
BASELINE_VARIABLE = "HUBSPOT_CONTRACT_BASELINE"
UPDATE_BASELINE_VARIABLE = "HUBSPOT_CONTRACT_UPDATE_BASELINE"
FAIL_ON_REPORT_VARIABLE = "HUBSPOT_CONTRACT_FAIL_ON_REPORT"
COVERAGE_FILE = "coverage.json"
SUMMARY_FILE = "summary.md"


@dataclass(frozen=True)
class Settings:
    """The results options of the run, as the command passed them."""

    report_dir: Path | None
    baseline: Path | None
    update_baseline: bool
    fail_on_report: bool


def settings() -> Settings:
    """The results options, from the environment the command set."""

    def path(name: str) -> Path | None:
        value = os.environ.get(name, "").strip()
        return Path(value) if value else None

    return Settings(
        report_dir=path(REPORT_DIR_VARIABLE),
        baseline=path(BASELINE_VARIABLE),
        update_baseline=os.environ.get(UPDATE_BASELINE_VARIABLE, "") == "1",
        fail_on_report=os.environ.get(FAIL_ON_REPORT_VARIABLE, "") == "1",
    )


@dataclass(frozen=True)
class Finished:
    """The run's failures sorted against the baseline, and the counts the exit code needs."""

    comparison: Comparison | None
    new: int
    known: int
    fixed: int
    reported: int
    # Set when --update-baseline wrote the file: how many failures it lists.
    baseline_written: int | None = None
    # Why the run stopped before it ended (the target unreachable, interrupted), or None.
    stopped: str | None = None
    # Tests that failed with no rule's case (no baseline accepts them: the run is broken).
    unaccounted: tuple[str, ...] = ()

    def outcome(self) -> dict[str, Any]:
        """The counts, for the outcome file the command reads."""
        return {
            "new": self.new,
            "known": self.known,
            "fixed": self.fixed,
            "reported": self.reported,
            "baseline_written": self.baseline_written,
        }


def finish(chosen: Settings, *, stopped: bool | str, unaccounted: tuple[str, ...] = ()) -> Finished:
    """Compare the run's failures with the baseline (first writing it with --update-baseline,
    unless the run stopped early: a partial run would drop what it did not reach). ``stopped``:
    why the run stopped early (True when not said); ``unaccounted``: tests failed with no rule."""
    failed = verdicts.failure_fingerprints()
    judged = verdicts.judged()
    comparison = None
    written = None
    if chosen.baseline is not None:
        listed = (
            baseline.load(chosen.baseline)
            if chosen.baseline.exists() or not chosen.update_baseline
            else frozenset()
        )
        if chosen.update_baseline and not stopped:
            entries = baseline.merged(listed, failed, judged)
            baseline.write(chosen.baseline, entries)
            listed, written = frozenset(entries), len(entries)
        comparison = baseline.compare(chosen.baseline, listed, failed, judged)
    found = verdicts.outcomes(comparison)
    return Finished(
        comparison=comparison,
        new=len(comparison.new) if comparison is not None else len(failed),
        known=len(comparison.known) if comparison is not None else 0,
        fixed=len(comparison.fixed) if comparison is not None else 0,
        reported=sum(len(o.get("reported", [])) for o in found.values()),
        baseline_written=written,
        stopped=(stopped if isinstance(stopped, str) else "stopped early") if stopped else None,
        unaccounted=tuple(unaccounted),
    )


def headline(finished: Finished, fail_on_report: bool) -> str:
    """What summary.md's heading says: the verdict the command's exit code gives (results.
    exit_code's rules: a new failure or a failed test of no rule is 1; known failures alone are 0;
    with --fail-on-report a reported difference or a fixed baseline entry is 1)."""
    if finished.stopped is not None:
        return f"stopped before the end ({finished.stopped})"
    if finished.new or finished.unaccounted:
        return "broken"
    reported = f"{finished.reported} reported" if finished.reported else ""
    fixed = f"{finished.fixed} fixed since the baseline" if finished.fixed else ""
    if fail_on_report and (reported or fixed):
        what = " and ".join(
            w
            for w in ("reported" if reported else "", "fixed since the baseline" if fixed else "")
            if w
        )
        counts = ", ".join(w for w in (reported, fixed) if w)
        return f"{what} (failing with --fail-on-report: {counts})"  # fmt: skip
    known = f"{finished.known} known failure(s) accepted" if finished.known else ""
    said = ", ".join(w for w in (known, reported, fixed) if w)
    return f"held ({said})" if said else "held"


def summary_markdown(finished: Finished, replay: str, document: dict[str, Any]) -> str:
    """summary.md: the run, a table of rules, the failures, the coverage in short, the replay."""
    target = selected()
    comparison = finished.comparison
    found = verdicts.outcomes(comparison)
    verdict = headline(finished, settings().fail_on_report)
    lines = [
        f"## hubspot-associations contract check: {verdict}",
        "",
        f"Target: {target.kind} at {target.base_url}, release {target.release}, "
        f"seed {target.seed}, {target.examples} example(s) per operation.",
        "",
        "| rule | held | broken | reported | known |",
        "|---|---:|---:|---:|---:|",
    ]
    # The rules the terminal and the JUnit file list too: in a filtered run those it can judge.
    for name in verdicts.listed_rules():
        judged = found.get(name)
        if judged is None:
            lines.append(f"| `{name}` | {verdicts.unjudged_reason(name)} | | | |")
            continue
        counts = [len(judged.get(k, [])) for k in ("held", "broken", "reported", "known")]
        lines.append(f"| `{name}` | " + " | ".join(map(str, counts)) + " |")
    lines.append("")
    lines.append("Counts are operations (or, for `run.unexpected`, tests).")
    sections = _failure_sections(comparison)
    for title, items in sections:
        if items:
            lines += ["", f"### {title}", "", *(f"- {item}" for item in items)]
    lines += ["", "### Coverage", "", *(f"- {line}" for line in coverage.short_lines(document))]
    lines += ["", "### Replay", "", "```sh", replay, "```", ""]
    return "\n".join(lines)


def _failure_sections(comparison: Comparison | None) -> list[tuple[str, list[str]]]:
    """(title, lines) of the failures new and known, the fixed ones and the reports."""
    new: list[str] = []
    known: list[str] = []
    reported: list[str] = []
    for (name, operation), case in sorted(verdicts.cases().items()):
        result = verdicts.outcome_of(name, operation, case, comparison)
        if result == "broken":
            new.append(f"`[{name}] {operation}`: {_cell(case.failures[0])}")
        elif result == "known":
            known.append(f"`[{name}] {operation}`: {_cell(case.failures[0])}")
        elif result == "reported":
            reported.append(f"`[{name}] {operation}`: {_cell(case.reports[0])}")
    fixed = [f"`{f.describe()}`" for f in comparison.fixed] if comparison is not None else []
    where = f" (baseline `{comparison.path}`)" if comparison is not None else ""
    return [
        ("Failures", new),
        (f"Known failures{where}", known),
        (f"Fixed since the baseline{where}", fixed),
        ("Reported (not promised by HubSpot)", reported),
    ]


def _cell(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= 300 else one_line[:300] + "…"


def write_reports(folder: Path, finished: Finished, replay: str, document: dict[str, Any]) -> None:
    """coverage.json and summary.md in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / COVERAGE_FILE).write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (folder / SUMMARY_FILE).write_text(
        summary_markdown(finished, replay, document), encoding="utf-8"
    )


# The command's side (runner.py): the options checked before the run, passed to the suite, and
# the exit code and the files after it.

_OK, _BROKEN = 0, 1  # the command's exit codes (runner.EXIT_OK, runner.EXIT_BROKEN)
STEP_SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"


def refusal(args: argparse.Namespace) -> str | None:
    """What is wrong with the results options (exit 2), or None."""
    if args.update_baseline and args.baseline is None:
        return "--update-baseline writes the file --baseline names: add --baseline FILE"
    if args.baseline is not None:
        if args.baseline.is_dir():
            return f"--baseline {args.baseline} is a directory: name a file (JSON)"
        if args.baseline.exists() or not args.update_baseline:
            try:
                listed = baseline.load(args.baseline)
            except baseline.BaselineError as exc:
                return str(exc)
            unknown = unknown_operations(args.baseline, listed, args.api_version)
            if unknown:
                return unknown
    if args.report_dir is not None and args.report_dir.exists() and not args.report_dir.is_dir():
        return f"--report-dir {args.report_dir} is a file: name a directory (made when missing)"
    return None


def unknown_operations(path: Path, listed: frozenset[Fingerprint], release: str) -> str | None:
    """Why a baseline cannot be used on the release: an entry whose operation_id the release
    lacks (a typo) could never match a failure, so it would be accepted silently forever."""
    known = selection.release_operations(release)
    # run.unexpected's entries name the test that failed, not an operation.
    wrong = sorted(
        (f for f in listed if f.rule != selection.ALWAYS_KEPT and f.operation_id not in known),
        key=Fingerprint.sort_key,
    )
    if not wrong:
        return None
    entries = "; ".join(f.describe() for f in wrong)
    names = ", ".join(sorted({repr(f.operation_id) for f in wrong}))
    return (
        f"the baseline {path} lists failures of {names}, not an operation of release {release} "
        f"(entries: {entries}); its operations: {', '.join(known)}. Fix the operation_id, or "
        f"write the file again with --baseline {path} --update-baseline"
    )


def report_dir(args: argparse.Namespace, tag: str) -> Path | None:
    """Where the run writes coverage.json and summary.md: --report-dir, else with
    $GITHUB_STEP_SUMMARY set a folder of this run under the state directory, else nowhere (the
    working directory is never written)."""
    if args.report_dir is not None:
        return Path(args.report_dir).resolve()
    if os.environ.get(STEP_SUMMARY_VARIABLE, "").strip():
        return state_dir() / "reports" / tag
    return None


def environment(args: argparse.Namespace, folder: Path | None) -> dict[str, str]:
    """The variables that pass the results options to the suite."""
    env = {}
    if folder is not None:
        env[REPORT_DIR_VARIABLE] = str(folder)
    if args.baseline is not None:
        env[BASELINE_VARIABLE] = str(Path(args.baseline).resolve())
    if args.update_baseline:
        env[UPDATE_BASELINE_VARIABLE] = "1"
    if args.fail_on_report:
        env[FAIL_ON_REPORT_VARIABLE] = "1"
    return env


def exit_code(code: int, outcome_file: Path, args: argparse.Namespace) -> int:
    """The exit code once the baseline and --fail-on-report have their say: a run whose every
    failure the baseline lists passes (0); a report or a fixed failure fails with
    --fail-on-report (1). Other codes (unreachable, interrupted, usage) stay as they are."""
    try:
        outcome = json.loads(outcome_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return code
    if outcome.get("baseline_error"):
        print(f"the baseline could not be read: {outcome['baseline_error']}", flush=True)
        return code
    if outcome.get("baseline_written") is not None:
        print(
            f"baseline written: {args.baseline} ({outcome['baseline_written']} known "
            "failure(s)); later runs with --baseline accept them",
            flush=True,
        )
    accepted = (
        args.baseline is not None
        and outcome.get("new") == 0
        and outcome.get("known", 0) > 0
        and not outcome.get("unaccounted")
    )
    if code == _BROKEN and accepted:
        print(f"every failure is a known one (baseline {args.baseline}): exit 0", flush=True)
        code = _OK
    if code == _OK and args.fail_on_report:
        reported, fixed = outcome.get("reported", 0), outcome.get("fixed", 0)
        if reported or fixed:
            print(
                f"--fail-on-report: {reported} reported difference(s), {fixed} fixed "
                "failure(s) of the baseline: exit 1",
                flush=True,
            )
            code = _BROKEN
    return code


def publish(folder: Path | None) -> None:
    """Say where the reports are; append summary.md to $GITHUB_STEP_SUMMARY when set."""
    if folder is None:
        return
    summary = folder / SUMMARY_FILE
    if not summary.exists():
        return
    print(f"reports: {summary}, {folder / COVERAGE_FILE}", flush=True)
    step = os.environ.get(STEP_SUMMARY_VARIABLE, "").strip()
    if step:
        with Path(step).open("a", encoding="utf-8") as out:
            out.write(summary.read_text(encoding="utf-8") + "\n")
        print(f"summary appended to ${STEP_SUMMARY_VARIABLE} ({step})", flush=True)
