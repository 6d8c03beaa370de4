"""Serve one mutant emulator on loopback until stopped (at most 15 minutes).

    python -m tests.mutants.server NAME [--port P] [--rate-limit N/S]

NAME is a key of ``tests.mutants.catalog.MUTANTS``, or ``none`` for the unmutated emulator. One
line ``READY http://127.0.0.1:PORT`` goes to stdout once the server accepts connections. SIGTERM
and SIGINT stop it (exit status 0); so does the lifetime running out, 15 minutes by default.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Sequence

import uvicorn
from hubspot_associations_emulator import EmulatorConfig, create_app
from hubspot_associations_emulator.config import DEFAULT_TOKEN
from hubspot_associations_emulator.ratelimit import parse_rate_limit
from hubspot_associations_emulator.server import STARTUP_TIMEOUT, bind, make_server, url_of

from tests.mutants.catalog import MUTANTS, NO_MUTANT, mutate

HOST = "127.0.0.1"
MAX_LIFETIME = 15 * 60.0


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.mutants.server", description="Serve one mutant emulator."
    )
    parser.add_argument("name", choices=[NO_MUTANT, *MUTANTS], help="the mutant (none: no bug)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--rate-limit", metavar="N/SECONDS", help="configured rate limit")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="accepted bearer token")
    parser.add_argument(
        "--lifetime",
        type=float,
        default=MAX_LIFETIME,
        help=f"seconds before the server stops by itself (at most {MAX_LIFETIME:g})",
    )
    return parser


def _announce(server: uvicorn.Server, url: str) -> None:
    """Print READY once uvicorn serves (the socket already listens)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if server.should_exit or time.monotonic() > deadline:
            return
        time.sleep(0.005)
    print(f"READY {url}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the mutant until a signal or the end of its lifetime."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not 0 < args.lifetime <= MAX_LIFETIME:
        parser.error(f"--lifetime must be above 0 and at most {MAX_LIFETIME:g}")
    try:
        rate_limit = parse_rate_limit(args.rate_limit) if args.rate_limit else None
    except ValueError as exc:
        parser.error(f"--rate-limit: {exc}")
    app = create_app(EmulatorConfig(tokens=(args.token,), rate_limit=rate_limit))
    served = mutate(app, args.name)
    sock = bind(HOST, args.port)
    server = make_server(app)
    if served is not app:
        server.config.app = served
    # SIGTERM as SIGINT: uvicorn shuts down gracefully, then re-raises it as KeyboardInterrupt.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    threading.Thread(target=_announce, args=(server, url_of(sock)), daemon=True).start()
    timer = threading.Timer(args.lifetime, lambda: setattr(server, "should_exit", True))
    timer.daemon = True
    timer.start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        timer.cancel()
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
