"""The ``hubspot-associations`` command: bulk associations, labels, limits, exports and checks.

Exit codes: 0 everything done; 1 some inputs failed (see the results file); 2 usage or input
error (nothing was sent); 3 the job could not run (authentication, permission, network; a
missing scope is printed as "scopes to add: ...", and in --json output as required_scopes).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence

from .._association_types import types_between
from .._exceptions import (
    APIConnectionError,
    AuthenticationError,
    ClientValidationError,
    HubSpotError,
    PermissionDeniedError,
    TokenProviderError,
)
from .._values.object_types import normalize_object_type
from .._versions import RELEASES, Release
from ._bulk_command import run_bulk
from ._client import make_client
from ._exit_codes import (
    EXIT_AUTH,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NOT_RUN,
    EXIT_OK,
    EXIT_PIPE_CLOSED,
    EXIT_USAGE,
    UsageError,
)
from ._export_command import run_export
from ._fleet_command import refuse_fleet_options, run_fleet_bulk, run_jobs
from ._output import Output
from ._parser import UsageRefused, build_parser
from ._problems import InputFileError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    # `check` and `emulator` are routed by the package's main() before rich is needed.
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = _parse(arguments)
    if args.command == "releases":
        return _releases(Output(json_mode=args.json))
    if args.command == "migrate-report":
        return _migrate_report(args)
    out = Output(json_mode=args.json, quiet=args.quiet, verbose=args.verbose)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return _HANDLERS[args.command](args, out)
    except InputFileError as error:
        return _input_file_error(out, error)
    except (UsageError, ClientValidationError) as error:
        out.error(str(error) if isinstance(error, UsageError) else f"error: {error}")
        # A TokenProviderError is a ClientValidationError: the token (command) failed, not the
        # command line, so it exits 3 as an authentication failure does.
        failed_token = isinstance(error, TokenProviderError)
        _json_error(out, "token" if failed_token else "usage", str(error))
        return EXIT_AUTH if failed_token else EXIT_USAGE
    except (AuthenticationError, PermissionDeniedError, APIConnectionError) as error:
        out.error(f"HubSpot could not be used: {error}")
        return EXIT_NOT_RUN if isinstance(error, APIConnectionError) else _refused(out, error)
    except HubSpotError as error:
        out.error(f"HubSpot error: {error}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        out.error("interrupted; run again with --resume to continue from the results file")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `… | head`: the reader left; nothing more to say. Point stdout at devnull so the
        # interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE_CLOSED


def _parse(arguments: list[str]) -> argparse.Namespace:
    """The parsed command line; on a usage error, argparse's report and exit 2, with --json also
    a JSON object on stdout (scripts that pass --json read stdout)."""
    try:
        return build_parser().parse_args(arguments)
    except UsageRefused as refused:
        if "--json" in arguments:
            print(json.dumps({"error": "usage", "message": refused.summary()}))
        refused.exit()


def _input_file_error(out: Output, error: InputFileError) -> int:
    """Exit 2 for a file's problems: the first ones on stderr; with --json, every one on stdout."""
    out.error(str(error))
    try:
        if out.json_mode:
            head = {"error": "input_file", "message": str(error).split("\n")[0],
                    "file": error.name, "total": error.total}  # fmt: skip
            # Every problem, streamed from the spool: a million bad lines stay off the heap.
            sys.stdout.write(json.dumps(head)[:-1] + ', "problems": [')
            for number, problem in enumerate(error.every()):
                sys.stdout.write(("" if number == 0 else ", ") + json.dumps(problem.to_json()))
            sys.stdout.write("]}\n")
            sys.stdout.flush()
    finally:
        error.close()
    return EXIT_USAGE


def _refused(out: Output, error: AuthenticationError | PermissionDeniedError) -> int:
    """Exit 3 for HubSpot's refusal of the token: the scopes to add on stderr (and with
    --json, the refusal as a JSON object on stdout)."""
    scopes = error.required_scopes if isinstance(error, PermissionDeniedError) else []
    out.print_scopes(scopes)
    if out.json_mode:
        kind = "authentication" if isinstance(error, AuthenticationError) else "permission"
        print(json.dumps({"error": kind, "message": str(error), "status": error.status_code,
                          "category": error.category, "required_scopes": scopes}),
              flush=True)  # fmt: skip
    return EXIT_AUTH


