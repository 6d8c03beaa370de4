"""The ``hubspot-associations`` command: bulk associations, labels, limits, exports and checks.

Exit codes: 0 everything done, 1 some inputs failed (see the results file), 2 usage or input
error (nothing was sent).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .._association_types import types_between
from .._exceptions import ClientValidationError, HubSpotError
from .._sync_client import HubSpotAssociations
from ._input_files import InputFileError, PairRow, read_ids, read_pairs
from ._output import Output
from ._results_file import ResultsFile, done_keys

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _rate(value: str) -> tuple[int, float]:
    try:
        requests, seconds = value.split("/", 1)
        return int(requests), float(seconds)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not N/SECONDS (e.g. 100/10, HubSpot's smallest tier)"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--token", help="access token (default: $HUBSPOT_ACCESS_TOKEN)")
    common.add_argument("--base-url", help="API address (default: $HUBSPOT_BASE_URL or HubSpot's)")
    common.add_argument("--api-version", default="v4", choices=["v4", "2026-03"])
    common.add_argument(
        "--rate-limit",
        type=_rate,
        default=(100, 10.0),
        metavar="N/SECONDS",
        help="client-side limit (default 100/10, HubSpot's smallest burst tier)",
    )
    common.add_argument("--json", action="store_true", help="print JSON instead of tables")

    bulk = argparse.ArgumentParser(add_help=False)
    bulk.add_argument("file", type=Path, help='CSV (from_id,to_id) or JSONL ({"from":…,"to":…})')
    bulk.add_argument("--from", dest="from_type", required=True, help="object type, e.g. contact")
    bulk.add_argument("--to", dest="to_type", required=True, help="object type, e.g. company")
    bulk.add_argument("--results", type=Path, help="results file (default: FILE.results.jsonl)")
    bulk.add_argument(
        "--resume", action="store_true", help="skip inputs the results file already records as done"
    )
    bulk.add_argument(
        "--dry-run", action="store_true", help="show what would be sent, send nothing"
    )
    bulk.add_argument("--batch-size", type=int, default=100)
    bulk.add_argument("--concurrency", type=int, default=4)
    bulk.add_argument("--progress", choices=["auto", "always", "never"], default="auto")

    labelled = argparse.ArgumentParser(add_help=False)
    which = labelled.add_mutually_exclusive_group()
    which.add_argument("--label", help="custom label name or text (looked up between the types)")
    which.add_argument("--type-id", type=int, help="association typeId of this direction")
    labelled.add_argument(
        "--category",
        default=None,
        help="category of --type-id (default HUBSPOT_DEFINED for HubSpot's IDs, else USER_DEFINED)",
    )
    labelled.add_argument(
        "--primary", action="store_true", help="the HubSpot-defined primary type of this pair"
    )

    parser = argparse.ArgumentParser(
        prog="hubspot-associations",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("associate", parents=[common, bulk, labelled], help="associate record pairs")
    sub.add_parser("unassociate", parents=[common, bulk], help="remove all associations of pairs")
    sub.add_parser(
        "remove-label", parents=[common, bulk, labelled], help="remove one label from pairs"
    )

    export = sub.add_parser("export", parents=[common], help="read associations of many records")
    export.add_argument("ids_file", type=Path)
    export.add_argument("--from", dest="from_type", required=True)
    export.add_argument("--to", dest="to_type", required=True)
    export.add_argument("--out", type=Path, help="output file (.csv or .jsonl; default stdout CSV)")

    labels = sub.add_parser("labels", help="list, create, update or delete custom labels")
    lsub = labels.add_subparsers(dest="action", required=True)
    for action in ("list", "create", "update", "delete"):
        p = lsub.add_parser(action, parents=[common])
        p.add_argument("from_type")
        p.add_argument("to_type")
        if action == "create":
            p.add_argument(
                "--name", required=True, help="internal name: no hyphens, no leading digit"
            )
            p.add_argument("--label", required=True)
            p.add_argument("--inverse-label", help="makes a paired label")
        if action in ("update", "delete"):
            p.add_argument("type_id", type=int)
        if action == "update":
            p.add_argument("--label", required=True)
            p.add_argument("--inverse-label")

    limits = sub.add_parser("limits", help="list, set or purge association limits")
    msub = limits.add_subparsers(dest="action", required=True)
    for action in ("list", "set", "purge"):
        p = msub.add_parser(action, parents=[common])
        p.add_argument("from_type", nargs="?" if action == "list" else None)
        p.add_argument("to_type", nargs="?" if action == "list" else None)
        if action in ("set", "purge"):
            p.add_argument("type_id", type=int)
            p.add_argument("--category", default="USER_DEFINED")
        if action == "set":
            p.add_argument("max", type=int, help="largest number of records (at least 1)")

    types = sub.add_parser("types", parents=[common], help="type IDs between two object types")
    types.add_argument("from_type")
    types.add_argument("to_type")
    types.add_argument(
        "--offline",
        action="store_true",
        help="only HubSpot-defined types from the built-in table, no request",
    )

    report = sub.add_parser("report", parents=[common], help="request the high-usage report")
    report.add_argument("user_id", type=int)

    check = sub.add_parser("check", help="run the contract checks (emulator, or --live)")
    check.add_argument(
        "--live", action="store_true", help="against $HUBSPOT_BASE_URL with $HUBSPOT_ACCESS_TOKEN"
    )

    emulator = sub.add_parser("emulator", help="the local HubSpot emulator", add_help=False)
    emulator.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "emulator":
        from hubspot_associations_emulator.cli import main as emulator_main

        return emulator_main(list(args.rest))
    if args.command == "check":
        return _check(args.live)
    out = Output(json_mode=getattr(args, "json", False))
    try:
        handler = _HANDLERS[args.command]
        return handler(args, out)
    except InputFileError as error:
        out.error(str(error))
        return EXIT_USAGE
    except ClientValidationError as error:
        out.error(f"error: {error}")
        return EXIT_USAGE
    except HubSpotError as error:
        out.error(f"HubSpot error: {error}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        out.error("interrupted; run again with --resume to continue from the results file")
        return 130


def _client(args: argparse.Namespace) -> HubSpotAssociations:
    return HubSpotAssociations(
        args.token or os.environ.get("HUBSPOT_ACCESS_TOKEN"),
        base_url=args.base_url,
        api_version=args.api_version,
        rate_limit=args.rate_limit,
    )


def _types_for(args: argparse.Namespace, client: HubSpotAssociations | None) -> list[Any]:
    """The association types the --label / --type-id / --primary options name (empty: default)."""
    if args.primary:
        primary = [t for t in types_between(args.from_type, args.to_type) if t.kind == "primary"]
        if not primary:
            raise ClientValidationError(
                f"HubSpot defines no primary type from {args.from_type} to {args.to_type}"
            )
        return primary
    if args.type_id is not None:
        builtin = {t.type_id for t in types_between(args.from_type, args.to_type)}
        category = args.category or (
            "HUBSPOT_DEFINED" if args.type_id in builtin else "USER_DEFINED"
        )
        return [(category, args.type_id)]
    if args.label:
        if client is None:
            raise ClientValidationError(
                "--label is looked up in HubSpot; use --type-id with --dry-run"
            )
        wanted = args.label.strip().lower()
        for item in client.labels.list(args.from_type, args.to_type):
            label = item.label if isinstance(item.label, str) else ""
            if label.lower() == wanted:
                return [(str(item.category), item.type_id)]
        raise ClientValidationError(
            f"no label {args.label!r} from {args.from_type} to {args.to_type}; "
            f"`hubspot-associations types {args.from_type} {args.to_type}` lists them"
        )
    return []


def _run_bulk(args: argparse.Namespace, out: Output) -> int:
    rows = read_pairs(args.file)
    results_path = args.results or args.file.with_name(args.file.name + ".results.jsonl")
    skip = done_keys(results_path) if args.resume else set()
    if results_path.exists() and not args.resume and not args.dry_run:
        raise ClientValidationError(
            f"{results_path} exists: pass --resume to continue that run, or --results NEW_FILE"
        )
    todo = [row for row in rows if row.key not in skip]
    if args.command == "remove-label" and not (args.label or args.type_id or args.primary):
        raise ClientValidationError("remove-label needs --label, --type-id or --primary")
    if args.dry_run:
        types = _types_for(args, None) if (args.type_id is not None or args.primary) else []
        out.dry_run(
            args.command,
            args.from_type,
            args.to_type,
            todo,
            types,
            len(rows) - len(todo),
            args.batch_size,
        )
        return EXIT_OK
    with _client(args) as client:
        types = _types_for(args, client)
        lines = {row.key: row.line for row in rows}
        writer = ResultsFile(results_path, lines, args.command)
        try:
            with out.progress(len(todo), args.progress, already=len(rows) - len(todo)) as advance:
                result = _dispatch(client, args, types, todo, writer.record, advance)
        finally:
            writer.close()
    out.summary(len(rows), len(rows) - len(todo), result, results_path)
    return EXIT_OK if result.ok else EXIT_FAILED


def _dispatch(
    client: HubSpotAssociations,
    args: argparse.Namespace,
    types: list[Any],
    todo: list[PairRow],
    record: Callable[[list[Any], list[Any]], None],
    advance: Callable[[int, int], None],
) -> Any:
    pairs = [row.key for row in todo]
    options: dict[str, Any] = {
        "batch_size": args.batch_size,
        "concurrency": args.concurrency,
        "progress": advance,
        "on_chunk": record,
    }
    bulk = client.bulk
    if args.command == "associate":
        if types:
            return bulk.create(args.from_type, args.to_type, pairs, types, **options)
        return bulk.associate_default(args.from_type, args.to_type, pairs, **options)
    if args.command == "unassociate":
        return bulk.archive(args.from_type, args.to_type, pairs, **options)
    return bulk.archive_labels(args.from_type, args.to_type, pairs, types, **options)


def _export(args: argparse.Namespace, out: Output) -> int:
    ids = [value for _, value in read_ids(args.ids_file)]
    with _client(args) as client:
        result = client.bulk.read(args.from_type, args.to_type, ids)
    out.export(result, args.out)
    return EXIT_OK if result.ok else EXIT_FAILED


def _labels(args: argparse.Namespace, out: Output) -> int:
    with _client(args) as client:
        if args.action == "list":
            out.labels(client.labels.list(args.from_type, args.to_type))
        elif args.action == "create":
            out.labels(
                client.labels.create(
                    args.from_type,
                    args.to_type,
                    name=args.name,
                    label=args.label,
                    inverse_label=args.inverse_label,
                )
            )
        elif args.action == "update":
            client.labels.update(
                args.from_type,
                args.to_type,
                type_id=args.type_id,
                label=args.label,
                inverse_label=args.inverse_label,
            )
            out.message(f"label {args.type_id} updated")
        else:
            client.labels.delete(args.from_type, args.to_type, args.type_id)
            out.message(f"label {args.type_id} deleted")
    return EXIT_OK


def _limits(args: argparse.Namespace, out: Output) -> int:
    with _client(args) as client:
        if args.action == "list":
            if args.from_type and args.to_type:
                out.limits(client.limits.list(args.from_type, args.to_type))
            else:
                out.limits(client.limits.list_all())
        elif args.action == "set":
            kind = (args.category, args.type_id)
            existing = {c.type_id for c in client.limits.list(args.from_type, args.to_type)}
            if args.type_id in existing:
                client.limits.update(args.from_type, args.to_type, [(kind, args.max)])
            else:
                client.limits.create(args.from_type, args.to_type, [(kind, args.max)])
            out.message(f"limit of type {args.type_id} set to {args.max}")
        else:
            client.limits.purge(args.from_type, args.to_type, [(args.category, args.type_id)])
            out.message(f"limit of type {args.type_id} purged")
    return EXIT_OK


def _types(args: argparse.Namespace, out: Output) -> int:
    builtin = types_between(args.from_type, args.to_type)
    rows: list[dict[str, object]] = [
        {"typeId": t.type_id, "category": "HUBSPOT_DEFINED", "label": t.name, "kind": t.kind}
        for t in builtin
    ]
    if not args.offline:
        with _client(args) as client:
            for item in client.labels.list(args.from_type, args.to_type):
                if str(item.category) != "HUBSPOT_DEFINED":
                    label = item.label if isinstance(item.label, str) else None
                    rows.append(
                        {
                            "typeId": item.type_id,
                            "category": str(item.category),
                            "label": label,
                            "kind": "custom",
                        }
                    )
    out.table(
        ["typeId", "category", "label", "kind"], rows, title=f"{args.from_type} → {args.to_type}"
    )
    return EXIT_OK


def _report(args: argparse.Namespace, out: Output) -> int:
    with _client(args) as client:
        answer = client.report.request(args.user_id)
    out.record(answer.to_dict())
    return EXIT_OK


def _check(live: bool) -> int:
    import subprocess

    root = Path(__file__).resolve().parents[3]
    suite = root / "contract_tests"
    if not suite.is_dir():
        print(
            "the contract suite ships with the repository: run `make contract` in a checkout",
            file=sys.stderr,
        )
        return EXIT_USAGE
    command = [sys.executable, "-m", "pytest", str(suite), "-q", "-p", "no:cacheprovider"]
    env = dict(os.environ)
    if live:
        env["HUBSPOT_CONTRACT_TARGET"] = "live"
        command += ["-m", "live"]
    return subprocess.call(command, cwd=root, env=env)


_HANDLERS: dict[str, Callable[[argparse.Namespace, Output], int]] = {
    "associate": _run_bulk,
    "unassociate": _run_bulk,
    "remove-label": _run_bulk,
    "export": _export,
    "labels": _labels,
    "limits": _limits,
    "types": _types,
    "report": _report,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
