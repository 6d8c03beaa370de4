"""Running a bulk job's chunks concurrently (asyncio tasks; threads in the generated sync twin)."""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Awaitable, Callable, Iterable

from .._bulk import BulkResult, ChunkOutcome, InputT, OnChunk, Progress, Tally, check_concurrency
from .._primitives import AsyncWorkers

__all__ = ["run_chunks"]


async def run_chunks(
    chunks: Iterable[list[InputT]],
    send: Callable[[list[InputT]], Awaitable[ChunkOutcome[InputT]]],
    *,
    total: int,
    concurrency: int,
    progress: Progress | None,
    on_chunk: OnChunk | None = None,
) -> BulkResult[InputT]:
    """Run chunks, at most ``concurrency`` at a time; split chunks go back in the queue first."""
    check_concurrency(concurrency)
    tally: Tally[InputT] = Tally(total, progress, on_chunk)
    queue: deque[list[InputT]] = deque(chunks)
    async with AsyncWorkers[ChunkOutcome[InputT]](concurrency) as workers:
        while queue or workers.running:
            while queue and len(workers.running) < concurrency:
                chunk = queue.popleft()
                if tally.stop is not None:
                    tally.abandon(chunk)
                    continue
                workers.submit(functools.partial(send, chunk))
            if not workers.running:
                continue
            for outcome in await workers.first_done():
                queue.extendleft(reversed(outcome.split))
                tally.add(outcome)
    return tally.result
