"""CRM search (``POST …/{objectType}/search``): HubSpot's filters, sorts and paging over records.

A pure module: the object routes hand it the live records of one object type, the parsed body and
a way to read associations; it answers the matching IDs of one page and the total. Every malformed
body is a 400 VALIDATION_ERROR naming the field (``filterGroups[0].filters[1].operator``), never a
500, and the whole body is checked before any record is looked at, so an empty portal refuses
what a full one would.

Sources: HubSpot's CRM search guide (groups ORed, filters ANDed; at most 5 groups, 6 filters a
group, 18 filters in all; one sort; 200 results a page; 10,000 results reachable, past which
HubSpot answers 400; ``CONTAINS_TOKEN`` with ``*`` wildcards, as in ``*@hubspot.com``). Where the
guide is silent, the choice made here is said beside the code, marked *inferred*.
"""

from __future__ import annotations

import json
import operator as op
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from . import errors

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_FILTERS",
    "MAX_FILTERS_PER_GROUP",
    "MAX_GROUPS",
    "MAX_LIMIT",
    "MAX_REACHABLE",
    "MAX_SORTS",
    "OPERATORS",
    "AssociatedWith",
    "SearchPage",
    "SearchRecord",
    "search",
]

# HubSpot's documented limits of one search.
MAX_GROUPS = 5
MAX_FILTERS_PER_GROUP = 6
MAX_FILTERS = 18
MAX_SORTS = 1
DEFAULT_LIMIT = 10
MAX_LIMIT = 200
MAX_REACHABLE = 10_000

OPERATORS = (
    "EQ",
    "NEQ",
    "LT",
    "LTE",
    "GT",
    "GTE",
    "BETWEEN",
    "IN",
    "NOT_IN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
    "CONTAINS_TOKEN",
    "NOT_CONTAINS_TOKEN",
)
_BODY_KEYS = ("filterGroups", "sorts", "properties", "limit", "after", "query")
_GROUP_KEYS = ("filters",)
_FILTER_KEYS = ("propertyName", "operator", "value", "highValue", "values")
_SORT_KEYS = ("propertyName", "direction")
_DIRECTIONS = ("ASCENDING", "DESCENDING")
_ASSOCIATIONS = "associations."

