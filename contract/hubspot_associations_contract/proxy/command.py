"""``hubspot-associations proxy``: the command line of the proxy, and the summary it gives when it
stops (SIGINT or SIGTERM).

Exit codes: 0 when every exchange passed its checks (and, with ``--shadow``, the emulator
answered every one as HubSpot did); 1 when there is any finding or difference, so that a CI job
that runs its test suite through the proxy fails when HubSpot broke the contract or the emulator
and HubSpot differ; 2 for bad options (before it listens). An upstream that gave no answer (the
app got a 502) is counted in the summary, not judged.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any, Protocol
from urllib.parse import urlsplit

from hubspot_associations_emulator.journal import DEFAULT_MAX_ENTRIES
from hubspot_associations_emulator.release_table import PROFILES

from ..specs import release_names
from .exchange import Difference, Exchange, Finding
from .forward import ForwardingProxy
from .recording import Recording
from .validation import Validator

__all__ = ["main"]

DEFAULT_UPSTREAM = "https://api.hubapi.com"


class _Shadow(Protocol):
    def compare(self, exchange: Exchange, findings: list[Finding]) -> Difference | None: ...
    def close(self) -> None: ...


class _BadOption(Exception):
    """An option that cannot work; the message says which and what to do."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubspot-associations proxy",
        description="A recording, validating proxy in front of a HubSpot portal: point your "
        "app's base URL at it. Stop it with Ctrl-C (or SIGTERM) for the summary.",
    )
    add = parser.add_argument
    add(
        "--upstream",
        default=DEFAULT_UPSTREAM,
        help=f"where to forward (default {DEFAULT_UPSTREAM})",
    )
    add("--port", type=int, default=0, help="port on 127.0.0.1 (default 0: any free port)")
    add("--record", type=Path, metavar="FILE", help="record exchanges: JSON Lines, or HAR (.har)")
    add(
        "--record-limit", type=int, default=DEFAULT_MAX_ENTRIES, metavar="N",
        help=f"record the first N exchanges, count the rest (default {DEFAULT_MAX_ENTRIES})",
    )  # fmt: skip
    add("--findings", type=Path, metavar="FILE", help="write the findings as JSON at exit")
    add(
        "--api-version", choices=release_names(), metavar="R",
        help="judge every exchange by this release (default: the release its path names)",
    )  # fmt: skip
    add(
        "--profile", choices=sorted(PROFILES), default="current", metavar="P",
        help="the v4 profile to judge v4 paths by (default current)",
    )  # fmt: skip
    add("--shadow", action="store_true", help="compare each answer with an in-process emulator's")
    return parser


def _writable(path: Path, what: str) -> None:
    existed = path.exists()
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise _BadOption(
            f"{what} {path} cannot be written ({exc.strerror}): give a writable path"
        ) from None
    if not existed:
        path.unlink()


def _checked(args: argparse.Namespace) -> None:
    upstream = urlsplit(args.upstream)
    if upstream.scheme not in ("http", "https") or not upstream.hostname:
        raise _BadOption(
            f"--upstream {args.upstream!r} is not an http(s) URL: give one like "
            f"{DEFAULT_UPSTREAM} or http://127.0.0.1:8080"
        )
    if not 0 <= args.port <= 65535:
        raise _BadOption(f"--port {args.port} is out of range: give 0 (any free port) to 65535")
    if args.record_limit < 0:
        raise _BadOption(f"--record-limit {args.record_limit} is negative: give 0 or more")
    if args.record is not None:
        _writable(args.record, "--record")
    if args.findings is not None:
        _writable(args.findings, "--findings")


def _shadow(args: argparse.Namespace) -> _Shadow:
    try:
        import starlette  # noqa: F401  # the shadow emulator's server parts
        import uvicorn  # noqa: F401

        from .shadow import Shadow
    except ModuleNotFoundError as exc:
        raise _BadOption(
            f"--shadow needs the emulator ({exc.name} is missing): "
            "pip install 'hubspot-associations[emulator]'"
        ) from None
    return Shadow(release=args.api_version, profile=args.profile)


class _Session:
    """What the worker thread does with each exchange, in order: record, judge, compare."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.recording = (
            Recording(args.record, args.upstream, args.record_limit) if args.record else None
        )
        self.validator = Validator(release=args.api_version, profile=args.profile)
        self.shadow = _shadow(args) if args.shadow else None
        self.exchanges = 0
        self.unanswered = 0
        self.findings: list[Finding] = []
        self.differences: list[Difference] = []

    def __call__(self, exchange: Exchange) -> None:
        self.exchanges += 1
        self.unanswered += exchange.status is None
        if self.recording is not None:
            self.recording.add(exchange)
        found = self.validator.judge(exchange)
        self.findings.extend(found)
        if self.shadow is not None:
            difference = self.shadow.compare(exchange, found)
            if difference is not None:
                self.differences.append(difference)

    def close(self) -> None:
        if self.recording is not None:
            self.recording.close()
        if self.shadow is not None:
            self.shadow.close()

    def result(self) -> dict[str, Any]:
        recorded = self.recording.recorded if self.recording else 0
        out: dict[str, Any] = {
            "exchanges": self.exchanges,
            "recorded": recorded,
            "not_recorded": self.exchanges - recorded,
            "unanswered": self.unanswered,
            "release": self.args.api_version,
            "profile": self.args.profile,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.shadow is not None:
            out["differences"] = [d.to_dict() for d in self.differences]
        out["by_rule"] = dict(sorted(Counter(f.rule for f in self.findings).items()))
        out["by_category"] = dict(sorted(Counter(d.category for d in self.differences).items()))
        return out


def _summary(result: dict[str, Any], recording: bool) -> str:
    recorded = (
        f"{result['recorded']} recorded, {result['not_recorded']} not recorded"
        if recording
        else "none recorded (no --record)"
    )
    lines = [
        f"proxy: {result['exchanges']} exchanges, {recorded}, "
        f"{result['unanswered']} without an answer (502)",
        f"findings: {len(result['findings'])}"
        + "".join(f"\n  {rule}: {n}" for rule, n in result["by_rule"].items()),
    ]
    if "differences" in result:
        lines.append(
            f"differences: {len(result['differences'])}"
            + "".join(f"\n  {category}: {n}" for category, n in result["by_category"].items())
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run the proxy until SIGINT or SIGTERM; the exit code is the module's policy."""
    args = _parser().parse_args(argv)
    try:
        _checked(args)
        session = _Session(args)
        try:
            proxy = ForwardingProxy(args.upstream, args.port, session)
        except OSError as exc:
            session.close()
            raise _BadOption(
                f"--port {args.port} cannot be listened on ({exc.strerror}): "
                "give another port, or 0 for any free one"
            ) from None
    except _BadOption as exc:
        print(f"hubspot-associations proxy: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, stopping)
    signal.signal(signal.SIGTERM, stopping)
    proxy.start()
    print(f"proxy listening on {proxy.url} -> {args.upstream}", flush=True)
    while not stop.wait(0.5):
        pass
    proxy.stop()
    session.close()
    result = session.result()
    if args.findings is not None:
        partial = args.findings.with_name(args.findings.name + ".partial")
        partial.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, args.findings)
    print(_summary(result, args.record is not None), flush=True)
    return 1 if result["findings"] or result.get("differences") else 0
