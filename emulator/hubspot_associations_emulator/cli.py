"""``hubspot-associations-emulator serve …``: run the emulator in the foreground."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from typing import TypeVar

from .config import (
    CONTROL_TOKEN_ENV,
    DEFAULT_TOKEN,
    EmulatorConfig,
    check_record_limits,
    parse_record_limit,
)
from .faults import parse_spec
from .guard import exposure
from .numbers import LABELS_PER_PAIR, RECORDS_PER_TYPE
from .ratelimit import parse_rate_limit
from .release_table import PROFILES, RELEASES
from .repeat_answers import CHOICES, parse_repeat_answers
from .scopes import MODES
from .tokens import DEFAULT_PORTAL_ID, load_tokens_file

T = TypeVar("T", int, float)


def build_parser(prog: str = "hubspot-associations-emulator") -> argparse.ArgumentParser:
    """The command line (``prog``: how the user called it, for usage lines)."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="A stateful local emulator of HubSpot's CRM Associations API "
        f"({_release_names()}), with the CRM object calls (create, read, search, merge, …) an "
        "integration makes around them.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the emulator over HTTP")
    _add_server_options(serve)
    _add_hubspot_options(serve)
    _add_limit_options(serve)
    return parser


def _add_server_options(serve: argparse.ArgumentParser) -> None:
    """Where it listens, who may call it, where it keeps its state."""
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)"
    )
    serve.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    serve.add_argument("--db", metavar="FILE", help="keep state in this SQLite file")
    serve.add_argument(
        "--token",
        action="append",
        metavar="T",
        help=f"a full-access private-app token of the default portal ({DEFAULT_PORTAL_ID}) "
        f"(repeatable; default {DEFAULT_TOKEN})",
    )
    serve.add_argument(
        "--tokens",
        metavar="FILE",
        help="more tokens at start-up: a JSON array of the bodies POST /_emulator/tokens takes "
        "(portalId, kind, appId, userId, scopes, associationWrites, expiresAt, refreshToken)",
    )
    serve.add_argument(
        "--scope-mode",
        choices=MODES,
        default="granular",
        help="how portals enforce scopes: granular (the default; inferred per-object rules) or "
        "published (HubSpot's files: any CRM object scope allows every association call)",
    )
    serve.add_argument(
        "--control-token",
        metavar="T",
        # An empty variable is an unset one; an empty --control-token "" is refused.
        default=os.environ.get(CONTROL_TOKEN_ENV) or None,
        help="every /_emulator/* call needs Authorization: Bearer T (default "
        f"${CONTROL_TOKEN_ENV}); needed to listen beyond this machine",
    )
    serve.add_argument(
        "--insecure-control",
        action="store_true",
        help="listen on a non-loopback --host without a control token: anyone who reaches the "
        "port can reset, seed and read the emulator",
    )


def _add_hubspot_options(serve: argparse.ArgumentParser) -> None:
    """How it answers: rate limit, latency, faults, and HubSpot's variants."""
    serve.add_argument("--rate-limit", metavar="N/SECONDS", help="e.g. 100/10")
    serve.add_argument(
        "--latency-ms", type=int, default=0, metavar="MS", help="added to every answer (default 0)"
    )
    serve.add_argument(
        "--faults", metavar="SPEC", help="e.g. rate=0.1,kinds=429+503+html+drop+cut,seed=7"
    )
    serve.add_argument("--numeric-ids", action="store_true", help="answer IDs as JSON numbers")
    serve.add_argument(
        "--max-labels-per-pair",
        type=int,
        default=LABELS_PER_PAIR,
        metavar="N",
        help=f"custom labels per object pair (default {LABELS_PER_PAIR}; newer HubSpot text "
        "says 50)",
    )
    serve.add_argument(
        "--record-limit",
        action="append",
        type=_record_limit,
        metavar="FROM:TO=N",
        help="per-record association limit of an object pair, as the limits usage calls and the "
        f"high-usage report see it (repeatable; e.g. 0-1:0-2=3; default {RECORDS_PER_TYPE})",
    )
    serve.add_argument(
        "--strict-records",
        action="store_true",
        help="only records seeded through /_emulator/seed or created through the object calls "
        "exist for the association calls",
    )
    serve.add_argument(
        "--enqueue-time-format",
        choices=["auto", "string", "object"],
        default="auto",
        help="the report's enqueueTime (auto: ISO string on v4, DateTime object on dated releases)",
    )
    serve.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="current",
        help="how the v4 paths answer: today (current) or as in an earlier v4 release",
    )
    serve.add_argument(
        "--repeat-answers",
        metavar="OP=ANSWER,…",
        help="where HubSpot is silent, how a repeated write is answered: "
        + "; ".join(f"{op}={'|'.join(c)}" for op, c in CHOICES.items())
        + " (default the first of each)",
    )


