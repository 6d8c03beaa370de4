"""Write the sync client from the async one, so the two twins cannot drift apart.

The async source (src/hubspot_associations/_async_client.py) is hand-written; this step rewrites
it token by token into _sync_client.py, the way httpcore builds its sync half.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

__all__ = ["SOURCE", "TARGET", "generate", "render"]

SOURCE = Path("src/hubspot_associations/_async_client.py")
TARGET = Path("src/hubspot_associations/_sync_client.py")

HEADER = (
    "# GENERATED FILE: do not edit. Made by codegen/unasync.py from _async_client.py;\n"
    "# change that file and run `make generate`.\n"
)

# Order matters: specific names before the general Async-prefix rule.
_REPLACEMENTS: list[tuple[str, str]] = [
    (r"\basync def\b", "def"),
    (r"\basync for\b", "for"),
    (r"\basync with\b", "with"),
    (r"\bawait ", ""),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\bAsyncBaseTransport\b", "BaseTransport"),
    (r"\bset_async_httpx_client\b", "set_httpx_client"),
    (r"\basync_transport\b", "sync_transport"),
    (r"\baclose\b", "close"),
    (r"\brun_async\b", "run_sync"),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\bAsync([A-Z]\w*)", r"\1"),
    (r"\basynchronous\b", "synchronous"),
]


def render(source: str) -> str:
    """The sync twin of an async module's source, sorted and formatted by the pinned ruff."""
    text = source
    for pattern, replacement in _REPLACEMENTS:
        text = re.sub(pattern, replacement, text)
    return _ruff_format(HEADER + text, TARGET)


def _ruff_format(text: str, target: Path) -> str:
    """Sort imports and format ``text`` as the project's ruff would format ``target``."""
    # Renaming changes import order and line lengths; let the project's own ruff settle both.
    ruff = str(Path(sys.executable).parent / "ruff")
    for command in (
        [ruff, "check", "--fix-only", "--select", "I,F401", "--stdin-filename", str(target), "-"],
        [ruff, "format", "--stdin-filename", str(target), "-"],
    ):
        text = subprocess.run(
            command, input=text, capture_output=True, text=True, check=True
        ).stdout
    return text


def generate(root: Path) -> dict[Path, str]:
    """{relative path: content} of the sync client."""
    return {TARGET: render((root / SOURCE).read_text(encoding="utf-8"))}
