"""The CLI's table of the facade methods each command calls (cli/_operations.py) is true: one row
per command of the parser, every method it names exists, and each command, run against the
emulator, sends only the operations its row's methods send (read from the emulator's journal)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import httpx

import hubspot_associations
from codegen.operations_index import CLIENT, facade_methods
from codegen.pipeline import ROOT
from hubspot_associations.cli._operations import COMMAND_METHODS
from hubspot_associations.cli._parser import build_parser
from tests.test_hubspot_associations.cli.cli_helpers import in_process, write_pairs

FAST = ["--rate-limit", "1000/1", "--progress", "never"]
PAIR = ["--from", "contact", "--to", "company"]


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> Iterator[str]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not actions:
        yield " ".join(path)
    for action in actions:
        for name, child in action.choices.items():
            yield from _leaves(child, (*path, name))


@cache
def sent_by() -> dict[str, frozenset[str]]:
    """Each facade and bulk method (``labels.list``) and the operations it sends, as the
    operations index reads them from the client's docstrings and code."""
    source = (ROOT / CLIENT).read_text(encoding="utf-8")
    return {".".join(m.path): frozenset(m.operations) for m in facade_methods(source)}


def declared(command: str) -> frozenset[str]:
    """The operations the methods of the command's row send."""
    return frozenset[str]().union(*(sent_by()[method] for method in COMMAND_METHODS[command]))


def test_the_table_has_one_row_per_command_in_the_parsers_order() -> None:
    """The table's commands are the parser's commands and sub-commands, in the parser's order
    (docs/operations.md lists commands in it)."""
    assert list(COMMAND_METHODS) == list(_leaves(build_parser(), ()))


def _resolve(client: object, name: str) -> Any:
    target: Any = client
    for attribute in name.split("."):
        target = getattr(target, attribute)
    return target


def test_every_method_the_table_names_exists_on_both_clients() -> None:
    """Each method a row names is a callable of HubSpotAssociations and of its async twin, and
    sends at least one operation by the facade's docstrings."""
    named = {m for methods in COMMAND_METHODS.values() for m in methods}
    assert named
    with hubspot_associations.HubSpotAssociations("test-token") as client:
        for name in named:
            assert callable(_resolve(client, name)), name

    async def check() -> None:
        async with hubspot_associations.AsyncHubSpotAssociations("test-token") as client:
            for name in named:
                assert callable(_resolve(client, name)), name

    asyncio.run(check())
    assert all(sent_by()[name] for name in named)


def _journal(server: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = httpx.get(f"{server}/_emulator/journal").json()["entries"]
    return entries


def _runs(folder: Path) -> list[tuple[str, list[str]]]:
    """(command, arguments) runs that take each command through each of its paths, in an order
    where each finds what it needs (a label, a limit) made by an earlier one."""
    pairs = str(write_pairs(folder / "pairs.csv", [(1, 2), (3, 4)]))
    ids = folder / "ids.txt"
    ids.write_text("1\n3\n")
    labelled = ["--label", "Buyer"]

    def results(name: str) -> list[str]:
        return ["--results", str(folder / f"{name}.jsonl")]

    return [
        (
            "labels create",
            ["labels", "create", "contact", "company", "--name", "buyer", "--label", "Buyer"],
        ),
        ("labels list", ["labels", "list", "contact", "company"]),
        ("labels update", ["labels", "update", "contact", "company", "TYPE", "--label", "Buyer"]),
        ("associate", ["associate", pairs, *PAIR, *FAST, *results("default")]),
        ("associate", ["associate", pairs, *PAIR, *FAST, "--type-id", "1", *results("typed")]),
        ("associate", ["associate", pairs, *PAIR, *FAST, *labelled, *results("labelled")]),
        ("export", ["export", str(ids), *PAIR, "--out", str(folder / "out.csv")]),
        ("remove-label", ["remove-label", pairs, *PAIR, *FAST, *labelled, *results("remove")]),
        ("unassociate", ["unassociate", pairs, *PAIR, *FAST, *results("unassociate")]),
        ("types", ["types", "contact", "company"]),
        ("limits set", ["limits", "set", "contact", "company", "TYPE", "5"]),
        ("limits set", ["limits", "set", "contact", "company", "TYPE", "6"]),
        ("limits list", ["limits", "list", "contact", "company"]),
        ("limits list", ["limits", "list"]),
        ("limits purge", ["limits", "purge", "contact", "company", "TYPE"]),
        ("limits usage labels", ["limits", "usage", "labels"]),
        ("limits usage sources", ["limits", "usage", "sources"]),
        ("limits usage targets", ["limits", "usage", "targets", "0-1"]),
        ("limits usage records", ["limits", "usage", "records", "contact", "company"]),
        ("report", ["report", "42"]),
        ("labels delete", ["labels", "delete", "contact", "company", "TYPE"]),
        ("releases", ["releases"]),
    ]


def _custom_type(server: str) -> str:
    """The type ID of the custom label the first run creates."""
    answer = httpx.get(
        f"{server}/crm/v4/associations/contact/company/labels",
        headers={"Authorization": "Bearer emulator-token"},
    ).json()
    custom = [r["typeId"] for r in answer["results"] if r["category"] == "USER_DEFINED"]
    assert len(custom) == 1, answer
    return str(custom[0])


def test_each_command_sends_only_what_its_row_declares(tmp_path: Path, server: str) -> None:
    """Each command, run against the emulator through each of its paths, succeeds and sends only
    operations its row's methods send; a command whose row names methods sends at least one."""
    runs = _runs(tmp_path)
    calling = {command for command, methods in COMMAND_METHODS.items() if methods}
    assert calling <= {command for command, _ in runs}, "a command with methods has no run here"
    type_id = ""
    for command, arguments in runs:
        before = len(_journal(server))
        arguments = [type_id if a == "TYPE" else a for a in arguments]
        code, out, err = in_process(arguments, server)
        assert code == 0, (arguments, out, err)
        sent = {entry["operationId"] for entry in _journal(server)[before:]}
        assert sent <= declared(command), (arguments, sorted(sent - declared(command)))
        assert bool(sent) == bool(COMMAND_METHODS[command]), (arguments, sent)
        if command == "labels create":
            type_id = _custom_type(server)
