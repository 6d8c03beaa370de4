"""Which columns (or JSON keys) hold the IDs: our own names, HubSpot's export headers, or a choice.

Names are compared after folding case, spaces, hyphens and underscores together, so ``From ID``,
``from-id`` and ``from_id`` are one name, as are ``Record ID`` and ``record_id``. Our own names
are tried first; HubSpot's export headers only when none of ours is present, and only those the
object types make unambiguous (``Deal ID`` is the source of a ``--from deal`` job).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .._values.object_types import OBJECT_TYPE_IDS, canonical_object_type, plural_name
from ._problems import Problem

__all__ = [
    "FROM_NAMES",
    "ID_NAMES",
    "TO_NAMES",
    "ColumnChoice",
    "Roles",
    "fold",
    "header_problem",
    "hubspot_names",
    "pick_columns",
]

FROM_NAMES: Final = ("from_id", "from", "fromobjectid", "from_object_id")
TO_NAMES: Final = ("to_id", "to", "toobjectid", "to_object_id")
ID_NAMES: Final = ("id", "record_id", "object_id", "from_id", "hs_object_id")
# The association-type columns of an export, read by --types-from-file.
TYPE_ID_NAMES: Final = ("type_id", "typeid", "association_type_id", "associationtypeid")
CATEGORY_NAMES: Final = ("category", "association_category", "associationcategory")
LABEL_NAMES: Final = ("label", "association_label")

_FOLD: Final = re.compile(r"[\s_\-]+")


def fold(name: str) -> str:
    """A column name compared without case, spaces, hyphens or underscores mattering."""
    return _FOLD.sub("_", name.strip().lower()).strip("_")


def _singular(object_type: str) -> str:
    try:
        return canonical_object_type(object_type)
    except ValueError:
        return object_type.lower()


def hubspot_names(object_type: str, role: str) -> tuple[str, ...]:
    """HubSpot's export headers for one role, folded (see docs/cli.md for the list).

    The source of an export of FROM records is its ``Record ID`` (``hs_object_id`` with internal
    names); its associated TO records are ``Associated <To> IDs``, one cell holding every ID
    separated by ``;``. Files joined by hand often say ``Deal ID`` and ``Company ID``.
    """
    name = fold(_singular(object_type))
    if name not in OBJECT_TYPE_IDS:
        # A custom object's export header uses its label, which only the portal knows.
        return ()
    if role == "from":
        return ("record_id", f"record_id_{name}", f"{name}_record_id", "hs_object_id",
                f"{name}_id")  # fmt: skip
    plural = fold(plural_name(name))
    return (f"associated_{name}_ids", f"associated_{plural}_ids", f"associated_{name}_id",
            f"associated_{name}_record_ids", f"{name}_ids", f"{name}_id")  # fmt: skip


@dataclass(frozen=True)
class Roles:
    """What a scan looks for: the object types, and the names the user chose (or None)."""

    from_type: str = ""
    to_type: str = ""
    from_column: str | None = None
    to_column: str | None = None
    with_types: bool = False


@dataclass(frozen=True)
class ColumnChoice:
    """The columns found for each role, by index, and whether each is a HubSpot list column."""

    from_index: int
    to_index: int | None
    names: tuple[str, ...]
    lists: frozenset[int] = frozenset()
    type_id_index: int | None = None
    category_index: int | None = None
    label_index: int | None = None


def _find(
    folded: list[str], chosen: str | None, ours: tuple[str, ...], theirs: tuple[str, ...],
    option: str,
) -> tuple[int | None, bool, str | None]:  # fmt: skip
    """(index, whether HubSpot's name matched, problem) for one role."""
    if chosen is not None:
        hits = [i for i, name in enumerate(folded) if name == fold(chosen)]
        if not hits:
            return None, False, f"has no column {chosen!r} (given with {option})"
        if len(hits) > 1:
            return None, False, f"has {len(hits)} columns named {chosen!r}: which one is meant?"
        return hits[0], False, None
    for names, hubspot in ((ours, False), (theirs, True)):
        hits = [i for i, name in enumerate(folded) if name in names]
        if len(hits) == 1:
            return hits[0], hubspot, None
        if len(hits) > 1:
            return (
                None,
                False,
                (
                    f"has {len(hits)} columns that could hold the {option[2:].split('-')[0]} IDs "
                    f"({', '.join(repr(folded[i]) for i in hits)}); name one with {option} NAME"
                ),
            )
    return None, False, None


def pick_columns(cells: list[str], roles: Roles, *, ids_only: bool = False) -> ColumnChoice | str:
    """The columns of a header for the roles, or the reason there are none (ambiguity included)."""
    folded = [fold(c) for c in cells]
    if ids_only:
        theirs = hubspot_names(roles.from_type, "from")
        found, _, problem = _find(folded, roles.from_column, ID_NAMES, theirs, "--id-column")
        if problem:
            return problem
        if found is None:
            return "needs an id column (id, record_id or Record ID), or name it with --id-column"
        return ColumnChoice(found, None, tuple(cells))
    source, _, problem = _find(folded, roles.from_column, FROM_NAMES,
                               hubspot_names(roles.from_type, "from"), "--from-column")  # fmt: skip
    if problem:
        return problem
    target, listed, problem = _find(folded, roles.to_column, TO_NAMES,
                                    hubspot_names(roles.to_type, "to"), "--to-column")  # fmt: skip
    if problem:
        return problem
    if source is None or target is None:
        return (
            "needs a from_id and a to_id column (e.g. from_id,to_id, or HubSpot's Record ID "
            "and Associated <Object> IDs), or name them with --from-column and --to-column"
        )
    if source == target:
        return (f"column {cells[source]!r} would be both source and target; name them with "
                "--from-column and --to-column")  # fmt: skip
    lists = frozenset({target} if listed and folded[target].endswith("ids") else set())
    choice = ColumnChoice(source, target, tuple(cells), lists)
    if not roles.with_types:
        return choice
    return _with_types(choice, folded)


def _with_types(choice: ColumnChoice, folded: list[str]) -> ColumnChoice | str:
    indexes: list[int | None] = []
    for names in (TYPE_ID_NAMES, CATEGORY_NAMES, LABEL_NAMES):
        hits = [i for i, name in enumerate(folded) if name in names]
        if len(hits) > 1:
            return f"has {len(hits)} columns for one of type_id, category, label: which is meant?"
        indexes.append(hits[0] if hits else None)
    if indexes[0] is None and indexes[2] is None:
        return ("--types-from-file needs a type_id or a label column (as `export` writes: "
                "from_id,to_id,type_id,category,label)")  # fmt: skip
    return ColumnChoice(choice.from_index, choice.to_index, choice.names, choice.lists,
                        indexes[0], indexes[1], indexes[2])  # fmt: skip


def header_problem(line: int, cells: list[str], reason: str) -> Problem:
    """The header's problem, naming the header as read."""
    shown = ",".join(cells)
    shown = shown if len(shown) <= 80 else shown[:79] + "…"
    return Problem(line, f"the header {shown!r} {reason}")
