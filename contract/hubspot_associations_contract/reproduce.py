"""``check --reproduce FILE``: a saved failure sent again and judged again, or printed as curl.

A reproducer file (written by :mod:`.recorder` when a graph scenario fails) holds the starting
state (records, labels), the request sequence with server-assigned type IDs kept symbolic
(``{label:alpha}``, captured at replay from the ``create_label`` answer by the label's wording, as
``migrate-report --replay`` maps type IDs by pair and label) and the run's tag as ``{tag}``, and
the rule that broke. Replaying sends each step with the symbols mapped and judges it again:

* every answer with the answer-level checks of :mod:`.checks` (documented status, error fields,
  batch accounting, rate-limit headers), under their own rules;
* every paged read (all its pages, following the target's cursors) against what the reference
  model expected it to hold when the failure was recorded: a difference is reported under the
  recorded failure's rule.

So the replay fails (exit 1, naming the rule) on the target that broke and passes once it is
fixed. :func:`curl_script` prints the same sequence as a bash script: ``curl`` for each request,
``jq`` to capture the type IDs the server assigns and to follow the read cursors.
"""

from __future__ import annotations

import json
import re
import shlex
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from .recorder import FORMAT, KIND, READS

__all__ = [
    "CONTROL_CURL",
    "EMPTIED_EMULATOR",
    "Difference",
    "Replayed",
    "Reproducer",
    "ReproducerError",
    "changes_between",
    "curl_script",
    "distinct",
    "load",
    "new_symbols",
    "replay",
    "seed_emulator",
    "shell_variable",
    "shell_word",
    "suite_environment",
    "write_junit",
]

MAX_PAGES = 50
# A curl script's arguments for the emulator's control API: the control token as a bearer token
# when $HUBSPOT_EMULATOR_CONTROL_TOKEN is set (an emulator started with --control-token), else
# nothing (safe under set -u, and in macOS's bash 3.2).
CONTROL_CURL = (
    '${HUBSPOT_EMULATOR_CONTROL_TOKEN:+-H "Authorization: Bearer $HUBSPOT_EMULATOR_CONTROL_TOKEN"}'
)
_SYMBOL = re.compile(r"\{(label:[^{}]+)\}")
_RETRIES_ON_429 = 5

# A curl script's lines that empty the emulator and lift its rate limit and faults (both kinds
# of reproducer start there).
EMPTIED_EMULATOR = (
    "# (The control calls send $HUBSPOT_EMULATOR_CONTROL_TOKEN, when set, as a bearer.)",
    f'curl -sS {CONTROL_CURL} -X POST "$base/_emulator/reset" >/dev/null',
    f'curl -sS {CONTROL_CURL} -X PUT "$base/_emulator/rate-limit" '
    '-H "Content-Type: application/json" '
    "--data-binary '{\"requests\":null}' >/dev/null",
    f'curl -sS {CONTROL_CURL} -X PUT "$base/_emulator/faults" '
    '-H "Content-Type: application/json" '
    '--data-binary \'{"spec":null,"script":[]}\' >/dev/null',
)


class ReproducerError(ValueError):
    """The file is no reproducer this version reads; the message says what is wrong."""


@dataclass(frozen=True)
class Reproducer:
    """A reproducer file, checked."""

    path: Path
    rule: str
    operation: str
    message: str
    release: str
    records: dict[str, list[str]]
    labels: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    # "graph" (recorder.py) or "conformance" (conformance_record.py; reproduce_conformance.py)
    kind: str = KIND

    def writes(self) -> list[str]:
        """The operations of the sequence that write."""
        return [str(s["operation"]) for s in self.steps if s["method"] != "GET"]


@dataclass(frozen=True)
class Difference:
    """One judgement that failed at replay."""

    step: int
    rule: str
    operation: str
    message: str


@dataclass
class Replayed:
    """What the replay found."""

    sent: int = 0
    differences: list[Difference] = field(default_factory=list)
    reported: list[Difference] = field(default_factory=list)
    stopped: str | None = None


