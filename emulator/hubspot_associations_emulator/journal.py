"""The request journal: every request to a HubSpot path, in order, with the answer it got.

Each entry holds the time, operationId, release, method, path, query, the request's headers
(never ``Authorization`` nor ``Cookie``) and body, the status, the answer's headers and body, and
the fault injected (None when the emulator answered as HubSpot would). The journal is bounded by
entries and by bytes: the oldest entries go first, and are counted in ``dropped``. A body past
64 KiB is kept cut to 64 KiB, with its full length and SHA-256. It exports as JSONL (one entry per
line) and as HAR 1.2, the format browsers, proxies and HTTP tools write.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BODY_KEPT", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_ENTRIES", "Journal", "body_record"]

DEFAULT_MAX_ENTRIES = 10_000
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
BODY_KEPT = 64 * 1024
# Never written down: the token, and anything a browser would keep secret.
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
_CREATOR = {"name": "hubspot-associations-emulator", "version": "1"}


def body_record(raw: bytes) -> dict[str, Any]:
    """A body as the journal keeps it: ``text`` (UTF-8) or ``base64``, ``size``, and past 64 KiB
    ``truncated`` with the whole body's ``sha256``."""
    kept = raw[:BODY_KEPT]
    out: dict[str, Any] = {"size": len(raw)}
    try:
        out["text"] = kept.decode("utf-8")
    except UnicodeDecodeError:
        out["base64"] = base64.b64encode(kept).decode("ascii")
    if len(raw) > BODY_KEPT:
        out["truncated"] = True
        out["sha256"] = hashlib.sha256(raw).hexdigest()
    return out


def _headers(pairs: list[tuple[bytes, bytes]]) -> list[list[str]]:
    return [
        [name.decode("latin-1"), value.decode("latin-1")]
        for name, value in pairs
        if name.decode("latin-1").lower() not in SECRET_HEADERS
    ]


@dataclass
class Journal:
    """The bounded, ordered record of HubSpot-path requests since the last reset."""

    max_entries: int = DEFAULT_MAX_ENTRIES
    max_bytes: int = DEFAULT_MAX_BYTES
    enabled: bool = True
    entries: deque[dict[str, Any]] = field(default_factory=deque)
    dropped: int = 0
    _bytes: int = 0
    _sizes: deque[int] = field(default_factory=deque)

    def configure(
        self,
        *,
        max_entries: int | None = None,
        max_bytes: int | None = None,
        enabled: bool | None = None,
    ) -> None:
        """New bounds (applied at once) or the journal on or off; None keeps a setting."""
        if max_entries is not None:
            self.max_entries = max_entries
        if max_bytes is not None:
            self.max_bytes = max_bytes
        if enabled is not None:
            self.enabled = enabled
        self._trim()

    def _trim(self) -> None:
        while self.entries and (
            len(self.entries) > self.max_entries or self._bytes > self.max_bytes
        ):
            self.entries.popleft()
            self._bytes -= self._sizes.popleft()
            self.dropped += 1

    def clear(self) -> None:
        """Forget every entry (a reset)."""
        self.entries.clear()
        self._sizes.clear()
        self._bytes = 0
        self.dropped = 0

    def record(
        self,
        *,
        started: datetime.datetime,
        seconds: float,
        operation_id: str | None,
        release: str | None,
        scope: Mapping[str, Any],
        request_body: bytes,
        status: int | None,
        response_headers: list[tuple[bytes, bytes]],
        response_body: bytes,
        injected: str | None,
        portal_id: int | None = None,
    ) -> None:
        """Add one exchange (of the portal ``portal_id``), dropping the oldest entries past the
        bounds."""
        if not self.enabled:
            return
        entry = {
            "time": started.isoformat().replace("+00:00", "Z"),
            "durationMs": round(seconds * 1000, 3),
            "operationId": operation_id,
            "release": release,
            "method": scope["method"],
            "path": scope["path"],
            "query": scope.get("query_string", b"").decode("latin-1"),
            "requestHeaders": _headers(list(scope.get("headers", []))),
            "requestBody": body_record(request_body),
            "status": status,
            "responseHeaders": _headers(response_headers),
            "responseBody": body_record(response_body),
            "injected": injected,
            "portalId": portal_id,
        }
        # What the entry holds, near enough for a bound: its bodies and headers plus the fixed
        # fields (a json.dumps per request would cost more than the rest of the recording).
        size = (
            256
            + min(len(request_body), BODY_KEPT)
            + min(len(response_body), BODY_KEPT)
            + sum(len(k) + len(v) for k, v in (*entry["requestHeaders"], *entry["responseHeaders"]))
        )
        self.entries.append(entry)
        self._sizes.append(size)
        self._bytes += size
        self._trim()

    def describe(self) -> dict[str, Any]:
        """The journal as the control API shows it."""
        return {
            "entries": list(self.entries),
            "dropped": self.dropped,
            "maxEntries": self.max_entries,
            "maxBytes": self.max_bytes,
            "enabled": self.enabled,
        }

    def jsonl(self) -> str:
        """One JSON entry per line, oldest first."""
        return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in self.entries)

    def har(self, base_url: str) -> dict[str, Any]:
        """The journal as a HAR 1.2 log (``base_url`` completes each request's URL)."""
        return {"log": {"version": "1.2", "creator": _CREATOR,
                        "entries": [_har_entry(e, base_url) for e in self.entries]}}  # fmt: skip


def _pairs(headers: list[list[str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in headers]


def _content_type(headers: list[list[str]]) -> str:
    for name, value in headers:
        if name.lower() == "content-type":
            return value
    return ""


def _har_entry(entry: dict[str, Any], base_url: str) -> dict[str, Any]:
    query = entry["query"]
    url = base_url.rstrip("/") + entry["path"] + (f"?{query}" if query else "")
    pairs = [part.partition("=") for part in query.split("&") if part]
    request: dict[str, Any] = {
        "method": entry["method"], "url": url, "httpVersion": "HTTP/1.1", "cookies": [],
        "headers": _pairs(entry["requestHeaders"]),
        "queryString": [{"name": k, "value": v} for k, _, v in pairs],
        "headersSize": -1, "bodySize": entry["requestBody"]["size"],
    }  # fmt: skip
    if entry["requestBody"]["size"]:
        request["postData"] = {
            "mimeType": _content_type(entry["requestHeaders"]),
            "text": entry["requestBody"].get("text", ""),
        }
    body = entry["responseBody"]
    content: dict[str, Any] = {"size": body["size"],
                               "mimeType": _content_type(entry["responseHeaders"])}  # fmt: skip
    if "text" in body:
        content["text"] = body["text"]
    else:
        content.update(text=body["base64"], encoding="base64")
    response = {
        # A dropped connection has no answer: HAR writes status 0 for a request that got none.
        "status": entry["status"] or 0, "statusText": "", "httpVersion": "HTTP/1.1",
        "cookies": [], "headers": _pairs(entry["responseHeaders"]), "content": content,
        "redirectURL": "", "headersSize": -1, "bodySize": body["size"],
    }  # fmt: skip
    return {
        "startedDateTime": entry["time"],
        "time": entry["durationMs"],
        "request": request,
        "response": response,
        "cache": {},
        "timings": {"send": 0, "wait": entry["durationMs"], "receive": 0},
        # Fields of our own start with "_", as HAR 1.2 asks.
        "_operationId": entry["operationId"],
        "_release": entry["release"],
        "_injected": entry["injected"],
    }
