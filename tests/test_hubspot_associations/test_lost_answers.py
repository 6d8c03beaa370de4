"""Every write whose answer is lost ends as if the answer had come, proven with aimed faults.

For every write of openapi/curated.yaml, on every release and v4 profile, sync and async: the
emulator (a real server on loopback) loses the first answer of that operation, either after the
call was applied (``cut``) or before the request was read (``drop``). The call must return what the
same call returns without a fault, leave the same state (read back through HubSpot's paths) and
send the operation at most once more; ``report.request``, which no read can confirm, raises
``OutcomeUnknownError`` and is not sent again. Then the operations HubSpot's documents leave open
(a delete or purge of what is gone, a create of what exists) run again under each second answer
the emulator can give (``PUT /_emulator/config``).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread
from hubspot_associations_emulator.release_table import PROFILES, RELEASES

from hubspot_associations import (
    AsyncHubSpotAssociations,
    BadRequestError,
    HubSpotAssociations,
    NotFoundError,
    OutcomeUnknownError,
    RetryPolicy,
)
from hubspot_associations._calls.lost_answers import LOST_ANSWER_RULES

TOKEN = "emulator-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
# The default policy's waits, shortened: the rule under test, not the backoff, decides the outcome.
FAST = RetryPolicy(initial_backoff=0.005, max_backoff=0.02, isolated_backoff=0.005)
LABEL = {"fromObjectType": "contact", "toObjectType": "company", "name": "buyer",
         "label": "Buyer", "inverseLabel": "Bought from"}  # fmt: skip
PAIR = {"fromObjectType": "contact", "fromObjectId": "1", "toObjectType": "company",
        "toObjectId": "10", "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                       "associationTypeId": 1}]}  # fmt: skip
LIMIT = {"fromObjectType": "contact", "toObjectType": "company", "category": "HUBSPOT_DEFINED",
         "typeId": 279, "maxToObjectIds": 5}  # fmt: skip


@dataclass(frozen=True)
class Write:
    """One write: the state it starts from (a seed) and the call through the facade."""

    seed: dict[str, Any]
    call: Callable[[Any], Any]


WRITES: dict[str, Write] = {
    "associate_default": Write({}, lambda c: c.basic.associate_default("contact", "1", "company", "10")),
    "associate_with_labels": Write(
        {}, lambda c: c.basic.associate("contact", "1", "company", "10", [("HUBSPOT_DEFINED", 1)])
    ),
    "remove_associations": Write(
        {"associations": [PAIR]}, lambda c: c.basic.remove("contact", "1", "company", "10")
    ),
    "batch_associate_default": Write(
        {}, lambda c: c.batch.associate_default("contact", "company", [("1", "10"), ("2", "11")])
    ),
    "batch_create_associations": Write(
        {}, lambda c: c.batch.create("contact", "company", [("1", "10")], [("HUBSPOT_DEFINED", 279)])
    ),
    "batch_remove_associations": Write(
        {"associations": [PAIR]}, lambda c: c.batch.remove("contact", "company", [("1", "10")])
    ),
    "batch_remove_labels": Write(
        {"associations": [PAIR]},
        lambda c: c.batch.remove_labels("contact", "company", [("1", "10")], [("HUBSPOT_DEFINED", 1)]),
    ),
    "request_high_usage_report": Write({}, lambda c: c.report.request(7)),
    "create_label": Write(
        {}, lambda c: c.labels.create("contact", "company", name="buyer", label="Buyer",
                                      inverse_label="Bought from"),
    ),
    "update_label": Write(
        {"labels": [LABEL]},
        lambda c: c.labels.update("contact", "company", type_id=1200, label="Buyer 2",
                                  inverse_label="Bought from 2"),
    ),
    "delete_label": Write({"labels": [LABEL]}, lambda c: c.labels.delete("contact", "company", 1200)),
    "create_limits": Write(
        {}, lambda c: c.limits.create("contact", "company", [(("HUBSPOT_DEFINED", 279), 5)])
    ),
    "update_limits": Write(
        {"limits": [LIMIT]},
        lambda c: c.limits.update("contact", "company", [(("HUBSPOT_DEFINED", 279), 7)]),
    ),
    "purge_limits": Write(
        {"limits": [LIMIT]}, lambda c: c.limits.purge("contact", "company", [("HUBSPOT_DEFINED", 279)])
    ),
}  # fmt: skip
# Every release on the current v4 profile, and v4 under each earlier profile.
TARGETS = [(release, "current") for release in RELEASES] + [
    ("v4", profile) for profile in PROFILES if profile != "current"
]
# The second answers HubSpot's documents leave open, each played by the emulator.
OPTIONS = [
    {"delete_label": "404"},
    {"delete_label": "204"},
    {"purge_limits": "400"},
    {"purge_limits": "404"},
    {"create_limits": "400"},
]


def test_every_write_of_the_spec_is_in_the_matrix_and_the_rule_table() -> None:
    """The matrix and the published rule table cover exactly the writes of the curated spec."""
    import yaml

    root = Path(__file__).resolve().parents[2]
    spec = yaml.safe_load((root / "openapi" / "curated.yaml").read_text(encoding="utf-8"))
    writes = {
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in ("put", "post", "delete") and not op["operationId"].startswith("batch_read")
    }
    assert set(WRITES) == writes
    assert set(LOST_ANSWER_RULES) == writes


@pytest.fixture(scope="module")
def emulators() -> Iterator[dict[str, str]]:
    """One emulator per v4 profile (the dated releases are served by every one)."""
    with serve_in_thread(EmulatorConfig(profile="current")) as current:
        others = {}
        stack = []
        try:
            for profile in PROFILES:
                if profile == "current":
                    continue
                context = serve_in_thread(EmulatorConfig(profile=profile))
                stack.append(context)
                others[profile] = context.__enter__().base_url
            yield {"current": current.base_url, **others}
        finally:
            for context in reversed(stack):
                context.__exit__(None, None, None)


# One keep-alive client for every control and read-back request of the module (a new connection
# per request would be most of the matrix's time).
HTTP = httpx.Client(headers=HEADERS, timeout=30)


def _fresh(url: str, seed: dict[str, Any], answers: dict[str, str]) -> None:
    HTTP.post(f"{url}/_emulator/reset", json={}).raise_for_status()
    if seed:
        HTTP.post(f"{url}/_emulator/seed", json=seed).raise_for_status()
    if answers:
        HTTP.put(f"{url}/_emulator/config", json={"repeatAnswers": answers}).raise_for_status()


def _aim(url: str, operation: str, kind: str) -> None:
    script = [{"operationId": operation, "kind": kind, "after": 0, "times": 1}]
    HTTP.put(f"{url}/_emulator/faults", json={"script": script}).raise_for_status()


def _state(url: str) -> dict[str, Any]:
    """Everything a write can change, read through HubSpot's v4 paths and the reports list."""

    def results(path: str) -> list[Any]:
        return sorted(HTTP.get(url + path).raise_for_status().json()["results"], key=repr)

    return {
        "labels": [results(f"/crm/v4/associations/{a}/{b}/labels")
                   for a, b in (("contact", "company"), ("company", "contact"))],
        "associations": [results(f"/crm/v4/objects/{t}/{i}/associations/{o}")
                         for t, o, ids in (("contact", "company", "12"),
                                           ("company", "contact", ("10", "11")))
                         for i in ids],
        "limits": results("/crm/v4/associations/definitions/configurations/all"),
        "reports": len(HTTP.get(f"{url}/_emulator/reports").json()["results"]),
    }  # fmt: skip


