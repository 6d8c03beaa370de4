"""``hubspot-associations worker``: a Celery worker running the package's fleet tasks.

Routed by the package's main() before rich is needed: a worker machine needs only the
``[celery]`` extra. Tokens never travel in messages: each task names its portal, and the worker
finds that portal's token in its own environment (``HUBSPOT_ACCESS_TOKEN_<portal ID>``, else
``HUBSPOT_ACCESS_TOKEN``) or asks ``--token-command`` (with ``HUBSPOT_PORTAL_ID`` set).
"""

from __future__ import annotations

import argparse
import os
import sys

from .._settings import BASE_URL_ENV, TOKEN_ENV
from ._exit_codes import EXIT_NOT_RUN, EXIT_USAGE, UsageError
from ._fleet import FleetUnreachable, celery_module, fleet_addresses, ledger_redis
from ._token_command import TokenCommand

__all__ = ["main"]

EPILOG = """\
tokens: each task names its portal; the worker uses $HUBSPOT_ACCESS_TOKEN_<portal ID>, else
$HUBSPOT_ACCESS_TOKEN, or runs --token-command with $HUBSPOT_PORTAL_ID set to the portal.

exit codes:
  0  the worker was stopped (SIGTERM, or Ctrl-C): it finished its running tasks first
  2  usage error: a bad --broker or --redis URL, or the [celery] extra is missing
  3  the ledger's Redis did not answer
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubspot-associations worker",
        description="a Celery worker of the fleet's bulk jobs (`associate … --broker URL`)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--broker", required=True, metavar="URL",
                        help="the Celery broker, e.g. redis://HOST:6379/0")  # fmt: skip
    parser.add_argument("--redis", metavar="URL",
                        help="the Redis of the job ledger and the shared rate window (default: "
                        "the broker, when it is redis://)")  # fmt: skip
    parser.add_argument("--processes", type=_processes, default=os.cpu_count() or 1, metavar="N",
                        help="worker processes (prefork; default: the CPU count)")  # fmt: skip
    parser.add_argument("--token-command", metavar="CMD",
                        help="a command printing the token of the portal in $HUBSPOT_PORTAL_ID, "
                        "run without a shell (instead of the environment's tokens)")  # fmt: skip
    parser.add_argument("--base-url", metavar="URL",
                        help="API address (default: $HUBSPOT_BASE_URL or HubSpot's)")  # fmt: skip
    parser.add_argument("--hostname", metavar="NAME",
                        help="the worker's Celery node name, to tell several workers on one "
                        "host apart in logs (default: Celery's, celery@HOSTNAME; %%h is the "
                        "host)")  # fmt: skip
    parser.add_argument("--loglevel", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])  # fmt: skip
    return parser


def _processes(value: str) -> int:
    try:
        number = int(value.strip(), 10)
    except ValueError:
        number = 0
    if not 1 <= number <= 1024:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 1 to 1024")
    return number


def main(arguments: list[str]) -> int:
    """Start the worker; returns its exit code when it is stopped."""
    args = _parser().parse_args(arguments)
    try:
        broker, redis_url = fleet_addresses(args.broker, args.redis)
        fleet = celery_module()
        if args.token_command is not None:
            tokens = fleet.TokenSource.from_command(TokenCommand(args.token_command).argv)
        else:
            tokens = fleet.TokenSource.from_environment()
        ledger_redis(redis_url, sending=False).close()
    except UsageError as error:
        print(f"hubspot-associations worker: {error}", file=sys.stderr)
        return EXIT_USAGE
    except FleetUnreachable as error:
        print(f"hubspot-associations worker: {error}", file=sys.stderr)
        return EXIT_NOT_RUN
    if args.token_command is None and not any(
        name == TOKEN_ENV or name.startswith(f"{TOKEN_ENV}_") for name in os.environ
    ):
        print(
            f"hubspot-associations worker: note: no {TOKEN_ENV} nor {TOKEN_ENV}_<portal ID> in "
            "the environment, and no --token-command: every task will fail to find its token",
            file=sys.stderr,
        )
    if args.base_url:
        # The tasks' clients read it, in every process the worker forks.
        os.environ[BASE_URL_ENV] = args.base_url
    app = fleet.make_app(broker, redis_url=redis_url, tokens=tokens)
    argv = ["worker", f"--concurrency={args.processes}", "--pool=prefork",
            f"--loglevel={args.loglevel}", "--without-gossip", "--without-mingle"]  # fmt: skip
    if args.hostname:
        argv.append(f"--hostname={args.hostname}")
    app.worker_main(argv)
    return 0
