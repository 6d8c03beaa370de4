"""The association graph through the client: fixed probes of each rule, then the state machine.

The probes are short fixed sequences, one per rule, so that every rule is judged on every run
whatever Hypothesis draws; the state machine then explores sequences of its own. Every write is
read back before the next step, on a live portal as on the emulator (a label's create and rename
through the label listing inside the step, a label's delete likewise); the read-backs wait up to
scenario.READ_BACK_WAIT on a live portal. What each probe sends and judges is declared in
selection.SCENARIOS (``--operation``/``--rule`` choose probes by it).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from .machine import GraphMachine
from .model import PRIMARY, UNLABELED
from .scenario import Scenario, records
from .target import phases, selected


@pytest.fixture
def scenario() -> Iterator[Scenario]:
    """A started scenario (emulator emptied; live records read); cleaned up after."""
    target = selected()
    if not records():
        pytest.skip(
            "the live graph run needs HUBSPOT_CONTRACT_RECORDS, e.g. contact:101,102,103;company:201,202,203"
        )
    if not target.allow_writes:
        pytest.skip(
            "the live graph run writes: set HUBSPOT_CONTRACT_ALLOW_WRITES=1 (a sandbox portal)"
        )
    running = Scenario(target)
    running.start()
    try:
        yield running
    finally:
        running.close()


def _two(kind: str) -> tuple[str, str]:
    ids = records()[kind]
    return ids[0], ids[1]


def test_both_directions_after_writes_and_removals(scenario: Scenario) -> None:
    """graph.both-directions: writes are seen from both records, removals from either side remove both."""
    (c1, c2), (k1, k2) = _two("contact"), _two("company")
    scenario.associate_default(c1, k1)
    scenario.read_back()
    scenario.batch_associate_default([(c2, k1), (c2, k2)])
    scenario.read_back()
    scenario.remove(c1, k1)
    scenario.read_back()
    scenario.remove(c2, k1, from_company=True)
    scenario.read_back()
    scenario.batch_remove([(c2, k2)])
    scenario.read_back()


def test_paired_and_unpaired_labels(scenario: Scenario) -> None:
    """labels.paired-inverse: a paired label exists and reads as its inverse from the other side."""
    (c1, c2), (k1, _) = _two("contact"), _two("company")
    scenario.create_label("alpha", paired=True)
    scenario.create_label("beta", paired=False)
    scenario.associate_with_labels(c1, k1, ["alpha"])
    scenario.read_back()
    scenario.batch_create([(c2, k1)], ["beta", "alpha"])
    scenario.read_back()
    scenario.rename_label("alpha")
    scenario.read_back()


def test_deletes_cascade(scenario: Scenario) -> None:
    """delete.cascade: a deleted label leaves its associations; removing the unlabeled type removes all."""
    (c1, c2), (k1, _) = _two("contact"), _two("company")
    scenario.create_label("gamma", paired=True)
    scenario.associate_with_labels(c1, k1, ["gamma", PRIMARY])
    scenario.read_back()
    scenario.associate_with_labels(c2, k1, ["gamma"])
    scenario.read_back()
    scenario.delete_label("gamma")
    scenario.read_back()
    scenario.remove_kind(c1, k1, UNLABELED)
    scenario.read_back()


def test_one_primary_company_per_contact(scenario: Scenario) -> None:
    """primary.one-per-record: making another company primary moves the primary."""
    (c1, _), (k1, k2) = _two("contact"), _two("company")
    scenario.associate_with_labels(c1, k1, [PRIMARY])
    scenario.read_back()
    scenario.associate_with_labels(c1, k2, [PRIMARY])
    scenario.read_back()


@pytest.mark.parametrize(
    "path",
    [
        "associate_default",
        "associate_with_labels",
        "batch_create_associations",
        "batch_associate_default",
    ],
)
def test_limits_hold_on_every_write_path(scenario: Scenario, path: str) -> None:
    """limits.every-write-path: a contact capped at one company cannot get a second one by any path."""
    if not scenario.target.strict:
        pytest.skip("limits are portal-wide: the emulator only")
    (c1, _), (k1, k2) = _two("contact"), _two("company")
    scenario.set_limit(UNLABELED, "contact", 1)
    scenario.associate_default(c1, k1)
    scenario.read_back()
    if path == "associate_default":
        scenario.associate_default(c1, k2)
    elif path == "associate_with_labels":
        scenario.associate_with_labels(c1, k2, [])
    elif path == "batch_create_associations":
        scenario.batch_create([(c1, k2)], [])
    else:
        scenario.batch_associate_default([(c1, k2)])
    scenario.read_back()
    scenario.purge_limit(scenario.graph.type_id(UNLABELED, "contact"))


def test_paging_is_complete_and_ordered(scenario: Scenario) -> None:
    """paging.complete and paging.order: a record with more associations than a page reads whole, in order."""
    contact = records()["contact"][0]
    scenario.batch_associate_default([(contact, k) for k in reversed(records()["company"])])
    scenario.read_back()


def test_random_sequences_hold_the_model() -> None:
    """Sequences drawn by Hypothesis keep the server and the reference model equal after every step."""
    target = selected()
    if not target.strict and not (records() and target.allow_writes):
        pytest.skip(
            "the live state machine needs HUBSPOT_CONTRACT_RECORDS and HUBSPOT_CONTRACT_ALLOW_WRITES=1"
        )
    GraphMachine.TestCase.settings = settings(
        max_examples=max(2, target.examples // 2),
        stateful_step_count=10,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=phases(),
    )
    GraphMachine.TestCase().runTest()