# ASCII digits only: Decimal() also takes '١٢٣', 'NaN' and 'Infinity', which are no numbers here.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ID = re.compile(r"[0-9]{1,19}")
_WORD = re.compile(r"\w+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class SearchRecord:
    """One live record of the searched type: its ID and its properties (values are strings)."""

    id: int
    properties: Mapping[str, str]


@dataclass(frozen=True)
class SearchPage:
    """One page of a search: the full match count, this page's IDs in order, the next page's
    ``after`` (None on the last page), and the body's ``properties`` (None when absent)."""

    total: int
    ids: list[int]
    next_after: str | None
    properties: list[str] | None


# (object type as the filter names it, record ID) -> IDs of the searched type associated with it.
AssociatedWith = Callable[[str, int], set[int]]
_Match = Callable[[SearchRecord], bool]
_T = TypeVar("_T")


def search(
    records: Iterable[SearchRecord], body: Any, associated_with: AssociatedWith
) -> SearchPage:
    """The page of ``records`` that ``body`` asks for; 400 for any malformed body."""
    request = _parse_body(body)
    match = _compile_groups(request.groups, associated_with)
    terms = request.terms
    found = [r for r in records if match(r) and _query_matches(r, terms)]
    ordered = _ordered(found, request.sort)
    end = request.after + request.limit
    return SearchPage(
        total=len(ordered),
        ids=[record.id for record in ordered[request.after : end]],
        # HubSpot hands out the next `after` even when that page is past the 10,000 cap (the
        # call for it then answers 400): integrators meet exactly that, so it is kept.
        next_after=str(end) if end < len(ordered) else None,
        properties=request.properties,
    )


# -- the body -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Filter:
    where: str
    property_name: str
    operator: str
    value: str | None
    high_value: str | None
    values: tuple[str, ...] | None


@dataclass(frozen=True)
class _Sort:
    property_name: str
    descending: bool


@dataclass(frozen=True)
class _Request:
    groups: tuple[tuple[_Filter, ...], ...]
    sort: _Sort | None
    properties: list[str] | None
    limit: int
    after: int
    terms: tuple[str, ...]


def _show(value: Any) -> str:
    """A value as JSON, the way the emulator's messages show what was sent."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):  # pragma: no cover - parsed JSON always dumps
        return repr(value)


def _object(value: Any, where: str, keys: Sequence[str]) -> dict[str, Any]:
    """A JSON object whose keys are all known, or 400 naming where and the unknown keys."""
    if not isinstance(value, dict):
        raise errors.validation(f"{where} must be a JSON object, not {_show(value)}")
    unknown = sorted(str(key) for key in value if key not in keys)
    if unknown:
        raise errors.validation(
            f"{where} has unknown fields {_show(unknown)}; it takes {', '.join(keys)}"
        )
    return value


def _list(value: Any, where: str) -> list[Any]:
    """A JSON array (absent or null: empty), or 400 naming where."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise errors.validation(f"{where} must be a JSON array, not {_show(value)}")
    return value


def _parse_body(body: Any) -> _Request:
    """The checked request; 400 naming the first field that is wrong."""
    fields = _object(body, "The search body", _BODY_KEYS)
    limit, after = _parse_paging(fields.get("limit"), fields.get("after"))
    return _Request(
        groups=_parse_groups(fields.get("filterGroups")),
        sort=_parse_sorts(fields.get("sorts")),
        properties=_parse_properties(fields.get("properties")),
        limit=limit,
        after=after,
        terms=_parse_query(fields.get("query")),
    )


def _parse_paging(limit_value: Any, after_value: Any) -> tuple[int, int]:
    """(limit, after offset); 400 for a bad value or a page past HubSpot's 10,000 results."""
    limit = DEFAULT_LIMIT if limit_value is None else limit_value
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise errors.validation(
            f"limit must be an integer from 1 to {MAX_LIMIT}, not {_show(limit_value)}"
        )
    # HubSpot's `after` is a string; a JSON integer is taken too (inferred: HubSpot's Java side
    # reads either into its string field, and clients written by hand send both).
    text = str(after_value) if isinstance(after_value, int | str) else None
    if after_value is None:
        text = "0"
    if isinstance(after_value, bool) or text is None or not re.fullmatch(r"[0-9]+", text):
        raise errors.validation(
            "after must be the paging.next.after of a previous page (a string of a "
            f"non-negative integer), not {_show(after_value)}"
        )
    # Past nine digits the offset is past the cap anyway (and int() refuses 4,300 digits).
    after = int(text) if len(text) <= 9 else MAX_REACHABLE
    if after + limit > MAX_REACHABLE:
        raise errors.validation(
            f"The maximum number of results reachable through search is {MAX_REACHABLE}: "
            f"after {text} with limit {limit} asks past it. Narrow the search (for example "
            "a filter on hs_object_id GT the last ID read, sorted by hs_object_id) instead of "
            "paging further"
        )
    return limit, after


def _parse_properties(value: Any) -> list[str] | None:
    """The property names to return, or None when the body names none."""
    if value is None:
        return None
    names = _list(value, "properties")
    for index, name in enumerate(names):
        if not isinstance(name, str):
            raise errors.validation(f"properties[{index}] must be a string, not {_show(name)}")
    return list(names)


def _parse_query(value: Any) -> tuple[str, ...]:
    """The query's terms, casefolded (none when absent or blank)."""
    if value is None:
        return ()
    if not isinstance(value, str):
        raise errors.validation(f"query must be a string, not {_show(value)}")
    return tuple(term.casefold() for term in value.split())


def _parse_sorts(value: Any) -> _Sort | None:
    """The one sort HubSpot allows, or None."""
    sorts = _list(value, "sorts")
    if len(sorts) > MAX_SORTS:
        raise errors.validation(
            f"sorts takes at most {MAX_SORTS} sort (HubSpot's limit); {len(sorts)} were sent"
        )
    return _parse_sort(sorts[0], "sorts[0]") if sorts else None


def _parse_sort(value: Any, where: str) -> _Sort:
    """A sort: ``{propertyName, direction}`` or a property name (``-name``: descending)."""
    if isinstance(value, str):
        # HubSpot's spec types sorts as strings and integrators send "-createdate" for newest
        # first (inferred: HubSpot's guide shows only the object form).
        name = value.removeprefix("-")
        if not name:
            raise errors.validation(f"{where} must name a property, not {_show(value)}")
        return _Sort(name, value.startswith("-"))
    fields = _object(value, where, _SORT_KEYS)
    prop = fields.get("propertyName")
    if not isinstance(prop, str) or not prop:
        raise errors.validation(f"{where}.propertyName must be a property name, not {_show(prop)}")
    direction = fields.get("direction")
    if direction is None:
        direction = "ASCENDING"  # HubSpot's schema default
    if direction not in _DIRECTIONS:
        raise errors.validation(
            f"{where}.direction must be ASCENDING or DESCENDING, not {_show(direction)}"
        )
    return _Sort(prop, direction == "DESCENDING")


def _parse_groups(value: Any) -> tuple[tuple[_Filter, ...], ...]:
    """The filter groups, within HubSpot's limits."""
    groups = _list(value, "filterGroups")
    if len(groups) > MAX_GROUPS:
        raise errors.validation(
            f"filterGroups takes at most {MAX_GROUPS} groups (HubSpot's limit); "
            f"{len(groups)} were sent"
        )
    parsed = tuple(_parse_group(group, f"filterGroups[{i}]") for i, group in enumerate(groups))
    total = sum(len(group) for group in parsed)
    if total > MAX_FILTERS:
        raise errors.validation(
            f"filterGroups takes at most {MAX_FILTERS} filters in all (HubSpot's limit); "
            f"{total} were sent"
        )
    return parsed


def _parse_group(value: Any, where: str) -> tuple[_Filter, ...]:
    """One group's filters (none: the group matches every record, inferred)."""
    fields = _object(value, where, _GROUP_KEYS)
    filters = _list(fields.get("filters"), f"{where}.filters")
    if len(filters) > MAX_FILTERS_PER_GROUP:
        raise errors.validation(
            f"{where}.filters takes at most {MAX_FILTERS_PER_GROUP} filters (HubSpot's limit); "
            f"{len(filters)} were sent"
        )
    return tuple(_parse_filter(item, f"{where}.filters[{i}]") for i, item in enumerate(filters))


def _parse_filter(value: Any, where: str) -> _Filter:
    """One filter's fields, each of the right JSON type (operands are checked when compiled)."""
    fields = _object(value, where, _FILTER_KEYS)
    name = fields.get("propertyName")
    if not isinstance(name, str) or not name:
        raise errors.validation(f"{where}.propertyName must be a property name, not {_show(name)}")
    operator = fields.get("operator")
    if operator not in OPERATORS:
        raise errors.validation(
            f"{where}.operator must be one of {', '.join(OPERATORS)}, not {_show(operator)}"
        )
    values = fields.get("values")
    return _Filter(
        where=where,
        property_name=name,
        operator=operator,
        value=_scalar(fields.get("value"), f"{where}.value"),
        high_value=_scalar(fields.get("highValue"), f"{where}.highValue"),
        values=None
        if values is None
        else tuple(
            _required(_scalar(item, f"{where}.values[{i}]"), f"{where}.values[{i}]")
            for i, item in enumerate(_list(values, f"{where}.values"))
        ),
    )


def _scalar(value: Any, where: str) -> str | None:
    """A JSON string, number or boolean as HubSpot's string form (null: None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise errors.validation(f"{where} must be a string, number or boolean, not {_show(value)}")


def _required(value: _T | None, where: str) -> _T:
    """The operand an operator needs, or 400 naming it."""
    if value is None:
        raise errors.validation(f"{where} is required")
    return value


# -- matching -------------------------------------------------------------------------------------


def _compile_groups(
    groups: tuple[tuple[_Filter, ...], ...], associated_with: AssociatedWith
) -> _Match:
    """One predicate for the groups: ORed groups of ANDed filters; no groups match everything."""
    if not groups:
        return lambda record: True
    compiled = [[_compile(item, associated_with) for item in group] for group in groups]
    return lambda record: any(all(match(record) for match in group) for group in compiled)


def _compile(item: _Filter, associated_with: AssociatedWith) -> _Match:
    """The predicate of one filter; 400 for an operand its operator cannot take."""
    if item.property_name.startswith(_ASSOCIATIONS):
        return _compile_association(item, associated_with)
    name, operator = item.property_name, item.operator
    if operator in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        # A value sent with these is ignored, as HubSpot's schema says none is needed.
        wanted = operator == "HAS_PROPERTY"
        return lambda record: (_value(record, name) is not None) == wanted
    if operator in ("EQ", "NEQ", "IN", "NOT_IN"):
        return _compile_equality(item)
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        return _compile_token(item)
    return _compile_range(item)


def _compile_association(item: _Filter, associated_with: AssociatedWith) -> _Match:
    """``associations.{objectType}`` EQ an ID (IN: any of several IDs): the records associated
    with that record, the filter integrators use for "the deals of this company"."""
    object_type = item.property_name.removeprefix(_ASSOCIATIONS)
    if not object_type:
        raise errors.validation(
            f"{item.where}.propertyName must name an object type after 'associations.', "
            "as in associations.company"
        )
    ids: tuple[int, ...]
    if item.operator == "EQ":
        ids = (_record_id(_required(item.value, f"{item.where}.value"), f"{item.where}.value"),)
    elif item.operator == "IN":
        values = _required(item.values, f"{item.where}.values")
        if not values:
            raise errors.validation(f"{item.where}.values must hold at least one record ID")
        ids = tuple(_record_id(v, f"{item.where}.values[{i}]") for i, v in enumerate(values))
    else:
        raise errors.validation(
            f"{item.where}.operator: {item.property_name} takes EQ or IN with record IDs, "
            f"not {item.operator}"
        )
    # Read once here, not once a record: the store answers for the record named.
    associated = set().union(*(associated_with(object_type, record_id) for record_id in ids))
    return lambda record: record.id in associated


def _record_id(text: str, where: str) -> int:
    """A record ID (ASCII digits, 1 to 2**63 - 1), or 400 naming where."""
    stripped = text.strip()
    number = int(stripped) if _ID.fullmatch(stripped) else 0
    if not 1 <= number < 2**63:
        raise errors.validation(f"{where} must be a record ID, not {_show(text)}")
    return number


def _value(record: SearchRecord, name: str) -> str | None:
    """The record's value of a property; None when it has none (an empty string is none, as
    HubSpot stores clearing a property)."""
    value = record.properties.get(name)
    if value is None and name == "hs_object_id":
        # Every record has its ID as hs_object_id; HubSpot's advice for reading past 10,000
        # results filters on it, so it is there even when the caller's map lacks it.
        return str(record.id)
    return value or None


def _negated(match: _Match, negate: bool) -> _Match:
    """The predicate, or its complement."""
    return (lambda record: not match(record)) if negate else match


def _compile_equality(item: _Filter) -> _Match:
    """EQ/IN, and their complements NEQ/NOT_IN, which also match records without the
    property (HubSpot: NEQ matches records that have no value)."""
    wanted: tuple[str, ...]
    if item.operator in ("EQ", "NEQ"):
        wanted = (_required(item.value, f"{item.where}.value"),)
    else:
        wanted = _required(item.values, f"{item.where}.values")
        if not wanted:
            raise errors.validation(f"{item.where}.values must hold at least one value")
    keys = {_equality_key(value) for value in wanted}
    name = item.property_name

    def match(record: SearchRecord) -> bool:
        value = _value(record, name)
        return value is not None and _equality_key(value) in keys

    return _negated(match, item.operator in ("NEQ", "NOT_IN"))


def _equality_key(text: str) -> Decimal | str:
    """What EQ compares: the number when the text is one ("10" equals 10.0), else the text
    casefolded (HubSpot compares enumerations and strings case-insensitively)."""
    number = _number(text)
    # Decimal's hash agrees with its equality, so 10 and 10.0 are one key of a set.
    return text.casefold() if number is None else number


def _compile_token(item: _Filter) -> _Match:
    """CONTAINS_TOKEN (NOT_CONTAINS_TOKEN its complement, matching records without the
    property): the value, ``*`` matching any run of characters, equals, ignoring case, the
    whole property value, one of its whitespace-separated pieces or one of its words (runs of
    letters, digits and ``_``): so ``*@example.com`` matches ``ann@example.com`` and
    ``smith`` matches ``Ann Smith-Jones`` (inferred: HubSpot does not publish its tokenizer)."""
    token = _required(item.value, f"{item.where}.value").strip()
    if not token:
        raise errors.validation(f"{item.where}.value must be a token, not an empty string")
    pattern = re.compile(
        ".*".join(re.escape(part) for part in token.casefold().split("*")), re.DOTALL
    )
    name = item.property_name

    def match(record: SearchRecord) -> bool:
        value = _value(record, name)
        if value is None:
            return False
        folded = value.casefold()
        pieces = (folded, *folded.split(), *_WORD.findall(folded))
        return any(pattern.fullmatch(piece) for piece in pieces)

    return _negated(match, item.operator == "NOT_CONTAINS_TOKEN")


# A comparable operand: (as a number, as an instant in epoch milliseconds); either may be None.
_Operand = tuple[Decimal | None, Decimal | None]


def _compile_range(item: _Filter) -> _Match:
    """LT, LTE, GT, GTE and BETWEEN (both bounds inclusive): numbers when both sides are
    numbers, else instants when both are dates; a record whose value is neither never matches."""
    low = _operand(item.value, f"{item.where}.value", item.operator)
    if item.operator == "BETWEEN":
        high = _operand(item.high_value, f"{item.where}.highValue", item.operator)
        return _between(item.property_name, low, high)
    accepts: Callable[[int, int], bool] = {"LT": op.lt, "LTE": op.le, "GT": op.gt, "GTE": op.ge}[
        item.operator
    ]
    name = item.property_name

    def match(record: SearchRecord) -> bool:
        order = _compare(_value(record, name), low)
        return order is not None and accepts(order, 0)

    return match


def _between(name: str, low: _Operand, high: _Operand) -> _Match:
    """The predicate of BETWEEN low and high, both inclusive."""

    def match(record: SearchRecord) -> bool:
        value = _value(record, name)
        above, below = _compare(value, low), _compare(value, high)
        return above is not None and below is not None and above >= 0 and below <= 0

    return match


def _operand(text: str | None, where: str, operator: str) -> _Operand:
    """A range filter's operand; 400 unless it is a number or a date."""
    given = _required(text, where)
    operand = (_number(given), _instant(given))
    if operand == (None, None):
        raise errors.validation(
            f"{where} must be a number or a date (epoch milliseconds or ISO 8601) for "
            f"{operator}, not {_show(given)}"
        )
    return operand


