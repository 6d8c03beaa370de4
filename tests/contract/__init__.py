"""Tests of the shipped contract suite (hubspot_associations_contract) as users run it."""
