"""The backend against a small model: random sequences of writes keep both directions, the
unlabeled type and primary uniqueness exactly as the model predicts."""

from __future__ import annotations

from hubspot_associations_emulator import EmulatorConfig
from hubspot_associations_emulator.backend import Backend
from hubspot_associations_emulator.store import Store
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

CONTACT, COMPANY = "0-1", "0-2"
UNLABELED, PRIMARY = 279, 1
contacts = st.integers(1, 3)
companies = st.integers(2**32, 2**32 + 3)


class AssociationModel(RuleBasedStateMachine):
    """Contacts and companies, written through the backend and mirrored in a dict."""

    def __init__(self) -> None:
        super().__init__()
        self.backend = Backend(Store(), EmulatorConfig())
        made = self.backend.create_label(CONTACT, COMPANY, "billing", "Billing", "Billed")
        self.label, self.label_inverse = made[0].type_id, made[1].type_id
        self.inverse = {UNLABELED: 280, PRIMARY: 2, self.label: self.label_inverse}
        self.model: dict[tuple[int, int], set[int]] = {}

    def _add(self, contact: int, company: int, types: set[int]) -> None:
        if PRIMARY in types:
            for (c, _), held in self.model.items():
                if c == contact:
                    held.discard(PRIMARY)
        self.model.setdefault((contact, company), set()).update({UNLABELED, *types})

    @rule(contact=contacts, company=companies)
    def default(self, contact: int, company: int) -> None:
        """A default association."""
        self.backend.associate_default(CONTACT, contact, COMPANY, company)
        self._add(contact, company, set())

    @rule(contact=contacts, company=companies)
    def default_in_batch(self, contact: int, company: int) -> None:
        """A default association through batch/associate/default."""
        outcome = self.backend.batch_associate_default(CONTACT, COMPANY, [(contact, company)])
        assert not outcome.errors
        self._add(contact, company, set())

    @rule(contact=contacts, company=companies, primary=st.booleans(), label=st.booleans())
    def labelled(self, contact: int, company: int, primary: bool, label: bool) -> None:
        """A labelled association from the contact side."""
        types = {t for t, on in ((PRIMARY, primary), (self.label, label)) if on}
        specs = [("HUBSPOT_DEFINED" if t == PRIMARY else "USER_DEFINED", t) for t in types]
        self.backend.associate_with_labels(CONTACT, contact, COMPANY, company, specs)
        self._add(contact, company, types)

    @rule(contact=contacts, company=companies)
    def primary_from_company(self, contact: int, company: int) -> None:
        """The company makes itself the contact's primary company (type 2)."""
        outcome = self.backend.batch_create_associations(
            COMPANY, CONTACT, [(company, contact, [("HUBSPOT_DEFINED", 2)])]
        )
        assert not outcome.errors
        self._add(contact, company, {PRIMARY})

    @rule(contact=contacts, company=companies)
    def delete(self, contact: int, company: int) -> None:
        """A whole association removed."""
        self.backend.remove_associations(CONTACT, contact, COMPANY, company)
        self.model.pop((contact, company), None)

    @rule(contact=contacts, company=companies)
    def batch_delete(self, contact: int, company: int) -> None:
        """A whole association removed through batch/archive, seen from the company."""
        self.backend.batch_remove_associations(COMPANY, CONTACT, [(company, [contact])])
        self.model.pop((contact, company), None)

    @rule(
        contact=contacts,
        company=companies,
        which=st.sampled_from(["primary", "label", "unlabeled"]),
    )
    def archive_label(self, contact: int, company: int, which: str) -> None:
        """One type removed; removing the unlabeled one removes the association."""
        type_id = {"primary": PRIMARY, "label": self.label, "unlabeled": UNLABELED}[which]
        category = "USER_DEFINED" if type_id == self.label else "HUBSPOT_DEFINED"
        self.backend.batch_remove_labels(
            CONTACT, COMPANY, [(contact, company, [(category, type_id)])]
        )
        if type_id == UNLABELED:
            self.model.pop((contact, company), None)
        elif (contact, company) in self.model:
            self.model[(contact, company)].discard(type_id)

    @invariant()
    def both_sides_match_the_model(self) -> None:
        """Every contact's page and every company's page show exactly the model's types."""
        for contact in range(1, 4):
            page = self.backend.list_associations(CONTACT, contact, COMPANY, 0, 500)
            got = {to: sorted(t.type_id for t in ts) for to, ts in page.items}
            want = {k: sorted(ts) for (c, k), ts in self.model.items() if c == contact}
            assert got == want
        for company in range(2**32, 2**32 + 4):
            page = self.backend.list_associations(COMPANY, company, CONTACT, 0, 500)
            got = {to: sorted(t.type_id for t in ts) for to, ts in page.items}
            want = {
                c: sorted(self.inverse[t] for t in ts)
                for (c, k), ts in self.model.items()
                if k == company
            }
            assert got == want

    @invariant()
    def one_primary_company_per_contact(self) -> None:
        """No contact ever has two primary companies."""
        for contact in range(1, 4):
            page = self.backend.list_associations(CONTACT, contact, COMPANY, 0, 500)
            assert sum(PRIMARY in {t.type_id for t in ts} for _, ts in page.items) <= 1


AssociationModel.TestCase.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=None
)
TestAssociationModel = AssociationModel.TestCase