def _plain(value: Any) -> Any:
    """An answer as data, without the timestamps that differ between two runs."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not k.endswith("At")}
    return value


def _run(url: str, release: str, mode: str, write: Write) -> Any:
    """The call's answer as data, or the error it raised."""
    if mode == "sync":
        with HubSpotAssociations(
            TOKEN, base_url=url, api_version=release, rate_limit=None, retry_policy=FAST
        ) as c:
            try:
                return _plain(write.call(c))
            except Exception as exc:  # compared by the caller
                return exc

    async def main() -> Any:
        async with AsyncHubSpotAssociations(
            TOKEN, base_url=url, api_version=release, rate_limit=None, retry_policy=FAST
        ) as c:
            try:
                answer = write.call(c)
                return _plain(await answer if inspect.isawaitable(answer) else answer)
            except Exception as exc:
                return exc

    return asyncio.run(main())


def _counts(url: str, operation: str) -> int:
    return int(HTTP.get(f"{url}/_emulator/requests").json()["operations"].get(operation, 0))


def _fired(url: str) -> int:
    return sum(e["fired"] for e in HTTP.get(f"{url}/_emulator/faults").json()["script"])


_BASELINES: dict[tuple[str, str, str, str], tuple[Any, dict[str, Any]]] = {}


def _baseline(
    url: str, release: str, operation: str, answers: dict[str, str]
) -> tuple[Any, dict[str, Any]]:
    """The answer and state of the call without a fault (the sync client's: the async one must
    give the same), made once per emulator, release, operation and second answers."""
    key = (url, release, operation, repr(sorted(answers.items())))
    if key not in _BASELINES:
        write = WRITES[operation]
        _fresh(url, write.seed, answers)
        expected = _run(url, release, "sync", write)
        assert not isinstance(expected, Exception), expected
        _BASELINES[key] = (expected, _state(url))
    return _BASELINES[key]


