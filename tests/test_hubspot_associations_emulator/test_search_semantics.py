"""CRM search semantics as a pure function: filters, sorts, paging, the 10,000 cap, and a 400
naming the field for every malformed body (never another exception)."""

from __future__ import annotations

from typing import Any

import pytest
from hubspot_associations_emulator import errors
from hubspot_associations_emulator.search import (
    MAX_REACHABLE,
    SearchPage,
    SearchRecord,
    search,
)
from hypothesis import given, settings
from hypothesis import strategies as st

COMPANY_DEALS = {7: {2, 4}, 8: {4, 5}}


def rec(record_id: int, **properties: str) -> SearchRecord:
    """A record with the given string properties."""
    return SearchRecord(record_id, properties)


def no_associations(object_type: str, record_id: int) -> set[int]:
    """An associated_with for searches that must not read associations."""
    raise AssertionError(f"associations read for {object_type} {record_id}")


def deals_of(object_type: str, record_id: int) -> set[int]:
    """Deals associated with companies 7 and 8; any other type is unknown."""
    if object_type not in ("companies", "company", "0-2"):
        raise errors.unknown_object_type(object_type)
    return COMPANY_DEALS.get(record_id, set())


def run(records: list[SearchRecord], body: Any) -> SearchPage:
    """search() with associations of companies to deals."""
    return search(records, body, deals_of)


def found(records: list[SearchRecord], *filters: dict[str, Any], **body: Any) -> list[int]:
    """The IDs one group of the filters finds, every page's worth."""
    groups = [{"filters": list(filters)}] if filters else []
    return run(records, {"filterGroups": groups, "limit": 200, **body}).ids


def refusal(body: Any, records: list[SearchRecord] | None = None) -> str:
    """The message of the 400 VALIDATION_ERROR the body gets."""
    with pytest.raises(errors.ApiError) as caught:
        run(records or [], body)
    assert (caught.value.status, caught.value.category) == (400, "VALIDATION_ERROR")
    return caught.value.message


PEOPLE = [
    rec(1, firstname="Ann", amount="10", email="ann@example.com", closedate="2024-01-01"),
    rec(2, firstname="bob", amount="9", email="bob@other.org", closedate="1706745600000"),
    rec(3, firstname="ANN", amount="10.0", email="", closedate="2024-03-01T12:00:00Z"),
    rec(4, firstname="Cy Smith-Jones", amount="abc"),
    rec(5),
]


def test_an_empty_body_finds_every_record_by_id_ten_a_page() -> None:
    """{} finds all records, ID ascending, 10 a page, with the next offset and the total."""
    records = [rec(i) for i in range(25, 0, -1)]
    page = run(records, {})
    assert page == SearchPage(total=25, ids=list(range(1, 11)), next_after="10", properties=None)
    last = run(records, {"after": "20"})
    assert (last.ids, last.next_after) == ([21, 22, 23, 24, 25], None)


def test_groups_are_ored_and_filters_in_a_group_anded() -> None:
    """(firstname = ann AND amount = 10) OR amount = 9."""
    body = {
        "filterGroups": [
            {
                "filters": [
                    {"propertyName": "firstname", "operator": "EQ", "value": "ann"},
                    {"propertyName": "amount", "operator": "EQ", "value": "10"},
                ]
            },
            {"filters": [{"propertyName": "amount", "operator": "EQ", "value": 9}]},
        ]
    }
    assert run(PEOPLE, body).ids == [1, 2, 3]


def test_eq_ignores_case_and_compares_numbers_as_numbers() -> None:
    """EQ 'ann' finds Ann and ANN; EQ 10.0 finds '10' and '10.0'; NEQ also finds the unset."""
    assert found(PEOPLE, {"propertyName": "firstname", "operator": "EQ", "value": "ann"}) == [1, 3]
    assert found(PEOPLE, {"propertyName": "amount", "operator": "EQ", "value": 10.0}) == [1, 3]
    neq = {"propertyName": "amount", "operator": "NEQ", "value": "10"}
    assert found(PEOPLE, neq) == [2, 4, 5]


