"""The CLI and the facade check every bounded number alike: one table (openapi/numbers.yaml's
ranges), one check. The CLI's bounded options are found by walking its parser, so a new one
without a facade counterpart here fails the table test."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from hubspot_associations import ClientValidationError, HubSpotAssociations
from hubspot_associations._numbers import RANGES
from hubspot_associations.cli import main
from hubspot_associations.cli._parser import bounded, build_parser

TOKEN = "pat-na1-00000000-0000-0000-0000-000000000000"
NUMBERS_FILE = Path(__file__).parents[3] / "openapi" / "numbers.yaml"


def answer(request: httpx.Request) -> httpx.Response:
    """Every call that passes the client-side checks is answered 204: only the checks matter."""
    return httpx.Response(204)


def client() -> HubSpotAssociations:
    """A client that never leaves the process."""
    return HubSpotAssociations(
        TOKEN,
        base_url="https://api.test",
        transport=httpx.MockTransport(answer),
        max_retries=0,
        rate_limit=None,
    )


# Range name -> how the facade is given a value of that range (what the CLI option feeds).
FACADE: dict[str, Callable[[object], object]] = {
    "batch_size": lambda v: _remove(batch_size=v),
    "concurrency": lambda v: _remove(concurrency=v),
    "type_id": lambda v: _with(lambda c: c.labels.delete("contact", "company", v)),  # type: ignore[arg-type]
    "max_to_object_ids": lambda v: _with(
        lambda c: c.limits.create("contact", "company", [(("USER_DEFINED", 36), v)])  # type: ignore[list-item]
    ),
    "user_id": lambda v: _with(lambda c: c.report.request(v)),  # type: ignore[arg-type]
}


def _with(call: Callable[[HubSpotAssociations], object]) -> object:
    with client() as c:
        try:
            return call(c)
        except ClientValidationError:
            raise
        except Exception as exc:  # past the checks: a 204 may not parse, which is not our point
            return exc


def _remove(**option: object) -> object:
    return _with(lambda c: c.bulk.remove("contact", "company", [(1, 2)], **option))  # type: ignore[arg-type]


def bounded_options() -> Iterator[tuple[list[str], argparse.Action, str]]:
    """(command words, the option, its range name) for every bounded option or argument."""

    def walk(
        parser: argparse.ArgumentParser, words: list[str]
    ) -> Iterator[tuple[list[str], argparse.Action, str]]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk(sub, [*words, name])
            elif isinstance(action.type, bounded):
                yield words, action, action.type.range_name

    yield from walk(build_parser(), [])


OPTIONS = list(bounded_options())


def argv_for(words: list[str], action: argparse.Action, value: str) -> list[str]:
    """A command line that gives ``value`` to ``action`` and every other required part."""
    parser = build_parser()
    for word in words:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[word]
    argv = list(words)
    for other in parser._actions:
        if other.dest == action.dest:  # a fresh parser: its own action objects
            argv += [other.option_strings[0], value] if other.option_strings else [value]
        elif other.required and other.option_strings:
            argv += [other.option_strings[0], "contact"]
        elif not other.option_strings and other.dest not in ("help",):
            argv.append(_filler(other))
    return argv


def _filler(action: argparse.Action) -> str:
    if isinstance(action.type, bounded):
        return "1"
    return {"file": "pairs.csv"}.get(action.dest, "contact")


def edges(name: str) -> list[str]:
    """The values on both sides of each bound of the range, and two that are no numbers."""
    _, low, high = RANGES[name]
    values = [low - 1, low, low + 1]
    if high is not None:
        values += [high - 1, high, high + 1]
    return [str(v) for v in values] + ["1.5", "ten"]


def cli_refuses(argv: list[str]) -> bool:
    """Whether the parser refuses the command line (argparse exits 2)."""
    try:
        build_parser().parse_args(argv)
    except SystemExit as exc:
        code = exc.code
    else:
        return False
    assert code == 2
    return True


def facade_refuses(name: str, text: str) -> bool:
    """Whether the facade refuses the value the CLI would have passed on."""
    try:
        value: object = int(text)
    except ValueError:
        value = text
    try:
        FACADE[name](value)
    except ClientValidationError as exc:
        message = str(exc)
    else:
        return False
    assert RANGES[name][0] in message, message
    return True


def test_every_bounded_option_has_a_range_and_a_facade_probe() -> None:
    """The CLI's bounded options are many, each checked against a range the facade also checks."""
    names = {name for _, _, name in OPTIONS}
    assert len(OPTIONS) >= 7
    assert names <= set(FACADE), names - set(FACADE)
    assert names <= set(RANGES)


def test_the_ranges_are_the_numbers_files() -> None:
    """The generated table is the numbers file's own ranges, bounds resolved by name."""
    raw = yaml.safe_load(NUMBERS_FILE.read_text(encoding="utf-8"))
    numbers = {name: entry["value"] for name, entry in raw["numbers"].items()}
    for name, entry in raw["ranges"].items():
        low = numbers.get(entry["low"], entry["low"])
        high = numbers.get(entry["high"], entry["high"]) if entry["high"] is not None else None
        assert RANGES[name] == (entry["what"], low, high)


@pytest.mark.parametrize(
    ("words", "action", "name"),
    OPTIONS,
    ids=[
        " ".join([*w, a.option_strings[0] if a.option_strings else a.dest]) for w, a, _ in OPTIONS
    ],
)
def test_cli_refuses_exactly_what_the_facade_refuses(
    words: list[str], action: argparse.Action, name: str
) -> None:
    """At each edge of the range, the CLI option and the facade agree on refusing or taking it."""
    for text in edges(name):
        argv = argv_for(words, action, text)
        assert cli_refuses(argv) == facade_refuses(name, text), (argv, text)


def test_a_refused_option_exits_2_and_names_the_range(capsys: pytest.CaptureFixture[str]) -> None:
    """Run as a user runs it, a refused number exits 2 with the range from the numbers file."""
    with pytest.raises(SystemExit) as exited:
        main(["report", str(2**31)])
    assert exited.value.code == 2
    assert "from 1 to 2,147,483,647" in capsys.readouterr().err


def test_the_cli_defaults_are_the_facades() -> None:
    """--batch-size and --concurrency default to what the bulk helpers default to."""
    import inspect

    args = build_parser().parse_args(
        ["associate", "pairs.csv", "--from", "contact", "--to", "company"]
    )
    signature = inspect.signature(HubSpotAssociations(TOKEN, rate_limit=None).bulk.create)
    assert args.batch_size == signature.parameters["batch_size"].default
    assert args.concurrency == signature.parameters["concurrency"].default


@pytest.mark.parametrize("text", ["0/10", "1/10", "5/0", "5/inf", "5/nan", "x/10", "10", "2.5/10"])
def test_rate_limit_is_refused_alike(text: str) -> None:
    """--rate-limit N/SECONDS and rate_limit=(N, SECONDS) refuse the same values."""
    try:
        requests, seconds = text.split("/")
        pair: object = (int(requests), float(seconds))
    except ValueError:
        pair = text
    try:
        HubSpotAssociations(TOKEN, rate_limit=pair)  # type: ignore[arg-type]
        facade = False
    except ClientValidationError:
        facade = True
    assert cli_refuses(["labels", "list", "contact", "company", "--rate-limit", text]) == facade