def _json_error(out: Output, kind: str, message: str) -> None:
    """With --json, an exit-2 (or failed-token exit-3) error as a JSON object on stdout (the
    text is on stderr)."""
    if out.json_mode:
        print(json.dumps({"error": kind, "message": message}), flush=True)


def _labels(args: argparse.Namespace, out: Output) -> int:
    from_type, to_type = normalize_object_type(args.from_type), normalize_object_type(args.to_type)
    with make_client(args) as client:
        if args.action == "list":
            out.labels(client.labels.list(from_type, to_type))
        elif args.action == "create":
            out.labels(
                client.labels.create(
                    from_type,
                    to_type,
                    name=args.name,
                    label=args.label,
                    inverse_label=args.inverse_label,
                )
            )
        elif args.action == "update":
            client.labels.update(
                from_type,
                to_type,
                type_id=args.type_id,
                label=args.label,
                inverse_label=args.inverse_label,
            )
            out.message(f"label {args.type_id} updated")
        else:
            client.labels.delete(from_type, to_type, args.type_id)
            out.message(f"label {args.type_id} deleted")
    return EXIT_OK


def _limits(args: argparse.Namespace, out: Output) -> int:
    if args.action == "usage":
        return _limits_usage(args, out)
    if (args.from_type is None) != (args.to_type is None):
        raise UsageError("limits list takes both object types, or neither (every pair)")
    with make_client(args) as client:
        if args.action == "list":
            if args.from_type and args.to_type:
                out.limits(client.limits.list(args.from_type, args.to_type))
            else:
                out.limits(client.limits.list_all())
        elif args.action == "set":
            kind = (args.category, args.type_id)
            existing = {c.type_id for c in client.limits.list(args.from_type, args.to_type)}
            answer: object
            if args.type_id in existing:
                answer = client.limits.update(args.from_type, args.to_type, [(kind, args.max)])
            else:
                answer = client.limits.create(args.from_type, args.to_type, [(kind, args.max)])
            refused = _errors_in(answer)
            if refused:
                out.error(f"limit of type {args.type_id} not set: {refused}")
                return EXIT_FAILED
            out.message(f"limit of type {args.type_id} set to {args.max}")
        else:
            client.limits.purge(args.from_type, args.to_type, [(args.category, args.type_id)])
            out.message(f"limit of type {args.type_id} purged")
    return EXIT_OK


def _errors_in(answer: object) -> str:
    """HubSpot's per-input errors inside a batch answer (a 207, or a 200 in some releases)."""
    errors = getattr(answer, "errors", None)
    if not isinstance(errors, list) or not errors:
        return ""
    return "; ".join(sorted({str(getattr(e, "message", "") or "refused") for e in errors}))


def _types(args: argparse.Namespace, out: Output) -> int:
    from_type, to_type = normalize_object_type(args.from_type), normalize_object_type(args.to_type)
    builtin = types_between(from_type, to_type)
    rows: list[dict[str, object]] = [
        {"typeId": t.type_id, "category": "HUBSPOT_DEFINED", "label": t.name, "kind": t.kind}
        for t in builtin
    ]
    if not args.offline:
        with make_client(args) as client:
            for item in client.labels.list(from_type, to_type):
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


def _limits_usage(args: argparse.Namespace, out: Output) -> int:
    """``limits usage labels|sources|targets|records``: HubSpot's wire shape with --json."""
    with make_client(args) as client:
        usage = client.limits.usage
        if args.usage == "labels":
            pairs = usage.labels(args.from_type, args.to_type)
            if out.json_mode:
                out.table([], [p.to_dict() for p in pairs])
                return EXIT_OK
            rows: list[dict[str, object]] = [
                {
                    "from": p.from_object_type.object_type_id,
                    "to": p.to_object_type.object_type_id,
                    "usage": p.usage,
                    "limit": p.limit,
                    "percentage": f"{p.percentage:g}",
                    "labels": ", ".join(p.all_labels),
                }
                for p in pairs
            ]
            out.table(list(_LABEL_USAGE_COLUMNS), rows, title="Custom labels per object pair")
        elif args.usage in ("sources", "targets"):
            types = (
                usage.record_sources()
                if args.usage == "sources"
                else usage.record_targets(args.from_type)
            )
            if out.json_mode:
                out.table([], [t.to_dict() for t in types])
                return EXIT_OK
            rows = [
                {
                    "objectTypeId": t.object_type_id,
                    "name": t.plural_label,
                    "near limit": "yes" if t.has_records_near_limit else "no",
                    "at limit": "yes" if t.has_records_at_limit else "no",
                }
                for t in types
            ]
            out.table(["objectTypeId", "name", "near limit", "at limit"], rows)
        else:
            answer = usage.records(args.from_type, args.to_type)
            if out.json_mode:
                out.record(answer.to_dict())
                return EXIT_OK
            out.record({"limit per record": answer.limit,
                        "records near the limit": answer.total_records_near_limit,
                        "records at the limit": answer.total_records_at_limit})  # fmt: skip
            samples: list[dict[str, object]] = [
                {"record": s.object_id, "name": s.label, "usage": s.usage,
                 "percentage": f"{s.percentage:g}", "state": "near"}
                for s in answer.near_limit_from_record_samples
            ] + [
                {"record": s.object_id, "name": s.label, "state": "at"}
                for s in answer.at_limit_from_record_samples
            ]  # fmt: skip
            if samples:
                out.table(["record", "name", "state", "usage", "percentage"], samples,
                          title="Samples (HubSpot lists some, not all)")  # fmt: skip
    return EXIT_OK


