"""Two portals in one emulator, written to at once by HubSpot's official client
(hubspot-api-client) through one portal's token and by this package's client through the other's
(and the other way round): each portal holds exactly what its own token did, read back through
that token and through the control API's snapshot, although both use the same record IDs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

import httpx
import hubspot
import pytest
from hubspot.crm.associations.v4 import AssociationSpec
from hubspot.crm.associations.v4.schema import PublicAssociationDefinitionCreateRequest
from hubspot.crm.associations.v4.schema.exceptions import ApiException
from hubspot_associations_emulator import RunningEmulator, serve_in_thread
from hypothesis import given, settings
from hypothesis import strategies as st

from hubspot_associations import BadRequestError, HubSpotAssociations

__all__: list[str] = []

PORTALS = (7101, 7102)
TOKENS = {7101: "portal-7101-token", 7102: "portal-7102-token"}
# The same record IDs in both portals, on purpose: a leak between them would show.
CONTACTS = (1, 2, 3)
COMPANIES = (11, 12)
LABELS = ("alpha", "beta")

Pairs = dict[tuple[int, int], set[str]]  # (contact, company) → the custom labels between them


class Driver(Protocol):
    """One client speaking for one portal (through that portal's token)."""

    def associate(self, contact: int, company: int, type_id: int | None) -> None:
        """Associate with the default type (None) or with a custom label's typeId."""
        ...

    def remove(self, contact: int, company: int) -> None:
        """Remove every association between the two records."""
        ...

    def create_label(self, name: str) -> int | None:
        """Create a contact → company label; its typeId, or None if the name already exists."""
        ...

    def read(self) -> tuple[Pairs, set[str]]:
        """Every association of CONTACTS to companies, and the custom label texts."""
        ...


class Official:
    """HubSpot's official client."""

    def __init__(self, url: str, token: str) -> None:
        v4 = hubspot.HubSpot(access_token=token, host=url).crm.associations.v4
        # Each attribute access builds a new ApiClient (and connection pool): keep one of each.
        self.basic = v4.basic_api
        self.definitions = v4.schema.definitions_api

    def associate(self, contact: int, company: int, type_id: int | None) -> None:
        """basic_api.create_default, or basic_api.create with the label."""
        if type_id is None:
            self.basic.create_default("contact", str(contact), "company", str(company))
        else:
            spec = AssociationSpec("USER_DEFINED", type_id)
            self.basic.create("contact", str(contact), "company", str(company), [spec])

    def remove(self, contact: int, company: int) -> None:
        """basic_api.archive."""
        self.basic.archive("contact", str(contact), "company", str(company))

    def create_label(self, name: str) -> int | None:
        """schema.definitions_api.create (a 400 for a name the portal has)."""
        request = PublicAssociationDefinitionCreateRequest(label=name.title(), name=name)
        try:
            made = self.definitions.create("contact", "company", request)
        except ApiException as exc:
            if exc.status != 400:
                raise
            return None
        return int(made.results[0].type_id)

    def read(self) -> tuple[Pairs, set[str]]:
        """basic_api.get_page per contact, schema.definitions_api.get_all."""
        pairs: Pairs = {}
        for contact in CONTACTS:
            page = self.basic.get_page("contact", str(contact), "company", limit=500)
            for found in page.results:
                pairs[(contact, int(found.to_object_id))] = {
                    t.label for t in found.association_types if t.category == "USER_DEFINED"
                }
        kinds = self.definitions.get_all("contact", "company").results
        return pairs, {t.label for t in kinds if t.category == "USER_DEFINED"}


class Ours:
    """This package's client."""

    def __init__(self, url: str, token: str) -> None:
        self.client = HubSpotAssociations(token, base_url=url, rate_limit=None)

    def associate(self, contact: int, company: int, type_id: int | None) -> None:
        """basic.associate_default, or basic.associate with the label."""
        if type_id is None:
            self.client.basic.associate_default("contact", contact, "company", company)
        else:
            types = [("USER_DEFINED", type_id)]
            self.client.basic.associate("contact", contact, "company", company, types)

    def remove(self, contact: int, company: int) -> None:
        """basic.remove."""
        self.client.basic.remove("contact", contact, "company", company)

    def create_label(self, name: str) -> int | None:
        """labels.create (BadRequestError for a name the portal has)."""
        try:
            made = self.client.labels.create("contact", "company", name=name, label=name.title())
        except BadRequestError:
            return None
        return int(made[0].type_id)

    def read(self) -> tuple[Pairs, set[str]]:
        """bulk.read of every contact (one batch read), labels.list."""
        found = self.client.bulk.read("contact", "company", CONTACTS)
        assert found.ok, found.failed
        pairs: Pairs = {
            (int(contact), int(r.to_object_id)): {
                str(t.label) for t in r.association_types if str(t.category) == "USER_DEFINED"
            }
            for contact, records in found.associations.items()
            for r in records
        }
        kinds = self.client.labels.list("contact", "company")
        return pairs, {str(t.label) for t in kinds if str(t.category) == "USER_DEFINED"}


@dataclass(frozen=True)
class Op:
    """One write through a portal's token: ``kind`` associate (with ``label`` when the portal
    has it), remove, or label (create ``label``)."""

    portal: int
    kind: str
    contact: int = 1
    company: int = 11
    label: str | None = None


@dataclass
class Model:
    """What one portal should hold: only its own token's operations."""

    pairs: Pairs = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)  # name → typeId (as answered)
    created: list[int] = field(default_factory=list)  # typeIds, in creation order


