"""``hubspot-associations proxy``: a recording, validating proxy in front of a HubSpot portal,
comparing its answers with an in-process emulator's (``--shadow``).

Parts: ``exchange`` (the shared types), ``forward`` (the HTTP proxy), ``recording`` (the
journal's JSONL or HAR), ``validation`` (the contract suite's single-exchange checks),
``shadow`` (the comparison), ``command`` (the command line and the summary).
"""

from __future__ import annotations

from .exchange import CATEGORIES, Difference, Exchange, Finding

__all__ = ["CATEGORIES", "Difference", "Exchange", "Finding"]
