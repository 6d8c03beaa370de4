"""Tests of `python -m codegen upstream-diff` (codegen/upstream_diff.py) with hand-written files."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen import upstream_diff
from codegen.__main__ import main as codegen_main
from codegen.pipeline import BASE_SPEC, CURATED_SPEC, ROOT
from codegen.releases import STRICT_DIR, TABLE

UPSTREAM = Path(__file__).parent / "upstream"
# 2025-09's 23 operations and HubSpot's CRM object search (out of scope), hand-written.
ASSOCIATIONS_2025_09 = UPSTREAM / "associations-2025-09.yaml"
SEARCH_2025_09 = "/crm/objects/2025-09/{objectType}/search"


@functools.cache
def curated() -> dict[str, Any]:
    """The curated spec, read once."""
    data: dict[str, Any] = yaml.safe_load((ROOT / CURATED_SPEC).read_text(encoding="utf-8"))
    return data


@functools.cache
def touches() -> tuple[upstream_diff.Touch, ...]:
    """The overlay actions' touched nodes, computed once."""
    return tuple(upstream_diff.overlay_touches(ROOT))


def diff(*documents: dict[str, Any]) -> list[upstream_diff.Disagreement]:
    """Compare documents with the curated spec."""
    named = [(f"upstream-{i}", doc) for i, doc in enumerate(documents)]
    bases = upstream_diff.path_bases(ROOT)
    return upstream_diff.diff_documents(named, curated(), list(touches()), bases)


def hubspot_spelling(spec: dict[str, Any]) -> dict[str, Any]:
    """The curated spec as HubSpot would publish it: /crm/associations/v4 labels, their operationIds, other path-param names."""
    spec = copy.deepcopy(spec)
    paths: dict[str, Any] = {}
    for path, item in spec["paths"].items():
        if "/labels" in path:
            path = path.replace("/crm/v4/associations/", "/crm/associations/v4/")
        path = path.replace("{objectType}", "{fromObjectType}").replace(
            "{objectId}", "{fromObjectId}"
        )
        for method, operation in item.items():
            operation["operationId"] = (
                f"{method}-{path}_{operation['operationId'].title().replace('_', '')}"
            )
        paths[path] = item
    spec["paths"] = paths
    spec["components"]["parameters"]["ObjectTypePath"]["name"] = "fromObjectType"
    spec["components"]["parameters"]["ObjectIdPath"]["name"] = "fromObjectId"
    return spec


def test_hubspot_path_spelling_and_operation_ids_match_curated() -> None:
    """Other path families, operationIds and path-parameter names still match every curated operation."""
    upstream = hubspot_spelling(curated())
    assert "/crm/associations/v4/{fromObjectType}/{toObjectType}/labels" in upstream["paths"]
    assert diff(upstream) == []


def test_dated_release_paths_normalise_to_the_same_operation() -> None:
    """A 2026-03 record path and a v4 one have the same key, parameter names aside."""
    bases = upstream_diff.path_bases(ROOT)
    dated = upstream_diff.normalise("/crm/objects/2026-03/{a}/{b}/associations/{c}/{d}", bases)
    v4 = upstream_diff.normalise(
        "/crm/v4/objects/{objectType}/{objectId}/associations/{x}/{y}", bases
    )
    labels = upstream_diff.normalise("/crm/associations/2026-03/{f}/{t}/labels", bases)
    assert dated == v4 == "objects:/{}/{}/associations/{}/{}"
    assert labels == upstream_diff.normalise("/crm/v4/associations/{x}/{y}/labels", bases)


