"""The client refuses label wording the emulator refuses (empty, control characters, past the
length cap) before sending: checked in the emulator's journal, sync and async alike."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hubspot_associations_pytest import (
    AsyncHubSpotAssociations,
    HubSpotAssociations,
    HubSpotEmulator,
)

from hubspot_associations import ClientValidationError
from hubspot_associations._numbers import LABEL_TEXT_MAX

LONGEST = "x" * LABEL_TEXT_MAX

# (argument, wording, what the message says)
REFUSED = [
    pytest.param("label", "", "is empty or only whitespace", id="label-empty"),
    pytest.param("label", " \t ", "is empty or only whitespace", id="label-blank"),
    pytest.param("label", "Buy\x00er", "control character U+0000 at index 3", id="label-nul"),
    pytest.param("label", "x" * 5000, "is 5,000 characters long", id="label-5000"),
    pytest.param("inverse_label", "", "is empty or only whitespace", id="inverse-empty"),
    pytest.param("inverse_label", "Of\n", "control character U+000A at index 2", id="inverse-lf"),
    pytest.param("inverse_label", "Of\x7f", "control character U+007F", id="inverse-del"),
    pytest.param("inverse_label", LONGEST + "x", f"at most {LABEL_TEXT_MAX}", id="inverse-cap+1"),
    pytest.param("name", "buy\x00er", "control character U+0000 at index 3", id="name-nul"),
    pytest.param("name", "b" * 5000, "is 5,000 characters long", id="name-5000"),
]


def _create(argument: str, wording: str) -> dict[str, Any]:
    """The create's keyword arguments, one of them replaced by ``wording``."""
    return {"name": "buyer", "label": "Buyer", "inverse_label": "Bought from", argument: wording}


@pytest.mark.parametrize(("argument", "wording", "fragment"), REFUSED)
def test_create_refuses_before_sending(
    hubspot_emulator: HubSpotEmulator,
    hubspot_client: HubSpotAssociations,
    argument: str,
    wording: str,
    fragment: str,
) -> None:
    """labels.create raises ClientValidationError naming the argument; nothing reaches HubSpot."""
    with pytest.raises(
        ClientValidationError, match=f"^{argument} .*{re.escape(fragment)}"
    ) as refused:
        hubspot_client.labels.create("contact", "company", **_create(argument, wording))
    assert len(str(refused.value)) < 300  # a 5,000-character label is not echoed whole
    assert hubspot_emulator.control.journal().entries == []


@pytest.mark.parametrize(
    ("argument", "wording", "fragment"), [p for p in REFUSED if p.values[0] != "name"]
)
def test_update_refuses_before_sending(
    hubspot_emulator: HubSpotEmulator,
    hubspot_client: HubSpotAssociations,
    argument: str,
    wording: str,
    fragment: str,
) -> None:
    """labels.update raises ClientValidationError naming the argument; nothing reaches HubSpot."""
    made = hubspot_client.labels.create("contact", "company", name="buyer", label="Buyer")
    words: dict[str, Any] = {"label": "New", "inverse_label": "New of", argument: wording}
    sent = len(hubspot_emulator.control.journal().entries)
    with pytest.raises(ClientValidationError, match=f"^{argument} .*{re.escape(fragment)}"):
        hubspot_client.labels.update("contact", "company", type_id=made[0].type_id, **words)
    assert len(hubspot_emulator.control.journal().entries) == sent


@pytest.mark.anyio
async def test_the_async_client_refuses_the_same(
    hubspot_emulator: HubSpotEmulator, async_hubspot_client: AsyncHubSpotAssociations
) -> None:
    """The async twin refuses create and update the same way, sending nothing."""
    with pytest.raises(ClientValidationError, match=r"^inverse_label .*U\+0000"):
        await async_hubspot_client.labels.create(
            "contact", "company", name="buyer", label="Buyer", inverse_label="\x00"
        )
    with pytest.raises(ClientValidationError, match=r"^label .*empty"):
        await async_hubspot_client.labels.update("contact", "company", type_id=1200, label="  ")
    assert hubspot_emulator.control.journal().entries == []


def test_the_longest_wording_is_sent_and_read_back(
    hubspot_client: HubSpotAssociations,
) -> None:
    """Wording of exactly the cap passes the client and the emulator, on create and update."""
    made = hubspot_client.labels.create(
        "contact", "company", name=LONGEST, label=LONGEST, inverse_label="Käufer von"
    )
    assert [t.label for t in made] == [LONGEST, "Käufer von"]
    hubspot_client.labels.update(
        "contact",
        "company",
        type_id=made[0].type_id,
        label="é" * LABEL_TEXT_MAX,
        inverse_label="a b",
    )
    listed = hubspot_client.labels.list("contact", "company")
    assert [t.label for t in listed if str(t.category) == "USER_DEFINED"] == ["é" * LABEL_TEXT_MAX]