def _compare(value: str | None, operand: _Operand) -> int | None:
    """-1, 0 or 1 as the record's value is below, at or above the operand; None when the two
    are not both numbers nor both dates."""
    if value is None:
        return None
    number, instant = operand
    mine = _number(value)
    if mine is not None and number is not None:
        return (mine > number) - (mine < number)
    when = _instant(value)
    if when is not None and instant is not None:
        return (when > instant) - (when < instant)
    return None


def _number(text: str) -> Decimal | None:
    """The number the text writes (ASCII, optional sign, fraction and exponent), exactly."""
    stripped = text.strip()
    if not _NUMBER.fullmatch(stripped):
        return None
    try:
        return Decimal(stripped)
    except InvalidOperation:  # an exponent past what Decimal holds (1e10**18): no number
        return None


def _instant(text: str) -> Decimal | None:
    """The instant, in epoch milliseconds, of a number (taken as epoch milliseconds) or an ISO
    8601 date or date-time (a date: its midnight UTC; no offset: UTC)."""
    number = _number(text)
    if number is not None:
        return number
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return Decimal((moment - _EPOCH) // _MICROSECOND).scaleb(-3)


def _query_matches(record: SearchRecord, terms: tuple[str, ...]) -> bool:
    """Every term of ``query`` is part of some property value, ignoring case. HubSpot searches
    each type's default searchable properties (a contact's name, email, phone, company, …);
    any property stands in for those here, a deliberate simplification."""
    if not terms:
        return True
    values = [value.casefold() for value in record.properties.values() if value]
    return all(any(term in value for value in values) for term in terms)


# -- order ----------------------------------------------------------------------------------------


def _ordered(records: list[SearchRecord], sort: _Sort | None) -> list[SearchRecord]:
    """Records by the sort, then by ID ascending; by ID alone without a sort (inferred: HubSpot
    does not document its default order)."""
    by_id = sorted(records, key=lambda record: record.id)
    if sort is None:
        return by_id
    name = sort.property_name
    present = [r for r in by_id if _value(r, name) is not None]
    # Records without the property come last in either direction (inferred).
    absent = [r for r in by_id if _value(r, name) is None]
    numbers = [_number(_value(r, name) or "") for r in present]
    if all(number is not None for number in numbers):
        keyed: list[tuple[Any, SearchRecord]] = list(zip(numbers, present, strict=True))
    else:
        keyed = [(_string_key(_value(r, name) or ""), r) for r in present]
    # A stable sort on the property alone keeps equal values in ID order in both directions.
    keyed.sort(key=lambda pair: pair[0], reverse=sort.descending)
    return [record for _, record in keyed] + absent


def _string_key(text: str) -> tuple[str, str]:
    """Strings ignoring case, ties broken by the exact text so the order is total."""
    return (text.casefold(), text)