def test_changes_are_reported_with_their_location_and_exit_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A new enum value, a status the curated spec has and a changed type are each reported as unaccounted."""
    status = upstream_diff.main([str(UPSTREAM / "labels-2026-03-changed.yaml")], ROOT)
    out = capsys.readouterr().out
    section = out.split("(associate_with_labels)\n", 1)[1].split("\n\n", 1)[0]
    assert status == 1
    assert (
        "requestBody[].associationCategory: enum value PARTNER_DEFINED only in upstream  [unaccounted]"
        in section
    )
    assert (
        "requestBody[].associationTypeId: upstream string vs curated integer(int32)  [unaccounted]"
        in section
    )
    assert "responses: status 201 only in curated  [unaccounted]" in section
    assert "unaccounted" in out.splitlines()[-1]


def test_overlay_explains_an_id_declared_as_string(capsys: pytest.CaptureFixture[str]) -> None:
    """toObjectId declared as a string upstream is accounted for by overlay 20's actions #0 and #1."""
    upstream_diff.main([str(UPSTREAM / "records-v4-string-ids.json")], ROOT)
    out = capsys.readouterr().out
    [line] = [x for x in out.splitlines() if "results[].toObjectId" in x]
    assert "upstream string vs curated integer(int64) | string" in line
    assert "[accounted: overlays/20-wire-reality.yaml#0 — The live API answers toObjectId" in line
    assert "overlays/20-wire-reality.yaml#1 — " in line


def test_upstream_operation_path_params_match_by_position() -> None:
    """{fromObjectType}/{fromObjectId} upstream match curated {objectType}/{objectId}: no parameter disagreement."""
    doc = yaml.safe_load((UPSTREAM / "records-v4-string-ids.json").read_text(encoding="utf-8"))
    found = [d for d in diff(doc) if "list_associations" in d.operation]
    assert [d.where for d in found if d.where.startswith("parameter")] == []
    assert all(d.where != "operation" for d in found)


@pytest.mark.parametrize("name", ["not-openapi.yaml", "missing.json"])
def test_a_file_that_is_not_openapi_exits_2(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A non-OpenAPI or unreadable file exits 2 with a message naming it."""
    assert codegen_main(["upstream-diff", str(UPSTREAM / name)]) == 2
    err = capsys.readouterr().err
    assert name in err
    assert "upstream-diff:" in err


def test_base_spec_differs_from_curated_only_where_overlays_say_so() -> None:
    """openapi/base.yaml as upstream: every difference from curated is an overlay's doing."""
    base = yaml.safe_load((ROOT / BASE_SPEC).read_text(encoding="utf-8"))
    found = diff(base)
    assert len(found) > 100
    assert [d.line() for d in found if not d.accounted] == []
    sources = {t.source for d in found for t in d.accounted}
    assert {
        "20-wire-reality.yaml",
        "25-batch-errors-inside-200.yaml",
        "40-error-responses.yaml",
    } <= sources


def test_each_release_is_compared_with_its_own_curated_spec() -> None:
    """A 2026-09 file is judged against the 2026-09 spec (which has no list call), not v4's:
    HubSpot's own 2026-09 operations agree, and one it dropped is reported under its release."""
    specs = upstream_diff.release_specs(ROOT)
    published = copy.deepcopy(specs["2026-09"])
    assert upstream_diff.diff_releases([("hubspot-2026-09.yaml", published)], specs, []) == []
    path = next(p for p in published["paths"] if p.endswith("/labels"))
    del published["paths"][path]["get"]
    found = upstream_diff.diff_releases([("hubspot-2026-09.yaml", published)], specs, [])
    assert [(item.operation, item.detail) for item in found] == [
        (f"[2026-09] GET {path} (list_labels)", "only in curated")
    ]


def test_a_file_with_two_releases_is_split_between_their_specs() -> None:
    """Paths of v4 and of 2026-03 in one file are each compared with their own release."""
    bases = upstream_diff.release_bases(ROOT)
    parts = upstream_diff.by_release(
        [("mixed.yaml", {"paths": {"/crm/v4/associations/a/b/labels": {},
                                   "/crm/associations/2026-03/a/b/labels": {}}})],
        bases,
    )  # fmt: skip
    assert {release: list(doc["paths"]) for release, [(_, doc)] in parts.items()} == {
        "v4": ["/crm/v4/associations/a/b/labels"],
        "2026-03": ["/crm/associations/2026-03/a/b/labels"],
    }


def _root_without(tmp_path: Path, release: str) -> Path:
    """A scratch repository for upstream-diff whose release table has no row for ``release`` (and
    no strict spec of it): the state before step 2 of "Adding a HubSpot release"."""
    table = yaml.safe_load((ROOT / TABLE).read_text(encoding="utf-8"))
    del table["releases"][release]
    (tmp_path / TABLE).parent.mkdir(parents=True)
    (tmp_path / TABLE).write_text(yaml.safe_dump(table, sort_keys=False), encoding="utf-8")
    for name in (BASE_SPEC, CURATED_SPEC, Path("overlays")):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / STRICT_DIR).mkdir(parents=True)
    for spec in (ROOT / STRICT_DIR).glob("*.yaml"):
        if spec.stem != release:
            (tmp_path / STRICT_DIR / spec.name).symlink_to(spec)
    return tmp_path


