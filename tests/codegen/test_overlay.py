"""Unit tests of the overlay applier in codegen/overlay.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.overlay import Overlay, OverlayError, apply_overlays, merge, parse_overlay


def overlay(*actions: dict[str, Any], source: str = "test.yaml") -> Overlay:
    """Build an overlay document from actions, adding a description where a test gave none."""
    full = [{"description": "because a test says so", **action} for action in actions]
    return parse_overlay(
        {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": full},
        source=source,
    )


def spec() -> dict[str, Any]:
    """A small OpenAPI-shaped document to apply overlays to."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "API", "version": "1"},
        "tags": [{"name": "a"}],
        "paths": {
            "/foo": {
                "get": {
                    "description": "old",
                    "parameters": [{"name": "dummy"}, {"name": "keep"}],
                    "responses": {"200": {"description": "ok"}},
                },
                "post": {"responses": {"201": {"description": "made"}}},
            },
            "/bar": {"get": {"responses": {"200": {"description": "ok"}}}},
        },
    }


def test_update_merges_objects_and_replaces_primitives() -> None:
    """An update adds new keys, merges nested objects and replaces primitive values."""
    result = apply_overlays(
        spec(),
        [overlay({"target": "$.info", "update": {"title": "New", "x-extra": {"a": 1}}})],
    )
    assert result["info"] == {"title": "New", "version": "1", "x-extra": {"a": 1}}


def test_update_appends_to_arrays() -> None:
    """An update whose target is an array appends its items, as the Overlay spec's tag example."""
    result = apply_overlays(
        spec(), [overlay({"target": "$.tags", "update": [{"name": "b"}, {"name": "c"}]})]
    )
    assert result["tags"] == [{"name": "a"}, {"name": "b"}, {"name": "c"}]


def test_merge_is_recursive_and_copies() -> None:
    """merge() goes into nested objects and never shares the update's objects with the target."""
    update: dict[str, Any] = {"a": {"b": {"c": 1}}, "l": [1]}
    target: dict[str, Any] = {"a": {"b": {"d": 2}}, "l": [0]}
    merged = merge(target, update)
    assert merged == {"a": {"b": {"d": 2, "c": 1}}, "l": [0, 1]}
    update["a"]["b"]["c"] = 99
    assert merged["a"]["b"]["c"] == 1


def test_remove_deletes_every_match() -> None:
    """A remove action deletes each node its target selects, including several list items."""
    result = apply_overlays(
        spec(), [overlay({"target": "$.paths[*].get.responses['200']", "remove": True})]
    )
    assert result["paths"]["/foo"]["get"]["responses"] == {}
    assert result["paths"]["/bar"]["get"]["responses"] == {}


def test_remove_of_list_items_keeps_the_others() -> None:
    """Removing filtered array items (the spec's parameter example) leaves the rest in order."""
    result = apply_overlays(
        spec(),
        [overlay({"target": "$.paths['/foo'].get.parameters[?@.name == 'dummy']", "remove": True})],
    )
    assert result["paths"]["/foo"]["get"]["parameters"] == [{"name": "keep"}]


def test_wildcard_update_reaches_every_operation() -> None:
    """A wildcard target, as in the Overlay spec's example, updates every selected operation."""
    result = apply_overlays(
        spec(), [overlay({"target": "$.paths[*].get", "update": {"x-safe": True}})]
    )
    assert result["paths"]["/foo"]["get"]["x-safe"] is True
    assert result["paths"]["/bar"]["get"]["x-safe"] is True
    assert "x-safe" not in result["paths"]["/foo"]["post"]


def test_root_update_structured_overlay() -> None:
    """The Overlay spec's structured example: an update of $ mirrors the document's shape."""
    result = apply_overlays(
        spec(),
        [
            overlay(
                {
                    "target": "$",
                    "update": {
                        "info": {"x-overlay-applied": "structured"},
                        "paths": {"/foo": {"get": {"description": "new"}}},
                    },
                }
            )
        ],
    )
    assert result["info"]["x-overlay-applied"] == "structured"
    assert result["paths"]["/foo"]["get"]["description"] == "new"
    assert result["paths"]["/foo"]["get"]["responses"] == {"200": {"description": "ok"}}


