"""Bulk jobs on a Celery fleet: any worker runs a chunk, one budget per app and portal, inputs once.

Needs the ``[celery]`` extra (``pip install 'hubspot-associations[celery]'``: Celery with its Redis
transport, and redis-py for the job ledger and the shared window). Register the task in your own
app with :func:`register_tasks`, or take :func:`make_app`'s ready one; create a job in the
:class:`JobLedger` and submit its chunks. Messages carry the portal ID, never a token: each
worker resolves tokens with its :class:`TokenSource`.
"""

from __future__ import annotations

import importlib.util

# Checked here, before any submodule imports them: a missing extra names the pip line, not a
# traceback from deep inside the task module.
for _needed in ("celery", "redis"):
    if importlib.util.find_spec(_needed) is None:
        raise ImportError(
            f"hubspot_associations.celery needs {_needed}: "
            "pip install 'hubspot-associations[celery]'"
        )

from ._settings import (  # noqa: E402 - after the check above
    CELERY_SETTINGS,
    CHAIN_SECONDS,
    DAILY_WAIT_HOP,
    KEEP_FINISHED_JOBS,
    LEASE_SECONDS,
    PORTAL_CHUNKS,
    TASK_NAME,
    VISIBILITY_TIMEOUT,
)
from .app import make_app  # noqa: E402
from .ledger import JobLedger, JobSpec, JobStatus, Outcome  # noqa: E402
from .tasks import register_tasks  # noqa: E402
from .tokens import TokenSource  # noqa: E402

__all__ = [
    "CELERY_SETTINGS",
    "CHAIN_SECONDS",
    "DAILY_WAIT_HOP",
    "KEEP_FINISHED_JOBS",
    "LEASE_SECONDS",
    "PORTAL_CHUNKS",
    "TASK_NAME",
    "VISIBILITY_TIMEOUT",
    "JobLedger",
    "JobSpec",
    "JobStatus",
    "Outcome",
    "TokenSource",
    "make_app",
    "register_tasks",
]
