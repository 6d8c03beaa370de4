"""The emulator's layout: one vocabulary (the operationIds), no import cycle, the control API
writing only through the backend, wire shapes in views, a generated association-type table."""

from __future__ import annotations

import ast
import asyncio
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hubspot_associations_emulator import EmulatorConfig, create_app, errors, views
from hubspot_associations_emulator.app import EmulatorApp
from hubspot_associations_emulator.backend import Backend
from hubspot_associations_emulator.catalog import load_hubspot_defined
from hubspot_associations_emulator.routes import (
    ASSOCIATION_OPERATIONS,
    LIMITS_OPERATIONS,
    OPERATION_IDS,
    RECORD_ASSOCIATION_OPERATIONS,
    Handlers,
)
from hubspot_associations_emulator.store import Store

from codegen.association_types import EMULATOR_TARGET, generate_emulator
from codegen.pipeline import CURATED_SPEC, ROOT

PACKAGE = ROOT / "emulator" / "hubspot_associations_emulator"
V4_OBJECTS = "/crm/v4/objects"
V4_ASSOCIATIONS = "/crm/v4/associations"
V4_LIMITS = "/crm/v3/limits/associations"
CONTACT, COMPANY = "0-1", "0-2"


def curated_operations() -> dict[tuple[str, str], str]:
    """{(METHOD, v4 path): operationId} of openapi/curated.yaml."""
    spec = yaml.safe_load((ROOT / CURATED_SPEC).read_text(encoding="utf-8"))
    return {
        (method.upper(), path): operation["operationId"]
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }


def v4_operations() -> list[tuple[str, str, str]]:
    """(method, v4 path, operationId) of every route the emulator builds, from its tables."""
    return [
        *((m, V4_OBJECTS + p, op) for m, p, op in RECORD_ASSOCIATION_OPERATIONS),
        *((m, V4_ASSOCIATIONS + p, op) for m, p, op in ASSOCIATION_OPERATIONS),
        *((m, V4_LIMITS + p, op) for m, p, op in LIMITS_OPERATIONS),
    ]


# -- one vocabulary -------------------------------------------------------------------------------


def test_the_route_tables_hold_the_curated_specs_23_operations() -> None:
    """Every (method, v4 path) of the route tables has the same operationId in curated.yaml."""
    curated = curated_operations()
    assert len(curated) == 23
    assert {(m, p): op for m, p, op in v4_operations()} == curated
    assert set(curated.values()) == OPERATION_IDS


@pytest.mark.parametrize(("method", "path", "operation_id"), v4_operations())
def test_each_handler_is_named_and_documented_after_its_operation(
    method: str, path: str, operation_id: str
) -> None:
    """A handler's name is its operationId; its docstring names it, its method and its v4 path."""
    handler = getattr(Handlers, operation_id)
    assert handler.__name__ == operation_id
    lines = [line.strip() for line in (handler.__doc__ or "").splitlines()]
    assert lines[0].startswith(f"{operation_id} ({method}): ")
    assert path in lines


@pytest.mark.parametrize("operation_id", sorted(OPERATION_IDS))
def test_the_backend_has_a_method_per_operation(operation_id: str) -> None:
    """Backend.<operationId> exists and its docstring starts with the operationId."""
    method = getattr(Backend, operation_id)
    assert (method.__doc__ or "").startswith(f"{operation_id}")


def test_a_handler_not_named_after_an_operation_is_never_routed() -> None:
    """Handlers has no public coroutine beyond the 23 operations (no stale old names)."""
    public = {
        name
        for name, value in vars(Handlers).items()
        if not name.startswith("_") and asyncio.iscoroutinefunction(value)
    }
    assert public == OPERATION_IDS


# -- no import cycle ------------------------------------------------------------------------------


def _local_imports(path: Path) -> set[str]:
    """The package's modules that ``path`` imports, TYPE_CHECKING blocks included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_the_package_has_no_import_cycle_not_even_a_type_only_one() -> None:
    """The graph of relative imports between the emulator's modules is acyclic."""
    graph = {p.stem: _local_imports(p) for p in PACKAGE.glob("*.py")}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


def test_app_and_control_share_state_instead_of_importing_each_other() -> None:
    """control imports state, never app; app imports state and control."""
    assert "app" not in _local_imports(PACKAGE / "control.py")
    assert {"state", "control"} <= _local_imports(PACKAGE / "app.py")
    assert not {"app", "control"} & _local_imports(PACKAGE / "state.py")


@pytest.mark.parametrize(
    "order",
    [
        ("state", "app", "control"),
        ("control", "state", "app"),
        ("app", "control", "state"),
        ("routes", "views", "backend"),
        ("views", "backend", "routes"),
    ],
)
def test_modules_import_in_any_order_in_a_fresh_interpreter(order: tuple[str, ...]) -> None:
    """Each module imports first in a new process, whatever comes after it."""
    code = "; ".join(f"import hubspot_associations_emulator.{m}" for m in order)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


# -- the control API writes only through the backend ----------------------------------------------


def test_the_control_module_never_touches_the_store() -> None:
    """control.py names no ``store`` attribute: its writes go through Backend methods."""
    tree = ast.parse((PACKAGE / "control.py").read_text(encoding="utf-8"))
    touched = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert "store" not in touched
    assert "limits" not in touched


def _seed(app: Any, body: dict[str, Any]) -> httpx.Response:
    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as c:
            return await c.post("/_emulator/seed", json=body)

    return asyncio.run(post())


def _bulk(count: int, first: int = 100) -> dict[str, Any]:
    return {
        "bulk": [
            {
                "fromObjectType": "company",
                "fromObjectId": "10",
                "toObjectType": "contacts",
                "firstToObjectId": first,
                "count": count,
            }
        ]
    }