def test_actions_apply_in_order_within_and_across_overlays() -> None:
    """Later actions see the results of earlier ones, within a file and across files."""
    first = overlay(
        {"target": "$.info", "update": {"title": "one"}},
        {"target": "$.info.title", "remove": True},
        {"target": "$.info", "update": {"title": "two"}},
    )
    second = overlay({"target": "$.info", "update": {"title": "three"}})
    assert apply_overlays(spec(), [first])["info"]["title"] == "two"
    assert apply_overlays(spec(), [first, second])["info"]["title"] == "three"
    assert apply_overlays(spec(), [second, first])["info"]["title"] == "two"


def test_files_apply_in_file_name_order(tmp_path: Path) -> None:
    """The pipeline sorts overlay files by name, so 10- runs before 20- whatever was written first."""
    from codegen.pipeline import overlay_paths

    (tmp_path / "overlays").mkdir()
    for name in ["20-b.yaml", "10-a.yaml", "30-c.yaml"]:
        (tmp_path / "overlays" / name).write_text("x")
    assert [p.name for p in overlay_paths(tmp_path)] == ["10-a.yaml", "20-b.yaml", "30-c.yaml"]


def test_empty_match_fails_with_file_index_and_target() -> None:
    """A target that matches nothing fails, naming the file, the action index and the target."""
    stale = overlay(
        {"target": "$.info", "update": {"title": "fine"}},
        {"target": "$.paths['/gone'].get", "update": {"x": 1}},
        source="20-wire-reality.yaml",
    )
    with pytest.raises(OverlayError) as info:
        apply_overlays(spec(), [stale])
    message = str(info.value)
    assert "20-wire-reality.yaml" in message
    assert "action #1" in message
    assert "$.paths['/gone'].get" in message
    assert "matched nothing" in message


def test_failed_apply_leaves_input_untouched() -> None:
    """apply_overlays works on a copy: the caller's document is unchanged even on failure."""
    original = spec()
    with pytest.raises(OverlayError):
        apply_overlays(
            original,
            [
                overlay(
                    {"target": "$.info", "remove": True}, {"target": "$.nothing", "remove": True}
                )
            ],
        )
    assert original == spec()


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"overlay": "2.0.0", "info": {"title": "t", "version": "1"}, "actions": []}, "'overlay'"),
        ({"overlay": "1.0.0", "actions": [{"target": "$"}]}, "'info'"),
        ({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": []}, "actions"),
        (
            {
                "overlay": "1.0.0",
                "info": {"title": "t", "version": "1"},
                "actions": [{"target": "$.info", "update": {}}],
            },
            "description",
        ),
        (
            {
                "overlay": "1.0.0",
                "info": {"title": "t", "version": "1"},
                "actions": [{"target": "$.info", "description": "d"}],
            },
            "exactly one",
        ),
        (
            {
                "overlay": "1.0.0",
                "info": {"title": "t", "version": "1"},
                "actions": [{"target": "$.paths[?@.x =~ /a/]", "description": "d", "remove": True}],
            },
            "RFC 9535",
        ),
    ],
)
def test_malformed_overlays_are_rejected(document: dict[str, Any], fragment: str) -> None:
    """Wrong version, missing info, no actions, no description or a non-RFC path are errors."""
    with pytest.raises(OverlayError, match=fragment):
        parse_overlay(document, source="bad.yaml")


def test_project_overlays_each_action_has_a_reason() -> None:
    """Every overlay file in overlays/ parses, and every action says why it exists."""
    from codegen.overlay import load_overlay
    from codegen.pipeline import ROOT, overlay_paths

    paths = overlay_paths(ROOT)
    assert len(paths) >= 4
    for path in paths:
        loaded = load_overlay(path)
        assert all(len(action.description) > 20 for action in loaded.actions), path.name
        assert yaml.safe_load(path.read_text())["overlay"] in ("1.0.0", "1.1.0")
