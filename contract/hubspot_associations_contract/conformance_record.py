"""What a conformance test sent, recorded in the suite's process, saved as a reproducer on failure.

``test_conformance.py`` hands each request it judges to :func:`exchange`: schemathesis' generated
cases (one request a case), the steps of a linked sequence (:func:`start` at each sequence's
setup) and the wrong-token requests. When a judgement fails, :func:`failed` keeps the sequence so
far under the broken rule; the plugin calls :func:`save` when the test fails and each kept failure
becomes a reproducer file of kind ``conformance`` (:mod:`.reproduce_conformance` replays it).
Hypothesis runs each failure's smallest example last, so the last one kept per rule is saved.

Each step is the request exactly as sent (method, path, query string, headers, body bytes)
except its credentials: ``Authorization`` and ``Cookie`` are left out, and ``auth`` says what the
request carried: ``token`` (the run's token, put back at replay), ``none``, or ``as-sent`` with
the value kept (the wrong-token test's ``Bearer not-a-token-of-this-portal``). Server-assigned
values a later step uses (a created label's ``typeId``, a page's ``after`` cursor, the links of
the links overlay) become ``{id:N}`` symbols, captured at replay from the same place of the same
step's answer.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from . import recorder

__all__ = [
    "KIND",
    "POSITIVE_STATUSES",
    "SCHEMA_RULES",
    "exchange",
    "failed",
    "message_of",
    "rule_of",
    "save",
    "start",
]

KIND = "conformance"
# schemathesis' built-in checks, by the rule each one's failures are reported under.
SCHEMA_RULES = {
    "response_schema_conformance": "schema.response",
    "not_a_server_error": "schema.server-error",
    "negative_data_rejection": "schema.negative-data",
    "positive_data_acceptance": "schema.positive-data",
}
# Schema-valid input can still name records, labels or type IDs that do not exist: HubSpot
# answers those with 400 VALIDATION_ERROR (or 404/409), never 5xx.
POSITIVE_STATUSES = ["2xx", 400, 404, 409]
# Not kept: credentials, and what the HTTP library computes for the body and the connection.
_LEFT_OUT = frozenset(
    {"authorization", "cookie", "content-length", "host", "connection", "accept-encoding"}
)
# Answer fields whose values the links overlay passes on to a later request (typeId: of a
# create_label answer; the others are HubSpot's fixed type IDs).
_PASSED_ON = ("typeId", "after")

_SEQUENCE: list[dict[str, Any]] = []
_FAILED: dict[tuple[str, str], dict[str, Any]] = {}


def start() -> None:
    """A new case or linked sequence starts: what was sent before is no part of it."""
    _SEQUENCE.clear()


def rule_of(failure: Any) -> str:
    """The rule a schemathesis failure is reported under."""
    from .rules import RuleViolation

    exception = getattr(failure, "exception", None)
    if isinstance(exception, RuleViolation):
        return exception.rule
    for check in getattr(failure, "checks", ()) or ():
        if check in SCHEMA_RULES:
            return SCHEMA_RULES[check]
    return "schema.other"


def message_of(failure: Any) -> str:
    """What a schemathesis failure says: the suite's own check's detail (its title is only
    "Custom check failed: `name`"), else schemathesis' title."""
    from .rules import RuleViolation

    exception = getattr(failure, "exception", None)
    if isinstance(exception, RuleViolation):
        return exception.detail
    return str(failure.title)


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def exchange(
    operation: str,
    method: str,
    url: str,
    headers: Mapping[str, Any],
    content: bytes | str | None,
    status: int,
    answer: bytes,
    *,
    token: str,
    mode: str | None = None,
    check: str = "schemathesis",
) -> None:
    """One request a conformance test sent (headers as sent: the token is taken out here)."""
    sent = {_text(k): _text(v) for k, v in headers.items()}
    authorization = next((v for k, v in sent.items() if k.lower() == "authorization"), None)
    if authorization is None:
        auth: dict[str, str] = {"auth": "none"}
    elif token and token in authorization:
        auth = {"auth": "token"}
    else:
        auth = {"auth": "as-sent", "authorization": authorization}
    parts = urlsplit(url)
    body = content.encode("utf-8") if isinstance(content, str) else content
    step: dict[str, Any] = {
        "operation": operation,
        "check": check,
        "mode": mode,
        "method": method.upper(),
        "path": parts.path,
        "query": parts.query,
        "headers": {k: v for k, v in sent.items() if k.lower() not in _LEFT_OUT},
        **auth,
        "content": _content(body),
        "status": status,
        "answer": answer,
    }
    _SEQUENCE.append(step)


