"""What a live run writes on a portal, so that it can always be found and removed again.

Labels the suite creates carry the reserved prefix :data:`PREFIX` and the run's tag in both their
internal name and their wording (``hsa_contract_alpha_6938c2a1f3e0``; renames only append words),
so a label is found by its wording whatever was done to it: at the end of each scenario by the
run's tag, and by a later sweep when its tag is in this machine's ledger (a run that was killed or
lost the network) or older than :data:`LONGEST_RUN_SECONDS` (the tag starts with the run's start
time), never a fresh tag of a run going on elsewhere. Associations cannot carry a name: what a run
writes is noted in the ledger (:mod:`.ledger`) and put back by :mod:`.restoring`.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable

from hubspot_associations import APIStatusError, HubSpotAssociations

__all__ = [
    "LONGEST_RUN_SECONDS",
    "PREFIX",
    "RUN_TAG_VARIABLE",
    "label_name",
    "new_run_tag",
    "of_run",
    "remove_labels",
    "reserved",
    "sweepable",
    "tag_age",
    "tag_of",
]

# HubSpot refuses hyphens and a leading digit in a label's name: letters, digits and "_" only.
PREFIX = "hsa_contract_"
RUN_TAG_VARIABLE = "HUBSPOT_CONTRACT_RUN_TAG"
TAG_TIME_DIGITS, TAG_RANDOM_DIGITS = 8, 4
# No run lasts longer: an older run's labels are leftovers, whoever made them.
LONGEST_RUN_SECONDS = 2 * 60 * 60
# The directions the suite creates labels in (contact→company; paired ones show on both sides).
DIRECTIONS = (("contact", "company"), ("company", "contact"))


def new_run_tag(now: float | None = None) -> str:
    """The run's start (Unix seconds, 8 hex digits) and 4 random hex digits: unique per run, and
    a label's age can be read from its name (HubSpot keeps no creation time on labels)."""
    started = int(time.time() if now is None else now)
    return f"{started:0{TAG_TIME_DIGITS}x}{secrets.token_hex(TAG_RANDOM_DIGITS // 2)}"


def label_name(key: str, tag: str) -> str:
    """The internal name (and wording) of one of the suite's labels in one run."""
    return f"{PREFIX}{key}_{tag}"


def _first_word(wording: object) -> str:
    # A listed label's text may be absent (HubSpot-defined types): no word then.
    return wording.split(" ", 1)[0] if isinstance(wording, str) else ""


def reserved(wording: object) -> bool:
    """A label wording of the suite, from any run."""
    return _first_word(wording).startswith(PREFIX)


def of_run(wording: object, tag: str) -> bool:
    """A label wording of the suite's run ``tag`` (renamed any number of times or not)."""
    return reserved(wording) and _first_word(wording).endswith(f"_{tag}")


def remove_labels(client: HubSpotAssociations, wanted: Callable[[object], bool]) -> list[str]:
    """Delete every custom contact/company label whose wording ``wanted(wording)`` accepts, in
    both directions; the wordings removed. A delete whose answer was lost is confirmed by listing
    again (the resend finds nothing to delete)."""
    removed: list[str] = []
    for from_type, to_type in DIRECTIONS:
        for found in client.labels.list(from_type, to_type):
            if str(found.category) != "USER_DEFINED" or not wanted(found.label):
                continue
            try:
                client.labels.delete(from_type, to_type, found.type_id)
            except APIStatusError:
                still = {t.type_id for t in client.labels.list(from_type, to_type)}
                if found.type_id in still:
                    raise
            removed.append(f"{found.label!s} (typeId {found.type_id}, {from_type}→{to_type})")
    return removed


def tag_of(wording: object) -> str | None:
    """The run tag in one of the suite's label wordings (None: not the suite's)."""
    if not reserved(wording):
        return None
    return _first_word(wording).rsplit("_", 1)[-1]


def tag_age(tag: str, now: float) -> float | None:
    """Seconds since the run ``tag`` started (None: a tag without its time, from an earlier
    version of the suite)."""
    if len(tag) != TAG_TIME_DIGITS + TAG_RANDOM_DIGITS:
        return None
    try:
        return now - int(tag[:TAG_TIME_DIGITS], 16)
    except ValueError:
        return None


def sweepable(wording: object, known: Iterable[str], now: float | None = None) -> bool:
    """A label the sweep may delete: of a run this machine's ledger names, or of a run started
    longer ago than the longest run (another runner's live run is never swept under it)."""
    tag = tag_of(wording)
    if tag is None:
        return False
    if tag in set(known):
        return True
    age = tag_age(tag, time.time() if now is None else now)
    return age is None or age > LONGEST_RUN_SECONDS