def test_seeding_bulk_ranges_goes_through_backend_seed_range(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """POST /_emulator/seed's bulk calls Backend.seed_range with the parsed range."""
    app = create_app()
    assert isinstance(app, EmulatorApp)
    backend = app.emulator.backend
    calls: list[tuple[Any, ...]] = []
    seed_range = backend.seed_range

    def recording(*args: Any) -> None:
        calls.append(args)
        seed_range(*args)

    monkeypatch.setattr(backend, "seed_range", recording)
    r = _seed(app, _bulk(3))
    assert r.status_code == 200, r.text
    assert r.json()["bulk"] == 3
    assert calls == [(COMPANY, 10, CONTACT, 100, 3, "bulk[0].count")]


def test_seed_range_writes_both_directions_unlabeled_past_any_limit() -> None:
    """Backend.seed_range stores unlabeled rows both ways and, as bulk always did, skips limits."""
    backend = Backend(Store(), EmulatorConfig())
    backend.create_limits(COMPANY, CONTACT, [("HUBSPOT_DEFINED", 280, 2)])
    backend.seed_range(COMPANY, 10, CONTACT, 100, 5)
    page = backend.list_associations(COMPANY, 10, CONTACT, 0, 500)
    assert [(i, [t.type_id for t in ts]) for i, ts in page.items] == [
        (i, [280]) for i in range(100, 105)
    ]
    back = backend.list_associations(CONTACT, 104, COMPANY, 0, 500)
    assert [(i, [t.type_id for t in ts]) for i, ts in back.items] == [(10, [279])]


@pytest.mark.parametrize(("count", "first"), [(-1, 100), (2, 2**63 - 1)])
def test_seed_range_refuses_a_range_past_64_bits_the_same_way_on_both_paths(
    count: int, first: int
) -> None:
    """A negative count or a range past the largest ID: the same 400 from the backend and the
    control API, and nothing written."""
    backend = Backend(Store(), EmulatorConfig())
    with pytest.raises(errors.ApiError) as raised:
        backend.seed_range(COMPANY, 10, CONTACT, first, count, "bulk[0].count")
    assert raised.value.message == "bulk[0].count must fit between 0 and the largest ID"
    assert backend.store.row_count() == 0

    app = create_app()
    assert isinstance(app, EmulatorApp)
    r = _seed(app, _bulk(count, first))
    assert r.status_code == 400
    assert r.json()["message"] == raised.value.message
    assert app.emulator.store.row_count() == 0


def test_seeded_limits_go_through_seed_limit_and_answer_its_errors() -> None:
    """The seed's limits create, then update, a limit; an unknown typeId is the backend's 400."""
    app = create_app()
    assert isinstance(app, EmulatorApp)
    limit = {
        "fromObjectType": "deal",
        "toObjectType": "contact",
        "category": "HUBSPOT_DEFINED",
        "typeId": 3,
    }
    assert _seed(app, {"limits": [{**limit, "maxToObjectIds": 5}]}).json()["limits"] == 1
    assert _seed(app, {"limits": [{**limit, "maxToObjectIds": 7}]}).json()["limits"] == 1
    assert [x.max_to for x in app.emulator.backend.list_all_limits()] == [7]
    refused = _seed(app, {"limits": [{**limit, "typeId": 99999, "maxToObjectIds": 7}]})
    assert refused.status_code == 400
    assert "99999" in refused.json()["message"]


# -- wire shapes ----------------------------------------------------------------------------------


def test_the_batch_envelope_orders_its_fields_and_adds_errors_only_on_failure() -> None:
    """status, results, startedAt, completedAt, then errors and numErrors when inputs failed."""
    started = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    done = datetime(2026, 3, 1, 12, 0, 1, tzinfo=UTC)
    clean = views.batch_envelope([1], started, done)
    assert list(clean) == ["status", "results", "startedAt", "completedAt"]
    assert clean["startedAt"] == "2026-03-01T12:00:00.123Z"
    failed = views.batch_envelope([], started, done, [errors.validation("bad")])
    assert list(failed) == [*clean, "errors", "numErrors"]
    assert failed["numErrors"] == 1
    assert failed["errors"][0]["message"] == "bad"


def test_routes_and_backend_no_longer_define_wire_helpers() -> None:
    """dumps, json_response and iso are defined in views only."""
    for module in ("routes.py", "backend.py", "app.py", "control.py"):
        tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not {"dumps", "json_response", "error_response", "iso"} & defined, module


# -- the generated association-type table ---------------------------------------------------------


def test_the_emulator_table_is_generated_from_the_repository_csv() -> None:
    """association_table.py is what codegen makes from openapi/association-types.csv."""
    generated = generate_emulator(ROOT)
    assert list(generated) == [EMULATOR_TARGET]
    text = generated[EMULATOR_TARGET]
    assert text == (ROOT / EMULATOR_TARGET).read_text(encoding="utf-8")
    assert text.startswith(
        "# Generated by codegen/association_types.py from openapi/association-types.csv; "
        "do not edit.\n# Change the CSV and run `make generate`."
    )
    assert not (PACKAGE / "data").exists()


def test_the_table_loads_both_directions_of_contact_to_company() -> None:
    """279 (contact→company, unlabeled) and 280 name each other as inverse; 1 is primary."""
    types = load_hubspot_defined()
    assert (types[279].from_type, types[279].to_type, types[279].inverse_id) == (
        CONTACT,
        COMPANY,
        280,
    )
    assert types[280].inverse_id == 279
    assert types[1].kind == "primary"
    assert types[1].label == "Primary"
