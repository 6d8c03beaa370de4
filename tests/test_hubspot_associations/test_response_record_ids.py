"""Record IDs in answers follow the input rule (1 to 2^63 - 1): an ID the client hands out can
always be passed back in, and one it could not pass back is a typed error naming field and value,
over real HTTP from the raw loopback server."""

from __future__ import annotations

import json

import pytest

from hubspot_associations import HubSpotAssociations, UnexpectedResponseError
from hubspot_associations._values.ids import canonical_id
from tests.test_hubspot_associations.raw_server import full, serve

LARGEST = "9223372036854775807"  # 2^63 - 1


def page(to_object_id: str) -> bytes:
    """A list_associations page of one record, its toObjectId written as given (JSON text)."""
    spec = '{"category": "HUBSPOT_DEFINED", "typeId": 1, "label": "Primary"}'
    return ('{"results": [{"toObjectId": ' + to_object_id + ', "associationTypes": [' + spec
            + "]}]}").encode()  # fmt: skip


def first_id(body: bytes) -> str:
    """The toObjectId the client hands out for a page answered with ``body``."""
    with (
        serve([full(200, body)]) as (url, _),
        HubSpotAssociations("token", base_url=url, rate_limit=None) as client,
    ):
        return client.basic.get_page("contact", 1, "company").results[0].to_object_id


@pytest.mark.parametrize("written", [json.dumps(LARGEST), LARGEST], ids=["string", "number"])
def test_the_largest_record_id_is_accepted_and_goes_back_in(written: str) -> None:
    """2^63 - 1, as digits or as a JSON number, is handed out as str and passes the input rule."""
    got = first_id(page(written))
    assert got == LARGEST
    assert canonical_id(got) == LARGEST


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (json.dumps("9223372036854775808"), "'9223372036854775808'"),
        (json.dumps("0"), "'0'"),
        (json.dumps("9" * 5000), "'" + "9" * 38 + "…(5002 chars)"),
    ],
    ids=["past-2^63-1", "zero", "5000-digits"],
)
def test_a_record_id_the_input_rule_refuses_is_a_typed_error(written: str, shown: str) -> None:
    """A digit string past 2^63 - 1 (or zero) raises UnexpectedResponseError naming toObjectId
    and the value (cut short when long), instead of an ID that is refused when passed back in."""
    with pytest.raises(UnexpectedResponseError) as caught:
        first_id(page(written))
    message = str(caught.value)
    assert "toObjectId: expected a record ID" in message
    assert shown in message


# The batch answers' record IDs (PublicObjectId: batch read's from.id, batch associate default's
# from.id and to.id) follow the same rule: batch read's from.id is passed back in for the next
# page, so an ID out of range would be handed out and then refused by the client itself.

TIMES = '"startedAt": "2026-03-01T10:00:00Z", "completedAt": "2026-03-01T10:00:01Z"'
SPEC = '{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}'
PAST = json.dumps("9223372036854775808")  # 2^63, as digits


def batch_answer(results: str) -> bytes:
    """A complete batch answer (200) holding ``results`` (JSON text)."""
    return ('{"status": "COMPLETE", ' + TIMES + ', "results": [' + results + "]}").encode()


def read_result(from_id: str, paging: str = "") -> str:
    """One batch read result for the record ``from_id`` (JSON text), one associated record."""
    to = '[{"toObjectId": 7, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 1}]}]'
    return '{"from": {"id": ' + from_id + '}, "to": ' + to + paging + "}"


def default_result(from_id: str, to_id: str) -> str:
    """One batch associate default result (JSON text)."""
    return '{"from": {"id": ' + from_id + '}, "to": {"id": ' + to_id + '}, "associationSpec": ' + SPEC + "}"  # fmt: skip


def answer(operation: str, from_id: str, to_id: str = '"2"') -> bytes:
    """A batch ``operation``'s answer with these record IDs (JSON text); batch read's to ID is
    its one associated record's."""
    if operation == "batch.read":
        return batch_answer(read_result(from_id))
    return batch_answer(default_result(from_id, to_id))


