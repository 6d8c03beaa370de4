"""Mutant emulators: each breaks one behaviour on purpose, so the contract suite can prove it fails."""
