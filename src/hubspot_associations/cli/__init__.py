"""The ``hubspot-associations`` command line (needs the ``cli`` extra for rich)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hubspot-associations`` command."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # `check`, `emulator`, `proxy` and `worker` belong to other extras: none of them needs rich.
    if arguments[:1] == ["check"]:
        return _check(arguments[1:])
    if arguments[:1] == ["emulator"]:
        return _emulator(arguments[1:])
    if arguments[:1] == ["proxy"]:
        return _proxy(arguments[1:])
    if arguments[:1] == ["worker"]:
        # A worker machine needs only the [celery] extra: no rich.
        from ._worker import main as worker_main

        return worker_main(arguments[1:])
    try:
        from ._app import main as run
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
        if exc.name == "rich":
            print(
                "the command line needs rich: pip install 'hubspot-associations[cli]'",
                file=sys.stderr,
            )
            return 2
        raise
    return run(arguments)


def _check(arguments: list[str]) -> int:
    # The suite owns its options; only its runner is imported here (pytest loads in the run).
    try:
        from hubspot_associations_contract import main as check_main
    except ModuleNotFoundError as exc:
        return _needs("contract", "the contract checks", exc)
    return check_main(arguments)


def _proxy(arguments: list[str]) -> int:
    # The proxy judges by the contract suite's checks: it ships with the [contract] extra.
    try:
        from hubspot_associations_contract.proxy.command import main as proxy_main
    except ModuleNotFoundError as exc:
        return _needs("contract", "the proxy and its checks", exc)
    return proxy_main(arguments)


def _emulator(arguments: list[str]) -> int:
    try:
        from hubspot_associations_emulator.cli import main as emulator_main
    except ModuleNotFoundError as exc:
        return _needs("emulator", "the emulator", exc)
    return emulator_main(arguments, prog="hubspot-associations emulator")


def _needs(extra: str, what: str, error: ModuleNotFoundError) -> int:
    print(
        f"{what} need their extra ({error.name} is missing): "
        f"pip install 'hubspot-associations[{extra}]'",
        file=sys.stderr,
    )
    return 2