def test_in_and_not_in_take_a_values_list() -> None:
    """IN finds any of the values (ignoring case), NOT_IN the rest, unset included."""
    values = ["BOB", "Cy Smith-Jones"]
    assert found(PEOPLE, {"propertyName": "firstname", "operator": "IN", "values": values}) == [
        2,
        4,
    ]
    not_in = {"propertyName": "firstname", "operator": "NOT_IN", "values": values}
    assert found(PEOPLE, not_in) == [1, 3, 5]


def test_has_property_means_set_and_not_empty() -> None:
    """An empty string is no value: HAS_PROPERTY skips it, NOT_HAS_PROPERTY finds it."""
    assert found(PEOPLE, {"propertyName": "email", "operator": "HAS_PROPERTY"}) == [1, 2]
    assert found(PEOPLE, {"propertyName": "email", "operator": "NOT_HAS_PROPERTY"}) == [3, 4, 5]


def test_ranges_compare_numbers_as_numbers() -> None:
    """'9' < '10' numerically; a value that is no number never matches; BETWEEN is inclusive."""
    assert found(PEOPLE, {"propertyName": "amount", "operator": "LT", "value": "10"}) == [2]
    assert found(PEOPLE, {"propertyName": "amount", "operator": "GTE", "value": 10}) == [1, 3]
    between = {"propertyName": "amount", "operator": "BETWEEN", "value": "9", "highValue": "10"}
    assert found(PEOPLE, between) == [1, 2, 3]
    assert found(PEOPLE, {"propertyName": "amount", "operator": "GT", "value": "9.5"}) == [1, 3]


def test_ranges_compare_dates_as_instants_in_utc() -> None:
    """ISO dates, date-times and epoch milliseconds compare as instants."""
    feb_first = "2024-02-01"  # 1706745600000 is 2024-02-01T00:00:00Z, record 2's value
    assert found(PEOPLE, {"propertyName": "closedate", "operator": "LT", "value": feb_first}) == [1]
    assert found(PEOPLE, {"propertyName": "closedate", "operator": "LTE", "value": feb_first}) == [
        1,
        2,
    ]
    ms = "1709294400000"  # 2024-03-01T12:00:00Z
    assert found(PEOPLE, {"propertyName": "closedate", "operator": "GTE", "value": ms}) == [3]
    offset = {
        "propertyName": "closedate",
        "operator": "BETWEEN",
        "value": "2024-01-01T00:00:00+00:00",
        "highValue": "2024-03-01T13:00:00+01:00",
    }
    assert found(PEOPLE, offset) == [1, 2, 3]


def test_contains_token_matches_words_pieces_and_wildcards() -> None:
    """A token is a word or a whitespace piece; * completes it; case is ignored."""
    email = {"propertyName": "email", "operator": "CONTAINS_TOKEN", "value": "*@EXAMPLE.com"}
    assert found(PEOPLE, email) == [1]
    assert found(PEOPLE, {**email, "value": "example"}) == [1]
    assert found(PEOPLE, {**email, "value": "exam"}) == []
    assert found(PEOPLE, {**email, "value": "exam*"}) == [1]
    name = {"propertyName": "firstname", "operator": "CONTAINS_TOKEN", "value": "smith"}
    assert found(PEOPLE, name) == [4]
    assert found(PEOPLE, {**name, "value": "smith-jones"}) == [4]
    assert found(PEOPLE, {**name, "operator": "NOT_CONTAINS_TOKEN"}) == [1, 2, 3, 5]


def test_associations_filter_finds_the_records_of_one_record() -> None:
    """associations.company EQ 7 finds deals 2 and 4; IN 7, 8 the union; the type as sent."""
    deals = [rec(i, dealname=f"d{i}") for i in range(1, 7)]
    eq = {"propertyName": "associations.company", "operator": "EQ", "value": "7"}
    assert found(deals, eq) == [2, 4]
    both = {"propertyName": "associations.0-2", "operator": "IN", "values": [7, "8"]}
    assert found(deals, both) == [2, 4, 5]
    anded = {"propertyName": "dealname", "operator": "NEQ", "value": "D4"}
    assert found(deals, eq, anded) == [2]


