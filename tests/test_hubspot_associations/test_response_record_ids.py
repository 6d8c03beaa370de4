"""Record IDs in answers follow the input rule (1 to 2^63 - 1): an ID the client hands out can
always be passed back in, and one it could not pass back is a typed error naming field and value,
over real HTTP from the raw loopback server."""

from __future__ import annotations

import json

import pytest

from hubspot_associations import HubSpotAssociations, UnexpectedResponseError
from hubspot_associations._ids import canonical_id
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
