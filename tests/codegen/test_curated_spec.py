"""The curated spec: valid, complete (the 19 operations of the seeds and the 4 limits usage calls)
and shaped for generation."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from codegen.pipeline import CURATED_SPEC, ROOT

# (method, path, operationId, tag, documented success statuses) as the seeds and facts list them.
OPERATIONS = [
    ("put", "/crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}", "associate_default", "basic", {"200"}),
    ("put", "/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}", "associate_with_labels", "basic", {"200", "201"}),
    ("get", "/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}", "list_associations", "basic", {"200"}),
    ("delete", "/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}", "remove_associations", "basic", {"204"}),
    ("post", "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default", "batch_associate_default", "batch", {"200"}),
    ("post", "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create", "batch_create_associations", "batch", {"200", "201", "207"}),
    ("post", "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read", "batch_read_associations", "batch", {"200", "207"}),
    ("post", "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/archive", "batch_remove_associations", "batch", {"200", "204"}),
    ("post", "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/labels/archive", "batch_remove_labels", "batch", {"200", "204"}),
    ("post", "/crm/v4/associations/usage/high-usage-report/{userId}", "request_high_usage_report", "report", {"200"}),
    ("get", "/crm/v4/associations/{fromObjectType}/{toObjectType}/labels", "list_labels", "labels", {"200"}),
    ("post", "/crm/v4/associations/{fromObjectType}/{toObjectType}/labels", "create_label", "labels", {"200"}),
    ("put", "/crm/v4/associations/{fromObjectType}/{toObjectType}/labels", "update_label", "labels", {"204"}),
    ("delete", "/crm/v4/associations/{fromObjectType}/{toObjectType}/labels/{associationTypeId}", "delete_label", "labels", {"204"}),
    ("get", "/crm/v4/associations/definitions/configurations/all", "list_all_limits", "limits", {"200"}),
    ("get", "/crm/v4/associations/definitions/configurations/{fromObjectType}/{toObjectType}", "list_limits", "limits", {"200"}),
    ("post", "/crm/v4/associations/definitions/configurations/{fromObjectType}/{toObjectType}/batch/create", "create_limits", "limits", {"201", "207"}),
    ("post", "/crm/v4/associations/definitions/configurations/{fromObjectType}/{toObjectType}/batch/update", "update_limits", "limits", {"200", "207"}),
    ("post", "/crm/v4/associations/definitions/configurations/{fromObjectType}/{toObjectType}/batch/purge", "purge_limits", "limits", {"200", "204"}),
    ("get", "/crm/v3/limits/associations/labels", "get_label_limits_usage", "limits_usage", {"200"}),
    ("get", "/crm/v3/limits/associations/records/from", "list_record_limits_sources", "limits_usage", {"200"}),
    ("get", "/crm/v3/limits/associations/records/{fromObjectTypeId}/to", "list_record_limits_targets", "limits_usage", {"200"}),
    ("get", "/crm/v3/limits/associations/records/{fromObjectTypeId}/{toObjectTypeId}", "get_record_limits_usage", "limits_usage", {"200"}),
]  # fmt: skip

ERROR_STATUSES = {"400", "401", "403", "404", "409", "429", "5XX"}


@cache
def curated() -> dict[str, Any]:
    """The committed curated spec, parsed."""
    loaded: dict[str, Any] = yaml.safe_load((ROOT / CURATED_SPEC).read_text(encoding="utf-8"))
    return loaded


def test_curated_spec_is_valid_openapi() -> None:
    """openapi-spec-validator accepts the curated spec."""
    validate(curated())


def test_curated_spec_says_it_is_generated() -> None:
    """The committed file opens with a header naming its sources and forbidding hand edits."""
    head = (ROOT / CURATED_SPEC).read_text(encoding="utf-8").splitlines()[:8]
    assert head[0].startswith("# GENERATED FILE: do not edit")
    assert any("openapi/base.yaml" in line for line in head)
    assert any("overlays/10-names-for-generation.yaml" in line for line in head)


def test_exactly_the_twenty_three_operations() -> None:
    """The spec has the 19 operations of the seeds, the 4 limits usage calls and nothing else."""
    found = {
        (method, path)
        for path, item in curated()["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch"}
    }
    assert found == {(method, path) for method, path, *_ in OPERATIONS}


@pytest.mark.parametrize(("method", "path", "operation_id", "tag", "success"), OPERATIONS)
def test_operation_shape(
    method: str, path: str, operation_id: str, tag: str, success: set[str]
) -> None:
    """Each operation has its Python name, its group, its success and error statuses as JSON."""
    operation = curated()["paths"][path][method]
    assert operation["operationId"] == operation_id
    assert operation["tags"] == [tag]
    statuses = set(operation["responses"])
    assert {s for s in statuses if s.startswith("2")} == success
    assert statuses >= ERROR_STATUSES
    error = curated()["components"]["responses"]["Error"]
    assert list(error["content"]) == ["application/json"]
    for status in ERROR_STATUSES:
        assert operation["responses"][status] == {"$ref": "#/components/responses/Error"}


def test_bearer_auth_everywhere() -> None:
    """Every operation requires the bearer token (set once for the whole API, overridden nowhere)."""
    spec = curated()
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    for item in spec["paths"].values():
        for operation in item.values():
            assert "security" not in operation


def test_operation_ids_are_unique_python_names() -> None:
    """operationIds are snake_case identifiers, one per operation."""
    ids = [op["operationId"] for item in curated()["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids)) == 23
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def test_shared_enums_replace_inline_copies() -> None:
    """AssociationCategory and BatchStatus are components, and no schema repeats them inline."""
    schemas = curated()["components"]["schemas"]
    assert schemas["AssociationCategory"]["enum"] == [
        "HUBSPOT_DEFINED",
        "USER_DEFINED",
        "INTEGRATOR_DEFINED",
        "WORK",
    ]
    assert schemas["BatchStatus"]["enum"] == ["PENDING", "PROCESSING", "CANCELED", "COMPLETE"]
    for name, schema in schemas.items():
        if name in {"AssociationCategory", "BatchStatus"}:
            continue
        for prop in schema.get("properties", {}).values():
            assert "enum" not in prop, name


def test_documented_constraints_are_present() -> None:
    """limit 1..500, batch/read ≤ 1,000 inputs, label name rules, maxToObjectIds ≥ 1, digit IDs."""
    spec = curated()
    schemas = spec["components"]["schemas"]
    limit = next(
        p
        for p in spec["paths"]["/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}"]["get"]["parameters"]
        if p.get("name") == "limit"
    )  # fmt: skip
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 500)
    assert schemas["BatchInputPublicFetchAssociationsBatchRequest"]["properties"]["inputs"]["maxItems"] == 1000  # fmt: skip
    pattern = schemas["PublicAssociationDefinitionCreateRequest"]["properties"]["name"]["pattern"]
    assert re.fullmatch(pattern, "manager_of")
    assert not re.fullmatch(pattern, "manager-of")
    assert not re.fullmatch(pattern, "2nd_manager")
    for name in ("PublicAssociationDefinitionConfigurationCreateRequest", "PublicAssociationDefinitionConfigurationUpdateRequest"):  # fmt: skip
        assert schemas[name]["properties"]["maxToObjectIds"]["minimum"] == 1
    assert schemas["PublicFetchAssociationsBatchRequest"]["properties"]["id"]["pattern"] == "^[0-9]+$"  # fmt: skip


def test_wire_reality_is_in_the_schemas() -> None:
    """Numeric IDs, null labels, optional error fields and both enqueueTime forms are accepted."""
    schemas = curated()["components"]["schemas"]
    # Every record ID in an answer, the batch answers' from.id and to.id (PublicObjectId) too.
    answer_ids = [
        schemas["MultiAssociatedObjectWithLabel"]["properties"]["toObjectId"],
        schemas["PublicObjectId"]["properties"]["id"],
    ]
    for record_id in answer_ids:
        assert {"type": "integer", "format": "int64", "minimum": 1} in record_id["anyOf"]
        (digits,) = [a for a in record_id["anyOf"] if a["type"] == "string"]
        # A digit string names a record ID as the input rule reads it: 1 to 2^63 - 1.
        ids = re.compile(digits["pattern"])
        assert all(ids.fullmatch(t) for t in ("1", "007", "5434402448", str(2**63 - 1)))
        assert not any(ids.fullmatch(t) for t in ("0", "00", str(2**63), "9" * 20, "1a", ""))
    assert schemas["AssociationSpecWithLabel"]["properties"]["label"]["nullable"] is True
    assert "required" not in schemas["Error"]
    assert "required" not in schemas["StandardError"]
    assert "type" not in schemas["StandardError"]["properties"]["subCategory"]
    assert len(schemas["ReportCreationResponse"]["properties"]["enqueueTime"]["anyOf"]) == 2


def _reached(spec: dict[str, Any], node: object, found: set[str]) -> set[str]:
    """The component schemas a node refers to, directly or through other schemas."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in found:
                found.add(name)
                _reached(spec, spec["components"]["schemas"][name], found)
        for value in node.values():
            _reached(spec, value, found)
    elif isinstance(node, list):
        for value in node:
            _reached(spec, value, found)
    return found


