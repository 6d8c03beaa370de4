"""The model-based state machine: Hypothesis draws the steps of a :class:`Scenario`.

After every step the invariant reads every record from both sides and compares with the model.
Against a live portal the machine writes only with ``HUBSPOT_CONTRACT_ALLOW_WRITES=1`` on the
records of ``HUBSPOT_CONTRACT_RECORDS``, sets no limits (a portal's limits are shared with
everything else) and removes what it created when the run ends, failed or not.
"""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from .model import PRIMARY, UNLABELED, Kind
from .scenario import Scenario, records

__all__ = ["LABEL_NAMES", "GraphMachine"]

# The model's keys of the labels a run may create (each named leftovers.label_name(key, tag)).
LABEL_NAMES = ("alpha", "beta", "gamma")


def _writes(machine: GraphMachine) -> bool:
    return machine.scenario.target.allow_writes and bool(records())


def _paired(machine: GraphMachine) -> list[str]:
    return sorted(n for n, label in machine.scenario.graph.labels.items() if label.paired)


def _has_pairs(machine: GraphMachine) -> bool:
    return _writes(machine) and bool(machine.scenario.graph.pairs)


class GraphMachine(RuleBasedStateMachine):
    """Writes drawn by Hypothesis, each judged, the whole graph read back after each one."""

    def __init__(self) -> None:
        super().__init__()
        self.scenario = Scenario()

    @initialize()
    def start(self) -> None:
        """An empty emulator, or the live records as they are."""
        self.scenario.start()

    def teardown(self) -> None:
        """Remove what was created (live), close the client."""
        self.scenario.close()

    def _contact(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(records()["contact"]), label="contact")

    def _company(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(records()["company"]), label="company")

    def _kinds(self, data: st.DataObject) -> list[Kind]:
        options = [PRIMARY, *self.scenario.graph.labels]
        return data.draw(st.lists(st.sampled_from(options), max_size=2, unique=True), label="kinds")

    def _pairs(self, data: st.DataObject) -> list[tuple[str, str]]:
        pair = st.tuples(
            st.sampled_from(records()["contact"]), st.sampled_from(records()["company"])
        )
        return data.draw(st.lists(pair, min_size=1, max_size=3, unique=True), label="pairs")

    def _known_pair(self, data: st.DataObject) -> tuple[str, str]:
        return data.draw(st.sampled_from(sorted(self.scenario.graph.pairs)), label="pair")

    @precondition(_writes)
    @rule(data=st.data())
    def associate_default(self, data: st.DataObject) -> None:
        """The unlabeled type between two records."""
        self.scenario.associate_default(self._contact(data), self._company(data))

    @precondition(_writes)
    @rule(data=st.data())
    def associate_with_labels(self, data: st.DataObject) -> None:
        """Primary and labels between two records."""
        self.scenario.associate_with_labels(
            self._contact(data), self._company(data), self._kinds(data)
        )

    @precondition(_writes)
    @rule(data=st.data())
    def batch_create_associations(self, data: st.DataObject) -> None:
        """Several pairs with the same kinds."""
        self.scenario.batch_create(self._pairs(data), self._kinds(data))

    @precondition(_writes)
    @rule(data=st.data())
    def batch_associate_default(self, data: st.DataObject) -> None:
        """Several pairs, unlabeled."""
        self.scenario.batch_associate_default(self._pairs(data))

    @precondition(_has_pairs)
    @rule(data=st.data())
    def remove_associations(self, data: st.DataObject) -> None:
        """One association removed, from either side."""
        contact, company = self._known_pair(data)
        self.scenario.remove(contact, company, from_company=data.draw(st.booleans()))

    @precondition(_has_pairs)
    @rule(data=st.data())
    def batch_remove_associations(self, data: st.DataObject) -> None:
        """Several associations removed."""
        pairs = sorted(self.scenario.graph.pairs)
        chosen = data.draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=2, unique=True))
        self.scenario.batch_remove(chosen)

    @precondition(_has_pairs)
    @rule(data=st.data())
    def batch_remove_labels(self, data: st.DataObject) -> None:
        """One kind removed from one association."""
        contact, company = self._known_pair(data)
        kinds = [UNLABELED, PRIMARY, *self.scenario.graph.labels]
        self.scenario.remove_kind(contact, company, data.draw(st.sampled_from(kinds)))

    @precondition(lambda self: _writes(self) and len(self.scenario.graph.labels) < len(LABEL_NAMES))
    @rule(data=st.data())
    def create_label(self, data: st.DataObject) -> None:
        """A custom label, paired or not."""
        free = [n for n in LABEL_NAMES if n not in self.scenario.graph.labels]
        self.scenario.create_label(data.draw(st.sampled_from(free)), data.draw(st.booleans()))

    @precondition(lambda self: _writes(self) and bool(_paired(self)))
    @rule(data=st.data())
    def update_label(self, data: st.DataObject) -> None:
        """A paired label renamed (both directions)."""
        self.scenario.rename_label(data.draw(st.sampled_from(_paired(self))))

    @precondition(lambda self: _writes(self) and bool(self.scenario.graph.labels))
    @rule(data=st.data())
    def delete_label(self, data: st.DataObject) -> None:
        """A custom label deleted."""
        self.scenario.delete_label(data.draw(st.sampled_from(sorted(self.scenario.graph.labels))))

    @precondition(lambda self: self.scenario.target.strict)
    @rule(data=st.data())
    def create_or_update_limits(self, data: st.DataObject) -> None:
        """A limit of 1 to 5 records on the unlabeled type or a label, either direction (up to 5,
        so that three records can be near a limit as well as at it)."""
        kind = data.draw(st.sampled_from([UNLABELED, *self.scenario.graph.labels]))
        side = data.draw(st.sampled_from(["contact", "company"]))
        self.scenario.set_limit(kind, side, data.draw(st.integers(1, 5)))

    @precondition(lambda self: self.scenario.target.strict and bool(self.scenario.graph.limits))
    @rule(data=st.data())
    def purge_limits(self, data: st.DataObject) -> None:
        """A limit back to the system default."""
        self.scenario.purge_limit(data.draw(st.sampled_from(sorted(self.scenario.graph.limits))))

    @invariant()
    def the_server_holds_the_model(self) -> None:
        """Every record, read from both sides, agrees with itself and with the model."""
        self.scenario.read_back()