def test_associations_filter_with_an_unknown_type_gets_the_stores_400() -> None:
    """The 400 associated_with raises for an unknown type reaches the caller as it is."""
    body = {
        "filterGroups": [
            {"filters": [{"propertyName": "associations.dragon", "operator": "EQ", "value": 7}]}
        ]
    }
    with pytest.raises(errors.ApiError) as caught:
        run([rec(1)], body)
    assert caught.value.message == "Unable to infer object type from: dragon"


def test_hs_object_id_is_every_records_id() -> None:
    """hs_object_id filters and sorts as the record's ID even when the map lacks it."""
    records = [rec(i) for i in range(1, 6)]
    page = run(
        records,
        {
            "filterGroups": [
                {"filters": [{"propertyName": "hs_object_id", "operator": "GT", "value": "2"}]}
            ],
            "sorts": [{"propertyName": "hs_object_id", "direction": "DESCENDING"}],
        },
    )
    assert page.ids == [5, 4, 3]


def test_sorts_numbers_as_numbers_with_unset_values_last() -> None:
    """All-numeric values sort numerically; records lacking the property come last either way;
    ties stay in ID order."""
    records = [rec(1, n="10"), rec(2, n="9"), rec(3), rec(4, n="10"), rec(5, n="-1")]
    up = run(records, {"sorts": [{"propertyName": "n", "direction": "ASCENDING"}]})
    assert up.ids == [5, 2, 1, 4, 3]
    down = run(records, {"sorts": [{"propertyName": "n", "direction": "DESCENDING"}]})
    assert down.ids == [1, 4, 2, 5, 3]
    assert run(records, {"sorts": ["-n"]}).ids == down.ids
    assert run(records, {"sorts": ["n"]}).ids == up.ids


def test_sorts_text_ignoring_case() -> None:
    """A property with any non-number sorts as text, ignoring case."""
    records = [rec(1, name="bob"), rec(2, name="Ann"), rec(3, name="10"), rec(4, name="carl")]
    assert run(records, {"sorts": [{"propertyName": "name"}]}).ids == [3, 2, 1, 4]


def test_query_finds_every_term_in_some_property() -> None:
    """query 'ann example' needs both terms, each in some value, ignoring case."""
    assert run(PEOPLE, {"query": "ann EXAMPLE"}).ids == [1]
    assert run(PEOPLE, {"query": "ann"}).ids == [1, 3]
    assert run(PEOPLE, {"query": "  "}).total == 5


def test_properties_are_handed_back_for_the_caller() -> None:
    """The body's properties list is returned as sent; absent or null is None."""
    assert run(PEOPLE, {"properties": ["email", "amount"]}).properties == ["email", "amount"]
    assert run(PEOPLE, {"properties": None}).properties is None


def test_paging_stops_at_ten_thousand_reachable_results() -> None:
    """The last reachable page is allowed; one result past it is HubSpot's 400."""
    assert run([], {"after": "9990", "limit": 10}).ids == []
    assert run([], {"after": 9800, "limit": 200}).total == 0
    message = refusal({"after": "9991", "limit": 10})
    assert message.startswith(
        f"The maximum number of results reachable through search is {MAX_REACHABLE}"
    )
    assert "after 9991 with limit 10" in message


def test_the_next_after_is_given_even_when_it_is_past_the_cap() -> None:
    """As HubSpot does: the page before the cap names a next page that the cap then refuses."""
    records = [rec(i) for i in range(1, MAX_REACHABLE + 11)]
    page = run(records, {"after": "9800", "limit": 200})
    assert (page.total, page.next_after, page.ids[-1]) == (MAX_REACHABLE + 10, "10000", 10_000)
    assert "reachable" in refusal({"after": page.next_after}, records)


FILTER = {"propertyName": "amount", "operator": "EQ", "value": "1"}


def group(*filters: Any) -> dict[str, Any]:
    """A body of one filter group."""
    return {"filterGroups": [{"filters": list(filters)}]}


def one(**fields: Any) -> dict[str, Any]:
    """A body of one filter."""
    return group(fields)