def _need(condition: bool, path: Path, what: str) -> None:
    if not condition:
        raise ReproducerError(
            f"{path} is not a reproducer this version of hubspot-associations reads: {what}. "
            "Run the check again to record the failure anew"
        )


def load(path: Path) -> Reproducer:
    """Read and check a reproducer file (:class:`ReproducerError` says what is wrong)."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReproducerError(f"cannot read the reproducer {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise ReproducerError(
            f"{path} is not JSON ({exc}): give a file a failing check wrote"
        ) from None
    _need(isinstance(body, dict) and body.get("format") == FORMAT, path, f'no "format": "{FORMAT}"')
    _need(
        body.get("version") in READS,
        path,
        f"version {body.get('version')!r}, this one reads {' and '.join(map(str, READS))}",
    )
    file_kind = body.get("kind", KIND)
    _need(file_kind in (KIND, "conformance"), path, f"kind {file_kind!r}, not graph or conformance")
    for key, kind in (
        ("rule", str),
        ("operation", str),
        ("release", str),
        ("start", dict),
        ("steps", list),
    ):
        _need(isinstance(body.get(key), kind), path, f"{key!r} missing or not a {kind.__name__}")
    start = body["start"]
    records = start.get("records")
    _need(
        isinstance(records, dict)
        and all(
            isinstance(ids, list) and all(isinstance(i, str) for i in ids)
            for ids in records.values()
        ),
        path,
        "start.records is not {object type: [record ID, …]}",
    )
    labels = start.get("labels", [])
    _need(
        isinstance(labels, list)
        and all(isinstance(x, dict) and "symbol" in x and "label" in x for x in labels),
        path,
        "start.labels is not [{symbol, label, …}, …]",
    )
    known = {str(x["symbol"]) for x in labels}
    for number, step in enumerate(body["steps"], 1):
        _need(isinstance(step, dict), path, f"step {number} is not an object")
        for key in ("method", "path"):
            _need(isinstance(step.get(key), str), path, f"step {number} has no {key!r}")
        if file_kind != KIND:
            _conformance_step(step, number, path)
            continue
        _need(isinstance(step.get("query", []), list), path, f"step {number}'s query is not a list")
        used = set(
            _SYMBOL.findall(
                json.dumps([step["path"], step.get("body"), step.get("expect"), step.get("notes")])
            )
        )
        _need(
            used <= known,
            path,
            f"step {number} uses {sorted(used - known)} before any step captures it",
        )
        known |= {str(c["symbol"]) for c in step.get("captures", [])}
    _need(bool(body["steps"]), path, "it has no steps")
    return Reproducer(
        path=path,
        rule=body["rule"],
        operation=body["operation"],
        message=str(body.get("message", "")),
        release=body["release"],
        records={k: list(v) for k, v in records.items()},
        labels=labels,
        steps=body["steps"],
        kind=file_kind,
    )


def _conformance_step(step: Mapping[str, Any], number: int, path: Path) -> None:
    """A conformance step: the request as sent (conformance_record.py)."""
    _need(isinstance(step.get("operation"), str), path, f"step {number} has no 'operation'")
    _need(isinstance(step.get("query", ""), str), path, f"step {number}'s query is not a string")
    _need(isinstance(step.get("headers", {}), dict), path, f"step {number}'s headers: no object")
    _need(
        step.get("auth") in ("token", "none", "as-sent"),
        path,
        f"step {number}'s auth is not token, none or as-sent",
    )
    content = step.get("content")
    _need(
        content is None or (isinstance(content, dict) and len(content.keys() & {"text", "base64"})
                            == 1),
        path,
        f"step {number}'s content is not null, {{text}} or {{base64}}",
    )  # fmt: skip


# -- replay -------------------------------------------------------------------------------------


class _Symbols:
    """The run's tag and the type IDs captured so far."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.values: dict[str, int] = {}

    def text(self, value: str) -> str:
        return value.replace("{tag}", self.tag)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, str):
            whole = _SYMBOL.fullmatch(value)
            if whole:
                return self.values[whole.group(1)]
            return _SYMBOL.sub(lambda m: str(self.values[m.group(1)]), self.text(value))
        return value


