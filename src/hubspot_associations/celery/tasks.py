"""The task that runs one chunk of a job: every input recorded once, the portal's budget shared."""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .._bulk import BulkFailure, BulkResult
from .._numbers import DEFAULT_CONCURRENCY
from .._ratelimit.limiter import RateLimiter
from .._ratelimit.redis_window import RedisWindow
from .._ratelimit.shared import DailyLimitReached
from .._settings import default_rate_limit
from .._sync.client import HubSpotAssociations
from ._portal_slots import PortalSlots
from ._settings import (
    CHAIN_SECONDS,
    CHAIN_SECONDS_SETTING,
    DAILY_WAIT_HOP,
    DAILY_WAIT_HOP_SETTING,
    LEASE_RETRY,
    LEASE_RETRY_SETTING,
    LEASE_SECONDS,
    LEASE_SECONDS_SETTING,
    PORTAL_CHUNKS,
    PORTAL_CHUNKS_SETTING,
    PORTAL_RETRY,
    PORTAL_RETRY_SETTING,
    TASK_NAME,
    UNSENT_RETRY,
    UNSENT_RETRY_SETTING,
)
from .ledger import JobLedger, JobSpec, Outcome
from .tokens import TokenSource

if TYPE_CHECKING:
    import celery
    from celery.app.task import Task

__all__ = ["ChunkRunner", "register_tasks", "window_key"]

logger = logging.getLogger("hubspot_associations")


def register_tasks(
    app: celery.Celery,
    *,
    tokens: TokenSource | None = None,
    redis_url: str | None = None,
    daily_limit: int | None = None,
) -> None:
    """Register ``hubspot_associations.run_chunk`` in ``app`` (your own app, or make_app's)."""
    runner = ChunkRunner(app, tokens or TokenSource.from_environment(), redis_url, daily_limit)

    @app.task(
        name=TASK_NAME,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        max_retries=None,
        ignore_result=True,
        # Not Celery's default shared task: that one is added to every app made later in the
        # process, so a second app (another redis_url, tokens) would run the first's runner.
        shared=False,
    )
    def run_chunk(self: Task[Any, Any], job_id: str, chunk: int, portal_id: int) -> int:
        """Run one chunk of a job; how many of its inputs were recorded now."""
        try:
            return runner.run(self, job_id, chunk, portal_id)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            # The ledger's, a lease's or the window's Redis did not answer. Raised, the error
            # would fail the task and Celery would acknowledge it: the chunk would be lost.
            # What was recorded stays recorded; the next delivery skips it.
            delay = runner.setting(UNSENT_RETRY_SETTING, UNSENT_RETRY)
            logger.warning("chunk %d of job %s: Redis did not answer (%s), again in %g s",
                           chunk, job_id, exc, delay)  # fmt: skip
            raise self.retry(countdown=delay) from exc


def window_key(app_id: int | None, portal_id: int) -> str:
    """The shared window's key: HubSpot counts requests per app and portal."""
    return f"hubspot:{'any' if app_id is None else app_id}:{portal_id}"


