"""Opening pair and ID files (CSV or JSONL) and reading their lines: bounded memory, strict UTF-8.

A file is read as bytes and decoded line by line as strict UTF-8, so a Latin-1, UTF-16 or binary
file is refused with the line it went wrong on instead of a traceback, and a line longer than
``MAX_LINE_BYTES`` is skipped in pieces instead of read whole (``/dev/zero`` has no newline).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from ._exit_codes import UsageError
from ._problems import InputFileError, Problem

__all__ = ["MAX_LINE_BYTES", "InputSource", "open_input", "physical_lines"]

MAX_LINE_BYTES: Final = 64 * 1024
_JSONL_SUFFIXES: Final = {".jsonl", ".ndjson"}
_BOMS: Final = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


@dataclass
class InputSource:
    """A readable regular file (stdin is spooled to one), its display name and SHA-256."""

    path: Path
    name: str
    sha256: str
    jsonl: bool
    spooled: bool = False

    def close(self) -> None:
        """Remove the spool file of stdin, if any."""
        if self.spooled:
            with contextlib.suppress(OSError):
                self.path.unlink()


def open_input(given: str, *, fmt: str = "auto") -> InputSource:
    """Check that ``given`` (a path, or ``-`` for stdin) can be read, and hash its bytes.

    Stdin is copied to a temporary file first, so the file can be read twice (check, then send)
    and hashed for the results file's job identity.
    """
    if given == "-":
        spool = _spool_stdin()
        return InputSource(spool, "<stdin>", _sha256(spool), _is_jsonl(spool, fmt), spooled=True)
    path = Path(given)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UsageError(f"{given}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{given}: cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{given}: is a directory; give a CSV or JSONL file")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(
            f"{given}: is not a regular file (a device or a pipe); save the data to a file, "
            "or pipe it to - (stdin)"
        )
    if not os.access(path, os.R_OK):
        raise UsageError(f"{given}: cannot be read (permission denied)")
    try:
        digest = _sha256(path)
    except OSError as exc:
        raise UsageError(f"{given}: cannot be read ({exc.strerror})") from None
    return InputSource(path, given, digest, _is_jsonl(path, fmt))


def _spool_stdin() -> Path:
    handle, name = tempfile.mkstemp(prefix="hubspot-associations-stdin-")
    with os.fdopen(handle, "wb") as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool, 1 << 20)
    return Path(name)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _is_jsonl(path: Path, fmt: str) -> bool:
    if fmt != "auto":
        return fmt == "jsonl"
    if path.suffix.lower() in _JSONL_SUFFIXES:
        return True
    # A CSV starts with its header, never with '{': a first non-blank '{' means JSONL.
    with path.open("rb") as handle:
        start = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"{")


def physical_lines(source: InputSource) -> Iterator[tuple[int, str | None, str | None]]:
    """(number, text, problem) per line; text is None when the line cannot be decoded."""
    with source.path.open("rb") as handle:
        first = handle.read(4)
        for bom, name in _BOMS.items():
            if first.startswith(bom):
                raise InputFileError(
                    source.name, [Problem(1, f"the file is {name}; save it as UTF-8 (CSV UTF-8)")]
                )
        handle.seek(3 if first.startswith(b"\xef\xbb\xbf") else 0)
        number = 0
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                _skip_rest_of_line(handle)
                yield number, None, f"longer than {MAX_LINE_BYTES} bytes: is this the right file?"
                continue
            yield (number, *_decode(raw))


def _skip_rest_of_line(handle: IO[bytes]) -> None:
    while True:
        piece = handle.readline(MAX_LINE_BYTES)
        if not piece or piece.endswith(b"\n"):
            return


def _decode(raw: bytes) -> tuple[str | None, str | None]:
    if b"\x00" in raw:
        return None, "holds a NUL byte: this looks like a binary file, not CSV or JSONL"
    try:
        return raw.decode("utf-8").rstrip("\r\n"), None
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        return None, (
            f"is not UTF-8 (byte 0x{byte:02X} at column {exc.start + 1}); "
            "save the file as UTF-8 (CSV UTF-8)"
        )
