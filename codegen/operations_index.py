"""docs/operations.md: one row per operation of openapi/curated.yaml, through every layer.

Each row follows one operationId from the spec to the code that carries it: its path in each of
HubSpot's releases, its generated module, the facade methods and bulk helpers that send it, the
CLI commands that call those, the emulator's route handler and the contract rules judged on it.
Every cell is read from the code (its AST, never by importing it) or from the data files, none
from a table kept beside the code: the CLI and the contract suite each declare, in a literal of
their own that their tests hold true, what their commands call and which operations their rules
judge. So the page goes stale only when the code changes, and then ``make check-generated`` says
so. A cell with nothing found shows "—". An operation without a generated module or an emulator
handler is an error, not an empty cell.

How each column is read:

- paths: ``openapi/releases.yaml`` through codegen/releases.py, as the strict per-release specs
  spell them; "not offered" where the release ``lacks`` the operation;
- facade: public methods of the client's sections (``client.batch`` …, found from the
  ``self.<name> = <Section>(…)`` assignments) whose docstring says ``operationId ``<id>````;
- bulk: the methods of a section built over another section (``AsyncBulk(batch)``): the methods
  of the inner section their code calls (``self._batch._create``), and for a private one the
  public methods that call it, give the operation by their docstrings;
- CLI: the table in which the command line declares the facade and bulk methods each command
  calls (``COMMAND_METHODS`` of ``hubspot_associations.cli._operations``, read as a literal; a
  CLI test runs each command against the emulator to hold it true);
- emulator: methods or functions named after the operationId that take a ``Request``;
- contract: the tables in which the suite declares the operations each rule is judged on by name,
  and the rules judged on whatever operation a check sees at run time (listed once under the
  table): ``hubspot_associations_contract.rule_operations``, read as literals, in the order of
  the suite's rules; the suite's tests hold them true.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from codegen import releases

__all__ = [
    "PAGE",
    "FacadeMethod",
    "Operation",
    "OperationsIndexError",
    "Row",
    "cli_commands",
    "contract_rules",
    "docstring_operations",
    "emulator_handlers",
    "facade_methods",
    "generate",
    "render",
    "rows",
]

PAGE = Path("docs/operations.md")
CURATED = Path("openapi/curated.yaml")
GENERATED_API = Path("generated/hubspot_associations_api/api")
CLIENT = Path("src/hubspot_associations/_async/client.py")
CLI_TABLE = Path("src/hubspot_associations/cli/_operations.py")
EMULATOR = (Path("emulator/hubspot_associations_emulator"), "hubspot_associations_emulator")
CONTRACT_RULES = Path("contract/hubspot_associations_contract/rules.py")
CONTRACT_DECLARED = Path("contract/hubspot_associations_contract/rule_operations.py")
NOT_FOUND = "—"
NOT_OFFERED = "not offered"
NAMED = re.compile(r"operationId ``(\w+)``")


class OperationsIndexError(ValueError):
    """An operation lacks a piece every operation must have, or the code cannot be read."""


@dataclass(frozen=True)
class Operation:
    """One operation of the curated spec."""

    operation_id: str
    method: str
    path: str
    tag: str


@dataclass(frozen=True)
class FacadeMethod:
    """A public method of the client, and the operations it sends."""

    path: tuple[str, ...]
    operations: tuple[str, ...]
    deprecated: bool
    bulk: bool

    @property
    def name(self) -> str:
        """How a user calls it: ``client.batch.create``."""
        return ".".join(("client", *self.path))

    def cell(self) -> str:
        """The name as the page shows it."""
        return f"`{self.name}`" + (" (deprecated)" if self.deprecated else "")


@dataclass(frozen=True)
class Row:
    """Everything the page says about one operation."""

    operation: Operation
    paths: dict[str, str | None]
    module: Path
    facade: tuple[str, ...]
    bulk: tuple[str, ...]
    cli: tuple[str, ...]
    emulator: tuple[str, ...]
    rules: tuple[str, ...]


# -- the spec and the releases ---------------------------------------------------------------


def operations(curated: dict[str, Any]) -> list[Operation]:
    """Every operation of the curated spec, in its order."""
    out = []
    for path, item in curated["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                tag = (operation.get("tags") or [""])[0]
                out.append(Operation(operation["operationId"], method.upper(), path, tag))
    return out


def release_paths(table: dict[str, Any], operation: Operation) -> dict[str, str | None]:
    """The operation's path in each release (None: the release lacks it)."""
    return {
        name: None
        if operation.operation_id in release["lacks"]
        # The same rewrite as the strict per-release specs (and the client's transport).
        else releases._rewrite(operation.path, release)
        for name, release in table["releases"].items()
    }


