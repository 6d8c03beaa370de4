"""refusals.change-nothing: a write refused for its token changes nothing.

One association write (``associate_default``, contact → company) is sent twice through the
client: with a token that may read both object types but not write (403 ``MISSING_SCOPES``), and
with a wrong token (401). After each refusal the state read back must equal the state before.

* Against the emulator the suite makes the read-only token itself (``POST /_emulator/tokens``,
  in the portal of the run's token) and compares the portal's whole store
  (``GET /_emulator/snapshot``) before and after.
* Against a live portal the suite cannot make a token: the rule is judged by a writing run given
  ``HUBSPOT_CONTRACT_READONLY_TOKEN`` (a token of the same portal without
  ``crm.objects.contacts.write``; the command's preflight checks both when the portal answers
  token introspection), and not judged otherwise. The write names two of the run's records, is
  noted in the ledger before it is sent (a portal that applies it anyway is restored), and both
  records are read back every 0.25 s for the whole read-back wait
  (``HUBSPOT_CONTRACT_READ_BACK_WAIT_MS``): a change that shows late still fails the rule.

The refused writes need a second token, so the scenario is no sequence ``--reproduce`` can send:
nothing of it is recorded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from hubspot_associations import APIStatusError, ClientSettings, HubSpotAssociations

from . import conditions, recorder, verdicts
from .scenario import READ_BACK_POLL, Scenario, read_side, records
from .target import READONLY_TOKEN_VARIABLE, Target, selected
from .wire import JudgingTransport

RULE = "refusals.change-nothing"
OPERATION = "associate_default"
WRONG_TOKEN = "not-a-token-of-this-portal"
# What the emulator's read-only token holds: both object types' reads, no write.
READ_SCOPES = ("crm.objects.companies.read", "crm.objects.contacts.read")
# Rows of a changed table shown in a failure.
SHOWN = 3


@pytest.fixture
def scenario() -> Iterator[Scenario]:
    """A started scenario (emulator emptied; live records read), restored after; nothing of it
    recorded for a reproducer."""
    target = selected()
    if not target.strict:
        if not (records() and target.allow_writes):
            pytest.skip(
                "a refused write is sent only by a writing live run: set HUBSPOT_CONTRACT_RECORDS "
                "and HUBSPOT_CONTRACT_ALLOW_WRITES=1"
            )
        if not target.readonly_token:
            pytest.skip(
                f"the suite cannot make a token on a live portal: set {READONLY_TOKEN_VARIABLE} "
                "(a token of the same portal without crm.objects.contacts.write)"
            )
    running = Scenario(target)
    running.start()
    recorder.end()  # the refused writes need a second token: no sequence to reproduce
    try:
        yield running
    finally:
        running.close()


def test_a_refused_write_changes_nothing(scenario: Scenario) -> None:
    """refusals.change-nothing: a write refused for its token (403, 401) leaves the state as it was."""
    target = scenario.target
    contact, company = records()["contact"][0], records()["company"][0]
    portal = _portal_of(target) if target.strict else None
    refusing = (
        (_read_only_token(target, portal), "a token without crm.objects.contacts.write"),
        (WRONG_TOKEN, "a wrong token"),
    )
    try:
        for token, whose in refusing:
            before = _state(scenario, portal, contact, company)
            # Noted as a step's write is: a portal that applies it anyway is restored.
            with scenario.noting(lambda graph: graph.add(contact, company, [])):
                refusal = _send(target, token, contact, company)
            if refusal is None:
                _accepted(scenario, whose, contact, company)
                continue
            _judge_unchanged(scenario, portal, (contact, company), before, whose, refusal)
    finally:
        if target.strict:
            _revoke(target, refusing[0][0])


def _portal_of(target: Target) -> int | None:
    """The emulator portal of the run's token (None: the emulator does not list it)."""
    answer = conditions.http().get(f"{target.base_url}/_emulator/tokens")
    answer.raise_for_status()
    for entry in answer.json().get("results", []):
        if entry.get("token") == target.token:
            return int(entry["portalId"])
    return None