REFUSALS: list[tuple[str, Any, str]] = [
    ("body not an object", [], "The search body must be a JSON object, not []"),
    ("unknown body field", {"filters": [], "offset": 1}, '["filters", "offset"]'),
    ("filterGroups not a list", {"filterGroups": {}}, "filterGroups must be a JSON array"),
    ("six groups", {"filterGroups": [{"filters": [FILTER]}] * 6}, "at most 5 groups"),
    ("group not an object", {"filterGroups": ["x"]}, "filterGroups[0] must be a JSON object"),
    (
        "unknown group field",
        {"filterGroups": [{"filter": []}]},
        'filterGroups[0] has unknown fields ["filter"]',
    ),
    (
        "filters not a list",
        {"filterGroups": [{"filters": "x"}]},
        "filterGroups[0].filters must be a JSON array",
    ),
    ("seven filters", group(*[FILTER] * 7), "filterGroups[0].filters takes at most 6 filters"),
    (
        "twenty filters",
        {"filterGroups": [{"filters": [FILTER] * 5}] * 4},
        "at most 18 filters in all (HubSpot's limit); 20 were sent",
    ),
    ("filter not an object", group(None), "filterGroups[0].filters[0] must be a JSON object"),
    ("unknown filter field", one(propertyName="a", operator="EQ", value="1", valu="2"), '["valu"]'),
    (
        "no propertyName",
        one(operator="EQ", value="1"),
        "filters[0].propertyName must be a property name, not null",
    ),
    (
        "empty propertyName",
        one(propertyName="", operator="EQ", value="1"),
        "propertyName must be a property name",
    ),
    (
        "number propertyName",
        one(propertyName=1, operator="EQ", value="1"),
        "propertyName must be a property name, not 1",
    ),
    ("no operator", one(propertyName="a", value="1"), "filters[0].operator must be one of EQ, NEQ"),
    ("unknown operator", one(propertyName="a", operator="LIKE", value="1"), 'not "LIKE"'),
    ("lowercase operator", one(propertyName="a", operator="eq", value="1"), 'not "eq"'),
    (
        "object value",
        one(propertyName="a", operator="EQ", value={}),
        "filters[0].value must be a string, number or boolean",
    ),
    (
        "list highValue",
        one(propertyName="a", operator="BETWEEN", value="1", highValue=[]),
        "filters[0].highValue must be a string",
    ),
    ("EQ without value", one(propertyName="a", operator="EQ"), "filters[0].value is required"),
    (
        "NEQ null value",
        one(propertyName="a", operator="NEQ", value=None),
        "filters[0].value is required",
    ),
    (
        "IN without values",
        one(propertyName="a", operator="IN", value="1"),
        "filters[0].values is required",
    ),
    (
        "IN empty values",
        one(propertyName="a", operator="NOT_IN", values=[]),
        "filters[0].values must hold at least one value",
    ),
    (
        "values not a list",
        one(propertyName="a", operator="IN", values="1"),
        "filters[0].values must be a JSON array",
    ),
    (
        "null in values",
        one(propertyName="a", operator="IN", values=["1", None]),
        "filters[0].values[1] is required",
    ),
    (
        "object in values",
        one(propertyName="a", operator="IN", values=[{}]),
        "filters[0].values[0] must be a string",
    ),
    (
        "LT of a word",
        one(propertyName="a", operator="LT", value="soon"),
        'filters[0].value must be a number or a date (epoch milliseconds or ISO 8601) for LT, not "soon"',
    ),
    ("GT of a boolean", one(propertyName="a", operator="GT", value=True), 'for GT, not "true"'),
    ("LTE without value", one(propertyName="a", operator="LTE"), "filters[0].value is required"),
    (
        "BETWEEN without highValue",
        one(propertyName="a", operator="BETWEEN", value="1"),
        "filters[0].highValue is required",
    ),
    (
        "BETWEEN to a word",
        one(propertyName="a", operator="BETWEEN", value="1", highValue="x"),
        "filters[0].highValue must be a number or a date",
    ),
    (
        "empty token",
        one(propertyName="a", operator="CONTAINS_TOKEN", value=" "),
        "filters[0].value must be a token",
    ),
    (
        "token without value",
        one(propertyName="a", operator="NOT_CONTAINS_TOKEN"),
        "filters[0].value is required",
    ),
    (
        "associations without type",
        one(propertyName="associations.", operator="EQ", value="1"),
        "must name an object type after 'associations.'",
    ),
    (
        "associations GT",
        one(propertyName="associations.company", operator="GT", value="1"),
        "associations.company takes EQ or IN with record IDs, not GT",
    ),
    (
        "associations NEQ",
        one(propertyName="associations.company", operator="NEQ", value="1"),
        "not NEQ",
    ),
    (
        "associations of a word",
        one(propertyName="associations.company", operator="EQ", value="acme"),
        'filters[0].value must be a record ID, not "acme"',
    ),
    (
        "associations of 0",
        one(propertyName="associations.company", operator="EQ", value=0),
        'must be a record ID, not "0"',
    ),
    (
        "associations of 2**63",
        one(propertyName="associations.company", operator="EQ", value=str(2**63)),
        "must be a record ID",
    ),
    (
        "associations IN empty",
        one(propertyName="associations.company", operator="IN", values=[]),
        "values must hold at least one record ID",
    ),
    (
        "associations IN a word",
        one(propertyName="associations.company", operator="IN", values=["7", "x"]),
        "filters[0].values[1] must be a record ID",
    ),
    (
        "second group's filter",
        {"filterGroups": [{"filters": [FILTER]}, {"filters": [FILTER, {"operator": "EQ"}]}]},
        "filterGroups[1].filters[1].propertyName",
    ),
    ("sorts not a list", {"sorts": "name"}, "sorts must be a JSON array"),
    (
        "two sorts",
        {"sorts": ["a", "b"]},
        "sorts takes at most 1 sort (HubSpot's limit); 2 were sent",
    ),
    ("sort not an object", {"sorts": [3]}, "sorts[0] must be a JSON object, not 3"),
    (
        "unknown sort field",
        {"sorts": [{"propertyName": "a", "order": "ASC"}]},
        'sorts[0] has unknown fields ["order"]',
    ),
    (
        "sort without property",
        {"sorts": [{"direction": "ASCENDING"}]},
        "sorts[0].propertyName must be a property name",
    ),
    (
        "sort direction",
        {"sorts": [{"propertyName": "a", "direction": "DESC"}]},
        'sorts[0].direction must be ASCENDING or DESCENDING, not "DESC"',
    ),
    ("sort of a bare minus", {"sorts": ["-"]}, 'sorts[0] must name a property, not "-"'),
    ("properties not a list", {"properties": "email"}, "properties must be a JSON array"),
    (
        "property not a string",
        {"properties": ["email", 1]},
        "properties[1] must be a string, not 1",
    ),
    ("limit 0", {"limit": 0}, "limit must be an integer from 1 to 200, not 0"),
    ("limit 201", {"limit": 201}, "not 201"),
    ("limit a string", {"limit": "10"}, 'not "10"'),
    ("limit a boolean", {"limit": True}, "not true"),
    ("limit a fraction", {"limit": 1.5}, "not 1.5"),
    (
        "after negative",
        {"after": "-1"},
        'after must be the paging.next.after of a previous page (a string of a non-negative integer), not "-1"',
    ),
    ("after a word", {"after": "abc"}, 'not "abc"'),
    ("after empty", {"after": ""}, 'not ""'),
    ("after a boolean", {"after": False}, "not false"),
    ("after a fraction", {"after": 1.5}, "not 1.5"),
    ("after an object", {"after": {}}, "not {}"),
    (
        "after the cap",
        {"after": "10000"},
        "The maximum number of results reachable through search is 10000",
    ),
    ("after far past the cap", {"after": "9" * 5000}, "The maximum number of results reachable"),
    ("query not a string", {"query": ["ann"]}, 'query must be a string, not ["ann"]'),
]


