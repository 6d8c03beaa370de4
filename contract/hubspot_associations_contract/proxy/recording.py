"""``--record FILE``: the exchanges written down as the emulator's journal writes them, so that
``migrate-report`` (and ``--replay``) read them alike: JSON Lines (one entry a line, written as
each answer goes back, so a process killed outright loses at most the exchanges in flight) or,
for a ``.har`` file, HAR 1.2 (written whole at exit: a killed proxy leaves an empty one).

The file is never overwritten: one that already holds a recording is refused, and an exclusive
lock (``flock``) keeps a second proxy from recording into it while this one does. Bodies past
64 KiB are kept cut, with their size and SHA-256 (HAR: ``_truncated`` and ``_sha256`` of the
``content`` or ``postData``).

Never written: the ``Authorization``, ``Proxy-Authorization``, ``Cookie`` and ``Set-Cookie``
headers, nor the values of the ``hapikey`` and ``access_token`` query parameters (``REDACTED``).
Answers compressed on the wire are written decoded, without their ``Content-Encoding``.
"""

from __future__ import annotations

import atexit
import datetime
import json
import threading
from pathlib import Path
from typing import Any, TextIO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, as the CLI's results file
    fcntl = None  # type: ignore[assignment]

from hubspot_associations_emulator.journal import DEFAULT_MAX_ENTRIES, Journal
from hubspot_associations_emulator.release_table import RELEASES
from hubspot_associations_emulator.routes import release_at

from hubspot_associations.cli._migration.objects import object_call

from ..specs import release_names
from ..wire import operation_of
from .exchange import Exchange

__all__ = [
    "DEFAULT_MAX_ENTRIES",
    "SECRET_HEADERS",
    "SECRET_QUERY",
    "Recording",
    "RecordingRefused",
    "redact_query",
]

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
    """The operationId of a request in its release's strict spec, else the object call's
    (``create_object``, … as the emulator's journal and the shadow name it), else None."""
    if release is not None and release in release_names():
        found = operation_of(method, path, release)
        if found is not None:
            return found
    call = object_call(method, path)
    return call.operation if call is not None else None


class RecordingRefused(Exception):
    """The ``--record`` file cannot be recorded into; the message says why and what to do."""


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
        self._created = not path.exists()
        # Appending, never truncating: the lock is taken before anything is written.
        self._file: TextIO = path.open("a", encoding="utf-8")
        self._take_lock()
        if path.stat().st_size:
            self._file.close()
            raise RecordingRefused(
                f"{path} already holds a recording: give another file, or delete it"
            )
        if self.har:
            # An empty but valid file at once: a process killed outright still leaves a HAR file.
            self._write_har()
            atexit.register(self.close)

    def _take_lock(self) -> None:
        if fcntl is None:  # pragma: no cover - Windows
            return
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise RecordingRefused(
                f"{self.path}: another proxy records there right now; give this one its own "
                "--record file"
            ) from None

    def add(self, exchange: Exchange) -> None:
        """Write one exchange down (or count it, past the limit)."""
        with self._lock:
            if self._closed or self.recorded >= self.limit:
                self.not_recorded += 1
                return
            self.recorded += 1
            entry = self._entry(exchange)
            if not self.har:
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
        for entry, kept in zip(har["log"]["entries"], self._journal.entries, strict=True):
            # HAR has no field for a cut body: its size and SHA-256 as fields of our own.
            for part, body in (
                (entry["request"].get("postData"), kept["requestBody"]),
                (entry["response"]["content"], kept["responseBody"]),
            ):
                if part is not None and body.get("truncated"):
                    part.update(_truncated=True, _sha256=body["sha256"])
        # In place, through the locked handle (a new file by rename would not be locked).
        self._file.seek(0)
        self._file.truncate()
        self._file.write(json.dumps(har, ensure_ascii=False, indent=1))
        self._file.flush()

    def discard(self) -> None:
        """Leave the file as it was found (empty, or none): the proxy never started."""
        with self._lock:
            self._closed = True
            self._file.seek(0)
            self._file.truncate()
            if self._created:
                self.path.unlink(missing_ok=True)
            self._file.close()

    def close(self) -> None:
        """Finish the file (HAR: written whole now); later exchanges are only counted."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self.har:
                self._write_har()
            self._file.close()
