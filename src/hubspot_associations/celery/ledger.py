"""The job ledger in Redis: a job's spec and chunks, and each input's outcome written once."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

from .._exceptions import ClientValidationError
from ._settings import KEEP_FINISHED_JOBS, LEASE_SECONDS, TASK_NAME

if TYPE_CHECKING:
    import celery
    import redis

__all__ = ["JobLedger", "JobSpec", "JobStatus", "Operation", "Outcome"]

Operation: TypeAlias = Literal["associate_default", "create", "remove", "remove_labels"]
OPERATIONS: Final = ("associate_default", "create", "remove", "remove_labels")
JobState: TypeAlias = Literal["running", "finished", "cancelled"]
# A job's keys that outlive it until KEEP_FINISHED_JOBS (its leases expire on their own).
_JOB_PARTS: Final = (
    "meta", "chunks", "outcomes", "counts", "waiting", "finished", "cancelled", "problem",
)  # fmt: skip

# KEYS: the outcomes hash, the counters hash. ARGV: pairs of (input number, outcome JSON, kind).
# Each outcome is written once (HSETNX) and counted once, atomically: a chunk delivered twice, or
# two deliveries racing, never count an input twice. Returns how many were new.
_RECORD_SCRIPT: Final = """
local new = 0
for i = 1, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('HINCRBY', KEYS[2], ARGV[i + 2], 1)
    new = new + 1
  end
end
return new
"""

# KEYS: a lease. ARGV: its holder, the lease (ms). Renewed or dropped only by its holder.
_RENEW_SCRIPT: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE_SCRIPT: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


@dataclass(frozen=True, kw_only=True)
class JobSpec:
    """What a job does: the operation, its object types and labels, the portal and its budget."""

    operation: Operation
    from_type: str
    to_type: str
    portal_id: int
    # (category, type ID) pairs: the labels of create and remove_labels.
    types: tuple[tuple[str, int], ...] = ()
    api_version: str = "v4"
    app_id: int | None = None
    batch_size: int = 100
    # (requests, seconds); None: the worker's default (HUBSPOT_ASSOCIATIONS_RATE_LIMIT, else the
    # smallest tier).
    rate_limit: tuple[int, float] | None = None
    # The CLI's JobIdentity, stored as JSON so that --resume can match it.
    identity: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.operation not in OPERATIONS:
            raise ClientValidationError(
                f"operation must be one of {', '.join(OPERATIONS)}, got {self.operation!r}"
            )
        if self.operation in ("create", "remove_labels") and not self.types:
            raise ClientValidationError(f"{self.operation} needs types=((category, type ID), …)")

    def to_json(self) -> dict[str, Any]:
        """The spec as the ledger stores it."""
        data = asdict(self)
        data["identity"] = dict(self.identity)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JobSpec:
        """The spec the ledger stored."""
        rate = data.get("rate_limit")
        return cls(
            operation=data["operation"],
            from_type=data["from_type"],
            to_type=data["to_type"],
            portal_id=int(data["portal_id"]),
            types=tuple((str(c), int(t)) for c, t in data.get("types", ())),
            api_version=data.get("api_version", "v4"),
            app_id=data.get("app_id"),
            batch_size=int(data.get("batch_size", 100)),
            rate_limit=None if rate is None else (int(rate[0]), float(rate[1])),
            identity=dict(data.get("identity") or {}),
        )


@dataclass(frozen=True)
class Outcome:
    """One input's outcome: done, or failed with HubSpot's reason."""

    status: Literal["done", "failed"]
    reason: str | None = None
    category: str | None = None
    http_status: int | None = None


@dataclass(frozen=True)
class JobStatus:
    """A job's progress as the ledger counts it."""

    job_id: str
    total: int
    done: int
    failed: int
    # Inputs of chunks parked for the daily cap (they run after the reset).
    waiting: int
    state: JobState
    portal_id: int
    app_id: int | None
    created_at: float
    operation: str
    chunks: int
    # When the ledger drops the job (epoch seconds): KEEP_FINISHED_JOBS after it finished or was
    # cancelled; None while it runs.
    expires_at: float | None = None
    # Why a worker could not send the job's inputs lately (its token is another portal's, say):
    # what the operator must fix; None when the last chunk run sent.
    problem: str | None = None

    @property
    def recorded(self) -> int:
        """Inputs with an outcome."""
        return self.done + self.failed