def _body_text(body: Any) -> str:
    return json.dumps(body, separators=(",", ":"))


def _url(path: str, query: list[list[str]], after: str | None = None) -> str:
    pairs = [(str(k), str(v)) for k, v in query] + ([("after", after)] if after is not None else [])
    return path + ("?" + urlencode(pairs, quote_via=quote) if pairs else "")


def seed_emulator(
    http: httpx.Client, base_url: str, reproducer: Reproducer, symbols: _Symbols
) -> None:
    """Seed an emptied emulator with the starting state (the records, then the labels by name,
    whose type IDs are captured from the seed's answer)."""
    labels = [
        {k: symbols.text(str(v)) for k, v in x.items() if k != "symbol"} for x in reproducer.labels
    ]
    answer = http.post(
        f"{base_url}/_emulator/seed", json={"records": reproducer.records, "labels": labels}
    )
    answer.raise_for_status()
    for wanted, made in zip(reproducer.labels, answer.json().get("labels", []), strict=False):
        for result in made.get("results", []):
            if result.get("label") == symbols.text(str(wanted["label"])):
                symbols.values[str(wanted["symbol"])] = int(result["typeId"])
                break


def new_symbols(tag: str) -> _Symbols:
    """Symbols of one replay, with its run tag."""
    return _Symbols(tag)


class _Sender:
    """Sends with the token; paced and waiting out 429s on a live target."""

    def __init__(self, http: httpx.Client, base_url: str, token: str, pace: float) -> None:
        self.http, self.base_url, self.pace = http, base_url, pace
        self.headers = {"Authorization": f"Bearer {token}"}
        self.last = 0.0

    def send(self, method: str, url: str, body: str | None) -> httpx.Response:
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        for _ in range(_RETRIES_ON_429):
            time.sleep(max(0.0, self.last + self.pace - time.monotonic()))
            self.last = time.monotonic()
            answer = self.http.request(method, self.base_url + url, headers=headers, content=body)
            if answer.status_code != 429 or not self.pace:
                return answer
            time.sleep(float(answer.headers.get("Retry-After", "1") or 1))
        return answer


def replay(
    reproducer: Reproducer,
    http: httpx.Client,
    base_url: str,
    token: str,
    symbols: _Symbols,
    *,
    pace: float = 0.0,
    before_write: Callable[[Mapping[str, Any]], None] | None = None,
) -> Replayed:
    """Send every step, judging each answer; ``before_write`` gets each write's notes (a live
    run's ledger) with the symbols mapped, before it is sent."""
    from .specs import batch_operations
    from .wire import operation_of

    sender = _Sender(http, base_url, token, pace)
    out = Replayed()
    batch = batch_operations(reproducer.release)
    for number, step in enumerate(reproducer.steps, 1):
        try:
            path = symbols.resolve(step["path"])
            body = None if step.get("body") is None else _body_text(symbols.resolve(step["body"]))
            notes = symbols.resolve(step["notes"]) if step.get("notes") else None
        except KeyError as exc:
            out.stopped = f"step {number} needs {exc.args[0]}, which no earlier answer gave"
            break
        if notes is not None and before_write is not None:
            before_write(notes)
        query = [list(map(str, pair)) for pair in step.get("query", [])]
        operation = operation_of(step["method"], path, reproducer.release) or str(
            step.get("operation")
        )
        answers = list(_pages(sender, step, path, query, body))
        out.sent += len(answers)

        def judged(
            rule_name: str, message: str, *, at: int = number, where: str = operation
        ) -> None:
            out.differences.append(Difference(at, rule_name, where, message))

        for rule_name, detail in _judge_answers(operation, body, answers, batch):
            judged(rule_name, detail)
        if "expect" in step:
            problem = _read_differs(reproducer, step, answers, symbols)
            if problem is not None:
                # What the model expected is the recorded failure's judgement: its rule.
                judged(reproducer.rule, problem, where=reproducer.operation)
        for capture in step.get("captures", []):
            found = _capture(
                answers[-1], symbols.text(str(capture["label"])), int(capture.get("index", 0))
            )
            if found is None:
                judged(
                    "graph.model",
                    f"the answer has no type labelled {symbols.text(str(capture['label']))!r}",
                )
            else:
                symbols.values[str(capture["symbol"])] = found
    return out


