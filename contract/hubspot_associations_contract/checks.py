"""Checks schemathesis does not have, registered as its custom checks, each named after a rule.

They judge one answer at a time: documented success statuses (the ``default`` response of every
operation would otherwise switch schemathesis' status check off), the fields of error bodies,
accounting of batch inputs, and rate-limit headers. Each is also callable on its own (the
model-based run and the rate-limit tests use them on the client's answers).
"""

from __future__ import annotations

import collections
import json
from collections.abc import Iterable, Mapping
from typing import Any

import schemathesis

from . import coverage, verdicts
from .specs import batch_operations, success_statuses
from .target import selected

__all__ = [
    "RATE_LIMIT_HEADERS",
    "judge_batch_accounting",
    "judge_error_body",
    "judge_rate_limit_headers",
    "judge_status",
]

RATE_LIMIT_HEADERS = (
    "x-hubspot-ratelimit-max",
    "x-hubspot-ratelimit-remaining",
    "x-hubspot-ratelimit-interval-milliseconds",
)
_DAILY = ("x-hubspot-ratelimit-daily", "x-hubspot-ratelimit-daily-remaining")
# Errors HubSpot sends without a category (api facts: 429 bodies, unknown object types).
_NO_CATEGORY_PREFIXES = ("Unable to infer object type",)


def _operation_id(case: Any) -> str:
    return str(case.operation.definition.raw["operationId"])


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None


def judge_status(operation: str, status: int, *, release: str | None = None) -> None:
    """A success status must be one the release documents for the operation (``release``:
    this run's when None)."""
    if not 200 <= status < 300:
        return
    documented = success_statuses(release or selected().release).get(operation)
    if documented is None:
        return
    verdicts.judge(
        status in documented,
        "status.documented",
        operation,
        f"answered {status}; the release documents only {sorted(documented)}",
        status=status,
    )


def judge_error_body(
    operation: str, status: int, content: bytes, *, strict: bool | None = None
) -> None:
    """An error body carries status, message, correlationId (and mostly a category);
    ``strict``: this run's target's when None."""
    if status < 400:
        return
    body = _json(content)
    if not isinstance(body, dict):
        if status >= 500 and not (selected().strict if strict is None else strict):
            return  # HubSpot's proxies answer some 5xx with HTML: nothing to judge.
        verdicts.violated(
            "errors.fields",
            operation,
            f"the {status} answer's body is not a JSON object",
            status=status,
        )
        return
    missing = [
        name
        for name, ok in (
            ("status", body.get("status") == "error"),
            ("message", isinstance(body.get("message"), str) and bool(body.get("message"))),
            ("correlationId", isinstance(body.get("correlationId"), str)),
        )
        if not ok
    ]
    verdicts.judge(
        not missing,
        "errors.fields",
        operation,
        f"the {status} error body lacks {', '.join(missing)}: {_short(body)}",
        status=status,
    )
    exempt = status == 429 or str(body.get("message", "")).startswith(_NO_CATEGORY_PREFIXES)
    if not exempt:
        verdicts.judge(
            isinstance(body.get("category"), str),
            "errors.category",
            operation,
            f"the {status} error body has no category: {_short(body)}",
            status=status,
        )


def _short(body: Any) -> str:
    text = json.dumps(body, sort_keys=True)
    return text if len(text) <= 300 else text[:300] + "…"


def _id(value: Any) -> str:
    # A comparison key only (servers get and answer anything here): 007 and 7 are one input.
    text = str(value)
    return str(int(text)) if text.isascii() and text.isdigit() else text


def _input_keys(operation: str, inputs: Iterable[Any]) -> list[str] | None:
    keys = []
    for item in inputs:
        if not isinstance(item, dict):
            return None
        if operation in ("batch_associate_default", "batch_create_associations"):
            keys.append(f"{_id(item['from']['id'])}->{_id(item['to']['id'])}")
        elif operation == "batch_read_associations":
            keys.append(_id(item["id"]))
        elif operation in ("create_limits", "update_limits"):
            keys.append(str(item["typeId"]))
        else:
            return None
    return keys


def _result_key(operation: str, result: Mapping[str, Any]) -> str:
    if operation == "batch_associate_default":
        return f"{_id(result['from']['id'])}->{_id(result['to']['id'])}"
    if operation == "batch_create_associations":
        return f"{_id(result['fromObjectId'])}->{_id(result['toObjectId'])}"
    if operation == "batch_read_associations":
        return _id(result["from"]["id"])
    return str(result["typeId"])


def _error_keys(operation: str, error: Mapping[str, Any]) -> list[str]:
    """Inputs an error names (batch read names its records); [] when it names none."""
    context = error.get("context")
    if operation == "batch_read_associations" and isinstance(context, dict):
        ids = context.get("fromObjectId")
        if isinstance(ids, list):
            return [_id(i) for i in ids]
    return []