def _generated_module(operation: Operation, read: _Reader) -> Path:
    relative = GENERATED_API / operation.tag / f"{operation.operation_id}.py"
    text = read.generated(relative)
    if text is None:
        raise OperationsIndexError(
            f"{operation.operation_id}: no generated module {relative} (its tag is "
            f"{operation.tag!r}); run `make generate`"
        )
    found = _operation_id_of(text)
    if found != operation.operation_id:
        raise OperationsIndexError(
            f"{relative}: its OPERATION names {found!r}, not {operation.operation_id!r}"
        )
    return relative


def _operation_id_of(text: str) -> str | None:
    """The ``operation_id`` given to ``OPERATION = Operation(…)`` in a generated module."""
    for node in ast.parse(text).body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        if any(isinstance(t, ast.Name) and t.id == "OPERATION" for t in node.targets):
            for keyword in node.value.keywords:
                if keyword.arg == "operation_id" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return None


# -- the facade and its bulk helpers ---------------------------------------------------------

Methods = dict[str, ast.FunctionDef | ast.AsyncFunctionDef]


def _methods(cls: ast.ClassDef) -> Methods:
    return {n.name: n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _named(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """The operationIds a docstring names as ``operationId ``<id>````."""
    return tuple(dict.fromkeys(NAMED.findall(ast.get_docstring(function) or "")))


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _is_self_attribute(target: ast.expr) -> TypeGuard[ast.Attribute]:
    return isinstance(target, ast.Attribute) and _is_self(target.value)


def _deprecated(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name) and target.id == "deprecated":
            return True
    return False


def docstring_operations(source: str) -> dict[str, tuple[str, ...]]:
    """Every function and method of a module (``Class.method``) with the operationIds its
    docstring names, private ones included."""
    out: dict[str, tuple[str, ...]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[node.name] = _named(node)
        elif isinstance(node, ast.ClassDef):
            out |= {f"{node.name}.{n}": _named(m) for n, m in _methods(node).items()}
    return {name: named for name, named in out.items() if named}


def _attached(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> dict[str, str]:
    """Public ``self.<name> = <Class>(…)`` of a class: its sections."""
    out: dict[str, str] = {}
    for node in ast.walk(cls):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        made = node.value.func
        if isinstance(made, ast.Name) and made.id in classes:
            for target in node.targets:
                if _is_self_attribute(target) and not target.attr.startswith("_"):
                    out[target.attr] = made.id
    return out


def _sections(classes: dict[str, ast.ClassDef], root: str) -> list[tuple[tuple[str, ...], str]]:
    """(path from the client, class) of the client and every section reached from it."""
    found: list[tuple[tuple[str, ...], str]] = [((), root)]
    seen = {root}
    for path, name in found:
        for attribute, section in _attached(classes[name], classes).items():
            if section not in seen:
                seen.add(section)
                found.append(((*path, attribute), section))
    return found


def _inner_sections(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> dict[str, str]:
    """``self.<name>`` of a section built over another section: {name: that section's class}."""
    init = _methods(cls).get("__init__")
    if init is None:
        return {}
    typed = {
        a.arg: a.annotation.id
        for a in init.args.args
        if isinstance(a.annotation, ast.Name) and a.annotation.id in classes
    }
    out: dict[str, str] = {}
    for node in ast.walk(init):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            for target in node.targets:
                if _is_self_attribute(target) and node.value.id in typed:
                    out[target.attr] = typed[node.value.id]
    return out


def _reached(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    own: Methods,
    inner: dict[str, str],
    seen: set[str],
) -> set[tuple[str, str]]:
    """(inner class, method) pairs a helper method calls, through its own methods too."""
    found: set[tuple[str, str]] = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Attribute):
            continue
        holder = node.value
        if isinstance(holder, ast.Attribute) and _is_self(holder.value) and holder.attr in inner:
            found.add((inner[holder.attr], node.attr))
        elif _is_self(holder) and node.attr in own and node.attr not in seen:
            seen.add(node.attr)
            found |= _reached(own[node.attr], own, inner, seen)
    return found


def _operations_of(cls: ast.ClassDef, method: str) -> set[str]:
    """What a method of a section sends: its docstring's operationIds, or for a private one those
    of the public methods that call it."""
    methods = _methods(cls)
    if method in methods and _named(methods[method]):
        return set(_named(methods[method]))
    out: set[str] = set()
    for name, function in methods.items():
        calls = any(
            isinstance(n, ast.Attribute) and n.attr == method and _is_self(n.value)
            for n in ast.walk(function)
        )
        if calls and not name.startswith("_"):
            out.update(_named(function))
    return out


def facade_methods(source: str) -> list[FacadeMethod]:
    """Every public method of the client's sections (client.py's source), in source order."""
    tree = ast.parse(source)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    roots = [name for name in classes if name.endswith("HubSpotAssociations")]
    if len(roots) != 1:
        raise OperationsIndexError(f"{CLIENT}: expected one *HubSpotAssociations class: {roots}")
    out = []
    for path, name in _sections(classes, roots[0]):
        inner = _inner_sections(classes[name], classes)
        own = _methods(classes[name])
        for method, function in own.items():
            if method.startswith("_"):
                continue
            if inner:
                pairs = _reached(function, own, inner, {method})
                named = set().union(*(_operations_of(classes[c], m) for c, m in pairs))
                sent = tuple(sorted(named))
            else:
                sent = _named(function)
            out.append(FacadeMethod((*path, method), sent, _deprecated(function), bool(inner)))
    return out


# -- the command line ------------------------------------------------------------------------

Command = tuple[str, ...]


def _literals(source: str, *names: str) -> dict[str, Any]:
    """The values of module-level ``NAME: … = <literal>`` assignments, read without importing."""
    found: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id in names
            and node.value is not None
        ):
            found[node.target.id] = ast.literal_eval(node.value)
    return found


def cli_commands(source: str, methods: set[Command]) -> dict[str, set[Command]]:
    """Each command of ``hubspot-associations`` (``labels list``) and the client methods (paths
    under ``client``) it calls, as the CLI declares them (``COMMAND_METHODS`` of
    cli/_operations.py's source), in the table's order."""
    table = _literals(source, "COMMAND_METHODS").get("COMMAND_METHODS")
    if not isinstance(table, dict) or not table:
        raise OperationsIndexError(f"{CLI_TABLE}: no COMMAND_METHODS table")
    out: dict[str, set[Command]] = {}
    for command, named in table.items():
        paths = {tuple(name.split(".")) for name in named}
        unknown = sorted(".".join(p) for p in paths - methods)
        if unknown:
            raise OperationsIndexError(
                f"{CLI_TABLE}: {command!r} names no method of the client: {', '.join(unknown)}"
            )
        out[command] = paths
    return out


# -- the emulator and the contract suite -----------------------------------------------------


def _dotted(directory: Path, package: str, path: Path) -> str:
    parts = [package, *path.relative_to(directory).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _takes_request(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for argument in function.args.args:
        annotation = argument.annotation
        if isinstance(annotation, ast.Name) and annotation.id == "Request":
            return True
        if isinstance(annotation, ast.Attribute) and annotation.attr == "Request":
            return True
    return False


def _is_handler(
    node: ast.AST, wanted: set[str]
) -> TypeGuard[ast.FunctionDef | ast.AsyncFunctionDef]:
    """A function named after a wanted operationId that takes a ``Request``."""
    return (
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.name in wanted
        and _takes_request(node)
    )


def emulator_handlers(root: Path, wanted: set[str]) -> dict[str, list[str]]:
    """operationId → the emulator's route handlers named after it (``module:Class.method``)."""
    directory, package = EMULATOR
    out: dict[str, list[str]] = {}
    for path in sorted((root / directory).rglob("*.py")):
        module = _dotted(root / directory, package, path)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            inside = node.body if isinstance(node, ast.ClassDef) else [node]
            prefix = f"{node.name}." if isinstance(node, ast.ClassDef) else ""
            for item in inside:
                if _is_handler(item, wanted):
                    out.setdefault(item.name, []).append(f"{module}:{prefix}{item.name}")
    return out


def _rule_names(source: str) -> list[str]:
    """The suite's rules in their order: the names given to ``Rule(…)`` in rules.py."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            first = node.args[0] if node.args else None
            if node.func.id == "Rule" and isinstance(first, ast.Constant):
                names.append(str(first.value))
    return list(dict.fromkeys(names))


def contract_rules(
    rules_source: str, declared_source: str, operation_ids: set[str]
) -> tuple[dict[str, list[str]], list[str]]:
    """({operationId: rules judged on it by name}, rules judged on the operation a check sees at
    run time), each in the order of the suite's rules, as the suite declares them
    (``ON_NAMED_OPERATIONS`` and ``ON_EVERY_OPERATION`` of rule_operations.py's source)."""
    rules = _rule_names(rules_source)
    if not rules:
        raise OperationsIndexError(f"{CONTRACT_RULES}: no Rule(…) found")
    declared = _literals(declared_source, "ON_NAMED_OPERATIONS", "ON_EVERY_OPERATION")
    named: dict[str, tuple[str, ...]] = declared.get("ON_NAMED_OPERATIONS", {})
    every: tuple[str, ...] = declared.get("ON_EVERY_OPERATION", ())
    if not named or not every:
        raise OperationsIndexError(
            f"{CONTRACT_DECLARED}: no ON_NAMED_OPERATIONS or ON_EVERY_OPERATION table"
        )
    unknown_rules = sorted((set(named) | set(every)) - set(rules))
    unknown_ops = sorted({op for ops in named.values() for op in ops} - operation_ids)
    if unknown_rules or unknown_ops:
        raise OperationsIndexError(
            f"{CONTRACT_DECLARED}: unknown rules {unknown_rules}, unknown operations {unknown_ops}"
        )
    keyed: dict[str, list[str]] = {}
    for rule in rules:
        for operation_id in named.get(rule, ()):
            keyed.setdefault(operation_id, []).append(rule)
    return keyed, [r for r in rules if r in every]


# -- the page --------------------------------------------------------------------------------


class _Reader:
    """Reads inputs: the pipeline's freshly rendered files when given, else the working tree."""

    def __init__(self, root: Path, files: Mapping[Path, str] | None) -> None:
        self.root = root
        self.files = files

    def generated(self, relative: Path) -> str | None:
        """A file the pipeline makes (the curated spec, generated modules)."""
        if self.files is not None:
            return self.files.get(relative)
        path = self.root / relative
        return path.read_text(encoding="utf-8") if path.exists() else None

    def source(self, relative: Path) -> str:
        """A file people write."""
        return (self.root / relative).read_text(encoding="utf-8")


def rows(root: Path, files: Mapping[Path, str] | None = None) -> tuple[list[Row], list[str]]:
    """One row per operation, and the contract rules judged on the operation seen at run time."""
    read = _Reader(root, files)
    curated_text = read.generated(CURATED)
    if curated_text is None:
        raise OperationsIndexError(f"{CURATED} is missing; run `make generate`")
    spec = operations(yaml.safe_load(curated_text))
    ids = {op.operation_id for op in spec}
    table = releases.load(read.source(releases.TABLE))
    methods = facade_methods(read.source(CLIENT))
    by_path = {m.path: m for m in methods}
    commands = cli_commands(read.source(CLI_TABLE), set(by_path))
    handlers = emulator_handlers(root, ids)
    keyed, at_run_time = contract_rules(
        read.source(CONTRACT_RULES), read.source(CONTRACT_DECLARED), ids
    )
    out = []
    for op in spec:
        oid = op.operation_id
        if oid not in handlers:
            raise OperationsIndexError(f"{oid}: no emulator route handler named after it")
        sending = [m for m in methods if oid in m.operations]
        out.append(
            Row(
                operation=op,
                paths=release_paths(table, op),
                module=_generated_module(op, read),
                facade=tuple(m.cell() for m in sending if not m.bulk),
                bulk=tuple(m.cell() for m in sending if m.bulk),
                cli=tuple(
                    f"`{name}`"
                    for name, called in commands.items()
                    if any(oid in by_path[p].operations for p in called)
                ),
                emulator=tuple(f"`{h}`" for h in handlers[oid]),
                rules=tuple(f"`{r}`" for r in keyed.get(oid, [])),
            )
        )
    return out, at_run_time


HEAD = """\
<!-- GENERATED FILE: do not edit. Made by codegen/operations_index.py (`make generate`). -->
# Operations index

Generated by `make generate` from `openapi/curated.yaml`, `openapi/releases.yaml` and the code;
do not edit. `make check-generated` fails when the code changes and this page does not.

One row per operation: its operationId (the one key of every layer; overlay
`overlays/10-names-for-generation.yaml` gives it), its HTTP method, its path in each of HubSpot's
releases, and the piece of each layer that carries it. Every cell is read from the code, none from
a table kept beside it (the CLI and the contract suite declare, in their own code, what each
command calls and which operations each rule judges, and their tests hold that true); {not_found}
means nothing was found.

- **Paths**: the curated v4 path under each release's prefixes in `openapi/releases.yaml` (as the
  client's transport rewrites it); *{not_offered}* where the release lacks the operation.
- **Generated module**: the module of `hubspot_associations_api` whose `OPERATION` it is.
- **Facade**: the methods of `HubSpotAssociations` (and `AsyncHubSpotAssociations`) whose
  docstring names the operationId (``` operationId ``list_labels`` ```).
- **Bulk**: the `client.bulk` helpers whose code calls a `client.batch` method of the operation.
- **CLI**: the `hubspot-associations` commands that call one of those methods, as the CLI
  declares them (`hubspot_associations/cli/_operations.py`).
- **Emulator**: its route handler, named after the operationId.
- **Contract rules**: the rules of the contract suite judged on the operation by name, as the
  suite declares them (`hubspot_associations_contract/rule_operations.py`).
"""


def _cell(items: tuple[str, ...]) -> str:
    return "<br>".join(items) if items else NOT_FOUND


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(root: Path, files: Mapping[Path, str] | None = None) -> str:
    """The page's text."""
    found, at_run_time = rows(root, files)
    names = list(found[0].paths) if found else []
    header = ["operationId", "method", *names, "generated module", "facade", "bulk", "CLI"]
    header += ["emulator", "contract rules"]
    lines = [HEAD.format(not_found=NOT_FOUND, not_offered=NOT_OFFERED), _line(header)]
    lines.append(_line(["---"] * len(header)))
    for row in found:
        paths = [f"`{p}`" if p is not None else f"*{NOT_OFFERED}*" for p in row.paths.values()]
        module = f"`{row.module}`"
        cells = [f"`{row.operation.operation_id}`", row.operation.method, *paths, module]
        cells += [_cell(c) for c in (row.facade, row.bulk, row.cli, row.emulator, row.rules)]
        lines.append(_line(cells))
    judged = ", ".join(f"`{r}`" for r in at_run_time) or NOT_FOUND
    lines += [
        "",
        f"Judged on whichever operation a check sees at run time (every operation a run sends, "
        f"so not repeated in each row): {judged}.",
        "",
    ]
    return "\n".join(lines)


def generate(root: Path, files: Mapping[Path, str]) -> dict[Path, str]:
    """{docs/operations.md: its text}, from the pipeline's rendered files and the code."""
    return {PAGE: render(root, files)}
