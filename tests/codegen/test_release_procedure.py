"""Adding a release by the written procedure only (ARCHITECTURE.md, "Adding a HubSpot release").

A made-up release, 2099-01, differs from 2026-09 in one thing: it also lacks batch_remove_labels.
Another, 2098-09, differs from 2026-03 only as 2025-09 does (limits create and update answer 200
only, with errors inside; a beta). Step 2 of the procedure (one entry in openapi/releases.yaml)
and step 3 (`make generate`, here its release step into a scratch folder) must be all it takes for
the client's table, the emulator and the strict spec to know it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hubspot_associations_emulator import EmulatorConfig, create_app
from hubspot_associations_emulator.release_table import VOID_OPERATIONS

from codegen import releases
from hubspot_associations._versions import AssociationPermission, release_from

ROOT = Path(__file__).resolve().parents[2]
# The emulator-only fields of a row (its CRM object calls).
OBJECT_FIELDS = ("objects_base", "objects_batch_207", "objects_source", "write_validation")
ENTRY = """
  "2099-01":
    object_base: /crm/objects/2099-01
    association_bases: [/crm/associations/2099-01]
    limits_base: /crm/limits/2099-01/associations
    support_ends: null
    successor: null
    lacks: [list_associations, batch_remove_labels]
    batch_errors_in_200: true
    batch_body_for_void: true
    limits_errors_in_200: false
    enqueue_time: object
    beta: false
    association_permission: {status: 403, category: MISSING_PERMISSIONS, inferred: made up}
    objects_base: /crm/objects/2099-01
    objects_batch_207: false
    objects_source: null
    write_validation: true
    source: made up for this test
"""
# As 2025-09 differs from 2026-03: limits create and update 200 only, and a beta.
LIKE_2025_09 = """
  "2098-09":
    object_base: /crm/objects/2098-09
    association_bases: [/crm/associations/2098-09]
    limits_base: /crm/limits/2098-09/associations
    support_ends: null
    successor: "2026-03"
    lacks: []
    batch_errors_in_200: false
    batch_body_for_void: true
    limits_errors_in_200: true
    enqueue_time: object
    beta: true
    association_permission: null
    objects_base: /crm/objects/2098-09
    objects_batch_207: true
    objects_source: made up objects file
    write_validation: false
    source: made up for this test
"""


def _made_up_release(tmp_path: Path, entry: str = ENTRY) -> dict[Path, str]:
    (tmp_path / "openapi").mkdir()
    # Step 2: one entry under `releases:` (wherever the file's other sections are).
    text = (ROOT / releases.TABLE).read_text(encoding="utf-8")
    assert text.count("\nreleases:\n") == 1
    (tmp_path / releases.TABLE).write_text(
        text.replace("\nreleases:\n", "\nreleases:" + entry), encoding="utf-8"
    )
    curated = (ROOT / "openapi/curated.yaml").read_text(encoding="utf-8")
    return releases.generate(tmp_path, curated)


def _module(text: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    return namespace


def test_one_table_entry_makes_the_strict_spec(tmp_path: Path) -> None:
    """The strict spec of 2099-01 has its paths, lacks its two operations, and answers 200 only."""
    files = _made_up_release(tmp_path)
    spec = yaml.safe_load(files[releases.STRICT_DIR / "2099-01.yaml"])
    operations = {
        op["operationId"]: (path, {int(c) for c in op["responses"] if str(c).startswith("2")})
        for path, item in spec["paths"].items()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert "list_associations" not in operations
    assert "batch_remove_labels" not in operations
    assert len(operations) == 21
    assert all(path.startswith(("/crm/objects/2099-01/", "/crm/associations/2099-01/",
                                "/crm/limits/2099-01/associations/"))
               for path, _ in operations.values())  # fmt: skip
    assert operations["batch_create_associations"][1] == {200}


def test_one_table_entry_teaches_the_client(tmp_path: Path) -> None:
    """The client's generated table names 2099-01 in ApiVersion and maps its paths."""
    files = _made_up_release(tmp_path)
    table = _module(files[releases.CLIENT_TABLE])
    assert "2099-01" in table["API_VERSIONS"]
    made_up = release_from("2099-01", table["RELEASE_DATA"]["2099-01"])
    assert made_up.path("/crm/v4/associations/contact/company/batch/create") == (
        "/crm/associations/2099-01/contact/company/batch/create"
    )
    assert not made_up.offers("batch_remove_labels")
    assert made_up.offers("batch_create_associations")
    assert made_up.association_permission == AssociationPermission(
        403, "MISSING_PERMISSIONS", "made up"
    )