def judge_batch_accounting(
    operation: str, request_body: Any, status: int, content: bytes, *, strict: bool | None = None
) -> None:
    """Each input of a batch answered 2xx appears once across ``results`` and ``errors``;
    ``strict``: this run's target's when None."""
    if not 200 <= status < 300 or not isinstance(request_body, dict):
        return
    inputs = request_body.get("inputs")
    body = _json(content)
    if not isinstance(inputs, list) or not isinstance(body, dict) or "results" not in body:
        return
    try:
        given = _input_keys(operation, inputs)
        results = body["results"]
        answered = collections.Counter(_result_key(operation, r) for r in results)
    except (KeyError, TypeError):
        return  # a shape the schema checks report on their own
    if given is None:
        return
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    named = collections.Counter(k for e in errors for k in _error_keys(operation, e))
    unnamed = sum(1 for e in errors if not _error_keys(operation, e))
    expected = collections.Counter(given)
    extra = (answered + named) - expected
    missing = sum((expected - (answered + named)).values())
    if extra:
        verdicts.violated(
            "batch.accounting",
            operation,
            f"{sum(extra.values())} answer(s) for inputs not sent or answered twice: "
            f"{sorted(extra)[:5]}",
            status=status,
        )
        return
    # A live portal may fold several failed inputs into one error.
    strict = selected().strict if strict is None else strict
    ok = missing == unnamed if strict else missing == 0 or unnamed > 0
    verdicts.judge(
        ok,
        "batch.accounting",
        operation,
        f"{len(given)} inputs, {sum(answered.values())} results and {len(errors)} errors: "
        f"{missing} input(s) are in neither results nor errors (status {status})",
        status=status,
    )


def _int_header(headers: Mapping[str, Any], name: str) -> int | None:
    value = headers.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return int(str(value))
    except ValueError:
        return None


def judge_rate_limit_headers(operation: str, status: int, headers: Mapping[str, Any]) -> None:
    """Rate-limit headers, when sent (always on a 429 from the emulator), are coherent."""
    present = [h for h in (*RATE_LIMIT_HEADERS, *_DAILY) if h in headers]
    if not present and status != 429:
        return
    problems = []
    if status == 429:
        problems += [f"{h} missing on a 429" for h in RATE_LIMIT_HEADERS if h not in headers]
    values = {h: _int_header(headers, h) for h in present}
    problems += [f"{h} is not an integer" for h, v in values.items() if v is None]
    top, left = values.get(RATE_LIMIT_HEADERS[0]), values.get(RATE_LIMIT_HEADERS[1])
    if top is not None and left is not None and not 0 <= left <= top:
        problems.append(f"remaining {left} is not between 0 and max {top}")
    interval = values.get(RATE_LIMIT_HEADERS[2])
    if interval is not None and interval <= 0:
        problems.append(f"interval {interval} ms is not positive")
    daily, daily_left = values.get(_DAILY[0]), values.get(_DAILY[1])
    if daily is not None and daily_left is not None and not 0 <= daily_left <= daily:
        problems.append(f"daily remaining {daily_left} is not between 0 and {daily}")
    verdicts.judge(not problems, "ratelimit.headers", operation, "; ".join(problems), status=status)


@schemathesis.check
def answer_status_seen(ctx: Any, response: Any, case: Any) -> bool:
    """Not a rule: notes the status of each answer for the run's coverage."""
    coverage.saw(_operation_id(case), response.status_code)
    return True


@schemathesis.check
def documented_success_status(ctx: Any, response: Any, case: Any) -> bool:
    """status.documented: only the release's success statuses (despite every ``default``)."""
    judge_status(_operation_id(case), response.status_code)
    return True


@schemathesis.check
def hubspot_error_fields(ctx: Any, response: Any, case: Any) -> bool:
    """errors.fields / errors.category: the fields HubSpot always sends in an error body."""
    judge_error_body(_operation_id(case), response.status_code, response.content)
    return True


@schemathesis.check
def batch_inputs_accounted(ctx: Any, response: Any, case: Any) -> bool:
    """batch.accounting: each input once across results and errors."""
    operation = _operation_id(case)
    if operation in batch_operations(selected().release):
        judge_batch_accounting(operation, case.body, response.status_code, response.content)
    return True


@schemathesis.check
def coherent_rate_limit_headers(ctx: Any, response: Any, case: Any) -> bool:
    """ratelimit.headers: present on a 429 and coherent whenever sent."""
    judge_rate_limit_headers(_operation_id(case), response.status_code, response.headers)
    return True
