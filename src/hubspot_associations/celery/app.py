"""A ready Celery app with the fleet's settings and the package's task (the CLI's worker)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ._settings import CELERY_SETTINGS, DAILY_WAIT_HOP_SETTING, VISIBILITY_TIMEOUT
from .tasks import register_tasks
from .tokens import TokenSource

if TYPE_CHECKING:
    import celery

__all__ = ["DAILY_WAIT_HOP_ENV", "VISIBILITY_TIMEOUT_ENV", "make_app"]

# Environment overrides for a worker or submitter started by the CLI (the tests shorten both;
# the submitter and every worker must agree on the visibility timeout).
VISIBILITY_TIMEOUT_ENV = "HUBSPOT_ASSOCIATIONS_VISIBILITY_TIMEOUT"
DAILY_WAIT_HOP_ENV = "HUBSPOT_ASSOCIATIONS_DAILY_WAIT_HOP"


def make_app(
    broker_url: str,
    *,
    redis_url: str | None = None,
    tokens: TokenSource | None = None,
    daily_limit: int | None = None,
) -> celery.Celery:
    """A Celery app on ``broker_url`` with CELERY_SETTINGS and the run_chunk task."""
    import celery

    app = celery.Celery("hubspot_associations", broker=broker_url, set_as_current=False)
    settings = dict(CELERY_SETTINGS)
    visibility = _seconds(VISIBILITY_TIMEOUT_ENV) or VISIBILITY_TIMEOUT
    settings["broker_transport_options"] = {
        **CELERY_SETTINGS["broker_transport_options"],
        "visibility_timeout": visibility,
    }
    hop = _seconds(DAILY_WAIT_HOP_ENV)
    if hop is not None:
        settings[DAILY_WAIT_HOP_SETTING] = hop
    app.conf.update(settings)
    register_tasks(app, tokens=tokens, redis_url=redis_url, daily_limit=daily_limit)
    return app


def _seconds(name: str) -> float | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < 86_400:
        raise ValueError(f"{name} must be a number of seconds above 0, got {text!r}")
    return value