_LABEL_USAGE_COLUMNS = ("from", "to", "usage", "limit", "percentage", "labels")


def _report(args: argparse.Namespace, out: Output) -> int:
    with make_client(args) as client:
        answer = client.report.request(args.user_id)
    out.record(answer.to_dict())
    return EXIT_OK


def _releases(out: Output) -> int:
    rows: list[dict[str, object]] = [
        {
            "release": r.name,
            "records": r.object_base,
            "batch, labels, limits": r.association_base,
            "limits usage": r.limits_base,
            "beta": r.beta,
            "support ends": r.support_ends.isoformat() if r.support_ends else None,
            "successor": r.successor,
            "lacks": ", ".join(sorted(r.lacks)) or None,
            "batch answers": _batch_answers(r),
            "source": r.source,
        }
        for r in RELEASES.values()
    ]
    out.table(list(rows[0]), rows, title="HubSpot releases (--api-version)")
    return EXIT_OK


def _migrate_report(args: argparse.Namespace) -> int:
    """``migrate-report``: exit 0 only paths change, 1 changes, 2 unreadable input."""
    from ._migration.report import build_report, render_text, report_json
    from ._migration.traffic import TrafficError, read_traffic

    exchanges = []
    for path in args.traffic:
        try:
            found = read_traffic(path)
        except TrafficError as error:
            print(f"migrate-report: {error}", file=sys.stderr)
            return EXIT_USAGE
        if not found:
            print(f"migrate-report: {path}: no requests in it (an empty journal or HAR file)",
                  file=sys.stderr)  # fmt: skip
            return EXIT_USAGE
        exchanges.extend(found)
    report = build_report(exchanges, args.target, args.source)
    code = report.exit_code
    replayed = None
    if args.replay:
        from ._migration.replay import ReplayUnavailable, replay

        try:
            replayed = replay(exchanges, report.source, args.target)
        except ReplayUnavailable as error:
            print(f"migrate-report: {error}", file=sys.stderr)
            return EXIT_USAGE
        code = max(code, replayed.exit_code)
    if args.json:
        data = json.loads(report_json(report))
        if replayed is not None:
            data["replay"] = replayed.to_dict()
        data["exitCode"] = code
        print(json.dumps(data, indent=2))
    else:
        lines = render_text(report)
        if replayed is not None:
            lines[-1:-1] = ["replay:", *("  " + line for line in replayed.render_text())]
        print("\n".join(lines))
    return code


def _batch_answers(release: Release) -> str:
    if release.batch_errors_in_200:
        return "200 with errors inside"
    if release.limits_errors_in_200:
        return "201/207; limits create and update 200 with errors inside"
    return "201/207"


def _bulk(args: argparse.Namespace, out: Output) -> int:
    """A bulk command: here, or with --broker on the Celery fleet."""
    if args.broker:
        return run_fleet_bulk(args, out)
    refuse_fleet_options(args)
    return run_bulk(args, out)


_HANDLERS: dict[str, Callable[[argparse.Namespace, Output], int]] = {
    "associate": _bulk,
    "unassociate": _bulk,
    "remove-label": _bulk,
    "jobs": run_jobs,
    "export": run_export,
    "labels": _labels,
    "limits": _limits,
    "types": _types,
    "report": _report,
}