def _read_only_token(target: Target, portal: int | None) -> str:
    """The live run's read-only token, or one made in the emulator's portal of the run's."""
    if not target.strict:
        return target.readonly_token
    token = f"hsa-contract-read-only-{target.run_tag}"
    body: dict[str, Any] = {"token": token, "scopes": list(READ_SCOPES)}
    if portal is not None:
        body["portalId"] = portal
    conditions.http().post(f"{target.base_url}/_emulator/tokens", json=body).raise_for_status()
    return token


def _revoke(target: Target, token: str) -> None:
    """The emulator's read-only token refused again (a reset forgets it too)."""
    conditions.http().post(f"{target.base_url}/_emulator/tokens/revoke", json={"token": token})


def _send(target: Target, token: str, contact: str, company: str) -> APIStatusError | None:
    """The write with ``token``, through the client and the judging wire; its refusal (a 4xx),
    or None when it was accepted. A 5xx is no refusal: it raises."""
    with HubSpotAssociations(
        token,
        base_url=target.base_url,
        api_version=target.release,
        transport=JudgingTransport(target.release),
        rate_limit=None if target.strict else ClientSettings.DEFAULT_RATE_LIMIT,
    ) as client:
        try:
            client.basic.associate_default("contact", contact, "company", company)
        except APIStatusError as exc:
            if exc.status_code >= 500:
                raise
            return exc
    return None


def _state(scenario: Scenario, portal: int | None, contact: str, company: str) -> Any:
    """What the rule compares: the emulator portal's whole store, or on a live portal both
    records' associations to the other type (every page)."""
    target = scenario.target
    if target.strict:
        params = {"portalId": portal} if portal is not None else {}
        answer = conditions.http().get(f"{target.base_url}/_emulator/snapshot", params=params)
        answer.raise_for_status()
        tables: dict[str, list[Any]] = answer.json()["tables"]
        return {name: sorted(map(repr, rows)) for name, rows in tables.items()}
    return {
        f"contact {contact}": _side(read_side(scenario.client, "contact", contact)),
        f"company {company}": _side(read_side(scenario.client, "company", company)),
    }


def _side(seen: dict[str, list[Any]]) -> list[str]:
    return sorted(
        f"{other}: {t.category} {t.type_id}" for other, types in seen.items() for t in types
    )


def _difference(before: dict[str, list[str]], after: dict[str, list[str]]) -> str:
    """What changed, table by table (or record by record), a few rows each."""
    parts = []
    for name in sorted(set(before) | set(after)):
        old, new = set(before.get(name, ())), set(after.get(name, ()))
        added, removed = sorted(new - old), sorted(old - new)
        if added:
            parts.append(f"{name} +{len(added)} ({'; '.join(added[:SHOWN])})")
        if removed:
            parts.append(f"{name} -{len(removed)} ({'; '.join(removed[:SHOWN])})")
    return ", ".join(parts)


def _judge_unchanged(
    scenario: Scenario,
    portal: int | None,
    pair: tuple[str, str],
    before: dict[str, list[str]],
    whose: str,
    refusal: APIStatusError,
) -> None:
    """The state read back equals the state before: the emulator's once; a live portal's every
    READ_BACK_POLL seconds for the whole read-back wait (a late change fails too)."""
    target = scenario.target
    deadline = time.monotonic() + (0 if target.strict else target.read_back_wait)
    contact, company = pair
    while True:
        after = _state(scenario, portal, contact, company)
        if after != before or time.monotonic() >= deadline:
            break
        time.sleep(READ_BACK_POLL)
    verdicts.judge(
        after == before,
        RULE,
        OPERATION,
        f"contact {contact}→company {company} with {whose}: refused with "
        f"{refusal.status_code} {refusal.category or ''}, yet the state changed: "
        f"{_difference(before, after)}",
        status=refusal.status_code,
    )


def _accepted(scenario: Scenario, whose: str, contact: str, company: str) -> None:
    """A write that should have been refused was not. The emulator enforces scopes: broken. A
    live portal may allow what the inferred scope table does not (HubSpot's files list any CRM
    object scope as enough): the association is the run's to restore, the rule not judged."""
    if scenario.target.strict:
        verdicts.violated(
            RULE, OPERATION, f"contact {contact}→company {company} with {whose}: not refused"
        )
    scenario.graph.add(contact, company, [])
    pytest.skip(
        f"the portal accepted the write with {whose} ({READONLY_TOKEN_VARIABLE}): the rule "
        "judges refused writes; give a token the portal refuses associate_default"
    )
