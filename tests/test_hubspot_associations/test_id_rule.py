"""One rule for record IDs and options in the library: the CLI's rules hold for library users."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubspot_associations import ClientValidationError, HubSpotAssociations
from hubspot_associations._values.ids import MAX_RECORD_ID, canonical_id
from hubspot_associations._values.inputs import object_id


@given(st.integers(min_value=1, max_value=MAX_RECORD_ID), st.integers(min_value=0, max_value=5))
def test_canonical_ids_drop_leading_zeros(value: int, zeros: int) -> None:
    """Any ID from 1 to 2^63 - 1, with leading zeros or as an int, has one canonical form."""
    assert canonical_id("0" * zeros + str(value)) == str(value) == object_id(value)


@given(st.text(max_size=30))
def test_non_ascii_or_out_of_range_ids_raise_client_validation_error(text: str) -> None:
    """Anything else raises ClientValidationError (a ValueError), never int()'s own error."""
    stripped = text.strip(" \t\r\n")
    valid = stripped.isascii() and stripped.isdigit() and 0 < int(stripped) <= MAX_RECORD_ID
    if valid:
        assert object_id(text) == str(int(stripped))
    else:
        with pytest.raises(ClientValidationError):
            object_id(text)


@pytest.mark.parametrize(
    "value", ["١٢٣", "１２３", "²", "9" * 5000, str(2**63), 2**63, 0, -1, "0", True, 1.0]
)
def test_known_bad_ids_are_refused(value: object) -> None:
    """Arabic-Indic and full-width digits, superscripts, huge and non-positive IDs are refused."""
    with pytest.raises(ClientValidationError) as caught:
        object_id(value)  # type: ignore[arg-type]
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize("token", ["a\rb", "a\nb", "a\x00b", "tökén", "a b"])
def test_tokens_that_cannot_be_headers_are_refused_unshown(token: str) -> None:
    """The client refuses a token with CR, LF, NUL, spaces or non-ASCII, without printing it."""
    with pytest.raises(ClientValidationError) as caught:
        HubSpotAssociations(token)
    assert token not in str(caught.value)


@pytest.mark.parametrize("url", ["htp:/x", "ftp://host", "http://", "nowhere"])
def test_malformed_base_urls_are_refused(url: str) -> None:
    """A base_url that is not http(s)://host raises before any request."""
    with pytest.raises(ClientValidationError, match="base_url"):
        HubSpotAssociations("token", base_url=url)


@pytest.mark.parametrize("rate", [(5, float("inf")), (5, float("nan")), (0, 1.0), (5, 0.0)])
def test_impossible_rate_limits_are_refused(rate: tuple[int, float]) -> None:
    """rate_limit with infinite, NaN or zero values raises ClientValidationError."""
    with pytest.raises(ClientValidationError, match="rate_limit"):
        HubSpotAssociations("token", rate_limit=rate)


@pytest.mark.parametrize("concurrency", [0, -1, 65])
def test_bulk_concurrency_must_be_positive(concurrency: int) -> None:
    """concurrency=0 used to spin forever: now it raises before any request."""
    client = HubSpotAssociations("token", base_url="http://127.0.0.1:9")
    with client, pytest.raises(ClientValidationError, match="concurrency"):
        client.bulk.associate_default("contact", "company", [(1, 2)], concurrency=concurrency)


def test_bulk_object_types_are_checked_before_sending() -> None:
    """A bad object type raises at once instead of failing every input chunk by chunk."""
    client = HubSpotAssociations("token", base_url="http://127.0.0.1:9")
    with client, pytest.raises(ClientValidationError, match="compnay"):
        client.bulk.associate_default("contact", "compnay", [(1, 2)])