class JobLedger:
    """Jobs in Redis: spec, chunks and outcomes; the truth while a job lives."""

    def __init__(
        self,
        redis_url: str | None = None,
        *,
        client: redis.Redis | None = None,
        prefix: str = "hubspot-associations",
        keep_finished: float = KEEP_FINISHED_JOBS,
    ) -> None:
        if (redis_url is None) == (client is None):
            raise ClientValidationError(
                "JobLedger needs exactly one of redis_url='redis://host:6379/0' or client=<a "
                "redis.Redis>"
            )
        if client is None:
            import redis

            assert redis_url is not None
            client = redis.Redis.from_url(redis_url, socket_timeout=10, socket_connect_timeout=10)
        self.redis: redis.Redis = client
        self.prefix = prefix
        self.keep_finished = keep_finished
        self._record = client.register_script(_RECORD_SCRIPT)
        self._renew = client.register_script(_RENEW_SCRIPT)
        self._release = client.register_script(_RELEASE_SCRIPT)

    def _key(self, job_id: str, part: str) -> str:
        return f"{self.prefix}:job:{job_id}:{part}"

    def create(self, spec: JobSpec, inputs: Sequence[tuple[str, str]], *, chunk_size: int) -> str:
        """Store a job: its spec and its inputs in chunks of ``chunk_size``; its ID."""
        if not isinstance(chunk_size, int) or chunk_size < 1:
            raise ClientValidationError(f"chunk_size must be an integer from 1, got {chunk_size!r}")
        job_id = secrets.token_hex(8)
        pairs = [(str(a), str(b)) for a, b in inputs]
        chunks = [pairs[i : i + chunk_size] for i in range(0, len(pairs), chunk_size)]
        created = time.time()
        meta = {
            "spec": spec.to_json(),
            "chunk_size": chunk_size,
            "total": len(pairs),
            "chunks": len(chunks),
            "created_at": created,
        }
        pipe = self.redis.pipeline(transaction=True)
        if chunks:
            pipe.hset(
                self._key(job_id, "chunks"),
                mapping={str(n): json.dumps(chunk) for n, chunk in enumerate(chunks)},
            )
        pipe.set(self._key(job_id, "meta"), json.dumps(meta))
        pipe.zadd(f"{self.prefix}:jobs", {job_id: created})
        pipe.execute()
        if not chunks:
            self._expire(job_id)  # nothing to run: finished already
        return job_id

    def _expire(self, job_id: str) -> None:
        """The job is over: its keys go KEEP_FINISHED_JOBS from now (jobs() forgets it then)."""
        keep = round(self.keep_finished * 1000)
        pipe = self.redis.pipeline(transaction=False)
        for part in _JOB_PARTS:
            pipe.pexpire(self._key(job_id, part), keep)
        pipe.execute()

    def meta(self, job_id: str) -> dict[str, Any]:
        """The job's stored spec (as JSON), chunk size, total and chunk count."""
        raw = self.redis.get(self._key(job_id, "meta"))
        if raw is None:
            raise ClientValidationError(
                f"no job {job_id!r} in the ledger at {self.prefix}: see JobLedger.jobs()"
            )
        data: dict[str, Any] = json.loads(raw)
        return data

    def spec(self, job_id: str) -> JobSpec:
        """The job's spec."""
        return JobSpec.from_json(self.meta(job_id)["spec"])

    def submit(self, app: celery.Celery, job_id: str, chunks: Iterable[int] | None = None) -> int:
        """Send a run_chunk message for every chunk (of ``chunks``) not finished; how many."""
        meta = self.meta(job_id)
        if self.cancelled(job_id):
            return 0
        portal = int(meta["spec"]["portal_id"])
        finished = {int(n) for n in self.redis.smembers(self._key(job_id, "finished"))}
        wanted = range(meta["chunks"]) if chunks is None else chunks
        sent = 0
        for chunk in wanted:
            if chunk in finished:
                continue
            app.send_task(TASK_NAME, args=(job_id, chunk, portal))
            sent += 1
        return sent

    def status(self, job_id: str) -> JobStatus:
        """The job's counts and state."""
        meta = self.meta(job_id)
        counts = self.redis.hgetall(self._key(job_id, "counts"))
        waiting = self.redis.hvals(self._key(job_id, "waiting"))
        done, failed = int(counts.get(b"done", 0)), int(counts.get(b"failed", 0))
        state: JobState = "running"
        if self.cancelled(job_id):
            state = "cancelled"
        elif done + failed >= meta["total"]:
            state = "finished"
        spec = meta["spec"]
        left = int(self.redis.pttl(self._key(job_id, "meta")))
        return JobStatus(
            job_id=job_id,
            total=meta["total"],
            done=done,
            failed=failed,
            waiting=sum(int(n) for n in waiting),
            state=state,
            portal_id=int(spec["portal_id"]),
            app_id=spec.get("app_id"),
            created_at=float(meta["created_at"]),
            operation=spec["operation"],
            chunks=meta["chunks"],
            expires_at=time.time() + left / 1000 if left > 0 else None,
            problem=self.problem(job_id),
        )

    def problem(self, job_id: str) -> str | None:
        """Why a worker could not send the job's inputs lately; None: no problem."""
        raw = self.redis.get(self._key(job_id, "problem"))
        return None if raw is None else _text(raw)

    def set_problem(self, job_id: str, reason: str | None) -> None:
        """Note (or, None, clear) why a worker could not send the job's inputs."""
        key = self._key(job_id, "problem")
        if reason is None:
            self.redis.delete(key)
        else:
            # Kept as long as the job's other keys would be after it ends.
            self.redis.set(key, reason, px=round(self.keep_finished * 1000))

    def outcomes(self, job_id: str) -> dict[int, Outcome]:
        """Every recorded input's outcome, by input number (its place in the job's inputs)."""
        stored = self.redis.hgetall(self._key(job_id, "outcomes"))
        return {int(n): Outcome(**json.loads(v)) for n, v in stored.items()}

    def jobs(self) -> list[JobStatus]:
        """Every job in the ledger, oldest first."""
        ids = [_text(i) for i in self.redis.zrange(f"{self.prefix}:jobs", 0, -1)]
        gone = [job_id for job_id in ids if not self.redis.exists(self._key(job_id, "meta"))]
        if gone:
            # Expired (KEEP_FINISHED_JOBS after they ended): the index forgets them too.
            self.redis.zrem(f"{self.prefix}:jobs", *gone)
        return [self.status(job_id) for job_id in ids if job_id not in gone]

    def cancel(self, job_id: str) -> None:
        """Stop a job: chunks not started record nothing; running ones finish the chunk they
        are on (``running`` counts them), recording what they sent."""
        self.meta(job_id)  # an unknown job is an error, not a silent no-op
        self.redis.set(self._key(job_id, "cancelled"), "1")
        self._expire(job_id)

    def running(self, job_id: str) -> int:
        """How many of the job's chunks a worker holds right now (their leases: a lost worker's
        lapses on its own)."""
        chunks = int(self.meta(job_id)["chunks"])
        pipe = self.redis.pipeline(transaction=False)
        for chunk in range(chunks):
            pipe.exists(self._key(job_id, f"lease:{chunk}"))
        return sum(int(n) for n in pipe.execute())

    def cancelled(self, job_id: str) -> bool:
        """Whether the job was cancelled."""
        return bool(self.redis.exists(self._key(job_id, "cancelled")))

    def record(self, job_id: str, outcomes: Mapping[int, Outcome]) -> int:
        """Write each input's outcome once (a second write is ignored); how many were new."""
        if not outcomes:
            return 0
        args: list[str | int] = []
        for number, outcome in outcomes.items():
            args.extend((number, json.dumps(asdict(outcome)), outcome.status))
        keys = [self._key(job_id, "outcomes"), self._key(job_id, "counts")]
        return int(self._record(keys=keys, args=args))

    # What the task uses: a chunk's inputs, its lease, its parking for the daily cap.

    def pending(self, job_id: str, chunk: int) -> list[tuple[int, tuple[str, str]]]:
        """The chunk's inputs with no outcome yet, with their input numbers."""
        meta = self.meta(job_id)
        raw = self.redis.hget(self._key(job_id, "chunks"), str(chunk))
        if raw is None:
            return []
        first = chunk * int(meta["chunk_size"])
        numbered = [(first + i, (str(a), str(b))) for i, (a, b) in enumerate(json.loads(raw))]
        if not numbered:
            return []
        seen = self.redis.hmget(self._key(job_id, "outcomes"), [str(n) for n, _ in numbered])
        return [item for item, recorded in zip(numbered, seen, strict=True) if recorded is None]

    def finish_chunk(self, job_id: str, chunk: int) -> None:
        """Every input of the chunk has an outcome: submit and resume skip it."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.sadd(self._key(job_id, "finished"), str(chunk))
        pipe.hdel(self._key(job_id, "waiting"), str(chunk))
        pipe.scard(self._key(job_id, "finished"))
        finished = int(pipe.execute()[-1])
        if finished >= int(self.meta(job_id)["chunks"]):
            self._expire(job_id)

    def chunk_finished(self, job_id: str, chunk: int) -> bool:
        """Whether every input of the chunk has an outcome (finish_chunk was called)."""
        return bool(self.redis.sismember(self._key(job_id, "finished"), str(chunk)))

    def claim(
        self, job_id: str, after: int, seconds: float = LEASE_SECONDS
    ) -> tuple[int, str] | None:
        """The lease of the job's first chunk after ``after`` (wrapping round) neither finished
        nor leased: (chunk, holder); None when there is none."""
        chunks = int(self.meta(job_id)["chunks"])
        finished = {int(n) for n in self.redis.smembers(self._key(job_id, "finished"))}
        for step in range(1, chunks):
            chunk = (after + step) % chunks
            if chunk in finished:
                continue
            holder = self.lease(job_id, chunk, seconds)
            if holder is not None:
                return chunk, holder
        return None

    def park(self, job_id: str, chunk: int, inputs: int) -> None:
        """The chunk waits for the daily reset with ``inputs`` inputs not sent."""
        self.redis.hset(self._key(job_id, "waiting"), str(chunk), str(inputs))

    def unpark(self, job_id: str, chunk: int) -> None:
        """The chunk no longer waits."""
        self.redis.hdel(self._key(job_id, "waiting"), str(chunk))

    def lease(self, job_id: str, chunk: int, seconds: float = LEASE_SECONDS) -> str | None:
        """Take the chunk's lease (None: another delivery of it is running)."""
        holder = secrets.token_hex(8)
        key = self._key(job_id, f"lease:{chunk}")
        taken = self.redis.set(key, holder, nx=True, px=round(seconds * 1000))
        return holder if taken else None

    def renew(self, job_id: str, chunk: int, holder: str, seconds: float = LEASE_SECONDS) -> bool:
        """Keep the lease while the chunk runs; False when it was lost."""
        key = self._key(job_id, f"lease:{chunk}")
        return bool(self._renew(keys=[key], args=[holder, round(seconds * 1000)]))

    def release(self, job_id: str, chunk: int, holder: str) -> None:
        """Give the lease back (only its holder can)."""
        self._release(keys=[self._key(job_id, f"lease:{chunk}")], args=[holder])


def _text(value: object) -> str:
    """A member redis-py answered (bytes without decode_responses)."""
    return value.decode() if isinstance(value, bytes) else str(value)