def test_one_table_entry_teaches_the_emulator(tmp_path: Path) -> None:
    """The emulator built with the generated table serves 2099-01 and 404s what it lacks."""
    files = _made_up_release(tmp_path)
    table = _module(files[releases.EMULATOR_TABLE])["RELEASES"]
    app = create_app(EmulatorConfig(releases=table))
    auth = {"Authorization": "Bearer emulator-token"}
    body = {"inputs": [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]}]}  # fmt: skip

    async def play() -> tuple[int, int, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://e") as http:
            base = "/crm/associations/2099-01/contact/company"
            created = await http.post(f"{base}/batch/create", json=body, headers=auth)
            removed = await http.post(f"{base}/batch/labels/archive", json=body, headers=auth)
            listed = await http.get("/crm/objects/2099-01/contact/1/associations/company",
                                    headers=auth)  # fmt: skip
        return created.status_code, removed.status_code, listed.status_code

    assert asyncio.run(play()) == (200, 404, 404)


def test_the_object_fields_reach_the_emulators_table_only(tmp_path: Path) -> None:
    """2099-01's object fields are in the emulator's row as written, and not in the client's
    (the client stays an Associations client)."""
    files = _made_up_release(tmp_path)
    emulator = _module(files[releases.EMULATOR_TABLE])["RELEASES"]["2099-01"]
    client = _module(files[releases.CLIENT_TABLE])["RELEASE_DATA"]["2099-01"]
    assert {k: emulator[k] for k in OBJECT_FIELDS} == {
        "objects_base": "/crm/objects/2099-01",
        "objects_batch_207": False,
        "objects_source": None,
        "write_validation": True,
    }
    assert not set(OBJECT_FIELDS) & set(client)


LEFT_OUT = "<left out>"


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("objects_base", LEFT_OUT, "lacks objects_base"),
        ("objects_base", "crm/objects/2099-01", "objects_base is a path prefix"),
        ("objects_base", "/crm/objects/2099-01/", "objects_base is a path prefix"),
        ("objects_batch_207", "yes", "objects_batch_207 must be true or false"),
        ("write_validation", None, "write_validation must be true or false"),
        ("objects_source", "  ", "objects_source names HubSpot's objects file"),
    ],
)
def test_a_row_with_a_missing_or_malformed_object_field_is_refused(
    field: str, value: Any, said: str
) -> None:
    """A row without an object field, or with one mistyped, stops codegen naming the row and
    the field."""
    table = yaml.safe_load((ROOT / releases.TABLE).read_text(encoding="utf-8"))
    row = yaml.safe_load(ENTRY)["2099-01"]
    if value == LEFT_OUT:
        del row[field]
    else:
        row[field] = value
    table["releases"]["2099-01"] = row
    with pytest.raises(ValueError, match=said) as raised:
        releases.load(yaml.safe_dump(table))
    assert "'2099-01'" in str(raised.value)


def test_the_void_operations_reach_the_emulator_from_the_table(tmp_path: Path) -> None:
    """The emulator's table lists the void operations of openapi/releases.yaml, in its order; a
    table with one fewer makes a module with one fewer."""
    text = (ROOT / releases.TABLE).read_text(encoding="utf-8")
    void = tuple(yaml.safe_load(text)["void_operations"])
    assert void == VOID_OPERATIONS
    assert len(void) > 1
    (tmp_path / "openapi").mkdir()
    line = f"void_operations: [{', '.join(void)}]\n"
    assert text.count(line) == 1
    fewer = text.replace(line, f"void_operations: [{', '.join(void[:-1])}]\n")
    (tmp_path / releases.TABLE).write_text(fewer, encoding="utf-8")
    curated = (ROOT / "openapi/curated.yaml").read_text(encoding="utf-8")
    files = releases.generate(tmp_path, curated)
    assert _module(files[releases.EMULATOR_TABLE])["VOID_OPERATIONS"] == void[:-1]


def _statuses(spec: dict[str, Any]) -> dict[str, set[int]]:
    return {
        op["operationId"]: {int(c) for c in op["responses"] if str(c).startswith("2")}
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }


