"""``hubspot-associations proxy``: the command line of the proxy, and the summary it gives when it
stops (SIGINT or SIGTERM).

Exit codes: 0 when every exchange got an answer and passed its checks (and, with ``--shadow``,
the emulator answered every one as HubSpot did); 1 when there is any finding or difference, or
any exchange the upstream gave no answer to (the app got the proxy's 502: a CI job whose calls
never reached the portal must not pass), so that a CI job that runs its test suite through the
proxy fails; 2 for bad options (before it listens); 130 when a second Ctrl-C (or SIGTERM) ends
it at once, without the summary.
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
from .recording import Recording, RecordingRefused
from .validation import Validator

__all__ = ["main"]

DEFAULT_UPSTREAM = "https://api.hubapi.com"


class _Shadow(Protocol):
    def compare(self, exchange: Exchange, findings: list[Finding]) -> Difference | None: ...
    def close(self) -> None: ...


class _BadOption(Exception):
    """An option that cannot work; the message says which and what to do."""


_EPILOG = """\
exit codes:
  0    every exchange got an answer, and no finding nor difference
  1    a finding, a difference (--shadow), or an exchange the upstream gave no answer to
  2    a bad option, said before it listens
  130  a second Ctrl-C or SIGTERM: ended at once, without the findings file nor the summary
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubspot-associations proxy",
        description="A recording, validating proxy in front of a HubSpot portal: point your "
        "app's base URL at it. Stop it with Ctrl-C (or SIGTERM) for the summary: it waits for "
        "the requests in flight and judges what passed (a second Ctrl-C ends it at once).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add(
        "--upstream",
        default=DEFAULT_UPSTREAM,
        help=f"where to forward (default {DEFAULT_UPSTREAM})",
    )
    add("--port", type=int, default=0, help="port on 127.0.0.1 (default 0: any free port)")
    add(
        "--record", type=Path, metavar="FILE",
        help="record exchanges: JSON Lines (each written as its answer goes back), or HAR "
        "(.har: written whole at exit, left empty if the proxy is killed); a file that already "
        "holds a recording is refused",
    )  # fmt: skip
    add(
        "--record-limit", type=int, default=DEFAULT_MAX_ENTRIES, metavar="N",
        help=f"record the first N exchanges, count the rest (default {DEFAULT_MAX_ENTRIES})",
    )  # fmt: skip
    add("--findings", type=Path, metavar="FILE", help="write the findings as JSON at exit only")
    add(
        "--api-version", choices=release_names(), metavar="R",
        help=f"judge every exchange by this release, one of {', '.join(release_names())} "
        "(default: the release its path names; the findings file's release is then null)",
    )  # fmt: skip
    add(
        "--profile", choices=sorted(PROFILES), default="current", metavar="P",
        help=f"the v4 profile to judge v4 paths by, one of {', '.join(sorted(PROFILES))} "
        "(default current)",
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


def _warm(validator: Validator) -> None:
    """Judge one made-up answer, so the checks' imports and specs are loaded before the proxy
    listens: otherwise the first exchanges wait seconds in the queue for them."""
    validator.judge(
        Exchange(
            index=-1, started="2026-01-01T00:00:00.000Z", seconds=0.0, method="GET",
            path="/crm/v4/associations/contact/company/labels", query="", request_headers=(),
            request_body=b"", status=200,
            response_headers=(("Content-Type", "application/json"),),
            response_body=b'{"results": []}',
        )
    )  # fmt: skip


class _Session:
    """What the worker thread does with each exchange, in order: judge, compare (the
    recording is written in the request's thread, before its answer goes back)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        # First: a file that is refused is said at once, before the checks load.
        try:
            self.recording = (
                Recording(args.record, args.upstream, args.record_limit) if args.record else None
            )
        except RecordingRefused as exc:
            raise _BadOption(f"--record {exc}") from None
        self.shadow: _Shadow | None = None
        try:
            self.validator = Validator(release=args.api_version, profile=args.profile)
            _warm(self.validator)
            self.shadow = _shadow(args) if args.shadow else None
        except BaseException:
            self.discard()
            raise
        self.exchanges = 0
        self.unanswered = 0
        self.findings: list[Finding] = []
        self.differences: list[Difference] = []

    def record(self, exchange: Exchange) -> None:
        """Write one exchange down (the forwarding thread calls it before the answer goes)."""
        if self.recording is not None:
            self.recording.add(exchange)

    def __call__(self, exchange: Exchange) -> None:
        self.exchanges += 1
        self.unanswered += exchange.status is None
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

    def discard(self) -> None:
        """The proxy never listened: the --record file left empty, as it was found."""
        if self.recording is not None:
            self.recording.discard()
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
    if result["unanswered"]:
        lines.append(
            f"unanswered: {result['unanswered']} exchanges got no answer from the upstream "
            "(the app got the proxy's 502; stderr says why): exit 1"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run the proxy until SIGINT or SIGTERM; the exit code is the module's policy."""
    args = _parser().parse_args(argv)
    try:
        _checked(args)
        session = _Session(args)
        try:
            proxy = ForwardingProxy(args.upstream, args.port, session, on_record=session.record)
        except OSError as exc:
            session.discard()
            raise _BadOption(
                f"--port {args.port} cannot be listened on ({exc.strerror}): "
                "give another port, or 0 for any free one"
            ) from None
    except _BadOption as exc:
        print(f"hubspot-associations proxy: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            _end_now(proxy, session)
        stop.set()

    signal.signal(signal.SIGINT, stopping)
    signal.signal(signal.SIGTERM, stopping)
    proxy.start()
    print(f"proxy listening on {proxy.url} -> {args.upstream}", flush=True)
    while not stop.wait(0.5):
        pass
    proxy.stop(on_wait=_say_waiting)
    if queued := proxy.queued:
        _say(f"judging the {queued} exchanges still queued (Ctrl-C again ends at once)")
    session.close()
    result = session.result()
    if args.findings is not None:
        partial = args.findings.with_name(args.findings.name + ".partial")
        partial.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, args.findings)
    print(_summary(result, args.record is not None), flush=True)
    return 1 if result["findings"] or result.get("differences") or result["unanswered"] else 0


def _say(text: str) -> None:
    print(f"proxy: stopping: {text}", file=sys.stderr, flush=True)


def _say_waiting(in_flight: int) -> None:
    _say(
        f"waiting for {in_flight} requests in flight (up to 30 s; Ctrl-C again ends at once, "
        "losing them)"
    )


def _end_now(proxy: ForwardingProxy, session: _Session) -> None:
    """The second Ctrl-C or SIGTERM: end at once, saying what is lost."""
    lost = [
        f"{proxy.in_flight} requests in flight (their apps get no answer)",
        f"{max(proxy.exchanges - session.exchanges, 0)} exchanges not judged",
        "the findings file (not written)" if session.args.findings else "",
        "the summary",
    ]
    recording = session.recording
    if recording is not None and recording.har:
        lost.append(f"the HAR file {recording.path} (left as it was: empty)")
    elif recording is not None:
        lost.append(f"nothing of {recording.path} (each answered exchange is in it)")
    print(
        "proxy: interrupted again, ending now; lost: " + ", ".join(x for x in lost if x),
        file=sys.stderr,
        flush=True,
    )
    os._exit(130)
