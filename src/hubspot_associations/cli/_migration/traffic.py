"""Recorded traffic read back: the emulator's journal (JSON Lines) or any HAR 1.2 file (a browser,
a proxy in front of an app talking to HubSpot), as one list of exchanges.

This is what ``migrate-report`` reads; it needs nothing outside the standard library.
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Exchange", "TrafficError", "read_traffic"]


class TrafficError(ValueError):
    """A file that is no traffic this package reads; the message says what it expected."""


@dataclass(frozen=True)
class Exchange:
    """One request and its answer (``status`` None: no answer came)."""

    method: str
    path: str
    query: str
    request_body: bytes
    status: int | None
    response_body: bytes
    operation_id: str | None = None
    # The journal cuts bodies past 64 KiB and says so: True when it did, None when the file does
    # not say (a HAR file, or a body kept whole), so that both forms of one journal compare equal.
    request_truncated: bool | None = None
    response_truncated: bool | None = None
    # Why the answer's body cannot be read, when it cannot: "body not recorded" (a HAR file gives
    # its size but no text, as browsers do for some answers) or "compressed: br" (a content-coding
    # the standard library cannot undo). Such a body is not "no body": only its status is known.
    response_unread: str | None = None

    def response_json(self) -> Any:
        """The answer's body parsed, or None when it is empty or not JSON."""
        try:
            return json.loads(self.response_body) if self.response_body else None
        except ValueError:
            return None


def read_traffic(path: Path) -> list[Exchange]:
    """Every exchange of a HAR file or a journal's JSON Lines, in order."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TrafficError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    stripped = text.lstrip()
    try:
        if stripped.startswith("{") and '"log"' in stripped[:200]:
            return _from_har(json.loads(text), path)
        return [_from_journal(json.loads(line)) for line in text.splitlines() if line.strip()]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        why = f"an entry has no {exc} key" if isinstance(exc, KeyError) else str(exc)
        raise TrafficError(
            f"{path}: neither a HAR 1.2 file nor a journal (JSON Lines: the emulator's, or "
            f"'hubspot-associations proxy --record'): {why}. Record the journal with "
            "GET /_emulator/journal.jsonl (control.journal_jsonl()), your app's traffic with "
            "'hubspot-associations proxy --record FILE', or a HAR file from a browser or a proxy"
        ) from None


def _body(record: dict[str, Any]) -> bytes:
    if "base64" in record:
        return base64.b64decode(record["base64"])
    return str(record.get("text", "")).encode()


def _cut(record: dict[str, Any]) -> bool | None:
    return True if record.get("truncated") is True else None


def _from_journal(entry: dict[str, Any]) -> Exchange:
    return Exchange(
        method=entry["method"], path=entry["path"], query=entry.get("query", ""),
        request_body=_body(entry["requestBody"]), status=entry["status"],
        response_body=_body(entry["responseBody"]), operation_id=entry.get("operationId"),
        request_truncated=_cut(entry["requestBody"]),
        response_truncated=_cut(entry["responseBody"]),
    )  # fmt: skip


def _from_har(har: dict[str, Any], path: Path) -> list[Exchange]:
    entries = har["log"]["entries"]
    if not isinstance(entries, list):
        raise TrafficError(f"{path}: log.entries is not a list")
    out = []
    for entry in entries:
        request, response = entry["request"], entry["response"]
        url = urlsplit(request["url"])
        body, unread = _har_body(response)
        status = int(response.get("status") or 0)
        out.append(
            Exchange(
                method=request["method"],
                path=url.path,
                query=url.query,
                request_body=str(request.get("postData", {}).get("text", "")).encode(),
                status=status or None,
                response_body=body,
                operation_id=entry.get("_operationId"),
                response_unread=unread,
            )
        )
    return out


def _har_body(response: dict[str, Any]) -> tuple[bytes, str | None]:
    """(an answer's body, why it cannot be read or None) from a HAR ``response``."""
    content = response.get("content") or {}
    text = content.get("text")
    if not text:
        # HAR 1.2: ``size`` is the body's length and ``text`` is left out when it was not kept.
        size = content.get("size")
        unrecorded = isinstance(size, int) and not isinstance(size, bool) and size > 0
        return b"", "body not recorded" if unrecorded else None
    if content.get("encoding") != "base64":
        return str(text).encode(), None
    # A tool that keeps bodies as base64 may keep them as they came over the wire, still
    # compressed, with the Content-Encoding header that says how.
    return _decoded(base64.b64decode(text), _codings(response.get("headers") or []))


def _codings(headers: Sequence[Any]) -> list[str]:
    """The content-codings of an answer, in the order they were applied."""
    out: list[str] = []
    for header in headers:
        if isinstance(header, dict) and str(header.get("name", "")).lower() == "content-encoding":
            out.extend(c.strip().lower() for c in str(header.get("value", "")).split(","))
    return [c for c in out if c and c != "identity"]


def _decoded(body: bytes, codings: list[str]) -> tuple[bytes, str | None]:
    """``body`` with ``codings`` undone (last applied, first undone), or as far as the standard
    library can, naming the coding left. A body that does not decode as its coding says was
    already decoded by the tool that wrote the file (browsers keep the header and decode)."""
    for coding in reversed(codings):
        try:
            if coding in ("gzip", "x-gzip"):
                body = gzip.decompress(body)
            elif coding == "deflate":
                # HTTP's deflate is zlib-wrapped; some servers send it raw.
                try:
                    body = zlib.decompress(body)
                except zlib.error:
                    body = zlib.decompress(body, -zlib.MAX_WBITS)
            else:
                # br, zstd, compress: no decoder in the standard library. Text was decoded already.
                try:
                    body.decode("utf-8")
                except UnicodeDecodeError:
                    return body, f"compressed: {coding}"
                return body, None
        except (OSError, EOFError, zlib.error):  # gzip.BadGzipFile is an OSError
            return body, None
    return body, None
