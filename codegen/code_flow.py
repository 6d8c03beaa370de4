"""Read Python code for the values it passes around, without running or importing it.

The operations index (codegen/operations_index.py) asks questions of code it must not import: it
may be mid-edit, and the CLI and the contract suite pull in their own dependencies. Which
sub-commands does the CLI's parser define? Which facade methods does each command call? Which
contract rules are judged on which operation? Each is answered by walking functions from an entry
point with *abstract* values: a string literal stays that string, a tuple keeps its items, a
function call is followed into the function (arguments bound to its parameters), ``if`` on a
value known here takes one branch, and everything else is an unknown. A reading adds its own
values and records what it meets through :class:`Hooks`.

Values are frozensets of atoms (tuples), each one thing the expression may be:

``("none",)``, ``("str", text)``, ``("seq", "tuple" | "list", items)``, ``("dict", entries)``,
``("known",)`` (not None, otherwise unknown), ``("other",)`` (made at run time),
``("param",)`` (an argument nobody here gave), ``("module", name)``, ``("func", key)``,
``("class", key)``, ``("instance", key)``, ``("bound", key, self)``, ``("ext", dotted)``
(something outside the package read), and whatever atoms a reading's hooks make.

The walk follows each branch with its own variables (up to a limit, then merges), runs a loop's
body once per item of a literal it iterates, and ends a path at ``return`` and ``raise``.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "KNOWN",
    "NONE",
    "OTHER",
    "PARAM",
    "Atom",
    "Env",
    "Function",
    "Hooks",
    "Program",
    "Value",
    "Walker",
    "strings",
    "value",
]

Atom = tuple[Any, ...]
Value = frozenset[Atom]
Env = dict[str, Value]

NONE: Atom = ("none",)
OTHER: Atom = ("other",)
PARAM: Atom = ("param",)
KNOWN: Atom = ("known",)
# More paths than this through one block are merged into one (their variables united).
MAX_PATHS = 24
# A loop runs its body once per item of a literal up to this many items.
MAX_ITEMS = 32
# Calls nested deeper than this are not followed (their result is unknown).
MAX_DEPTH = 40
_UNSURE = {NONE, OTHER, PARAM}


def value(*atoms: Atom) -> Value:
    """A value of these atoms."""
    return frozenset(atoms)


def strings(v: Value) -> set[str]:
    """The string literals a value may be."""
    return {a[1] for a in v if a[0] == "str"}


def _union(values: Iterable[Value]) -> Value:
    out: set[Atom] = set()
    for v in values:
        out |= v
    return frozenset(out)


def _taint(*values: Value) -> Value:
    """What an unknown computation over ``values`` gives: ``param`` when an argument nobody here
    gave went in, ``other`` when anything else did (or nothing did)."""
    atoms = _union(values)
    out = {PARAM} if PARAM in atoms else set()
    if not out or atoms - {PARAM}:
        out.add(OTHER)
    return frozenset(out)


def _merge(paths: list[Env]) -> Env:
    merged: Env = {}
    for env in paths:
        for name, v in env.items():
            merged[name] = merged.get(name, frozenset()) | v
    return merged


@dataclass(frozen=True)
class Function:
    """A function or method of the package read."""

    key: str
    module: str
    cls: str | None
    node: ast.FunctionDef | ast.AsyncFunctionDef

    def decorators(self) -> set[str]:
        """The names its decorators end with (``staticmethod``, ``rule``, ``check``)."""
        names = set()
        for decorator in self.node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(target, ast.Name):
                names.add(target.id)
            elif isinstance(target, ast.Attribute):
                names.add(target.attr)
        return names


@dataclass
class _Class:
    key: str
    module: str
    node: ast.ClassDef
    methods: dict[str, str] = field(default_factory=dict)


class Program:
    """Every module of one package directory, parsed and indexed by dotted name."""

    def __init__(self, directory: Path, package: str) -> None:
        self.package = package
        self.modules: dict[str, ast.Module] = {}
        self.packages: set[str] = set()
        self.functions: dict[str, Function] = {}
        self.classes: dict[str, _Class] = {}
        # module -> name -> ("func"|"class", key) | ("expr", node) | ("import", dotted)
        self.symbols: dict[str, dict[str, tuple[str, Any]]] = {}
        for path in sorted(directory.rglob("*.py")):
            relative = path.relative_to(directory).with_suffix("")
            if "__pycache__" in relative.parts:
                continue
            parts = [package, *relative.parts]
            if parts[-1] == "__init__":
                parts.pop()
                self.packages.add(".".join(parts))
            name = ".".join(parts)
            self.modules[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, tree in self.modules.items():
            self.symbols[name] = {}
            self._index(name, tree.body)

    def _index(self, module: str, body: list[ast.stmt]) -> None:
        table = self.symbols[module]
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                key = f"{module}.{stmt.name}"
                self.functions[key] = Function(key, module, None, stmt)
                table[stmt.name] = ("func", key)
            elif isinstance(stmt, ast.ClassDef):
                table[stmt.name] = ("class", self._add_class(module, stmt))
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        table[target.id] = ("expr", stmt.value)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for bound, dotted in self.imported(module, stmt):
                    table[bound] = ("import", dotted)
            elif isinstance(stmt, (ast.If, ast.Try)):
                self._index(module, [*stmt.body, *stmt.orelse])

    def _add_class(self, module: str, node: ast.ClassDef) -> str:
        key = f"{module}.{node.name}"
        klass = _Class(key, module, node)
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                method = f"{key}.{stmt.name}"
                self.functions[method] = Function(method, module, key, stmt)
                klass.methods[stmt.name] = method
        self.classes[key] = klass
        return key

    def imported(self, module: str, stmt: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
        """(name bound, absolute dotted name) of each name an import statement binds."""
        if isinstance(stmt, ast.Import):
            out: list[tuple[str, str]] = []
            for alias in stmt.names:
                top = alias.name.split(".")[0]
                out.append((alias.asname, alias.name) if alias.asname else (top, top))
            return out
        base = stmt.module or ""
        if stmt.level:
            parts = module.split(".")
            if module not in self.packages:
                parts = parts[:-1]
            parts = parts[: len(parts) - (stmt.level - 1)]
            base = ".".join([*parts, *([stmt.module] if stmt.module else [])])
        return [(alias.asname or alias.name, f"{base}.{alias.name}") for alias in stmt.names]


class Hooks:
    """What a reading adds to the walk: its own values, and what it records on the way."""

    def attribute(self, atom: Atom, name: str) -> Value | None:
        """``atom.name`` when the reading knows it (None: the walker's own answer)."""
        return None

    def call(self, atom: Atom, args: list[Value], kwargs: dict[str, Value]) -> Value | None:
        """The result of calling ``atom`` when the reading knows it (None: follow the call)."""
        return None

    def enter(self, function: Function, env: Env) -> None:
        """A function is walked with these arguments."""


@dataclass
class _Frame:
    module: str
    returns: list[Value] = field(default_factory=list)
    # Paths leaving the innermost loop by break or continue.
    exits: list[list[Env]] = field(default_factory=list)


class Walker:
    """Walks functions of a :class:`Program` with abstract values (see the module docstring)."""

    def __init__(self, program: Program, hooks: Hooks | None = None) -> None:
        self.program = program
        self.hooks = hooks or Hooks()
        self._memo: dict[tuple[Any, ...], Value] = {}
        self._active: list[tuple[Any, ...]] = []
        self._globals: dict[tuple[str, str], Value] = {}
        self._attributes: dict[tuple[str, str], Value] = {}

    # -- entry points and calls ----------------------------------------------------------------

    def run(self, key: str, fill: Atom = PARAM) -> Value:
        """Walk one function with every parameter ``fill`` (a method's ``self``: an instance)."""
        return self.call_function(key, [], {}, None, missing=value(fill))

    def call_function(
        self,
        key: str,
        args: list[Value],
        kwargs: dict[str, Value],
        self_value: Value | None,
        missing: Value | None = None,
    ) -> Value:
        """Walk a function with these arguments; the union of what it may return."""
        function = self.program.functions[key]
        self_value = self._receiver(function, self_value, args, missing)
        memo = (key, tuple(args), tuple(sorted(kwargs.items())), self_value, missing)
        if memo in self._memo:
            return self._memo[memo]
        if memo in self._active or len(self._active) > MAX_DEPTH:
            return value(OTHER)
        self._active.append(memo)
        try:
            env = self._bind_parameters(function, args, kwargs, self_value, missing)
            self.hooks.enter(function, env)
            frame = _Frame(function.module)
            ends = self.block(function.node.body, [env], frame)
            returns = [*frame.returns, *([value(NONE)] if ends else [])]
            generator = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own(function.node))
            result = value(OTHER) if generator else _union(returns)
        finally:
            self._active.pop()
        self._memo[memo] = result
        return result

    def _receiver(
        self, function: Function, given: Value | None, args: list[Value], missing: Value | None
    ) -> Value | None:
        """What a method's first parameter is bound to (None: it takes the first argument)."""
        if function.cls is None:
            return None
        decorators = function.decorators()
        if "staticmethod" in decorators:
            return None
        if "classmethod" in decorators:
            return value(("class", function.cls))
        if given is None and missing is not None:
            return value(("instance", function.cls))
        return given

    def _bind_parameters(
        self,
        function: Function,
        args: list[Value],
        kwargs: dict[str, Value],
        self_value: Value | None,
        missing: Value | None,
    ) -> Env:
        spec = function.node.args
        positional = [*spec.posonlyargs, *spec.args]
        first_default = len(positional) - len(spec.defaults)
        defaults = {
            p.arg: d for p, d in zip(positional[first_default:], spec.defaults, strict=True)
        }
        defaults |= {
            p.arg: d
            for p, d in zip(spec.kwonlyargs, spec.kw_defaults, strict=True)
            if d is not None
        }
        env: Env = {}
        if self_value is not None and positional:
            env[positional[0].arg] = self_value
            positional = positional[1:]
        frame = _Frame(function.module)
        for index, parameter in enumerate([*positional, *spec.kwonlyargs]):
            name = parameter.arg
            if index < len(positional) and index < len(args):
                env[name] = args[index]
            elif name in kwargs:
                env[name] = kwargs[name]
            elif missing is not None:
                env[name] = missing
            elif name in defaults:
                env[name] = self.eval(defaults[name], {}, frame)
            else:
                env[name] = value(PARAM)
        for extra in (spec.vararg, spec.kwarg):
            if extra is not None:
                env[extra.arg] = missing if missing is not None else value(OTHER)
        return env

    # -- statements ----------------------------------------------------------------------------

    def block(self, stmts: list[ast.stmt], paths: list[Env], frame: _Frame) -> list[Env]:
        """Walk statements along every path; the paths that reach the end."""
        for stmt in stmts:
            if not paths:
                break
            handler = getattr(self, f"_s_{type(stmt).__name__}", self._s_other)
            paths = handler(stmt, paths, frame)
            if len(paths) > MAX_PATHS:
                paths = [_merge(paths)]
        return paths

    def _s_other(self, stmt: ast.stmt, paths: list[Env], frame: _Frame) -> list[Env]:
        for env in paths:
            self._eval_children(stmt, env, frame)
        return paths

    def _s_Expr(self, stmt: ast.Expr, paths: list[Env], frame: _Frame) -> list[Env]:
        for env in paths:
            self.eval(stmt.value, env, frame)
        return paths

    def _s_Assign(self, stmt: ast.Assign, paths: list[Env], frame: _Frame) -> list[Env]:
        out: list[Env] = []
        for env in paths:
            got = self.eval(stmt.value, env, frame)
            envs = [env]
            for target in stmt.targets:
                envs = [bound for e in envs for bound in self.bind(target, got, e, frame)]
            out.extend(envs)
        return out

    def _s_AnnAssign(self, stmt: ast.AnnAssign, paths: list[Env], frame: _Frame) -> list[Env]:
        if stmt.value is None:
            return paths
        out: list[Env] = []
        for env in paths:
            out.extend(self.bind(stmt.target, self.eval(stmt.value, env, frame), env, frame))
        return out

    def _s_AugAssign(self, stmt: ast.AugAssign, paths: list[Env], frame: _Frame) -> list[Env]:
        out: list[Env] = []
        for env in paths:
            got = self.eval(stmt.value, env, frame)
            if isinstance(stmt.target, ast.Name):
                before = env.get(stmt.target.id, value(OTHER))
                out.append({**env, stmt.target.id: _taint(before, got)})
            else:
                self._eval_children(stmt.target, env, frame)
                out.append(env)
        return out

    def _s_Return(self, stmt: ast.Return, paths: list[Env], frame: _Frame) -> list[Env]:
        for env in paths:
            got = value(NONE) if stmt.value is None else self.eval(stmt.value, env, frame)
            frame.returns.append(got)
        return []

    def _s_Raise(self, stmt: ast.Raise, paths: list[Env], frame: _Frame) -> list[Env]:
        self._s_other(stmt, paths, frame)
        return []

    def _s_If(self, stmt: ast.If, paths: list[Env], frame: _Frame) -> list[Env]:
        taken: list[Env] = []
        skipped: list[Env] = []
        for env in paths:
            decided = self.test(stmt.test, env, frame)
            if decided is not False:
                taken.append(env)
            if decided is not True:
                skipped.append(env)
        return self.block(stmt.body, taken, frame) + self.block(stmt.orelse, skipped, frame)

    def _s_For(self, stmt: ast.For | ast.AsyncFor, paths: list[Env], frame: _Frame) -> list[Env]:
        bound: list[Env] = []
        for env in paths:
            for item in self.items(self.eval(stmt.iter, env, frame)):
                bound.extend(self.bind(stmt.target, item, env, frame))
        return self._loop(stmt, paths, bound, frame)

    _s_AsyncFor = _s_For

    def _s_While(self, stmt: ast.While, paths: list[Env], frame: _Frame) -> list[Env]:
        entering = [env for env in paths if self.test(stmt.test, env, frame) is not False]
        return self._loop(stmt, paths, entering, frame)

    def _loop(
        self,
        stmt: ast.For | ast.AsyncFor | ast.While,
        before: list[Env],
        entering: list[Env],
        frame: _Frame,
    ) -> list[Env]:
        """Zero runs or one of the body (per item), then ``else``; plus the paths that broke."""
        frame.exits.append([])
        ran = self.block(stmt.body, entering, frame)
        left = frame.exits.pop()
        return self.block(stmt.orelse, before + ran, frame) + left

    def _s_With(self, stmt: ast.With | ast.AsyncWith, paths: list[Env], frame: _Frame) -> list[Env]:
        entered: list[Env] = []
        for env in paths:
            envs = [env]
            for item in stmt.items:
                got = self.eval(item.context_expr, env, frame)
                if item.optional_vars is not None:
                    envs = [b for e in envs for b in self.bind(item.optional_vars, got, e, frame)]
            entered.extend(envs)
        return self.block(stmt.body, entered, frame)

    _s_AsyncWith = _s_With

    def _s_Try(self, stmt: ast.Try | ast.TryStar, paths: list[Env], frame: _Frame) -> list[Env]:
        done = self.block(stmt.body, paths, frame)
        caught: list[Env] = []
        for handler in stmt.handlers:
            start = [_merge(paths + done)]
            if handler.type is not None:
                for env in start:
                    self.eval(handler.type, env, frame)
            if handler.name:
                start = [{**env, handler.name: value(OTHER)} for env in start]
            caught.extend(self.block(handler.body, start, frame))
        ended = self.block(stmt.orelse, done, frame) + caught
        if not stmt.finalbody:
            return ended
        finished = self.block(stmt.finalbody, ended or [_merge(paths)], frame)
        return finished if ended else []

    _s_TryStar = _s_Try

    def _s_FunctionDef(
        self, stmt: ast.FunctionDef | ast.AsyncFunctionDef, paths: list[Env], frame: _Frame
    ) -> list[Env]:
        """A nested function is walked where it is defined, seeing the variables around it."""
        inner = _merge(paths)
        for name in _parameter_names(stmt):
            inner[name] = value(PARAM)
        self.block(stmt.body, [inner], _Frame(frame.module))
        return [{**env, stmt.name: value(KNOWN)} for env in paths]

    _s_AsyncFunctionDef = _s_FunctionDef

    def _s_ClassDef(self, stmt: ast.ClassDef, paths: list[Env], frame: _Frame) -> list[Env]:
        return [{**env, stmt.name: value(KNOWN)} for env in paths]

    def _s_Import(
        self, stmt: ast.Import | ast.ImportFrom, paths: list[Env], frame: _Frame
    ) -> list[Env]:
        imported = self.program.imported(frame.module, stmt)
        names = {bound: self.resolve(dotted) for bound, dotted in imported}
        return [{**env, **names} for env in paths]

    _s_ImportFrom = _s_Import

    def _s_Break(self, stmt: ast.stmt, paths: list[Env], frame: _Frame) -> list[Env]:
        if frame.exits:
            frame.exits[-1].extend(paths)
        return []

    _s_Continue = _s_Break

    def _s_Pass(self, stmt: ast.stmt, paths: list[Env], frame: _Frame) -> list[Env]:
        return paths

    _s_Global = _s_Nonlocal = _s_Pass

    def _s_Match(self, stmt: ast.Match, paths: list[Env], frame: _Frame) -> list[Env]:
        for env in paths:
            self.eval(stmt.subject, env, frame)
        out = list(paths)
        for case in stmt.cases:
            out.extend(self.block(case.body, paths, frame))
        return out

    # -- binding names -------------------------------------------------------------------------

    def bind(self, target: ast.expr, got: Value, env: Env, frame: _Frame) -> list[Env]:
        """Bind an assignment target; a tuple target forks one path per tuple the value may be."""
        if isinstance(target, ast.Name):
            return [{**env, target.id: got}]
        if isinstance(target, (ast.Tuple, ast.List)):
            return self._unpack(target.elts, got, env, frame)
        if isinstance(target, ast.Starred):
            return self.bind(target.value, value(OTHER), env, frame)
        self._eval_children(target, env, frame)
        return [env]

    def _unpack(self, elts: list[ast.expr], got: Value, env: Env, frame: _Frame) -> list[Env]:
        out: list[Env] = []
        starred = any(isinstance(e, ast.Starred) for e in elts)
        rest: set[Atom] = set()
        for atom in got:
            if (
                atom[0] == "seq"
                and atom[1] == "tuple"
                and len(atom[2]) == len(elts)
                and not starred
            ):
                envs = [env]
                for elt, item in zip(elts, atom[2], strict=True):
                    envs = [b for e in envs for b in self.bind(elt, item, e, frame)]
                out.extend(envs)
            elif atom != NONE:
                rest.add(atom)
        if rest or not out:
            fill = _taint(frozenset(rest))
            envs = [env]
            for elt in elts:
                envs = [b for e in envs for b in self.bind(elt, fill, e, frame)]
            out.extend(envs)
        return out[:MAX_ITEMS]

    def items(self, got: Value) -> list[Value]:
        """What iterating a value yields, one value per run of a loop body."""
        out: list[Value] = []
        unknown: set[Atom] = set()
        for atom in got:
            if atom[0] == "seq":
                out.extend(atom[2])
                if atom[1] != "tuple":  # a list may have grown since its literal
                    unknown.add(OTHER)
            elif atom[0] == "dict":
                out.extend(k for k, _ in atom[1])
                unknown.add(OTHER)
            elif atom != NONE:
                unknown.add(PARAM if atom == PARAM else OTHER)
        if unknown:
            out.append(frozenset(unknown))
        return list(dict.fromkeys(out))[:MAX_ITEMS]

    # -- names, attributes, modules ------------------------------------------------------------

    def resolve(self, dotted: str) -> Value:
        """An absolute dotted name: a module, a member of one, or something outside the package."""
        if dotted in self.program.modules:
            return value(("module", dotted))
        parent, _, name = dotted.rpartition(".")
        if parent in self.program.modules:
            return self.member(parent, name)
        return value(("ext", dotted))

    def member(self, module: str, name: str) -> Value:
        """A module-level name of a module of the package."""
        symbol = self.program.symbols.get(module, {}).get(name)
        if symbol is None:
            dotted = f"{module}.{name}"
            return value(("module" if dotted in self.program.modules else "ext", dotted))
        kind, target = symbol
        if kind in ("func", "class"):
            return value((kind, target))
        if kind == "import":
            return self.resolve(target)
        key = (module, name)
        if key not in self._globals:
            self._globals[key] = value(OTHER)  # while it is evaluated (a cycle)
            self._globals[key] = self.eval(target, {}, _Frame(module))
        return self._globals[key]

    def _name(self, module: str, name: str) -> Value:
        if name in self.program.symbols.get(module, {}):
            return self.member(module, name)
        if hasattr(builtins, name):
            return value(("ext", f"builtins.{name}"))
        return value(PARAM)

    def method(self, cls: str, name: str) -> str | None:
        """The key of a method of a class or of its bases within the package."""
        klass = self.program.classes[cls]
        if name in klass.methods:
            return klass.methods[name]
        for base in klass.node.bases:
            for atom in self.eval(base, {}, _Frame(klass.module)):
                if atom[0] == "class" and atom[1] != cls:
                    found = self.method(atom[1], name)
                    if found is not None:
                        return found
        return None

    def instance_attribute(self, cls: str, name: str) -> Value:
        """Every value the class's methods assign to ``self.<name>`` (or its body to ``name``)."""
        key = (cls, name)
        if key in self._attributes:
            return self._attributes[key]
        self._attributes[key] = value(OTHER)
        klass = self.program.classes[cls]
        found: list[Value] = []
        for node in ast.walk(klass.node):
            for target, assigned in _assignments(node):
                if _is_self_attribute(target, name) or (
                    isinstance(target, ast.Name) and target.id == name and node in klass.node.body
                ):
                    found.append(self.eval(assigned, {}, _Frame(klass.module)))
        self._attributes[key] = _union(found) if found else value(OTHER)
        return self._attributes[key]

    def attribute(self, atom: Atom, name: str) -> Value:
        """``atom.name``."""
        hooked = self.hooks.attribute(atom, name)
        if hooked is not None:
            return hooked
        kind = atom[0]
        if kind == "module":
            return self.member(atom[1], name)
        if kind in ("class", "instance"):
            found = self.method(atom[1], name)
            if found is None:
                return self.instance_attribute(atom[1], name)
            return value(("func", found) if kind == "class" else ("bound", found, atom))
        if kind == "ext":
            return value(("ext", f"{atom[1]}.{name}"))
        if kind == "dict" and name in ("items", "keys", "values", "get"):
            return value(("dictmethod", name, atom))
        if atom == NONE:
            return frozenset()
        return value(PARAM if atom == PARAM else OTHER)

    # -- expressions ---------------------------------------------------------------------------

    def eval(self, expr: ast.expr, env: Env, frame: _Frame) -> Value:
        """The values an expression may have on this path (calls in it are followed)."""
        handler = getattr(self, f"_e_{type(expr).__name__}", None)
        if handler is None:
            self._eval_children(expr, env, frame)
            return value(OTHER)
        got: Value = handler(expr, env, frame)
        return got

    def _eval_children(self, node: ast.AST, env: Env, frame: _Frame) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.eval(child, env, frame)
            elif not isinstance(child, ast.stmt):
                self._eval_children(child, env, frame)

    def _e_Constant(self, expr: ast.Constant, env: Env, frame: _Frame) -> Value:
        if isinstance(expr.value, str):
            return value(("str", expr.value))
        return value(NONE if expr.value is None else KNOWN)

    def _e_Name(self, expr: ast.Name, env: Env, frame: _Frame) -> Value:
        return env[expr.id] if expr.id in env else self._name(frame.module, expr.id)

    def _e_Attribute(self, expr: ast.Attribute, env: Env, frame: _Frame) -> Value:
        base = self.eval(expr.value, env, frame)
        return _union(self.attribute(atom, expr.attr) for atom in base) or value(OTHER)

    def _e_Subscript(self, expr: ast.Subscript, env: Env, frame: _Frame) -> Value:
        base = self.eval(expr.value, env, frame)
        key = self.eval(expr.slice, env, frame)
        out: set[Atom] = set()
        for atom in base:
            if atom[0] == "seq":
                out |= _index(atom, expr.slice)
            elif atom[0] == "dict":
                out |= _lookup(atom, key)
            elif atom != NONE:
                out |= _taint(value(atom))
        return frozenset(out) or value(OTHER)

    def _e_Call(self, expr: ast.Call, env: Env, frame: _Frame) -> Value:
        func = self.eval(expr.func, env, frame)
        args: list[Value] = []
        for arg in expr.args:
            got = self.eval(arg, env, frame)
            args.append(value(OTHER) if isinstance(arg, ast.Starred) else got)
        kwargs: dict[str, Value] = {}
        for keyword in expr.keywords:
            got = self.eval(keyword.value, env, frame)
            if keyword.arg is not None:
                kwargs[keyword.arg] = got
        return _union(self._call_atom(atom, args, kwargs) for atom in func) or value(OTHER)

    def _call_atom(self, atom: Atom, args: list[Value], kwargs: dict[str, Value]) -> Value:
        hooked = self.hooks.call(atom, args, kwargs)
        if hooked is not None:
            return hooked
        kind = atom[0]
        if kind == "func":
            return self.call_function(atom[1], args, kwargs, None)
        if kind == "bound":
            return self.call_function(atom[1], args, kwargs, value(atom[2]))
        if kind == "class":
            init = self.method(atom[1], "__init__")
            instance = value(("instance", atom[1]))
            if init is not None:
                self.call_function(init, args, kwargs, instance)
            return instance
        if kind == "dictmethod":
            return _dict_method(atom, args)
        if (
            kind == "ext"
            and atom[1] == "builtins.str"
            and args
            and all(a[0] == "str" for a in args[0])
        ):
            return args[0]
        if atom == NONE:
            return frozenset()
        return _taint(value(atom), *args, *kwargs.values())

    def _e_IfExp(self, expr: ast.IfExp, env: Env, frame: _Frame) -> Value:
        decided = self.test(expr.test, env, frame)
        if decided is True:
            return self.eval(expr.body, env, frame)
        if decided is False:
            return self.eval(expr.orelse, env, frame)
        return self.eval(expr.body, env, frame) | self.eval(expr.orelse, env, frame)

    def _e_BoolOp(self, expr: ast.BoolOp, env: Env, frame: _Frame) -> Value:
        return _union([self.eval(v, env, frame) for v in expr.values])

    def _e_Await(self, expr: ast.Await, env: Env, frame: _Frame) -> Value:
        return self.eval(expr.value, env, frame)

    _e_NamedExpr = _e_Starred = _e_Await

    def _e_Tuple(self, expr: ast.Tuple | ast.List | ast.Set, env: Env, frame: _Frame) -> Value:
        items = tuple(self.eval(e, env, frame) for e in expr.elts)
        if any(isinstance(e, ast.Starred) for e in expr.elts):
            return value(("seq", "list", ()))
        return value(("seq", "tuple" if isinstance(expr, ast.Tuple) else "list", items))

    _e_List = _e_Set = _e_Tuple

    def _e_Dict(self, expr: ast.Dict, env: Env, frame: _Frame) -> Value:
        entries = []
        for key, item in zip(expr.keys, expr.values, strict=True):
            got = self.eval(item, env, frame)
            if key is not None:
                entries.append((self.eval(key, env, frame), got))
        return value(("dict", tuple(entries)))

    def _e_ListComp(self, expr: ast.expr, env: Env, frame: _Frame) -> Value:
        """A comprehension's parts are walked once, its targets bound to what the source yields."""
        assert isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp))
        inner = dict(env)
        for generator in expr.generators:
            source = _union(self.items(self.eval(generator.iter, inner, frame)))
            inner = _merge(self.bind(generator.target, source, inner, frame))
            for condition in generator.ifs:
                self.eval(condition, inner, frame)
        parts = [expr.key, expr.value] if isinstance(expr, ast.DictComp) else [expr.elt]
        for part in parts:
            self.eval(part, inner, frame)
        return value(("seq", "list", ()) if not isinstance(expr, ast.GeneratorExp) else KNOWN)

    _e_SetComp = _e_GeneratorExp = _e_DictComp = _e_ListComp

    def _e_Lambda(self, expr: ast.Lambda, env: Env, frame: _Frame) -> Value:
        inner = {**env, **{name: value(PARAM) for name in _parameter_names(expr)}}
        self.eval(expr.body, inner, frame)
        return value(KNOWN)

    def _e_known(self, expr: ast.expr, env: Env, frame: _Frame) -> Value:
        self._eval_children(expr, env, frame)
        return value(KNOWN)

    _e_JoinedStr = _e_FormattedValue = _e_BinOp = _e_UnaryOp = _e_Compare = _e_known

    # -- conditions ----------------------------------------------------------------------------

    def test(self, expr: ast.expr, env: Env, frame: _Frame) -> bool | None:
        """Whether a condition holds on this path: True, False, or None (cannot tell here)."""
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
            decided = self.test(expr.operand, env, frame)
            return None if decided is None else not decided
        if isinstance(expr, ast.BoolOp):
            results = [self.test(v, env, frame) for v in expr.values]
            stop = isinstance(expr.op, ast.Or)  # the operand value that decides the whole
            if stop in results:
                return stop
            return (not stop) if all(r is not None for r in results) else None
        if isinstance(expr, ast.Compare) and len(expr.ops) == 1:
            left = self.eval(expr.left, env, frame)
            right = self.eval(expr.comparators[0], env, frame)
            return _compare(expr.ops[0], left, right)
        got = self.eval(expr, env, frame)
        return False if got == value(NONE) else None


