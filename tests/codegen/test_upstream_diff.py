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

UPSTREAM = Path(__file__).parent / "upstream"


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