class ChunkRunner:
    """What run_chunk does, with a worker process' ledger and clients (made when first needed)."""

    def __init__(
        self,
        app: celery.Celery,
        tokens: TokenSource,
        redis_url: str | None,
        daily_limit: int | None,
    ) -> None:
        self.app = app
        self.tokens = tokens
        self.given_url = redis_url
        self.daily_limit = daily_limit
        self._ledger: JobLedger | None = None
        self._slots: PortalSlots | None = None
        self._clients: dict[tuple[Any, ...], HubSpotAssociations] = {}
        # The threads pool runs chunks side by side: one client per portal, made once.
        self._lock = threading.Lock()

    @property
    def redis_url(self) -> str:
        """The ledger's and the window's Redis: the given URL, else a redis:// broker's."""
        if self.given_url is not None:
            return self.given_url
        broker = str(self.app.conf.broker_url or "")
        if broker.startswith(("redis://", "rediss://", "unix://")):
            return broker
        raise RuntimeError(
            "hubspot_associations.celery needs a Redis for its job ledger and shared window: "
            "pass redis_url='redis://host:6379/0' to register_tasks (the broker is not Redis)"
        )

    def setting(self, name: str, default: float) -> float:
        """A timing of the task: the app's conf may shorten it (the tests do)."""
        return float(self.app.conf.get(name) or default)

    def ledger(self) -> JobLedger:
        """This process' ledger (made after the pool forked: a connection is never shared)."""
        with self._lock:
            if self._ledger is None:
                self._ledger = JobLedger(self.redis_url)
            return self._ledger

    def client(self, spec: JobSpec) -> HubSpotAssociations:
        """This process' client for the job's portal, app, release and budget."""
        rate = spec.rate_limit or default_rate_limit()
        key = (spec.portal_id, spec.app_id, spec.api_version, rate)
        with self._lock:
            if key not in self._clients:
                window = RedisWindow(
                    self.redis_url,
                    key=window_key(spec.app_id, spec.portal_id),
                    # HubSpot's daily cap is the portal's, whichever app spends it.
                    daily_key=f"hubspot-daily:{spec.portal_id}",
                    daily_limit=self.daily_limit,
                )
                self._clients[key] = HubSpotAssociations(
                    self.tokens.provider(spec.portal_id),
                    api_version=spec.api_version,
                    rate_limit=RateLimiter(rate[0], rate[1], shared=window),
                )
            return self._clients[key]

    def chain_seconds(self) -> float:
        """How long a task keeps claiming its job's next chunks (0 in the app's conf: never)."""
        value = self.app.conf.get(CHAIN_SECONDS_SETTING)
        return CHAIN_SECONDS if value is None else float(value)

    def run(self, task: Task[Any, Any], job_id: str, chunk: int, portal_id: int) -> int:
        """Run the chunk's inputs that have no outcome yet (park it at the daily cap), then,
        holding the portal's slot, the job's next chunks no one holds; how many recorded."""
        ledger = self.ledger()
        if ledger.cancelled(job_id):
            ledger.unpark(job_id, chunk)
            return 0
        if ledger.chunk_finished(job_id, chunk):
            # A task holding the portal's slot ran it (or an earlier delivery did): nothing left.
            return 0
        started = time.monotonic()
        lease = self.setting(LEASE_SECONDS_SETTING, LEASE_SECONDS)
        holder = ledger.lease(job_id, chunk, lease)
        if holder is None:
            # Another delivery of this chunk is running (late acks redeliver), or a task of the
            # portal claimed it: look again later (it is finished then, or its lease lapsed).
            raise task.retry(
                countdown=self.setting(LEASE_RETRY_SETTING, LEASE_RETRY),
                exc=_Again(0, "another delivery or a task of the portal runs this chunk"),
            )
        # The chunk this task runs now and its lease; the portal's slot once this task holds
        # one: (window key, holder). The heartbeat renews both.
        current: list[tuple[int, str]] = [(chunk, holder)]
        slot: list[tuple[str, str]] = []
        slots = self.slots()

        def renew() -> bool:
            kept = True
            for leased, leased_holder in list(current):
                kept = ledger.renew(job_id, leased, leased_holder, lease) and kept
            for window, slot_holder in list(slot):
                kept = slots.renew(window, slot_holder, lease) and kept
            return kept

        beat = _Heartbeat(renew, lease / 3)
        try:
            try:
                recorded = self._run_leased(ledger, job_id, chunk, portal_id, slot)
            except _Again as again:
                # exc= puts the reason in Celery's "Retry in N s: …" line.
                raise task.retry(countdown=again.countdown, exc=again) from None
            return recorded + self._chain(ledger, job_id, portal_id, current, slot, started)
        finally:
            beat.stop()
            for window, slot_holder in slot:
                slots.release(window, slot_holder)
            ledger.release(job_id, *current[0])

    def _chain(
        self,
        ledger: JobLedger,
        job_id: str,
        portal_id: int,
        current: list[tuple[int, str]],
        slot: list[tuple[str, str]],
        started: float,
    ) -> int:
        """The job's next chunks no one holds, in this task's portal slot, until the task has
        run CHAIN_SECONDS; how many inputs recorded."""
        chain = self.chain_seconds()
        lease = self.setting(LEASE_SECONDS_SETTING, LEASE_SECONDS)
        recorded = 0
        # Only a task holding the portal's slot goes on: between one chunk's end and the next
        # chunk's message coming through the queue, the slot would idle.
        while slot and time.monotonic() - started < chain and not ledger.cancelled(job_id):
            claimed = ledger.claim(job_id, current[0][0], lease)
            if claimed is None:
                break  # every other chunk is finished or running
            ledger.release(job_id, *current[0])
            current[0] = claimed
            try:
                recorded += self._run_leased(ledger, job_id, claimed[0], portal_id, slot)
            except _Again:
                # Parked for the daily cap or not sent: nothing recorded for what is left; the
                # chunk's own message (queued or retrying) runs it later.
                break
        return recorded

    def slots(self) -> PortalSlots:
        """This process' portal slots (on the ledger's Redis)."""
        ledger = self.ledger()
        with self._lock:
            if self._slots is None:
                self._slots = PortalSlots(ledger.redis, ledger.prefix)
            return self._slots

    def _run_leased(
        self,
        ledger: JobLedger,
        job_id: str,
        chunk: int,
        portal_id: int,
        slot: list[tuple[str, str]],
    ) -> int:
        pending = ledger.pending(job_id, chunk)
        if not pending:
            ledger.finish_chunk(job_id, chunk)
            return 0
        daily = _DailyState(ledger, portal_id, self.setting(DAILY_WAIT_HOP_SETTING, DAILY_WAIT_HOP))
        held, probe = daily.gate()
        if held is not None:
            ledger.park(job_id, chunk, len(pending))
            raise _Again(held, f"portal {portal_id} is at its daily limit: parked until the reset")
        spec = ledger.spec(job_id)
        window = window_key(spec.app_id, spec.portal_id)
        if not slot:
            cap = max(1, int(self.setting(PORTAL_CHUNKS_SETTING, PORTAL_CHUNKS)))
            lease = self.setting(LEASE_SECONDS_SETTING, LEASE_SECONDS)
            taken = self.slots().take(window, cap, lease)
            if taken is None:
                # The portal runs its cap of chunks already: waiting here on its window would
                # hold this worker slot from other portals' chunks. Nothing sent nor recorded.
                raise _Again(
                    self.setting(PORTAL_RETRY_SETTING, PORTAL_RETRY),
                    f"portal {portal_id} runs its {cap} chunks at once already",
                )
            slot.append((window, taken))
        result = _send(self.client(spec), spec, [pair for _, pair in pending])
        outcomes, unsent, capped = _outcomes(pending, result)
        recorded = ledger.record(job_id, outcomes)
        if capped:
            ledger.park(job_id, chunk, unsent)
            raise _Again(daily.capped(), f"portal {portal_id} reached its daily limit: parked")
        if probe:
            daily.clear()
        if unsent:
            # Not sent (Redis or HubSpot unreachable, a token provider failing, a token of another
            # portal): nothing recorded. Why goes to the ledger, for the operator to fix.
            again = self.setting(UNSENT_RETRY_SETTING, UNSENT_RETRY)
            reason = next((f.reason for f in result.failed if not f.sent), "not sent")
            ledger.set_problem(job_id, reason)
            logger.warning("chunk %d of job %s: %d inputs not sent, again in %g s: %s", chunk,
                           job_id, unsent, again, reason)  # fmt: skip
            raise _Again(again, f"{unsent} inputs not sent: {reason}")
        if recorded:
            ledger.set_problem(job_id, None)  # sent again: whatever stopped it was fixed
        ledger.finish_chunk(job_id, chunk)
        return recorded


