"""``--record FILE``: the exchanges written down as the emulator's journal writes them, so that
``migrate-report`` (and ``--replay``) read them alike: JSON Lines (one entry a line, appended as
they come) or, for a ``.har`` file, HAR 1.2 (written whole at exit).

Never written: the ``Authorization``, ``Proxy-Authorization``, ``Cookie`` and ``Set-Cookie``
headers, nor the values of the ``hapikey`` and ``access_token`` query parameters (``REDACTED``).
Answers compressed on the wire are written decoded, without their ``Content-Encoding``.
"""

from __future__ import annotations

import atexit
import datetime
import json
import os
import threading
from pathlib import Path
from typing import Any, TextIO

from hubspot_associations_emulator.journal import DEFAULT_MAX_ENTRIES, Journal
from hubspot_associations_emulator.release_table import RELEASES
from hubspot_associations_emulator.routes import release_at

from ..specs import release_names
from ..wire import operation_of
from .exchange import Exchange

__all__ = ["DEFAULT_MAX_ENTRIES", "SECRET_HEADERS", "SECRET_QUERY", "Recording", "redact_query"]

SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
SECRET_QUERY = frozenset({"hapikey", "access_token"})
_CREATOR = {"name": "hubspot-associations proxy", "version": "1"}


def redact_query(query: str) -> str:
    """``query`` with the values of ``hapikey`` and ``access_token`` replaced by REDACTED."""
    parts = []
    for part in query.split("&"):
        name, equals, _ = part.partition("=")
        parts.append(f"{name}=REDACTED" if equals and name.lower() in SECRET_QUERY else part)
    return "&".join(parts)


def release_of(path: str) -> str | None:
    """The release whose path family serves ``path`` (None: no release's)."""
    return release_at(RELEASES, path)


def operation_id(method: str, path: str, release: str | None) -> str | None:
    """The operationId of a request in its release's strict spec, where there is one."""
    if release is None or release not in release_names():
        return None
    return operation_of(method, path, release)


def _pairs(headers: tuple[tuple[str, str], ...], drop: frozenset[str]) -> list[tuple[bytes, bytes]]:
    return [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in headers
        if name.lower() not in SECRET_HEADERS | drop
    ]


class Recording:
    """The first ``limit`` exchanges written to ``path`` (the rest counted in ``not_recorded``);
    HAR when the name ends in ``.har``, else the journal's JSON Lines."""

    def __init__(self, path: Path, upstream: str, limit: int = DEFAULT_MAX_ENTRIES) -> None:
        self.path = path
        self.upstream = upstream
        self.limit = limit
        self.har = path.suffix.lower() == ".har"
        self.recorded = 0
        self.not_recorded = 0
        # The journal makes each entry (same fields, same body records); it never drops one here:
        # the first ``limit`` are kept, not the last.
        self._journal = Journal(max_entries=max(limit, 1), max_bytes=2**62)
        self._lock = threading.Lock()
        self._closed = False
        self._file: TextIO | None = None
        if self.har:
            # An empty but valid file at once: a process killed outright still leaves a HAR file.
            self._write_har()
            atexit.register(self.close)
        else:
            self._file = path.open("w", encoding="utf-8")

    def add(self, exchange: Exchange) -> None:
        """Write one exchange down (or count it, past the limit)."""
        with self._lock:
            if self._closed or self.recorded >= self.limit:
                self.not_recorded += 1
                return
            self.recorded += 1
            entry = self._entry(exchange)
            if self._file is not None:
                self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
                self._file.flush()
                self._journal.entries.clear()

    def _entry(self, exchange: Exchange) -> dict[str, Any]:
        body = exchange.decoded_response_body()
        decoded = body is not exchange.response_body
        # A decoded body's coding and length describe the wire, no longer the body written.
        drop = frozenset({"content-encoding", "content-length"}) if decoded else frozenset()
        release = release_of(exchange.path)
        started = datetime.datetime.fromisoformat(exchange.started.replace("Z", "+00:00"))
        self._journal.record(
            started=started,
            seconds=exchange.seconds,
            operation_id=operation_id(exchange.method, exchange.path, release),
            release=release,
            scope={
                "method": exchange.method,
                "path": exchange.path,
                "query_string": redact_query(exchange.query).encode("latin-1"),
                "headers": _pairs(exchange.request_headers, frozenset()),
            },
            request_body=exchange.request_body,
            status=exchange.status,
            response_headers=_pairs(exchange.response_headers, drop),
            response_body=body,
            injected=None,
        )
        return self._journal.entries[-1]

    def _write_har(self) -> None:
        har = self._journal.har(self.upstream)
        har["log"]["creator"] = _CREATOR
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(har, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, self.path)

    def close(self) -> None:
        """Finish the file (HAR: written whole now); later exchanges are only counted."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._file is not None:
                self._file.close()
            else:
                self._write_har()