def test_a_release_like_2025_09_is_one_entry_for_the_strict_spec(tmp_path: Path) -> None:
    """2098-09's strict spec: limits create/update 200 only, batch create 201/207, limits usage
    under its own path family, and otherwise the statuses of 2026-03."""
    files = _made_up_release(tmp_path, LIKE_2025_09)
    made_up = _statuses(yaml.safe_load(files[releases.STRICT_DIR / "2098-09.yaml"]))
    like = _statuses(yaml.safe_load((ROOT / releases.STRICT_DIR / "2026-03.yaml").read_text()))
    assert made_up["create_limits"] == made_up["update_limits"] == {200}
    assert made_up["batch_create_associations"] == {201, 207}
    differs = {op for op in like if like[op] != made_up[op]}
    assert differs == {"create_limits", "update_limits"}
    spec = yaml.safe_load(files[releases.STRICT_DIR / "2098-09.yaml"])
    assert (
        "/crm/limits/2098-09/associations/records/{fromObjectTypeId}/{toObjectTypeId}"
        in (spec["paths"])
    )


def test_a_release_like_2025_09_teaches_the_client(tmp_path: Path) -> None:
    """The client's table knows 2098-09 as a beta, its flag and its limits usage paths."""
    files = _made_up_release(tmp_path, LIKE_2025_09)
    table = _module(files[releases.CLIENT_TABLE])
    made_up = release_from("2098-09", table["RELEASE_DATA"]["2098-09"])
    assert made_up.beta
    assert made_up.association_permission is None
    assert made_up.limits_errors_in_200
    assert not made_up.batch_errors_in_200
    assert made_up.statuses["create_limits"] == (200,)
    assert made_up.path("/crm/v3/limits/associations/records/0-1/0-2") == (
        "/crm/limits/2098-09/associations/records/0-1/0-2"
    )


def test_a_release_like_2025_09_teaches_the_emulator(tmp_path: Path) -> None:
    """The emulator built with 2098-09's table answers limits create 200 with the failed input
    inside, batch create 201, and the limits usage calls under the release's path."""
    files = _made_up_release(tmp_path, LIKE_2025_09)
    table = _module(files[releases.EMULATOR_TABLE])["RELEASES"]
    app = create_app(EmulatorConfig(releases=table))
    auth = {"Authorization": "Bearer emulator-token"}
    pair = {"inputs": [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]}]}  # fmt: skip
    limits = {"inputs": [
        {"category": "HUBSPOT_DEFINED", "typeId": 279, "maxToObjectIds": 5},
        {"category": "HUBSPOT_DEFINED", "typeId": 999999, "maxToObjectIds": 5}]}  # fmt: skip

    async def play() -> tuple[int, dict[str, Any], int, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://e") as http:
            base = "/crm/associations/2098-09"
            created = await http.post(f"{base}/0-1/0-2/batch/create", json=pair, headers=auth)
            limited = await http.post(
                f"{base}/definitions/configurations/0-1/0-2/batch/create", json=limits, headers=auth
            )
            usage = await http.get("/crm/limits/2098-09/associations/records/0-1/0-2",
                                   headers=auth)  # fmt: skip
        return (
            created.status_code,
            limited.json() | {"status": limited.status_code},
            usage.status_code,
            usage.json()["totalRecordsNearLimit"],
        )

    created, limited, usage, near = asyncio.run(play())
    assert created == 201
    assert limited["status"] == 200
    assert limited["numErrors"] == 1
    assert len(limited["results"]) == 1
    assert (usage, near) == (200, 0)


def test_migrate_report_knows_a_made_up_release_from_its_row_alone(tmp_path: Path) -> None:
    """v4 traffic against 2099-01 (a row only): the report names the two operations it lacks and
    the batch create status change, read from the generated table, with no code change."""
    from hubspot_associations.cli._migration.report import build_report
    from hubspot_associations.cli._migration.traffic import Exchange

    files = _made_up_release(tmp_path)
    table = _module(files[releases.CLIENT_TABLE])["RELEASE_DATA"]
    created = b'{"status": "COMPLETE", "results": [], "startedAt": "x", "completedAt": "y"}'
    traffic = [
        Exchange("GET", "/crm/v4/objects/contact/1/associations/company", "", b"", 200,
                 b'{"results": []}'),
        Exchange("POST", "/crm/v4/associations/contact/company/batch/labels/archive", "", b"{}",
                 204, b""),
        Exchange("POST", "/crm/v4/associations/contact/company/batch/create", "", b"{}", 201,
                 created),
    ]  # fmt: skip
    report = build_report(traffic, "2099-01", releases=table)
    by_operation = {o.operation: o for o in report.operations}
    assert by_operation["list_associations"].lacking
    assert by_operation["batch_remove_labels"].lacking
    assert "2099-01 answers 200" in by_operation["batch_create_associations"].status_changes[0]
    assert report.exit_code == 1
