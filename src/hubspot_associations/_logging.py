"""The client's log lines, and HUBSPOT_ASSOCIATIONS_LOG=debug|info to show them on stderr.

Everything logs to the ``hubspot_associations`` logger, so an application that configures
logging itself needs no variable. The variable is for a quick look: ``info`` prints one line per
answer (operation, method, path, status, time, HubSpot's correlation ID) and every retry;
``debug`` adds the headers both ways, the token never among them.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from typing import Final

import httpx

from ._calls.raw import CORRELATION_HEADER

__all__ = ["LOG_ENV", "configure_from_env", "log_answer", "logger"]

LOG_ENV: Final = "HUBSPOT_ASSOCIATIONS_LOG"
logger = logging.getLogger("hubspot_associations")
_LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO}
_SECRET_HEADERS: Final = frozenset({"authorization", "cookie", "set-cookie"})


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler the variable installs (one, however many clients are built)."""


def configure_from_env() -> None:
    """Show the client's log on stderr at the level HUBSPOT_ASSOCIATIONS_LOG names, if set."""
    value = os.environ.get(LOG_ENV, "").strip().lower()
    if not value:
        return
    level = _LEVELS.get(value)
    if level is None:
        warnings.warn(
            f"{LOG_ENV}={value!r} is not one of {', '.join(_LEVELS)}; the client's log stays off",
            RuntimeWarning,
            stacklevel=3,
        )
        return
    logger.setLevel(level)
    if not any(isinstance(h, _EnvHandler) for h in logger.handlers):
        handler = _EnvHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


def log_answer(operation_id: str, response: httpx.Response, seconds: float) -> None:
    """One line per answer at info; the headers of both ways at debug."""
    if not logger.isEnabledFor(logging.INFO):
        return
    request = response.request
    logger.info(
        "%s: %s %s -> %d in %.3f s (correlation id %s)",
        operation_id, request.method, request.url.path, response.status_code, seconds,
        response.headers.get(CORRELATION_HEADER, "none"),
    )  # fmt: skip
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s: request headers %s; answer headers %s",
            operation_id, _shown(request.headers), _shown(response.headers),
        )  # fmt: skip


def _shown(headers: httpx.Headers) -> dict[str, str]:
    return {
        name: "<redacted>" if name.lower() in _SECRET_HEADERS else value
        for name, value in headers.items()
    }
