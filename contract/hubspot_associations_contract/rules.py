"""The suite's rules: each promise a server must keep, by name, and how a live portal is held to it.

Every failure the suite reports starts with ``[rule.name]``, the JUnit file has one case per rule
and operation, and docs/contract-rules (the README of this package) publishes this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["RULES", "Rule", "RuleViolation", "rule"]

# How a live portal is held to a rule: "fail" (HubSpot promises it), "report" (HubSpot does not
# promise it: printed, never failed) or "skip" (needs the emulator's control API).
LiveMode = Literal["fail", "report", "skip"]


@dataclass(frozen=True)
class Rule:
    """One promise, its name in reports and how a live portal is held to it."""

    name: str
    promise: str
    live: LiveMode
    # What a live run needs beyond a token and writes to judge the rule (the reason a live run
    # without it gives for not judging it).
    live_needs: str = ""


RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule("schema.response", "every answer matches the spec's schema for its status", "fail"),
        Rule("schema.server-error", "no request, however malformed, gets a 5xx", "fail"),
        Rule("schema.negative-data", "a request the spec forbids is refused with a 4xx", "fail"),
        Rule(
            "schema.positive-data", "a request the spec allows is not refused as malformed", "fail"
        ),
        Rule(
            "schema.other", "schemathesis' remaining checks (content type, headers, auth)", "fail"
        ),
        Rule(
            "status.documented",
            "each operation answers only its release's documented success statuses",
            "report",
        ),
        Rule(
            "errors.fields",
            "every error body carries status, message and correlationId",
            "fail",
        ),
        Rule(
            "errors.category",
            "every error body carries a category, except where HubSpot omits it "
            "(429, unknown object type)",
            "report",
        ),
        Rule(
            "batch.accounting",
            "a batch answer accounts for each input exactly once across results and errors",
            "fail",
        ),
        Rule(
            "ratelimit.enforced",
            "past the rate limit, answers are 429 with HubSpot's body until the window rolls",
            "skip",
        ),
        Rule(
            "ratelimit.headers",
            "X-HubSpot-RateLimit-Max/-Remaining/-Interval-Milliseconds come with every 429 and "
            "are coherent whenever sent",
            "report",
        ),
        Rule(
            "accounting.under-faults",
            "a bulk job through the client, under a rate limit and faults, "
            "loses and duplicates nothing",
            "skip",
        ),
        Rule(
            "graph.both-directions",
            "an association is seen from both records, and removing it removes both directions",
            "fail",
        ),
        Rule("graph.model", "what the server reads back is what the reference model holds", "fail"),
        Rule(
            "labels.paired-inverse",
            "a paired label exists in both directions and shows its inverse from the other side",
            "fail",
        ),
        Rule("labels.unlabeled-type", "every association carries the unlabeled type", "fail"),
        Rule(
            "delete.cascade",
            "removing the unlabeled type or a label definition removes what depended on it",
            "fail",
        ),
        Rule("primary.one-per-record", "a record has at most one primary company", "fail"),
        Rule(
            "limits.every-write-path",
            "a limit refuses writes past it on every write path (default, labelled, batch)",
            "skip",
        ),
        Rule(
            "usage.labels",
            "the label usage reported counts the custom labels the pair has, with their wordings",
            "report",
        ),
        Rule(
            "usage.records",
            "the records reported near or at a limit are those the graph holds near or at it",
            "report",
        ),
        Rule("paging.complete", "following the cursors yields every record exactly once", "fail"),
        Rule("paging.order", "pages list records in ascending ID order", "report"),
        Rule(
            "refusals.change-nothing",
            "a write refused for its token (403 for a missing scope, 401 for a wrong token) "
            "changes nothing: the state read back after it equals the state before",
            "fail",
            live_needs="a writing run and a read-only token of the portal in "
            "HUBSPOT_CONTRACT_READONLY_TOKEN",
        ),
        Rule("run.unexpected", "the suite met an error none of its rules expected", "fail"),
    )
}


class RuleViolation(AssertionError):
    """A broken rule: the message starts with the rule's name in brackets."""

    def __init__(self, rule_name: str, operation: str, message: str) -> None:
        if rule_name not in RULES:
            raise ValueError(f"unknown contract rule {rule_name!r}")
        super().__init__(f"[{rule_name}] {operation}: {message}")
        self.rule = rule_name
        self.operation = operation
        self.detail = message


def rule(name: str) -> Rule:
    """The rule of that name (a typo in the suite fails loudly)."""
    try:
        return RULES[name]
    except KeyError:
        raise ValueError(f"unknown contract rule {name!r}") from None