def handed_out(operation: str, client: HubSpotAssociations) -> tuple[str, str]:
    """The (from ID, to ID) the client hands out for one call of a batch ``operation``."""
    if operation == "batch.read":
        read = client.batch.read("contact", "company", ["1"]).results[0]
        return read.from_.id, read.to[0].to_object_id
    made = client.batch.associate_default("contact", "company", [("1", "2")]).results[0]
    return made.from_.id, made.to.id


BATCH = ["batch.read", "batch.associate_default"]

# from.id as JSON text, and what the message says. One server answers them in turn: a server
# per case would cost its shutdown (a quarter of a second) each.
REFUSED: dict[str, tuple[str, str]] = {
    "past-2^63-1": (PAST, "got '9223372036854775808', past 2^63 - 1"),
    "abc": (json.dumps("abc"), "got a string that is not all digits ('abc')"),
    "zero": (json.dumps("0"), "got '0', zero: record IDs start at 1"),
    "number-2^63": (str(2**63), "got a number past the 64-bit integers"),
    "decimal": ("12.5", "got a number with a fraction"),
}


@pytest.mark.parametrize("operation", BATCH)
def test_the_largest_batch_record_id_is_accepted_and_goes_back_in(operation: str) -> None:
    """A batch answer's from.id of 2^63 - 1, as digits and as a JSON number, is handed out as
    str and passes the input rule."""
    answers = [full(200, answer(operation, written)) for written in (json.dumps(LARGEST), LARGEST)]
    with (
        serve(answers) as (url, _),
        HubSpotAssociations("token", base_url=url, rate_limit=None) as client,
    ):
        got = [handed_out(operation, client)[0] for _ in answers]
    assert got == [LARGEST, LARGEST]
    assert canonical_id(got[0]) == LARGEST


@pytest.mark.parametrize("operation", BATCH)
def test_a_batch_record_id_the_input_rule_refuses_is_a_typed_error(operation: str) -> None:
    """A batch answer's from.id that is not a record ID (past 2^63 - 1, "abc", zero, a number
    past 2^63 - 1, a decimal) raises UnexpectedResponseError naming the field and the value,
    instead of being handed out (the value was assigned unchecked)."""
    answers = [full(200, answer(operation, written)) for written, _ in REFUSED.values()]
    messages: dict[str, str] = {}
    with (
        serve(answers) as (url, _),
        HubSpotAssociations("token", base_url=url, rate_limit=None) as client,
    ):
        for case in REFUSED:
            with pytest.raises(UnexpectedResponseError) as caught:
                handed_out(operation, client)
            messages[case] = str(caught.value)
    for case, (_, shown) in REFUSED.items():
        assert "PublicObjectId: id: expected a record ID" in messages[case], case
        assert shown in messages[case], case


def test_batch_associate_default_checks_the_to_id_too() -> None:
    """batch associate default's to.id past 2^63 - 1 is refused like its from.id; a JSON number
    in range is handed out as str."""
    answers = [full(200, answer("batch.associate_default", '"1"', to_id)) for to_id in ("42", PAST)]
    with (
        serve(answers) as (url, _),
        HubSpotAssociations("token", base_url=url, rate_limit=None) as client,
    ):
        assert handed_out("batch.associate_default", client) == ("1", "42")
        with pytest.raises(UnexpectedResponseError) as caught:
            handed_out("batch.associate_default", client)
    assert "PublicObjectId: id: expected a record ID" in str(caught.value)
    assert "got '9223372036854775808', past 2^63 - 1" in str(caught.value)


def test_iter_read_refuses_a_from_id_past_2_63_at_the_answer_not_when_passing_it_back() -> None:
    """A batch read page whose from.id is past 2^63 - 1 (with a next page) fails on that answer
    with UnexpectedResponseError; before, the ID was handed out and iter_read's next request,
    which passes it back in with the cursor, was refused by the client's own input rule."""
    paging = ', "paging": {"next": {"after": "MQ"}}'
    first = batch_answer(read_result(PAST, paging))
    last = batch_answer(read_result('"1"'))
    with (
        serve([full(200, first), full(200, last)]) as (url, heads),
        HubSpotAssociations("token", base_url=url, rate_limit=None) as client,
    ):
        with pytest.raises(UnexpectedResponseError) as caught:
            list(client.batch.iter_read("contact", "company", ["1"]))
        assert len(heads) == 1
    assert "got '9223372036854775808', past 2^63 - 1" in str(caught.value)