def test_request_bodies_are_marked_and_answers_are_not() -> None:
    """x-request-body (overlay 60) marks exactly the schemas only request bodies reach; a schema
    both reach has no optional field, so neither side's reading of "absent" matters to it."""
    spec = curated()
    requests: set[str] = set()
    answers: set[str] = set()
    for item in spec["paths"].values():
        for operation in item.values():
            _reached(spec, operation.get("requestBody"), requests)
            _reached(spec, operation.get("responses"), answers)
    schemas = spec["components"]["schemas"]
    marked = {name for name, schema in schemas.items() if schema.get("x-request-body")}
    assert marked == requests - answers
    for name in requests & answers:
        schema = schemas[name]
        assert set(schema.get("properties", {})) <= set(schema.get("required", [])), name


def test_each_batch_call_answers_one_schema() -> None:
    """Every 2xx of a batch call refers to one schema (overlay 60): no ...WithErrors left."""
    spec = curated()
    assert not [name for name in spec["components"]["schemas"] if name.endswith("WithErrors")]
    for path, item in spec["paths"].items():
        for operation in item.values():
            bodies = {
                json.dumps(answer["content"]["application/json"]["schema"], sort_keys=True)
                for status, answer in operation["responses"].items()
                if str(status).startswith("2") and "content" in answer
            }
            if "/batch/" in path:
                assert len(bodies) <= 1, (path, bodies)