def _add_limit_options(serve: argparse.ArgumentParser) -> None:
    """What it refuses from a slow or greedy client."""
    serve.add_argument(
        "--request-timeout",
        type=_positive(float),
        default=30.0,
        metavar="SECONDS",
        help="longest a client may take to send a request's headers, and then its body",
    )
    serve.add_argument(
        "--max-body-bytes",
        type=_positive(int),
        default=16 * 1024 * 1024,
        metavar="N",
        help="larger request bodies answer 413 (default 16 MiB)",
    )


def banner(url: str, host: str, config: EmulatorConfig, insecure: bool) -> list[str]:
    """What serve prints once it listens: where, with which tokens, and how the control API is
    guarded. The first two lines keep their form (scripts read the URL and the token)."""
    shown, listening = url, None
    for wildcard in ("0.0.0.0", "[::]"):
        if f"//{wildcard}:" in url:
            port = url.rsplit(":", 1)[1]
            shown = f"http://127.0.0.1:{port}"
            listening = (
                f"Listening on every address ({host}): other machines use this one's address"
            )
    lines = [f"HubSpot Associations emulator on {shown}", f"Token: {config.token}"]
    if listening:
        lines.append(listening)
    lines.append(f"Portal: {DEFAULT_PORTAL_ID} (the start-up tokens': every scope)")
    more = config.token_records
    if more:
        portals = sorted({t.portal_id for t in more})
        lines.append(
            f"Tokens from --tokens: {len(more)}, of portal(s) {', '.join(map(str, portals))}"
        )
    if config.control_token is not None:
        lines.append(
            "Control API: every /_emulator/* call needs Authorization: Bearer <control token>"
        )
    elif insecure and exposure(host, None, False) is not None:  # beyond loopback
        lines.append(
            f"WARNING: --insecure-control: anyone who reaches {host} can reset, seed and read this "
            "emulator through /_emulator/*"
        )
    return lines


def _release_names() -> str:
    """The releases the emulator plays, for the help text: "v4, 2025-09 (beta), … and 2026-09"."""
    names = [f"{n} (beta)" if row.get("beta") else n for n, row in RELEASES.items()]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _record_limit(text: str) -> tuple[str, str, int]:
    """An argparse type: ``FROM:TO=N``."""
    try:
        return parse_record_limit(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(kind: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse type: a number of the given kind, greater than zero."""

    def parse(text: str) -> T:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(f"must be a finite number above 0: {text!r}")
        return value

    return parse


def config_from(args: argparse.Namespace) -> EmulatorConfig:
    """An EmulatorConfig from parsed arguments (ValueError for bad values)."""
    if args.faults:
        parse_spec(args.faults)
    return EmulatorConfig(
        tokens=tuple(args.token) if args.token else (DEFAULT_TOKEN,),
        token_records=tuple(load_tokens_file(args.tokens)) if args.tokens else (),
        scope_mode=args.scope_mode,
        control_token=args.control_token,
        db_path=args.db,
        rate_limit=parse_rate_limit(args.rate_limit) if args.rate_limit else None,
        latency_ms=args.latency_ms,
        faults=args.faults,
        numeric_ids=args.numeric_ids,
        max_labels_per_pair=args.max_labels_per_pair,
        strict_records=args.strict_records,
        enqueue_time_format=args.enqueue_time_format,
        profile=args.profile,
        request_timeout=args.request_timeout,
        max_body_bytes=args.max_body_bytes,
        repeat_answers=parse_repeat_answers(args.repeat_answers or ""),
        record_limits=check_record_limits(args.record_limit or ()),
    )


def main(argv: list[str] | None = None, prog: str = "hubspot-associations-emulator") -> int:
    """Entry point of the console script (``prog``: the name usage lines give, e.g.
    ``hubspot-associations emulator`` when called through the package's command line)."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    try:
        config = config_from(args)
    except ValueError as exc:
        parser.error(str(exc))
    exposed = exposure(args.host, config.control_token, args.insecure_control)
    if exposed is not None:
        parser.error(exposed)  # before anything is bound
    try:
        from .app import create_app
        from .server import bind, make_server, url_of
    except ModuleNotFoundError as exc:
        print(
            f"the emulator's server needs its extra ({exc.name} is missing): "
            "pip install 'hubspot-associations[emulator]'",
            file=sys.stderr,
        )
        return 2
    # Ctrl-C is how a local server is stopped, at any moment (even before uvicorn has set its
    # own handler): no traceback, the shell's usual code.
    try:
        try:
            app = create_app(config)
        except ValueError as exc:  # a --db file of another format, a token given twice
            print(f"hubspot-associations-emulator: error: {exc}", file=sys.stderr)
            return 2
        sock = bind(args.host, args.port)
        for line in banner(url_of(sock), args.host, config, args.insecure_control):
            print(line, flush=True)
        make_server(app).run(sockets=[sock])
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