def _judge_answers(
    operation: str, body: str | None, answers: list[httpx.Response], batch: frozenset[str]
) -> Iterator[tuple[str, str]]:
    """(rule, message) of each answer-level check of checks.py that fails on these answers."""
    from . import checks
    from .rules import RuleViolation

    for answer in answers:
        try:
            checks.judge_status(operation, answer.status_code)
            checks.judge_error_body(operation, answer.status_code, answer.content)
            checks.judge_rate_limit_headers(operation, answer.status_code, answer.headers)
            if operation in batch:
                request_body = json.loads(body) if body else None
                checks.judge_batch_accounting(
                    operation, request_body, answer.status_code, answer.content
                )
        except RuleViolation as exc:
            yield exc.rule, exc.detail


def _pages(sender: _Sender, step: Mapping[str, Any], path: str, query: list[list[str]],
           body: str | None) -> Iterator[httpx.Response]:  # fmt: skip
    """The step's answer; for a paged read, every page, following the target's cursors."""
    after: str | None = None
    for _ in range(MAX_PAGES if "pages" in step else 1):
        answer = sender.send(str(step["method"]), _url(path, query, after), body)
        yield answer
        if "pages" not in step:
            return
        try:
            after = answer.json()["paging"]["next"]["after"]
        except (ValueError, KeyError, TypeError):
            return
        if not isinstance(after, str):
            return


def _capture(answer: httpx.Response, label: str, index: int) -> int | None:
    try:
        results = [r for r in answer.json().get("results", []) if r.get("label") == label]
        return int(results[index]["typeId"])
    except (ValueError, AttributeError, IndexError, KeyError, TypeError):
        return None


def _read_differs(
    reproducer: Reproducer,
    step: Mapping[str, Any],
    answers: list[httpx.Response],
    symbols: _Symbols,
) -> str | None:
    """How the pages read differ from what the model expected (None: they agree)."""
    side, record = step.get("read") or ("?", "?")
    named = set(reproducer.records.get("company" if side == "contact" else "contact", []))
    expected = {
        other: sorted([int(t), symbols.text(w) if w is not None else None] for t, w in types)
        for other, types in symbols.resolve(step["expect"]).items()
    }
    user = {int(v) for v in symbols.values.values()}
    actual: dict[str, list[list[Any]]] = {}
    for answer in answers:
        if answer.status_code != 200:
            return f"a page of {side} {record}'s associations answered {answer.status_code}"
        for item in answer.json().get("results", []):
            other = str(item.get("toObjectId"))
            if other in named:
                actual[other] = sorted(
                    [int(t["typeId"]), t.get("label") if int(t["typeId"]) in user else None]
                    for t in item.get("associationTypes", [])
                )
    if actual == expected:
        return None
    return f"{side} {record} reads {_show(actual)}; the model expected {_show(expected)}"


def _show(mapping: Mapping[str, list[list[Any]]]) -> str:
    return "{" + ", ".join(f"{k}: {[t for t, _ in v]}" for k, v in sorted(mapping.items())) + "}"


# -- curl ----------------------------------------------------------------------------------------


def shell_variable(symbol: str) -> str:
    """The curl script's variable holding a symbol's value."""
    return re.sub(r"\W", "_", symbol)


