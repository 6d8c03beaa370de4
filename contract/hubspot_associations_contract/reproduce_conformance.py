"""``check --reproduce FILE`` for a conformance failure: the request(s) sent again exactly and
judged again as the conformance test judged them, or printed as curl.

A conformance reproducer (written by :mod:`.conformance_record`) holds each request as sent,
without its credentials. Replaying sends each step with the run's token put back only where the
original carried it (``auth: token``; ``as-sent`` sends the recorded value, ``none`` nothing),
the ``{id:N}`` symbols mapped from earlier answers, and judges each answer again:

* a schemathesis case's (``check: schemathesis``) with schemathesis' built-in checks and the
  suite's registered ones (:mod:`.checks`), on a case of the operation from the release's strict
  spec holding the recorded body, each failure under its rule as the run named it; positive and
  negative data are judged on the answer's status (the generated case's metadata is not kept):
  a positive case's must be one of ``POSITIVE_STATUSES``, a negative one's an error status;
* a wrong-token request's (``check: wrong-token``) with 401 and HubSpot's error body.
"""

from __future__ import annotations

import base64
import json
import re
import shlex
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

import httpx

from .reproduce import (
    EMPTIED_EMULATOR,
    Difference,
    Replayed,
    Reproducer,
    shell_variable,
    shell_word,
)

__all__ = ["curl_script", "live_refusal", "replay"]

_SYMBOL = re.compile(r"\{(id:\d+)\}")


def live_refusal(reproducer: Reproducer) -> str | None:
    """Why the file may not be replayed on a live portal (None: it only reads). Generated
    writes name records nobody chose: they are replayed against an emulator only."""
    writes = sorted({
        str(s["operation"]) for s in reproducer.steps
        if s["method"] != "GET" and s.get("auth") == "token"
    })  # fmt: skip
    if not writes:
        return None
    return (
        f"the reproducer writes ({', '.join(writes)}) with generated data that may name records "
        "outside HUBSPOT_CONTRACT_RECORDS: reproduce it against an emulator (--base-url URL)"
    )


def _resolve(text: str, values: Mapping[str, str]) -> str:
    return _SYMBOL.sub(lambda m: values[m.group(1)], text)


def _content(step: Mapping[str, Any], values: Mapping[str, str]) -> bytes | None:
    content = step.get("content")
    if content is None:
        return None
    if "base64" in content:
        return base64.b64decode(str(content["base64"]))
    return _resolve(str(content["text"]), values).encode("utf-8")


def _headers(step: Mapping[str, Any], token: str) -> dict[str, str]:
    headers = {str(k): str(v) for k, v in step.get("headers", {}).items()}
    if step.get("auth") == "token":
        headers["Authorization"] = f"Bearer {token}"
    elif step.get("auth") == "as-sent":
        headers["Authorization"] = str(step.get("authorization", ""))
    return headers


def _pointer(answer: httpx.Response, pointer: str) -> str | None:
    try:
        value: Any = answer.json()
        for part in pointer.split("/")[1:]:
            value = value[int(part)] if isinstance(value, list) else value[part]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return None if isinstance(value, (dict, list)) or value is None else str(value)


def replay(reproducer: Reproducer, http: httpx.Client, base_url: str, token: str) -> Replayed:
    """Send every step exactly, judging each answer as the conformance test did."""
    out = Replayed()
    values: dict[str, str] = {}
    for number, step in enumerate(reproducer.steps, 1):
        try:
            path = _resolve(str(step["path"]), values)
            query = _resolve(str(step.get("query", "")), values)
            content = _content(step, values)
        except KeyError as exc:
            out.stopped = f"step {number} needs {{{exc.args[0]}}}, which no earlier answer gave"
            break
        url = base_url + path + (f"?{query}" if query else "")
        answer = http.request(
            str(step["method"]), url, headers=_headers(step, token), content=content
        )
        out.sent += 1
        operation = str(step["operation"])
        for rule, message in _judged(reproducer, step, answer, content, base_url, token):
            out.differences.append(Difference(number, rule, operation, message))
        for capture in step.get("captures", []):
            found = _pointer(answer, str(capture["pointer"]))
            if found is not None:
                values[str(capture["symbol"])] = found
    return out


def _judged(
    reproducer: Reproducer,
    step: Mapping[str, Any],
    answer: httpx.Response,
    content: bytes | None,
    base_url: str,
    token: str,
) -> Iterator[tuple[str, str]]:
    from . import checks
    from .rules import RuleViolation

    operation = str(step["operation"])
    status = answer.status_code
    if step.get("check") == "wrong-token":
        if status != 401:
            yield "errors.fields", f"a wrong token got {status}, not 401"
        try:
            checks.judge_error_body(operation, status, answer.content)
        except RuleViolation as exc:
            yield exc.rule, exc.detail
        return
    yield from _schemathesis(reproducer.release, step, answer, content, base_url, token)
    mode = step.get("mode")
    if mode == "positive" and not _positive(status):
        yield "schema.positive-data", f"valid data got {status}, not one of 2xx, 400, 404, 409"
    if mode == "negative" and status < 400:
        yield "schema.negative-data", f"invalid data got {status}, not an error status"


def _positive(status: int) -> bool:
    from .conformance_record import POSITIVE_STATUSES

    return any(
        200 <= status < 300 if allowed == "2xx" else status == allowed
        for allowed in POSITIVE_STATUSES
    )


