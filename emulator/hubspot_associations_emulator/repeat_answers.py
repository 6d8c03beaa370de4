"""How the emulator answers a write repeated after its first answer was lost, where HubSpot's
documents are silent: deleting a label that is gone, purging a limit that is not set, creating a
limit that exists. Each choice is inferred; a client must end right under every one of them, so the
emulator can play each (``--repeat-answers``, ``PUT /_emulator/config``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

__all__ = ["CHOICES", "DEFAULTS", "parse_repeat_answers", "repeat_answers"]

# operationId -> the answers it may give, the default (what the emulator always did) first.
CHOICES: Final[dict[str, tuple[str, ...]]] = {
    # 400 INVALID_ASSOCIATION_TYPE_ID (as for any unknown type ID), 404, or 204 as if deleted.
    "delete_label": ("400", "404", "204"),
    # 204 (a missing limit is ignored), 400 VALIDATION_ERROR for the whole batch, or 404.
    "purge_limits": ("204", "400", "404"),
    # Each existing limit an error inside the batch answer (207, or 200 where the release answers
    # 200 only), or a 400 for the whole batch.
    "create_limits": ("per-input", "400"),
}
DEFAULTS: Final[dict[str, str]] = {op: choices[0] for op, choices in CHOICES.items()}


def repeat_answers(chosen: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    """Every operation's answer: the defaults, overridden by ``chosen`` (checked)."""
    items = chosen.items() if isinstance(chosen, Mapping) else chosen
    out = dict(DEFAULTS)
    for operation, answer in items:
        if operation not in CHOICES:
            raise ValueError(
                f"repeat answers: {operation!r} is not one of {', '.join(sorted(CHOICES))}"
            )
        if answer not in CHOICES[operation]:
            raise ValueError(
                f"repeat answers: {operation} answers {' or '.join(CHOICES[operation])}, "
                f"not {answer!r}"
            )
        out[operation] = answer
    return out


def parse_repeat_answers(text: str) -> tuple[tuple[str, str], ...]:
    """``delete_label=404,create_limits=400`` as (operationId, answer) pairs (checked)."""
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        operation, sep, answer = part.partition("=")
        if not sep:
            raise ValueError(f"repeat answers: {part!r} is not OPERATION=ANSWER")
        pairs.append((operation.strip(), answer.strip()))
    repeat_answers(pairs)
    return tuple(pairs)