def _content(body: bytes | None) -> dict[str, str] | None:
    if body is None or body == b"":
        return None
    try:
        return {"text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(body).decode("ascii")}


def failed(rule: str, operation: str, message: str) -> None:
    """The last request judged broke ``rule``: keep the sequence so far."""
    if _SEQUENCE:
        _FAILED[(rule, operation)] = {
            "rule": rule,
            "operation": operation,
            "message": message,
            "steps": copy.deepcopy(_SEQUENCE),
        }


def _leaves(value: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    """(JSON pointer, key, value) of every scalar in an answer."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, f"{pointer}/{key}")
            if not isinstance(inner, (dict, list)):
                yield f"{pointer}/{key}", str(key), inner
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _leaves(inner, f"{pointer}/{index}")


def _symbolic(steps: list[dict[str, Any]]) -> None:
    """Values an answer gave (_PASSED_ON) and a later step sends become {id:N} symbols."""
    number = 0
    for index, step in enumerate(steps):
        try:
            answer = json.loads(step["answer"])
        except ValueError:
            continue
        for pointer, key, value in _leaves(answer):
            if key not in _PASSED_ON or isinstance(value, bool) or value in (None, ""):
                continue
            if key == "typeId" and step["operation"] != "create_label":
                continue  # only a created label's type IDs are the server's to choose
            symbol = f"{{id:{number + 1}}}"
            if any(_replace(later, str(value), symbol) for later in steps[index + 1 :]):
                number += 1
                step.setdefault("captures", []).append({"symbol": symbol[1:-1], "pointer": pointer})


def _replace(step: dict[str, Any], value: str, symbol: str) -> bool:
    """Put ``symbol`` where ``step`` sends ``value``: a whole path segment, a whole query value,
    a JSON body's typeId (or associationTypeId) field."""
    changed = False
    segments = step["path"].split("/")
    if value in segments:
        step["path"] = "/".join(symbol if s == value else s for s in segments)
        changed = True
    query = re.sub(rf"(=){re.escape(value)}(?=&|$)", rf"\g<1>{symbol}", step["query"])
    if query != step["query"]:
        step["query"], changed = query, True
    content = step.get("content") or {}
    if "text" in content:
        text = re.sub(
            rf'("(?:associationTypeId|typeId)"\s*:\s*){re.escape(value)}(?![\w.])',
            lambda m: m.group(1) + symbol,
            content["text"],
        )
        if text != content["text"]:
            content["text"], changed = text, True
    return changed


def save(test: str) -> list[str]:
    """Write a reproducer for each failure kept in this test; the paths written."""
    written = []
    for failure in _FAILED.values():
        steps = failure["steps"]
        _symbolic(steps)
        for step in steps[:-1]:
            del step["answer"]
        last = steps[-1]
        last["answer"] = _text(last["answer"])[: recorder.ANSWER_KEPT]
        body = {
            "format": recorder.FORMAT,
            "version": recorder.VERSION,
            "kind": KIND,
            "rule": failure["rule"],
            "operation": failure["operation"],
            "message": failure["message"],
            "test": test,
            "release": _release(),
            "recorded": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "start": {"records": {}, "labels": []},
            "steps": steps,
        }
        path = recorder.write(body, failure["rule"], failure["operation"])
        if path is not None:
            written.append(str(path))
    _FAILED.clear()
    _SEQUENCE.clear()
    return written


def _release() -> str:
    from .target import selected

    return selected().release