portal = st.sampled_from(PORTALS)
contact, company = st.sampled_from(CONTACTS), st.sampled_from(COMPANIES)
label = st.sampled_from(LABELS)
OPS = st.lists(
    st.one_of(
        st.builds(Op, portal, st.just("associate"), contact, company, st.none() | label),
        st.builds(Op, portal, st.just("remove"), contact, company),
        st.builds(Op, portal, st.just("label"), label=label),
    ),
    min_size=1,
    max_size=14,
)


@pytest.fixture(scope="module")
def server() -> Iterator[RunningEmulator]:
    """One emulator on 127.0.0.1 for the module."""
    with serve_in_thread() as running:
        yield running


@pytest.fixture(scope="module")
def clients(server: RunningEmulator) -> Iterator[dict[tuple[str, int], Driver]]:
    """Both clients for each portal's token, kept for the module (their connections too):
    tokens are re-added with the same values after each reset."""
    url = server.base_url
    made: dict[tuple[str, int], Driver] = {}
    for number, token in TOKENS.items():
        made["official", number] = Official(url, token)
        made["ours", number] = Ours(url, token)
    yield made
    for driver in made.values():
        if isinstance(driver, Ours):
            driver.client.close()


def fresh(url: str) -> None:
    """Every portal emptied, tokens back to the start-up set, then the two portals' tokens."""
    assert httpx.post(f"{url}/_emulator/reset").status_code == 200
    for number, token in TOKENS.items():
        added = httpx.post(f"{url}/_emulator/tokens", json={"token": token, "portalId": number})
        assert added.status_code == 201, added.text


def apply(op: Op, driver: Driver, model: Model) -> None:
    """Send ``op`` through the portal's driver and update the portal's model."""
    key = (op.contact, op.company)
    if op.kind == "associate":
        name = op.label if op.label in model.labels else None
        driver.associate(op.contact, op.company, None if name is None else model.labels[name])
        model.pairs.setdefault(key, set()).update([] if name is None else [name.title()])
    elif op.kind == "remove":
        driver.remove(op.contact, op.company)
        model.pairs.pop(key, None)
    else:
        assert op.label is not None
        made = driver.create_label(op.label)
        # The model says whether the name was taken in this portal; the answer must agree.
        assert (made is None) == (op.label in model.labels), (op, made, model.labels)
        if made is not None:
            model.labels[op.label] = made
            model.created.append(made)


def snapshot_state(url: str, number: int) -> tuple[Pairs, set[str]]:
    """The portal's contact → company associations and custom labels, from its snapshot."""
    answer = httpx.get(f"{url}/_emulator/snapshot", params={"portalId": number})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["portalId"] == number
    tables = body["tables"]
    # types rows: type_id, category, from_type, to_type, label, inverse_id, kind, name
    texts = {row[0]: row[4] for row in tables["types"] if row[2:4] == ["0-1", "0-2"]}
    pairs: Pairs = {}
    for from_type, from_id, to_type, to_id, type_id in tables["assoc"]:
        if (from_type, to_type) == ("0-1", "0-2"):
            found = pairs.setdefault((from_id, to_id), set())
            if type_id in texts:
                found.add(texts[type_id])
    return pairs, set(texts.values())


@pytest.mark.parametrize("official_portal", PORTALS)
@settings(max_examples=8, deadline=None)
@given(ops=OPS)
def test_each_portal_holds_what_its_own_token_did(
    server: RunningEmulator,
    clients: dict[tuple[str, int], Driver],
    official_portal: int,
    ops: list[Op],
) -> None:
    """Interleaved writes through both portals' tokens, one portal driven by HubSpot's official
    client and the other by this package's: each portal's state, read through its own token
    and from its snapshot, equals its own model, and its label typeIds follow its own counter."""
    url = server.base_url
    fresh(url)
    drivers = {
        number: clients["official" if number == official_portal else "ours", number]
        for number in PORTALS
    }
    models = {number: Model() for number in PORTALS}
    for op in ops:
        apply(op, drivers[op.portal], models[op.portal])
    for number in PORTALS:
        model = models[number]
        expected = (model.pairs, {name.title() for name in model.labels})
        assert drivers[number].read() == expected, f"portal {number} through its token"
        assert snapshot_state(url, number) == expected, f"portal {number}'s snapshot"
    # Each portal numbers its labels on its own: the n-th label of either has the same typeId,
    # however the two portals' creates were interleaved.
    first, second = (models[n].created for n in PORTALS)
    shorter = min(len(first), len(second))
    assert first[:shorter] == second[:shorter], (first, second)
