"""Write each sync twin from its async-first source, so the twins cannot drift apart.

The async sources are hand-written: the modules of ``src/hubspot_associations/_async/`` (the
client, its transports, the token layer, the bulk runner, the body reader), rate limiting's
waiting and Redis window (``_ratelimit/async_*.py``) and the emulator's control client
(``control_client/async_client.py``). This step rewrites each token by token into its sync
twin (``_sync/``; ``_ratelimit/`` without the ``async_`` prefix;
``control_client/sync_client.py``), the way httpcore builds its sync half; the few primitives
that really differ (sleeping, a deadline, workers) are written side by side in
``_primitives.py``. A twin imports only what its source imports, renamed: the emulator's
stays inside the emulator package, which imports nothing of ours.
A substitution that matches nothing in any source fails the step: a rule nobody needs any more
is a rule that may one day rewrite the wrong thing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

__all__ = [
    "EMULATOR_TWIN",
    "SOURCE",
    "TARGET",
    "TWINS",
    "UnusedSubstitutionError",
    "generate",
    "render",
]

PACKAGE = Path("src/hubspot_associations")
EMULATOR = Path("emulator/hubspot_associations_emulator")
SOURCE = PACKAGE / "_async" / "client.py"
TARGET = PACKAGE / "_sync" / "client.py"
RATELIMIT = PACKAGE / "_ratelimit"
# The emulator's control client: its twin lives beside it and imports only emulator modules.
EMULATOR_TWIN = (
    EMULATOR / "control_client" / "async_client.py",
    EMULATOR / "control_client" / "sync_client.py",
)
# (async source, sync twin): every async-first module of the client package, and the emulator's.
TWINS: tuple[tuple[Path, Path], ...] = (
    (SOURCE, TARGET),
    (PACKAGE / "_async" / "auth.py", PACKAGE / "_sync" / "auth.py"),
    (PACKAGE / "_async" / "body.py", PACKAGE / "_sync" / "body.py"),
    (PACKAGE / "_async" / "bulk.py", PACKAGE / "_sync" / "bulk.py"),
    (PACKAGE / "_async" / "transport.py", PACKAGE / "_sync" / "transport.py"),
    # Rate limiting's twins live beside their sources, in its own folder, named as the token rule
    # names them (``async_waiting`` -> ``waiting``), so an import of one renames to the other.
    (RATELIMIT / "async_redis_window.py", RATELIMIT / "redis_window.py"),
    (RATELIMIT / "async_waiting.py", RATELIMIT / "waiting.py"),
    EMULATOR_TWIN,
)

HEADER = (
    "# GENERATED FILE: do not edit. Made by codegen/unasync.py from {source};\n"
    "# change that file and run `make generate`.\n"
)

# Order matters: specific names before the general rules.
SUBSTITUTIONS: tuple[tuple[str, str], ...] = (
    (r"\basync def\b", "def"),
    (r"\basync for\b", "for"),
    (r"\basync with\b", "with"),
    (r"\bawait ", ""),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\bAwaitable\[((?:[^\[\]]|\[[^\[\]]*\])*)\]", r"\1"),
    (r"\bAsyncBaseTransport\b", "BaseTransport"),
    (r"\bhandle_async_request\b", "handle_request"),
    (r"\bset_async_httpx_client\b", "set_httpx_client"),
    (r"\basync_transport\b", "sync_transport"),
    (r"\bredis\.asyncio\b", "redis"),
    (r"\baread\b", "read"),
    (r"\baiter_raw\b", "iter_raw"),
    (r"\baclose\b", "close"),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\basync_(\w+)", r"\1"),
    (r"\bAsync([A-Z]\w*)", r"\1"),
    (r"\basynchronous\b", "synchronous"),
)


class UnusedSubstitutionError(RuntimeError):
    """A substitution matched nothing in any async source."""


def render(source: str, *, source_path: Path = SOURCE, used: set[str] | None = None) -> str:
    """The sync twin of an async module's source, sorted and formatted by the pinned ruff."""
    text = source
    for pattern, replacement in SUBSTITUTIONS:
        text, count = re.subn(pattern, replacement, text)
        if count and used is not None:
            used.add(pattern)
    target = dict(TWINS).get(source_path, TARGET)
    header = HEADER.format(source=_within_package(source_path))
    return _ruff_format(header + text, target)


def _within_package(path: Path) -> Path:
    """``path`` from its package's folder, as the header names the source."""
    package = EMULATOR if path.is_relative_to(EMULATOR) else PACKAGE
    return path.relative_to(package)


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
    """{relative path: content} of every sync twin; fails on a substitution nothing needs."""
    used: set[str] = set()
    files = {
        target: render((root / source).read_text(encoding="utf-8"), source_path=source, used=used)
        for source, target in TWINS
    }
    unused = [pattern for pattern, _ in SUBSTITUTIONS if pattern not in used]
    if unused:
        raise UnusedSubstitutionError(
            f"codegen/unasync.py: substitution(s) {unused} match nothing in any async source; "
            "remove them (or the async code that needed them has gone wrong)"
        )
    files[PACKAGE / "_sync" / "__init__.py"] = (
        HEADER.format(source="_async/__init__.py")
        + '"""The sync twins of ``_async/`` (generated: edit the async module)."""\n'
    )
    return files