def _check_case(
    url: str, release: str, mode: str, operation: str, kind: str, answers: dict[str, str]
) -> None:
    write = WRITES[operation]
    expected, expected_state = _baseline(url, release, operation, answers)
    _fresh(url, write.seed, answers)
    _aim(url, operation, kind)
    got = _run(url, release, mode, write)
    assert _fired(url) == 1, "the aimed fault never fired"
    sent = _counts(url, operation)
    if operation == "request_high_usage_report":
        assert isinstance(got, OutcomeUnknownError), got
        assert got.operation == operation
        assert got.inputs == {"user_id": 7}
        # Never sent again: applied once under cut, never under drop.
        assert sent == (1 if kind == "cut" else 0)
        assert _state(url)["reports"] == (1 if kind == "cut" else 0)
        return
    assert not isinstance(got, Exception), f"{operation} raised {got!r}"
    assert got == expected
    assert _state(url) == expected_state
    # The lost attempt (which reached the handler under cut) and at most one resend.
    assert sent <= (2 if kind == "cut" else 1), sent


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("kind", ["cut", "drop"])
@pytest.mark.parametrize(("release", "profile"), TARGETS, ids=[f"{r}-{p}" for r, p in TARGETS])
def test_every_write_ends_as_if_its_lost_answer_had_come(
    emulators: dict[str, str], release: str, profile: str, kind: str, mode: str
) -> None:
    """Each write, its first answer lost: the same answer and state as without the fault, and at
    most one resend (the report: OutcomeUnknownError, never resent)."""
    for operation in WRITES:
        try:
            _check_case(emulators[profile], release, mode, operation, kind, {})
        except AssertionError as exc:
            raise AssertionError(f"{operation}: {exc}") from exc


@pytest.mark.parametrize(
    "answers", OPTIONS, ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items())
)
@pytest.mark.parametrize(("release", "profile"), TARGETS, ids=[f"{r}-{p}" for r, p in TARGETS])
def test_writes_end_right_under_each_inferred_second_answer(
    emulators: dict[str, str], release: str, profile: str, answers: dict[str, str]
) -> None:
    """Where HubSpot is silent on the second answer, each one the emulator can give ends the call
    the same way (both fault kinds, sync and async)."""
    (operation,) = answers
    for kind in ("cut", "drop"):
        for mode in ("sync", "async"):
            _check_case(emulators[profile], release, mode, operation, kind, answers)


@pytest.mark.parametrize("answers", [{}, {"delete_label": "404"}], ids=["400", "404"])
def test_deleting_a_type_id_that_never_existed_still_raises(
    emulators: dict[str, str], answers: dict[str, str]
) -> None:
    """A refusal becomes success only after a lost answer: deleting an unknown type ID raises."""
    url = emulators["current"]
    _fresh(url, {}, answers)
    expected = BadRequestError if not answers else NotFoundError
    with (
        HubSpotAssociations(TOKEN, base_url=url, rate_limit=None) as client,
        pytest.raises(expected),
    ):
        client.labels.delete("contact", "company", 1299)


@pytest.mark.parametrize("kind", ["cut", "drop", None])
@pytest.mark.parametrize("answers", [{}, {"create_limits": "400"}], ids=["per-input", "400"])
def test_creating_a_limit_that_existed_with_another_value_fails_with_hubspots_reason(
    emulators: dict[str, str], kind: str | None, answers: dict[str, str]
) -> None:
    """A limit set before to 3, created again with 5 after a lost answer (or without one): the
    input fails with HubSpot's "already exists", the limit stays 3."""
    url = emulators["current"]
    _fresh(url, {"limits": [{**LIMIT, "maxToObjectIds": 3}]}, answers)
    if kind is not None:
        _aim(url, "create_limits", kind)
    with HubSpotAssociations(TOKEN, base_url=url, rate_limit=None) as client:
        if answers:
            with pytest.raises(BadRequestError, match="already exists"):
                client.limits.create("contact", "company", [(("HUBSPOT_DEFINED", 279), 5)])
        else:
            answer = client.limits.create("contact", "company", [(("HUBSPOT_DEFINED", 279), 5)])
            assert answer.results == []
            assert [e.message for e in answer.errors or []] == [
                "A limit already exists for HUBSPOT_DEFINED=279; update it instead"
            ]
        listed = client.limits.list("contact", "company")
    assert [(c.type_id, c.user_enforced_max_to_object_ids) for c in listed] == [(279, 3)]


def test_a_label_create_whose_connection_dropped_is_sent_again_within_max_retries(
    emulators: dict[str, str],
) -> None:
    """Async labels.create with max_retries=8, the first three attempts dropped: the label is
    created once and returned (it used to give up after one dropped connection)."""
    url = emulators["current"]
    _fresh(url, {}, {})
    script = [{"operationId": "create_label", "kind": "drop", "after": 0, "times": 3}]
    httpx.put(f"{url}/_emulator/faults", json={"script": script}).raise_for_status()

    async def main() -> Any:
        async with AsyncHubSpotAssociations(
            TOKEN, base_url=url, rate_limit=None, max_retries=8
        ) as c:
            return await c.labels.create("contact", "company", name="buyer", label="Buyer")

    made = asyncio.run(main())
    assert [t.label for t in made] == ["Buyer"]
    assert _counts(url, "create_label") == 1


def test_the_readme_and_the_docs_print_the_rule_table() -> None:
    """README's lost-answer paragraph and docs/lost-answers.md show each operation's rule."""
    root = Path(__file__).resolve().parents[2]
    for page in (root / "README.md", root / "docs" / "lost-answers.md"):
        text = " ".join(page.read_text(encoding="utf-8").split())
        for operation, (rule, why) in LOST_ANSWER_RULES.items():
            assert f"| `{operation}` | {rule} | {why} |" in text, (page.name, operation)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "safe to repeat" not in readme