def _schemathesis(
    release: str,
    step: Mapping[str, Any],
    answer: httpx.Response,
    content: bytes | None,
    base_url: str,
    token: str,
) -> Iterator[tuple[str, str]]:
    """schemathesis' checks and the suite's registered ones on the answer (checks.py imported:
    its checks registered)."""
    import schemathesis
    from schemathesis.core.failures import FailureGroup

    from . import checks  # noqa: F401  (registers the suite's checks)
    from .conformance_record import message_of, rule_of
    from .specs import strict_spec

    schema = schemathesis.openapi.from_dict(strict_spec(release))
    operation = schema.find_operation_by_id(str(step["operation"]))
    try:
        body: Any = json.loads(content) if content else None
    except ValueError:
        body = None
    media = next(
        (str(v) for k, v in step.get("headers", {}).items() if k.lower() == "content-type"), None
    )
    kwargs: dict[str, Any] = {
        "method": str(step["method"]),
        "path_parameters": _path_parameters(str(operation.path), str(step["path"])),
        # As sent (the token in it): schemathesis' ignored_auth check probes without it.
        "headers": _headers(step, token),
    }
    if body is not None:
        kwargs.update(body=body, media_type=media or "application/json")
    case = operation.Case(**kwargs)
    try:
        # The base URL given: the case has no path parameters to find it from the request's URL.
        case.validate_response(answer, transport_kwargs={"base_url": base_url})
    except FailureGroup as group:
        for failure in group.exceptions:
            yield rule_of(failure), message_of(failure)


def _path_parameters(template: str, path: str) -> dict[str, str]:
    """The values of the template's {names} in the path as sent."""
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    found = re.search(pattern + "$", path)
    return {k: unquote(v) for k, v in found.groupdict().items()} if found else {}


# -- curl ----------------------------------------------------------------------------------------


def _shell(text: str) -> str:
    """``text`` as a single-quoted shell word whose {id:N} symbols expand to script variables."""
    return shell_word(text, _SYMBOL)


def curl_script(reproducer: Reproducer, *, live: bool) -> str:
    """The requests as a bash script: curl sending each exactly, jq capturing passed-on IDs."""
    lines = [
        "#!/usr/bin/env bash",
        f"# Reproducer of [{reproducer.rule}] {reproducer.operation}: {reproducer.message}".replace(
            "\n", " "
        ),
        f"# from {reproducer.path}, release {reproducer.release}; needs curl and jq.",
        "# HUBSPOT_BASE_URL: the target; HUBSPOT_ACCESS_TOKEN: its token (an emulator's default",
        "# otherwise), sent only where the recorded request carried the run's token. The status",
        "# of each answer goes to stderr, its body to stdout. Judging the answers is",
        f"# `hubspot-associations check --reproduce {reproducer.path}`'s part.",
        "set -euo pipefail",
        'base="${HUBSPOT_BASE_URL:?set HUBSPOT_BASE_URL to the target, e.g. http://127.0.0.1:8080}"',
        'token="${HUBSPOT_ACCESS_TOKEN:-emulator-token}"',
        'answer_file="$(mktemp)"; trap \'rm -f "$answer_file"\' EXIT',
    ]
    if not live:
        lines += [
            "# The starting state: the emulator emptied (rate limit and faults lifted).",
            *EMPTIED_EMULATOR,
        ]
    for number, step in enumerate(reproducer.steps, 1):
        lines.append(f"# step {number}: {step.get('operation')} ({step.get('auth')} auth)")
        query = str(step.get("query", ""))
        target = str(step["path"]) + (f"?{query}" if query else "")
        url = _shell(target)
        args = [f"-X {step['method']}", f'"$base"{url}']
        recorded = {str(name).lower() for name in step.get("headers", {})}
        # -H 'Name:' removes a header curl adds on its own: only the recorded ones are sent.
        args += [
            f"-H '{name}:'" for name in ("Accept", "User-Agent") if name.lower() not in recorded
        ]
        for name, value in step.get("headers", {}).items():
            args.append(f"-H {_shell(f'{name}: {value}')}")
        if step.get("auth") == "token":
            args.append('-H "Authorization: Bearer $token"')
        elif step.get("auth") == "as-sent":
            args.append(f"-H {_shell('Authorization: ' + str(step.get('authorization', '')))}")
        content = step.get("content")
        if content is not None and "base64" in content:
            args.append(f"--data-binary @<(printf %s {shlex.quote(content['base64'])} | base64 -d)")
        elif content is not None:
            args.append(f"--data-binary {_shell(str(content['text']))}")
        # What was sent: captured IDs and cursors in place of their {id:N} symbols.
        said = _shell(f"{step['method']} {target} -> ")
        lines += [
            f'status="$(curl -sS {" ".join(args)} -o "$answer_file" -w \'%{{http_code}}\')"',
            f'echo {said}"$status" >&2',
            'cat "$answer_file"; echo',
        ]
        for capture in step.get("captures", []):
            path = "".join(
                f"[{p}]" if p.isdigit() else f"[{json.dumps(p)}]"
                for p in str(capture["pointer"]).split("/")[1:]
            )
            lines.append(
                f'{shell_variable(str(capture["symbol"]))}="$(jq -r \'.{path}\' "$answer_file")"'
            )
    return "\n".join(lines) + "\n"
