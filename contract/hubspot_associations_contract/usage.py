"""The limits usage a server reports, judged against what the graph holds.

After each step the suite reads HubSpot's Limits Tracking calls for the contact/company pair and
compares them with two things: the labels the server itself lists (``list_labels``, on any
target) and, on the emulator, the reference model: its custom labels, and each record's
associations per type against the limits the run set. A live portal holds the user's own labels
and records too, so there the reads are compared with each other only, and reported.
"""

from __future__ import annotations

import math
from typing import Protocol

from hubspot_associations import HubSpotAssociations

from . import verdicts
from .model import Graph, Kind, Side
from .target import Target

__all__ = ["NEAR_SHARE", "expected_record_usage", "judge_usage"]

# A record is near a limit from 80 % of it (HubSpot's high-usage threshold) and at it from 100 %.
NEAR_SHARE = 0.8
TYPE_IDS = {"contact": "0-1", "company": "0-2"}
USER_DEFINED = "USER_DEFINED"


class Scenario(Protocol):
    """What the judgement reads of a scenario (declared here: the scenario calls this module, so
    importing it back would be a cycle)."""

    @property
    def client(self) -> HubSpotAssociations: ...

    @property
    def graph(self) -> Graph: ...

    @property
    def target(self) -> Target: ...


def judge_usage(
    scenario: Scenario,
    records: dict[str, tuple[str, ...]],
    *,
    labels: bool = True,
    records_too: bool = True,
) -> None:
    """Label usage and record usage of both directions, as the rules ``usage.*`` say (each only
    when asked: the scenario knows when they can have changed)."""
    if labels:
        _judge_labels(scenario)
    if records_too:
        for side, other in (("contact", "company"), ("company", "contact")):
            _judge_records(scenario, side, other, records)


def _judge_labels(scenario: Scenario) -> None:
    client, graph = scenario.client, scenario.graph
    operation = "get_label_limits_usage"
    pairs = client.limits.usage.labels(TYPE_IDS["contact"], TYPE_IDS["company"])
    listed = [
        t for t in client.labels.list("contact", "company") if str(t.category) == USER_DEFINED
    ]
    wordings = sorted(str(t.label) for t in listed)
    verdicts.judge(
        len(pairs) == 1,
        "usage.labels",
        operation,
        f"filtered to contacts→companies, {len(pairs)} pairs came back instead of one",
    )
    if len(pairs) != 1:
        return
    pair = pairs[0]
    verdicts.judge(
        (pair.from_object_type.object_type_id, pair.to_object_type.object_type_id)
        == (TYPE_IDS["contact"], TYPE_IDS["company"]),
        "usage.labels",
        operation,
        f"filtered to 0-1→0-2, the pair came back as {pair.from_object_type.object_type_id}→"
        f"{pair.to_object_type.object_type_id}",
    )
    verdicts.judge(
        pair.usage == len(listed) and sorted(pair.all_labels) == wordings,
        "usage.labels",
        operation,
        f"usage {pair.usage} with labels {sorted(pair.all_labels)}; list_labels shows "
        f"{len(listed)} custom labels {wordings}",
    )
    share = 100 * pair.usage / pair.limit if pair.limit else 0.0
    verdicts.judge(
        math.isclose(pair.percentage, share, abs_tol=0.01) and 0 <= pair.percentage <= 100,
        "usage.labels",
        operation,
        f"percentage {pair.percentage} for usage {pair.usage} of {pair.limit} (expected {share:g})",
    )
    if scenario.target.strict:
        mine = sorted(label.label for label in graph.labels.values())
        verdicts.judge(
            pair.usage == len(graph.labels) and sorted(pair.all_labels) == mine,
            "usage.labels",
            operation,
            f"usage {pair.usage} with labels {sorted(pair.all_labels)}; the model holds "
            f"{len(graph.labels)}: {mine}",
        )


def expected_record_usage(
    graph: Graph, side: Side, records: tuple[str, ...], pair_limit: int
) -> tuple[list[str], list[str]]:
    """(records near a limit, records at one) of one direction, lowest IDs first: per record and
    kind, its count against the kind's limit when set, else the pair's; at wins over near."""
    near: list[str] = []
    at: list[str] = []
    kinds: set[Kind] = set().union(*graph.pairs.values()) if graph.pairs else set()
    for record in sorted(records, key=int):
        states = set()
        for kind in kinds:
            count = graph.count(side, record, kind)
            if count == 0:
                continue
            limit = graph.limits.get(graph.type_id(kind, side), pair_limit)
            if count >= limit:
                states.add("at")
            elif count >= NEAR_SHARE * limit:
                states.add("near")
        if "at" in states:
            at.append(record)
        elif "near" in states:
            near.append(record)
    return near, at


def _judge_records(
    scenario: Scenario, side: Side, other: Side, records: dict[str, tuple[str, ...]]
) -> None:
    client = scenario.client
    operation = "get_record_limits_usage"
    answer = client.limits.usage.records(TYPE_IDS[side], TYPE_IDS[other])
    near_ids = [str(s.object_id) for s in answer.near_limit_from_record_samples]
    at_ids = [str(s.object_id) for s in answer.at_limit_from_record_samples]
    verdicts.judge(
        not set(near_ids) & set(at_ids)
        and len(near_ids) <= answer.total_records_near_limit
        and len(at_ids) <= answer.total_records_at_limit
        and len(set(near_ids)) == len(near_ids)
        and len(set(at_ids)) == len(at_ids),
        "usage.records",
        operation,
        f"{side}→{other}: samples near {near_ids} and at {at_ids} disagree with the totals "
        f"({answer.total_records_near_limit} near, {answer.total_records_at_limit} at)",
    )
    if not scenario.target.strict:
        return
    near, at = expected_record_usage(scenario.graph, side, records[side], answer.limit)
    verdicts.judge(
        (answer.total_records_near_limit, answer.total_records_at_limit) == (len(near), len(at))
        and near_ids == near[: len(near_ids)]
        and at_ids == at[: len(at_ids)]
        and (len(near_ids), len(at_ids)) == (len(near), len(at)),
        "usage.records",
        operation,
        f"{side}→{other} reports near {near_ids} ({answer.total_records_near_limit}) and at "
        f"{at_ids} ({answer.total_records_at_limit}); with limits {scenario.graph.limits} and a "
        f"pair limit of {answer.limit} the model holds near {near} and at {at}",
    )
    sources = {t.object_type_id: t for t in client.limits.usage.record_sources()}
    targets = {t.object_type_id: t for t in client.limits.usage.record_targets(TYPE_IDS[side])}
    listings = (
        ("list_record_limits_sources", sources.get(TYPE_IDS[side])),
        ("list_record_limits_targets", targets.get(TYPE_IDS[other])),
    )
    for name, listing in listings:
        flags = (
            (False, False)
            if listing is None
            else (listing.has_records_near_limit, listing.has_records_at_limit)
        )
        verdicts.judge(
            flags == (bool(near), bool(at)),
            "usage.records",
            name,
            f"{side}→{other}: near/at limit reads {flags}; the model holds "
            f"{(bool(near), bool(at))}",
        )