@pytest.mark.parametrize(
    ("body", "expected"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_every_malformed_body_is_a_400_naming_the_field(body: Any, expected: str) -> None:
    """Each malformed body gets a 400 VALIDATION_ERROR whose message names what was wrong,
    with or without records to search."""
    assert expected in refusal(body)
    assert expected in refusal(body, PEOPLE)


# -- properties over generated records --------------------------------------------------------------

VALUES = st.sampled_from(["1", "10", "10.0", "9", "ann", "ANN", "Bob Smith", "", "x@y.com"])
RECORDS = st.lists(
    st.dictionaries(st.sampled_from(["a", "b"]), VALUES, max_size=2), max_size=12
).map(lambda maps: [rec(i + 1, **props) for i, props in enumerate(maps)])
COMPLEMENTS = [
    ("EQ", "NEQ", {"value": "10"}),
    ("IN", "NOT_IN", {"values": ["ann", "9", "x"]}),
    ("HAS_PROPERTY", "NOT_HAS_PROPERTY", {}),
    ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN", {"value": "smi*"}),
]


@settings(max_examples=60)
@given(records=RECORDS, pair=st.sampled_from(COMPLEMENTS))
def test_each_negated_operator_finds_exactly_the_rest(
    records: list[SearchRecord], pair: tuple[str, str, dict[str, Any]]
) -> None:
    """EQ/NEQ, IN/NOT_IN, HAS/NOT_HAS and CONTAINS/NOT_CONTAINS split the records in two."""
    positive, negative, operands = pair
    yes = set(found(records, {"propertyName": "a", "operator": positive, **operands}))
    no = set(found(records, {"propertyName": "a", "operator": negative, **operands}))
    assert yes.isdisjoint(no)
    assert yes | no == {record.id for record in records}


@settings(max_examples=60)
@given(
    records=RECORDS,
    limit=st.integers(1, 5),
    sort=st.sampled_from([[], ["a"], ["-a"], [{"propertyName": "b", "direction": "DESCENDING"}]]),
)
def test_pages_joined_are_the_whole_sorted_result(
    records: list[SearchRecord], limit: int, sort: list[Any]
) -> None:
    """Following next_after from the first page yields the one-page answer, each ID once."""
    whole = run(records, {"sorts": sort, "limit": 200})
    pages: list[int] = []
    after: str | None = "0"
    while after is not None:
        page = run(records, {"sorts": sort, "limit": limit, "after": after})
        assert page.total == whole.total == len(records)
        assert len(page.ids) <= limit
        pages += page.ids
        after = page.next_after
    assert pages == whole.ids
    assert sorted(pages) == [record.id for record in records]


JSON_LEAVES = st.none() | st.booleans() | st.integers(-3, 20_000) | st.text(max_size=6)
JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "propertyName": st.sampled_from(["a", "associations.company", "associations.", ""]) | JSON,
        "operator": st.sampled_from(["EQ", "IN", "LT", "BETWEEN", "CONTAINS_TOKEN", "HAS_PROPERTY"])
        | JSON,
        "value": st.sampled_from(["7", "2024-01-01", "10", "*", ""]) | JSON,
        "highValue": JSON,
        "values": st.lists(JSON_LEAVES, max_size=3) | JSON,
    },
)
BODIES = (
    st.fixed_dictionaries(
        {},
        optional={
            "filterGroups": st.lists(
                st.fixed_dictionaries({"filters": st.lists(FILTERS, max_size=3)}) | JSON, max_size=3
            )
            | JSON,
            "sorts": st.lists(st.sampled_from(["a", "-a"]) | JSON, max_size=2) | JSON,
            "limit": JSON,
            "after": JSON,
            "query": JSON,
            "properties": JSON,
        },
    )
    | JSON
)


@settings(max_examples=150)
@given(body=BODIES, records=RECORDS)
def test_any_body_gets_a_page_or_a_400(body: Any, records: list[SearchRecord]) -> None:
    """No body, however malformed, raises anything but HubSpot's 400 ApiError."""
    answer = outcome(records, body)
    if isinstance(answer, errors.ApiError):
        assert (answer.status, answer.category) == (400, "VALIDATION_ERROR")
        assert answer.message
    else:
        assert answer.total <= len(records)


def outcome(records: list[SearchRecord], body: Any) -> SearchPage | errors.ApiError:
    """The page, or the ApiError raised in its place."""
    try:
        return run(records, body)
    except errors.ApiError as refused:
        return refused