def shell_word(text: str, *symbols: re.Pattern[str]) -> str:
    """``text`` as a single-quoted shell word in which each pattern of ``symbols`` (in order;
    group 1: the symbol) expands to the script's variable."""
    quoted = shlex.quote(text)
    if not quoted.startswith("'"):
        quoted = f"'{quoted}'"
    for pattern in symbols:
        quoted = pattern.sub(lambda m: "'\"${" + shell_variable(m.group(1)) + "}\"'", quoted)
    return quoted


# A label's symbol written as a JSON string stands for the bare number the server assigned.
_QUOTED_LABEL = re.compile(r'"\{(label:[^{}]+)\}"')
_var = shell_variable


def _shell(text: str) -> str:
    """``text`` as a single-quoted shell word whose symbols and run tag expand to the script's
    variables."""
    return shell_word(text, _QUOTED_LABEL, _SYMBOL).replace("{tag}", "'\"${tag}\"'")


def curl_script(reproducer: Reproducer, *, live: bool) -> str:
    """The sequence as a bash script: curl per request, jq for captured IDs and read cursors."""
    lines = [
        "#!/usr/bin/env bash",
        f"# Reproducer of [{reproducer.rule}] {reproducer.operation}: {reproducer.message}".replace(
            "\n", " "
        ),
        f"# from {reproducer.path}, release {reproducer.release}; needs curl and jq.",
        "# HUBSPOT_BASE_URL: the target; HUBSPOT_ACCESS_TOKEN: its token (an emulator's default",
        "# otherwise). The status of each answer goes to stderr. Judging the answers is",
        f"# `hubspot-associations check --reproduce {reproducer.path}`'s part.",
        "set -euo pipefail",
        'base="${HUBSPOT_BASE_URL:?set HUBSPOT_BASE_URL to the target, e.g. http://127.0.0.1:8080}"',
        'token="${HUBSPOT_ACCESS_TOKEN:-emulator-token}"',
        "# The suite's run tag (start time in hex and 4 random hex digits) in the labels' names.",
        'tag="${HUBSPOT_CONTRACT_RUN_TAG:-$(printf \'%08x%04x\' "$(date +%s)" '
        '"$((RANDOM % 65536))")}"',
        'answer_file="$(mktemp)"; trap \'rm -f "$answer_file"\' EXIT',
        "send() {  # METHOD URL [JSON BODY]: the answer's body on stdout, its status on stderr",
        '  local args=(-sS -X "$1" "$base$2" -H "Authorization: Bearer $token"',
        "    -o \"$answer_file\" -w '%{http_code}')",
        '  if [ "$#" -ge 3 ]; then',
        '    args+=(-H "Content-Type: application/json" --data-binary "$3")',
        "  fi",
        '  local status; status="$(curl "${args[@]}")"',
        '  echo "$1 $2 -> $status" >&2',
        '  cat "$answer_file"',
        "}",
    ]
    if not live:
        seed = {"records": reproducer.records, "labels": [
            {k: v for k, v in x.items() if k != "symbol"} for x in reproducer.labels]}  # fmt: skip
        lines += [
            "# The starting state: the emulator emptied (rate limit and faults lifted), seeded.",
            *EMPTIED_EMULATOR,
            f'seeded="$(curl -sS {CONTROL_CURL} -X POST "$base/_emulator/seed" '
            '-H "Content-Type: application/json" '
            f'--data-binary {_shell(_body_text(seed))})"',
        ]
        for i, label in enumerate(reproducer.labels):
            wording = _shell(str(label["label"]))
            lines.append(
                f'{_var(str(label["symbol"]))}="$(jq -r --arg w {wording} '
                f'\'[.labels[{i}].results[] | select(.label == $w)][0].typeId\' <<<"$seeded")"'
            )
    for number, step in enumerate(reproducer.steps, 1):
        lines.append(f"# step {number}: {step.get('operation')}")
        path = _shell(str(step["path"]))
        query = [list(map(str, pair)) for pair in step.get("query", [])]
        body = f" {_shell(_body_text(step['body']))}" if step.get("body") is not None else ""
        if "pages" in step:
            first = _shell(_url("", query))
            join = "&" if query else "?"
            lines += [
                'after=""',
                "while :; do",
                f'  answer="$(send {step["method"]} {path}{first}'
                f'"${{after:+{join}after=$after}}"{body})"',
                '  after="$(jq -r \'.paging.next.after // empty | @uri\' <<<"$answer")"',
                '  [ -n "$after" ] || break',
                "done",
            ]
            continue
        lines.append(
            f'answer="$(send {step["method"]} {path}{_shell(_url("", query)) if query else ""}'
            f'{body})"'
        )
        for capture in step.get("captures", []):
            wording = _shell(str(capture["label"]))
            lines.append(
                f'{_var(str(capture["symbol"]))}="$(jq -r --arg w {wording} '
                f"'[.results[] | select(.label == $w)][{int(capture.get('index', 0))}].typeId' "
                '<<<"$answer")"'
            )
    return "\n".join(lines) + "\n"


