"""The argument parser: shared option groups, then one sub-parser per command."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from .. import __about__
from .._exceptions import ClientValidationError
from .._numbers import BULK_BATCH_DEFAULT, DEFAULT_CONCURRENCY
from .._settings import RATE_LIMIT_ENV, ClientSettings
from .._values.ranges import in_range, parse_rate, range_text
from .._versions import API_VERSIONS
from ._fleet_parser import FLEET_EPILOG, add_fleet_options, add_jobs
from ._scan import DELIMITERS

__all__ = ["UsageRefused", "bounded", "build_parser"]

EPILOG = """\
exit codes:
  0  every input done
  1  some inputs failed (each is listed in the results file with HubSpot's reason)
  2  usage or input error: nothing was sent
  3  the job could not run (authentication, permission, network, or HubSpot refused every
     call); inputs not sent are listed as not_sent, so --resume continues them; a missing
     scope is printed as "scopes to add: ..."
  130 interrupted (Ctrl-C); --resume continues
  141 stdout was closed early (e.g. `| head`)
"""


def rate(value: str) -> tuple[int, float]:
    """N/SECONDS, both positive and finite (the client's own check)."""
    try:
        return parse_rate(value, source="--rate-limit")
    except ClientValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


CATEGORIES = ("HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED")


def category(value: str) -> str:
    """An association category, any case."""
    upper = value.strip().upper()
    if upper not in CATEGORIES:
        raise argparse.ArgumentTypeError(f"{value!r} is not one of {', '.join(CATEGORIES)}")
    return upper


class bounded:
    """A whole number within the range ``name`` of openapi/numbers.yaml, as the facade checks it."""

    def __init__(self, name: str) -> None:
        self.range_name = name
        self.__name__ = name  # argparse names a type by it in its own messages

    def __call__(self, value: str) -> int:
        try:
            number: object = int(value.strip(), 10)
        except ValueError:
            number = value
        try:
            return in_range(self.range_name, number)
        except ClientValidationError:
            raise argparse.ArgumentTypeError(
                f"{value!r} is not a whole number {range_text(self.range_name)}"
            ) from None


class UsageRefused(SystemExit):
    """argparse refused the command line: exit status 2, with the (sub-)parser that refused it and
    its message, not yet reported.

    main() reports it: with --json first as a JSON object on stdout (scripts that pass --json read
    stdout), then as argparse does (:meth:`exit`). Anyone else sees argparse's exit status 2.
    """

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(2)
        self.parser = parser
        self.message = message

    def summary(self) -> str:
        """The last line argparse writes: ``PROG: error: MESSAGE`` (the message's last line)."""
        return f"{self.parser.prog}: error: {self.message}".rstrip().splitlines()[-1]

    def exit(self) -> NoReturn:
        """argparse's own report and exit: the usage and the message on stderr, exit status 2."""
        argparse.ArgumentParser.error(self.parser, self.message)


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error raised as :class:`UsageRefused` for main() to report, since
    main() knows whether the command line asked for JSON. Sub-parsers are of this class too
    (argparse makes them of their parent's class)."""

    def error(self, message: str) -> NoReturn:
        raise UsageRefused(self, message)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    token = common.add_mutually_exclusive_group()
    token.add_argument("--token", help="access token (default: $HUBSPOT_ACCESS_TOKEN)")
    token.add_argument(
        "--token-command",
        metavar="CMD",
        help="a command that prints the access token, run without a shell when the first "
        "request needs one and again when HubSpot answers 401 (an expired OAuth token); not "
        "with --token or $HUBSPOT_ACCESS_TOKEN",
    )
    common.add_argument("--base-url", help="API address (default: $HUBSPOT_BASE_URL or HubSpot's)")
    common.add_argument("--api-version", default="v4", choices=list(API_VERSIONS))
    common.add_argument(
        "--rate-limit",
        type=rate,
        # This very tuple means "the default": the client then reads RATE_LIMIT_ENV.
        default=ClientSettings.DEFAULT_RATE_LIMIT,
        metavar="N/SECONDS",
        help=f"client-side limit (default ${RATE_LIMIT_ENV}, else 100/10, HubSpot's smallest "
        "burst tier)",
    )
    common.add_argument("--json", action="store_true", help="machine-readable output (JSON)")
    talk = common.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="print only errors and data")
    talk.add_argument(
        "-v", "--verbose", action="store_true", help="list every failure, log retries"
    )
    return common


def delimiter(value: str) -> str:
    """A CSV delimiter: one character, or comma, semicolon, tab or pipe by name."""
    known = DELIMITERS.get(value.strip().lower() if value.strip() else value)
    if known is not None:
        return known
    if len(value) == 1 and value not in '"\r\n' and not value.isalnum():
        return value
    raise argparse.ArgumentTypeError(
        f"{value!r} is not a delimiter: give one character, or comma, semicolon, tab or pipe"
    )


def _reading(parser: argparse.ArgumentParser, *, ids: bool = False) -> None:
    """How a file is read: its delimiter and, when the names are not ours, its columns."""
    reading = parser.add_argument_group("reading the file")
    if ids:
        reading.add_argument("--id-column", dest="from_column", metavar="NAME",
                             help="the column of record IDs (default: id, record_id, or "
                             "HubSpot's Record ID)")  # fmt: skip
    else:
        reading.add_argument("--from-column", metavar="NAME",
                             help="the column (or JSON key) of source IDs (default: from_id, "
                             "from, or HubSpot's Record ID / <From> ID)")  # fmt: skip
        reading.add_argument("--to-column", metavar="NAME",
                             help="the column (or JSON key) of target IDs (default: to_id, to, "
                             "or HubSpot's Associated <To> IDs / <To> ID)")  # fmt: skip
    reading.add_argument("--delimiter", type=delimiter, metavar="CHAR",
                         help="CSV delimiter: , ; tab or any one character (default: detected "
                         "from the header among , ; and tab)")  # fmt: skip
    odd = reading.add_mutually_exclusive_group()
    odd.add_argument("--strict", action="store_true",
                     help="refuse repeated lines (default: each repeat is sent once and listed "
                     "as `duplicate of line N`)")  # fmt: skip
    if not ids:
        odd.add_argument("--skip-invalid", type=Path, metavar="FILE",
                         help="send the valid lines; write each invalid one to FILE (the "
                         "input's format, with input_line and reason) and exit 1")  # fmt: skip


def _bulk() -> argparse.ArgumentParser:
    bulk = argparse.ArgumentParser(add_help=False)
    bulk.add_argument("file", help='CSV (from_id,to_id; a HubSpot export; RFC 4180) or JSONL '
                      '({"from":…,"to":…}); - is stdin')  # fmt: skip
    bulk.add_argument("--from", dest="from_type", required=True, help="object type, e.g. contact")
    bulk.add_argument("--to", dest="to_type", required=True, help="object type, e.g. company")
    bulk.add_argument(
        "--format",
        choices=["auto", "csv", "jsonl"],
        default="auto",
        help="input format (auto: .jsonl/.ndjson or a leading '{' means JSONL)",
    )
    bulk.add_argument(
        "--results",
        type=Path,
        help="results file (default: FILE.COMMAND-FROM-TO[-LABEL…].results.jsonl; required "
        "for stdin)",
    )
    bulk.add_argument(
        "--resume", action="store_true", help="continue the same job: skip inputs recorded as done"
    )
    bulk.add_argument(
        "--dry-run", action="store_true", help="check and show the plan, send nothing"
    )
    bulk.add_argument(
        "--batch-size",
        type=bounded("batch_size"),
        default=BULK_BATCH_DEFAULT,
        help=f"inputs per request ({range_text('batch_size')}; default {BULK_BATCH_DEFAULT})",
    )
    bulk.add_argument(
        "--concurrency",
        type=bounded("concurrency"),
        default=DEFAULT_CONCURRENCY,
        help=f"requests in flight ({range_text('concurrency')}; default {DEFAULT_CONCURRENCY})",
    )
    bulk.add_argument("--progress", choices=["auto", "always", "never"], default="auto")
    _reading(bulk)
    add_fleet_options(bulk)
    return bulk


def _labelled() -> argparse.ArgumentParser:
    labelled = argparse.ArgumentParser(add_help=False)
    which = labelled.add_mutually_exclusive_group()
    which.add_argument(
        "--label",
        help="custom label, by its text as `labels list` shows it (HubSpot's list does not give "
        "the internal name)",
    )
    which.add_argument("--type-id", type=bounded("type_id"), help="typeId of this direction")
    which.add_argument(
        "--primary", action="store_true", help="the HubSpot-defined primary type of this pair"
    )
    which.add_argument(
        "--types-from-file",
        action="store_true",
        help="each line's own types: `export`'s type_id, category and label columns (JSONL: "
        "types); custom labels are matched by their text in this portal",
    )
    labelled.add_argument(
        "--category",
        default=None,
        type=category,
        help="category of --type-id (default HUBSPOT_DEFINED for HubSpot's IDs, else USER_DEFINED)",
    )
    return labelled


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    # Typed as argparse's own: its sub-parsers are of its class, and take argparse's parents.
    parser: argparse.ArgumentParser = _Parser(
        prog="hubspot-associations",
        description="HubSpot CRM associations in bulk: associate, remove, export, labels, limits.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"hubspot-associations {__about__.__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common, bulk, labelled = _common(), _bulk(), _labelled()
    plain = argparse.ArgumentParser(add_help=False)
    plain.set_defaults(label=None, type_id=None, primary=False, category=None,
                       types_from_file=False)  # fmt: skip
    bulk_parents = {
        "associate": ([common, bulk, labelled], "associate record pairs "
                      "(batch_associate_default, or batch_create_associations with a type)"),
        "unassociate": ([common, bulk, plain], "remove every association between record pairs "
                        "(batch_remove_associations)"),
        "remove-label": ([common, bulk, labelled], "remove one label from record pairs "
                         "(batch_remove_labels)"),
    }  # fmt: skip
    for name, (parents, text) in bulk_parents.items():
        sub.add_parser(name, parents=parents, help=text, description=text,
                       epilog=EPILOG + "\n" + FLEET_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    _add_export(sub, common)
    _add_labels(sub, common)
    _add_limits(sub, common)
    _add_types_and_report(sub, common)
    add_jobs(sub, common)
    _add_tools(sub)
    return parser


def _add_export(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    text = "write the associations of many records (batch_read_associations, all pages)"
    export = sub.add_parser("export", parents=[common], help=text, description=text)
    export.add_argument(
        "ids_file", help="one record ID per line, or a CSV with an id column; - is stdin"
    )
    export.add_argument("--from", dest="from_type", required=True)
    export.add_argument("--to", dest="to_type", required=True)
    export.add_argument(
        "--out",
        help="output file (.csv, or .jsonl/.ndjson; default and -: stdout; --json: JSONL); an "
        "existing file is overwritten unless --resume",
    )
    export.add_argument(
        "--resume",
        action="store_true",
        help="complete the --out FILE an earlier export wrote: keep its records (each is "
        "written whole), read its last one again, fetch only the records not in it and append "
        "them (records with no association leave no row, so they are read again)",
    )
    _reading(export, ids=True)


def _add_labels(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    text = (
        "list, create, update or delete custom labels "
        "(list_labels, create_label, update_label, delete_label)"
    )
    labels = sub.add_parser("labels", help=text, description=text)
    actions = labels.add_subparsers(dest="action", required=True)
    operation = {"list": "list_labels", "create": "create_label", "update": "update_label",
                 "delete": "delete_label"}  # fmt: skip
    for action, op in operation.items():
        text = f"{action} ({op})"
        p = actions.add_parser(action, parents=[common], help=text, description=text)
        p.add_argument("from_type")
        p.add_argument("to_type")
        if action == "create":
            p.add_argument(
                "--name", required=True, help="internal name: no hyphens, no leading digit"
            )
            p.add_argument("--label", required=True)
            p.add_argument("--inverse-label", help="makes a paired label")
        if action in ("update", "delete"):
            p.add_argument("type_id", type=bounded("type_id"))
        if action == "update":
            p.add_argument("--label", required=True)
            p.add_argument("--inverse-label")


def _add_limits(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    text = (
        "list, set or purge association limits "
        "(list_limits, list_all_limits, create_limits, update_limits, purge_limits), "
        "or read their usage (limits usage …)"
    )
    limits = sub.add_parser("limits", help=text, description=text)
    actions = limits.add_subparsers(dest="action", required=True)
    operation = {"list": "list_limits / list_all_limits", "set": "create_limits / update_limits",
                 "purge": "purge_limits"}  # fmt: skip
    for action, op in operation.items():
        text = f"{action} ({op})"
        p = actions.add_parser(action, parents=[common], help=text, description=text)
        p.add_argument("from_type", nargs="?" if action == "list" else None)
        p.add_argument("to_type", nargs="?" if action == "list" else None)
        if action in ("set", "purge"):
            p.add_argument("type_id", type=bounded("type_id"))
            p.add_argument("--category", default="USER_DEFINED", type=category)
        if action == "set":
            p.add_argument(
                "max", type=bounded("max_to_object_ids"), help="largest number of records"
            )
    _add_limits_usage(actions, common)


def _add_limits_usage(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    text = (
        "how much of the association limits the portal uses (HubSpot's Limits Tracking API); "
        "object types by type ID (0-1, 2-123) or a standard object's name"
    )
    usage = actions.add_parser("usage", help=text, description=text)
    reads = usage.add_subparsers(dest="usage", required=True)
    calls = {
        "labels": "custom-label usage per object pair (get_label_limits_usage)",
        "sources": "source object types with records near or at a limit "
        "(list_record_limits_sources)",
        "targets": "target object types of FROM_TYPE with records near or at a limit "
        "(list_record_limits_targets)",
        "records": "records of FROM_TYPE near or at their limit to TO_TYPE "
        "(get_record_limits_usage)",
    }
    for name, help_text in calls.items():
        p = reads.add_parser(name, parents=[common], help=help_text, description=help_text)
        if name == "labels":
            p.add_argument("--from", dest="from_type", help="only pairs from this object type")
            p.add_argument("--to", dest="to_type", help="only pairs to this object type")
        if name in ("targets", "records"):
            p.add_argument("from_type")
        if name == "records":
            p.add_argument("to_type")


def _add_types_and_report(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    text = "type IDs between two object types (list_labels)"
    types = sub.add_parser("types", parents=[common], help=text, description=text)
    types.add_argument("from_type")
    types.add_argument("to_type")
    types.add_argument(
        "--offline", action="store_true", help="only HubSpot-defined types from the built-in table"
    )
    text = "request the high-usage report (request_high_usage_report)"
    report = sub.add_parser("report", parents=[common], help=text, description=text)
    report.add_argument("user_id", type=bounded("user_id"))


MIGRATE_EPILOG = """\
exit codes of migrate-report:
  0  only paths change (this package's clients rewrite them)
  1  an operation is lacking in the target, or its answers change status or shape
     (with --replay: or the two emulators answered or ended differently)
  2  unreadable input: a file that is no HAR 1.2 file nor a journal (JSON Lines: the emulator's,
     or a `proxy --record` recording)
"""


def _add_migrate_report(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = (
        "what moving to another HubSpot release breaks in recorded traffic (the emulator's "
        "journal, a `proxy --record` recording or any HAR file); needs no token and sends "
        "nothing unless --replay"
    )
    report = sub.add_parser("migrate-report", help=text, description=text, epilog=MIGRATE_EPILOG,
                            formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    report.add_argument("traffic", nargs="+", type=Path, metavar="TRAFFIC",
                        help="journal JSON Lines (/_emulator/journal.jsonl or a proxy "
                        "--record file) or HAR")  # fmt: skip
    report.add_argument("--to", dest="target", required=True, choices=API_VERSIONS,
                        help="the release to move to")  # fmt: skip
    report.add_argument("--from", dest="source", choices=API_VERSIONS,
                        help="the release the traffic's answers are read as when it holds none "
                        "(default: the release most of the traffic used)")  # fmt: skip
    report.add_argument("--replay", action="store_true",
                        help="also replay the traffic on two local emulators, one per release, "
                        "and show the answers and end states that differ (needs the emulator "
                        "extra)")  # fmt: skip
    report.add_argument("--json", action="store_true", help="machine-readable output (JSON)")


def _add_tools(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    _add_migrate_report(sub)
    releases = sub.add_parser(
        "releases", help="HubSpot's releases this version knows (for --api-version)"
    )
    releases.add_argument("--json", action="store_true", help="machine-readable output (JSON)")
    # Everything after `check` goes to the contract suite's own parser (main() routes it there).
    sub.add_parser("check", help="run the contract checks (emulator, --base-url or --live; "
                   "check --help for its options)", add_help=False)  # fmt: skip
    # Everything after `worker` goes to the worker's own parser (main() routes it there).
    sub.add_parser("worker", help="a Celery worker of the fleet's jobs ([celery] extra; "
                   "worker --help for its options)", add_help=False)  # fmt: skip
    # Everything after `proxy` goes to the proxy's own parser (main() routes it there).
    sub.add_parser("proxy", help="a recording, validating proxy in front of your portal "
                   "([contract] extra; proxy --help for its options)", add_help=False)  # fmt: skip
    # Everything after `emulator` goes to the emulator's own parser (main() routes it there).
    sub.add_parser("emulator", help="the local HubSpot emulator (emulator --help for its options)",
                   add_help=False)  # fmt: skip