class _Again(Exception):
    """The chunk runs again this many seconds later (a Celery retry of its own message), and
    why (what the worker's log shows)."""

    def __init__(self, countdown: float, reason: str) -> None:
        super().__init__(reason)
        self.countdown = countdown

    def __str__(self) -> str:
        return str(self.args[0])


def _send(
    client: HubSpotAssociations, spec: JobSpec, pairs: list[tuple[str, str]]
) -> BulkResult[tuple[str, str]]:
    """One chunk through the client's bulk helper (every input accounted for in the result)."""
    batches = -(-len(pairs) // spec.batch_size)
    options: dict[str, Any] = {
        "batch_size": spec.batch_size,
        "concurrency": max(1, min(DEFAULT_CONCURRENCY, batches)),
    }
    bulk = client.bulk
    if spec.operation == "associate_default":
        return bulk.associate_default(spec.from_type, spec.to_type, pairs, **options)
    if spec.operation == "remove":
        return bulk.remove(spec.from_type, spec.to_type, pairs, **options)
    types = list(spec.types)
    if spec.operation == "create":
        return bulk.create(spec.from_type, spec.to_type, pairs, types, **options)
    return bulk.remove_labels(spec.from_type, spec.to_type, pairs, types, **options)


def _daily_429(failure: BulkFailure[Any]) -> bool:
    """HubSpot's daily cap answered: a 429 whose policyName is DAILY (or, when the answer named
    no policy, whose message speaks of the daily limit)."""
    if failure.status_code != 429:
        return False
    if failure.policy is not None:
        return failure.policy == "DAILY"
    return "daily" in failure.reason.lower()


def _outcomes(
    pending: list[tuple[int, tuple[str, str]]], result: BulkResult[tuple[str, str]]
) -> tuple[dict[int, Outcome], int, bool]:
    """Each sent input's outcome by number; how many were not sent; whether the daily cap hit."""
    numbers: dict[tuple[str, str], list[int]] = {}
    for number, pair in pending:
        numbers.setdefault(pair, []).append(number)
    outcomes: dict[int, Outcome] = {}
    for pair in result.succeeded:
        outcomes[numbers[pair].pop(0)] = Outcome("done")
    unsent = 0
    capped = isinstance(result.stopped, DailyLimitReached)
    for failure in result.failed:
        number = numbers[failure.input].pop(0)
        if not failure.sent or _daily_429(failure):
            # Not applied: it runs again (after the reset, for the daily cap), never "failed".
            capped = capped or _daily_429(failure)
            unsent += 1
            continue
        outcomes[number] = Outcome("failed", failure.reason, failure.category, failure.status_code)
    return outcomes, unsent, capped


# Seconds a chunk parks while its portal's probe is on its way (then it looks again).
PROBE_WAIT = 2.0


class _DailyState:
    """A portal at its daily cap: its chunks park, and one probe per hop looks for the reset."""

    def __init__(self, ledger: JobLedger, portal_id: int, hop: float) -> None:
        self.redis = ledger.redis
        self.hop = hop
        base = f"{ledger.prefix}:daily:{portal_id}"
        self.capped_key, self.hold_key = f"{base}:capped", f"{base}:hold"

    def gate(self) -> tuple[float | None, bool]:
        """(seconds to park, None: run) and whether this chunk is the portal's probe."""
        if not self.redis.exists(self.capped_key):
            return None, False
        # At the cap: the first chunk after each hop sends (the probe); the others park.
        if self.redis.set(self.hold_key, "probe", nx=True, px=round(self.hop * 1000)):
            return None, True
        left = self.redis.pttl(self.hold_key)
        wait = max(1.0, (left if left > 0 else self.hop * 1000) / 1000)
        if self.redis.get(self.hold_key) in (b"probe", "probe"):
            # A probe is on its way: its answer comes in moments. Look again soon rather than a
            # whole hop later: if it got through (the day was reset), this chunk runs at once.
            return min(wait, PROBE_WAIT), False
        return wait, False

    def capped(self) -> float:
        """The cap answered: hold the portal for a hop; seconds this chunk parks."""
        wait = min(_until_midnight_utc(), self.hop)
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self.capped_key, "1", px=round(_until_midnight_utc() * 1000) + 60_000)
        pipe.set(self.hold_key, "hold", px=round(wait * 1000))
        pipe.execute()
        return wait

    def clear(self) -> None:
        """The probe got through: the day was reset, every chunk of the portal may run."""
        self.redis.delete(self.capped_key, self.hold_key)


def _until_midnight_utc() -> float:
    """Seconds to HubSpot's daily reset (midnight; the portal's own zone is not known here)."""
    now = datetime.datetime.now(datetime.UTC)
    midnight = (now + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1.0, (midnight - now).total_seconds())


class _Heartbeat:
    """Renews a chunk's lease every third of it while the chunk runs."""

    def __init__(self, renew: Callable[[], bool], every: float) -> None:
        self._renew = renew
        self._every = every
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="chunk-lease")
        self._thread.start()

    def _beat(self) -> None:
        while not self._done.wait(self._every):
            try:
                self._renew()
            except Exception:  # a missed renewal costs nothing unless the lease lapses
                logger.warning("could not renew a chunk's lease", exc_info=True)

    def stop(self) -> None:
        """The chunk is over."""
        self._done.set()
        self._thread.join(timeout=5)