# -- the suite's side ----------------------------------------------------------------------------


def suite_environment(
    report_dir: Path | None, base_url: str, tag: str, *, live: bool, embedded: bool
) -> dict[str, str]:
    """The variables that tell the suite where to write reproducers and the options that replay
    one on this run's target: --report-dir, else a folder of this run under the state directory."""
    from .ledger import state_dir
    from .recorder import COMMAND_VARIABLE, DIRECTORY_VARIABLE

    folder = report_dir.resolve() if report_dir is not None else state_dir() / "reproducers" / tag
    options = "" if embedded else f" --base-url {shlex.quote(base_url)}"
    return {
        DIRECTORY_VARIABLE: str(folder),
        COMMAND_VARIABLE: (" --live" if live else "") + options,
    }


def distinct(differences: list[Difference]) -> list[tuple[Difference, list[int]]]:
    """Each difference once, with every step it happened at: a live run's read-back was read
    again until it agreed, so its recording holds the same read (and difference) many times."""
    steps: dict[tuple[str, str, str], list[int]] = {}
    first: dict[tuple[str, str, str], Difference] = {}
    for difference in differences:
        key = (difference.rule, difference.operation, difference.message)
        first.setdefault(key, difference)
        steps.setdefault(key, []).append(difference.step)
    return [(first[key], steps[key]) for key in first]


def write_junit(
    path: Path, reproducer: Reproducer, replayed: Replayed, target: str, seconds: float
) -> None:
    """The replay as JUnit XML: one case, the reproduced rule and operation, failed with each
    distinct difference (and a stop) or passed."""
    suite = ET.Element(
        "testsuite", name="hubspot-associations reproduce", tests="1", time=f"{seconds:.3f}"
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (("reproducer", str(reproducer.path)), ("target", target),
                        ("release", reproducer.release)):  # fmt: skip
        ET.SubElement(properties, "property", name=name, value=value)
    case = ET.SubElement(
        suite,
        "testcase",
        classname=reproducer.rule,
        name=f"{reproducer.rule} {reproducer.operation}",
        time=f"{seconds:.3f}",
    )
    lines = [
        f"[{d.rule}] {d.operation}: {d.message} (step {', '.join(map(str, at))})"
        for d, at in distinct(replayed.differences)
    ]
    if replayed.stopped is not None:
        lines.append(f"the replay stopped: {replayed.stopped}")
    suite.set("failures", "1" if lines else "0")
    if lines:
        failure = ET.SubElement(case, "failure", message=lines[0])
        failure.text = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = ET.Element("testsuites", tests="1", failures=suite.get("failures", "0"))
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def changes_between(
    before: Mapping[str, Mapping[str, set[int]]], after: Mapping[str, Mapping[str, set[int]]]
) -> int:
    """Association changes (a typeId added or removed between two records) from one read of the
    contacts' companies to the next: what a live replay counts for the webhook warning."""
    changed = 0
    for contact in {*before, *after}:
        was, now = before.get(contact, {}), after.get(contact, {})
        for company in {*was, *now}:
            changed += len(set(was.get(company, ())) ^ set(now.get(company, ())))
    return changed
