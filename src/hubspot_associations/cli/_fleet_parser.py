"""The command line's fleet options: ``--broker`` on the bulk commands, and ``jobs``.

``worker`` has its own parser (``_worker.py``): it is routed before rich is needed, so a worker
machine needs only the ``[celery]`` extra.
"""

from __future__ import annotations

import argparse

__all__ = ["FLEET_EPILOG", "add_fleet_options", "add_jobs", "chunk_size", "portal_id"]

FLEET_EPILOG = """\
with --broker: the job runs on the Celery fleet (`hubspot-associations worker`), and the
results file is written from the job ledger when it finishes, as a local run writes it; the
exit codes are the same. Ctrl-C (130) leaves the job running on the fleet: `jobs status ID`
follows it, `jobs cancel ID` stops it, the same command with --resume writes its results.
"""

# The largest chunk: a chunk is the unit a worker takes and, after a lost worker, gets back.
_MAX_CHUNK = 100_000


def chunk_size(value: str) -> int:
    """Inputs per fleet task: a whole number from 1 to 100,000."""
    try:
        number = int(value.strip(), 10)
    except ValueError:
        number = 0
    if not 1 <= number <= _MAX_CHUNK:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a whole number from 1 to {_MAX_CHUNK:,}"
        )
    return number


def portal_id(value: str) -> int:
    """A HubSpot portal (hub) ID: a positive whole number."""
    try:
        number = int(value.strip(), 10)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a portal ID (a positive whole number)")
    return number


def _broker_options(parser: argparse._ActionsContainer, *, required: bool) -> None:
    parser.add_argument(
        "--broker",
        required=required,
        metavar="URL",
        help="the Celery broker of the fleet, e.g. redis://HOST:6379/0"
        + ("" if required else ": run the job on the fleet's workers"),
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="the Redis of the job ledger and the shared rate window (default: the broker, "
        "when it is redis://)",
    )


def add_fleet_options(bulk: argparse.ArgumentParser) -> None:
    """``--broker``, ``--redis``, ``--portal-id`` and ``--chunk-size`` on a bulk command."""
    fleet = bulk.add_argument_group("running on a Celery fleet")
    _broker_options(fleet, required=False)
    fleet.add_argument(
        "--portal-id",
        type=portal_id,
        metavar="N",
        help="the portal the job writes to (default: the token's, by token introspection); "
        "workers resolve its token from their own configuration",
    )
    fleet.add_argument(
        "--chunk-size",
        type=chunk_size,
        metavar="N",
        help="inputs per fleet task (default: 10 × --batch-size)",
    )


def add_jobs(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """``jobs list|status ID|cancel ID --broker URL``: the fleet's job ledger."""
    text = "the jobs in the fleet's ledger: list, status ID, cancel ID (the [celery] extra)"
    jobs = sub.add_parser("jobs", help=text, description=text)
    actions = jobs.add_subparsers(dest="action", required=True)
    helps = {
        "list": "every job in the ledger, newest first",
        "status": "one job: its inputs done, failed and waiting, its state",
        "cancel": "stop a job: chunks not started record nothing; running ones finish their chunk",
    }
    for action, help_text in helps.items():
        p = actions.add_parser(action, parents=[common], help=help_text, description=help_text)
        if action != "list":
            p.add_argument("job_id", metavar="ID", help="the job ID (`jobs list` shows them)")
        _broker_options(p, required=True)
