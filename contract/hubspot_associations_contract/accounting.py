"""One harness for "no input lost or duplicated": a bulk job through the client, accounted.

Shared by the test suite (a few thousand inputs per release and profile, with faults and inputs
HubSpot refuses) and ``make bench`` (100,000 inputs). Every input must come back exactly once, as
done or as failed with HubSpot's category and message.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from hubspot_associations import AssociationType, HubSpotAssociations, RetryPolicy

__all__ = ["Accounting", "run_accounted"]


@dataclass
class Accounting:
    """What a bulk job returned, measured against what it was given."""

    inputs: int
    succeeded: int
    failed: int
    lost: int
    duplicated: int
    without_reason: int
    seconds: float
    categories: dict[str, int] = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        """Every input once, every failure with HubSpot's reason."""
        return not (self.lost or self.duplicated or self.without_reason)


def run_accounted(
    base_url: str,
    token: str,
    pairs: Sequence[tuple[str, str]],
    *,
    release: str = "v4",
    labelled: bool = True,
    batch_size: int = 100,
    concurrency: int = 4,
    rate_limit: tuple[int, float] | None = None,
    retry_policy: RetryPolicy | None = None,
) -> Accounting:
    """Associate every pair (with the unlabeled type, through batch create, when ``labelled``)
    and account for each input."""
    started = time.monotonic()
    with HubSpotAssociations(
        token,
        base_url=base_url,
        api_version=release,
        rate_limit=rate_limit,
        retry_policy=retry_policy,
    ) as client:
        if labelled:
            result = client.bulk.create(
                "contact", "company", pairs, [AssociationType.CONTACT_TO_COMPANY],
                batch_size=batch_size, concurrency=concurrency,
            )  # fmt: skip
        else:
            result = client.bulk.associate_default(
                "contact", "company", pairs, batch_size=batch_size, concurrency=concurrency
            )
    seen = collections.Counter([*result.succeeded, *(f.input for f in result.failed)])
    given = collections.Counter(pairs)
    categories = collections.Counter(str(f.category) for f in result.failed)
    return Accounting(
        inputs=len(pairs),
        succeeded=len(result.succeeded),
        failed=len(result.failed),
        lost=sum((given - seen).values()),
        duplicated=sum((seen - given).values()),
        without_reason=sum(1 for f in result.failed if not (f.category and f.reason)),
        seconds=time.monotonic() - started,
        categories=dict(categories),
    )