def _own(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The nodes of a function's body, not those of functions nested in it."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        out.append(current)
        if not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(current))
    return out


def _parameter_names(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> list[str]:
    spec = node.args
    names = [p.arg for p in (*spec.posonlyargs, *spec.args, *spec.kwonlyargs)]
    return names + [p.arg for p in (spec.vararg, spec.kwarg) if p is not None]


def _assignments(node: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    if isinstance(node, ast.Assign):
        return [(target, node.value) for target in node.targets]
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return [(node.target, node.value)]
    return []


def _is_self_attribute(target: ast.expr, name: str) -> bool:
    return (
        isinstance(target, ast.Attribute)
        and target.attr == name
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    )


def _index(atom: Atom, index: ast.expr) -> Value:
    items: tuple[Value, ...] = atom[2]
    position = index.value if isinstance(index, ast.Constant) else None
    if isinstance(position, int) and atom[1] == "tuple" and -len(items) <= position < len(items):
        return items[position]
    if isinstance(index, ast.Slice):
        return value(("seq", "list", ()))
    return _union([*items, value(OTHER)])


def _lookup(atom: Atom, key: Value) -> Value:
    entries: tuple[tuple[Value, Value], ...] = atom[1]
    wanted = _constants(key)
    if wanted is None:
        return _union([*(v for _, v in entries), value(OTHER)])
    found = [v for k, v in entries if (_constants(k) or set()) & wanted]
    return _union(found) if found else value(OTHER)


def _dict_method(atom: Atom, args: list[Value]) -> Value:
    _, name, mapping = atom
    entries: tuple[tuple[Value, Value], ...] = mapping[1]
    if name == "get":
        default = args[1] if len(args) > 1 else value(NONE)
        return _lookup(mapping, args[0]) | default if args else value(OTHER)
    if name == "items":
        pairs = tuple(value(("seq", "tuple", (k, v))) for k, v in entries)
        return value(("seq", "list", pairs))
    return value(("seq", "list", tuple(k if name == "keys" else v for k, v in entries)))


def _constants(v: Value) -> set[str | None] | None:
    """The literal values (strings, None) a value may be; None when it may be anything else."""
    if not v or any(a[0] != "str" and a != NONE for a in v):
        return None
    return {a[1] if a[0] == "str" else None for a in v}


def _compare(op: ast.cmpop, left: Value, right: Value) -> bool | None:
    if isinstance(op, (ast.Is, ast.IsNot)) and right == value(NONE):
        decided = _is_none(left)
    elif isinstance(op, (ast.Eq, ast.NotEq)):
        decided = _equal(left, right)
    elif isinstance(op, (ast.In, ast.NotIn)):
        decided = _member(left, right)
    else:
        return None
    if decided is None or isinstance(op, (ast.Is, ast.Eq, ast.In)):
        return decided
    return not decided


def _is_none(v: Value) -> bool | None:
    if v == value(NONE):
        return True
    if any(a in _UNSURE or a[0] == "ext" for a in v):
        return None
    return False


def _equal(left: Value, right: Value) -> bool | None:
    a, b = _constants(left), _constants(right)
    if a is None or b is None:
        return None
    if len(a) == len(b) == 1 and a == b:
        return True
    return False if not a & b else None


def _member(left: Value, right: Value) -> bool | None:
    wanted = _constants(left)
    pool: set[str | None] = set()
    for atom in right:
        if atom[0] != "seq" or atom[1] != "tuple":
            return None
        for item in atom[2]:
            constants = _constants(item)
            if constants is None:
                return None
            pool |= constants
    if wanted is None or not right:
        return None
    if wanted <= pool:
        return True
    return False if not wanted & pool else None