def _operations(doc: dict[str, Any]) -> int:
    """How many operations a document has."""
    return sum(m in upstream_diff.METHODS for item in doc["paths"].values() for m in item)


def test_limits_usage_paths_are_a_third_family() -> None:
    """v3's and a dated release's Limits Tracking association paths share one key, of family limits."""
    bases = upstream_diff.path_bases(ROOT)
    v3 = upstream_diff.normalise("/crm/v3/limits/associations/records/{fromObjectTypeId}/to", bases)
    dated = upstream_diff.normalise("/crm/limits/2026-03/associations/records/{x}/to", bases)
    assert v3 == dated == "limits:/records/{}/to"
    other = upstream_diff.normalise("/crm/limits/2026-03/pipelines", bases)
    assert other == "other:/crm/limits/2026-03/pipelines"


def test_a_2025_09_file_agrees_and_its_object_search_is_out_of_scope(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The 2025-09 file exits 0 against 2025-09's strict spec; the CRM search is listed out of scope, not unaccounted."""
    status = upstream_diff.main([str(ASSOCIATIONS_2025_09)], ROOT)
    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines()[0].endswith(f"compared with {STRICT_DIR}/2025-09.yaml")
    compared, section = out.split("\nOut of scope", 1)
    assert "/search" not in compared
    assert section.split("\n\n", 1)[0].splitlines()[1:] == [
        f"  - POST {SEARCH_2025_09} (post-{SEARCH_2025_09}_doSearch) [in {ASSOCIATIONS_2025_09}]: "
        "CRM objects API (not a record's associations)"
    ]
    assert out.splitlines()[-1].endswith(" 0 unaccounted; 1 operation(s) out of scope")


def test_a_2025_09_file_matches_all_23_operations() -> None:
    """Every operation of the 2025-09 file in scope meets its curated twin: none is only on one side."""
    doc = upstream_diff.load_document(ASSOCIATIONS_2025_09)
    specs = upstream_diff.release_specs(ROOT)
    report = upstream_diff.compare([("f", doc)], specs, list(touches()), ROOT)
    assert [d.line() for d in report.disagreements if d.where == "operation"] == []
    assert _operations(doc) - len(report.out_of_scope) == 23
    assert {d.operation.split()[0] for d in report.disagreements} == {"[2025-09]"}


def test_a_release_without_a_row_is_matched_by_the_family_learned_from_its_file(
    tmp_path: Path,
) -> None:
    """Without 2025-09's row every operation still matches (the table alone matches none), against 2026-03's statuses."""
    root = _root_without(tmp_path, "2025-09")
    doc = upstream_diff.load_document(ASSOCIATIONS_2025_09)
    # What upstream-diff did before it learned families from files: the table's bases only.
    table_only = [(d.where, d.detail) for d in upstream_diff.diff_documents(
        [("f", doc)], curated(), [], upstream_diff.path_bases(root))]  # fmt: skip
    assert table_only.count(("operation", "only upstream")) == 24
    specs = upstream_diff.release_specs(root)
    report = upstream_diff.compare([("f", doc)], specs, list(touches()), root)
    assert [d.line() for d in report.disagreements if d.where == "operation"] == []
    assert _operations(doc) - len(report.out_of_scope) == 23
    [note] = report.notes
    assert note.startswith(
        f"f: no row in {TABLE} for 2025-09: path family learned from the file (objects "
        "/crm/objects/2025-09, associations /crm/associations/2025-09, limits "
        "/crm/limits/2025-09/associations); compared with the closest release in the table, "
        f"2026-03 ({STRICT_DIR}/2026-03.yaml)"
    )
    # What 2025-09's row must say differently from 2026-03's: limits_errors_in_200.
    assert sorted(
        (d.operation.rsplit(" ", 1)[1], d.detail) for d in report.disagreements if not d.accounted
    ) == [
        ("(create_limits)", "status 200 only in upstream"),
        ("(create_limits)", "status 201 only in curated"),
        ("(create_limits)", "status 207 only in curated"),
        ("(update_limits)", "status 207 only in curated"),
    ]
    assert [item.title.split()[1] for item in report.out_of_scope] == [SEARCH_2025_09]


def test_a_row_without_a_strict_spec_is_compared_with_the_spec_it_makes() -> None:
    """Before `make generate` writes specs/2025-09.yaml, the row's statuses apply: nothing unaccounted (v4's would leave seven)."""
    doc = upstream_diff.load_document(ASSOCIATIONS_2025_09)
    specs = upstream_diff.release_specs(ROOT)
    del specs["2025-09"]
    found = upstream_diff.diff_releases([("f", doc)], specs, list(touches()))
    assert [d.line() for d in found if not d.accounted] == []
    assert {d.operation.split()[0] for d in found} == {"[2025-09]"}


def _learned(path: str) -> list[tuple[str, str]]:
    """The table's families plus those learned from one path, as normalise takes them."""
    known = upstream_diff.table_bases(ROOT)
    learned = upstream_diff.learn_bases([("f", {"paths": {path: {}}})], known)
    return upstream_diff.families(sorted([*known, *learned], key=lambda b: -len(b.prefix)))


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        (SEARCH_2025_09, "CRM objects API (not a record's associations)"),
        ("/crm/objects/2026-09-beta/{objectType}/{objectId}", "CRM objects API (not a record's associations)"),
        ("/crm/v4/objects/{objectType}/batch/read", "CRM objects API (not a record's associations)"),
        ("/crm/limits/2025-09/pipelines", "Limits Tracking API outside its associations part"),
        ("/crm/v3/limits/custom-properties", "Limits Tracking API outside its associations part"),
        ("/crm/objects/2026-09-beta/{a}/{b}/associations/{c}", None),
        ("/crm/associations/2027-03/{a}/{b}/labels", None),
        ("/crm/limits/2027-03/associations/labels", None),
        ("/crm/v3/associations/{a}/{b}/batch/read", None),
    ],
)  # fmt: skip
def test_what_is_out_of_scope(path: str, reason: str | None) -> None:
    """Out of scope: CRM objects other than a record's associations, Limits Tracking other than associations."""
    assert upstream_diff.out_of_scope(path, _learned(path)) == reason


def test_every_curated_and_strict_path_is_in_scope() -> None:
    """The scope rule keeps every path of the curated spec and of each release's strict spec."""
    bases = upstream_diff.path_bases(ROOT)
    paths = [p for spec in upstream_diff.release_specs(ROOT).values() for p in spec["paths"]]
    assert len(paths) > 60
    assert [p for p in paths if upstream_diff.out_of_scope(p, bases) is not None] == []


@pytest.mark.parametrize(
    ("release", "rows", "closest"),
    [
        ("2026-09-beta", ["v4", "2026-03", "2026-09"], "2026-09"),
        ("2025-09", ["v4", "2026-03", "2026-09"], "2026-03"),
        ("2026-06", ["v4", "2026-03", "2026-09"], "2026-03"),
        ("2027-03", ["v4", "2026-03", "2026-09"], "2026-09"),
        ("2027-03", ["v4"], "v4"),
    ],
)
def test_a_release_without_a_row_meets_the_closest_release(
    release: str, rows: list[str], closest: str
) -> None:
    """The same date (a beta), else the latest release before, else the earliest after, else v4."""
    assert upstream_diff.closest_release(release, rows) == closest
