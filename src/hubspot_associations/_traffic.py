"""Recorded traffic read back: the emulator's journal (JSON Lines) or any HAR 1.2 file (a browser,
a proxy in front of an app talking to HubSpot), as one list of exchanges.

This is what ``migrate-report`` reads; it needs nothing outside the standard library.
"""

from __future__ import annotations

import base64
import json
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
        raise TrafficError(
            f"{path}: neither a HAR 1.2 file nor the emulator's journal (JSON Lines): {exc}"
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
        content = response.get("content", {})
        text = content.get("text", "")
        body = base64.b64decode(text) if content.get("encoding") == "base64" else text.encode()
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
            )
        )
    return out
