"""State in a --db file: kept across restarts, and consistent after a SIGKILL mid-batch."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import httpx
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from tests.test_hubspot_associations_emulator.emulator_helpers import spec

AUTH = {"Authorization": "Bearer emulator-token"}


def test_restart_with_the_same_db_keeps_all_state(tmp_path: Path) -> None:
    """Associations, labels, limits and reports survive a restart."""
    config = EmulatorConfig(db_path=str(tmp_path / "state.db"))
    with (
        serve_in_thread(config) as server,
        httpx.Client(base_url=server.base_url, headers=AUTH) as c,
    ):
        label = c.post(
            "/crm/v4/associations/contact/company/labels", json={"name": "owner", "label": "Owner"}
        ).json()["results"][0]["typeId"]
        c.put(
            "/crm/v4/objects/contact/1/associations/company/2",
            json=[spec(label, "USER_DEFINED"), spec(1)],
        )
        c.post(
            "/crm/v4/associations/definitions/configurations/contact/company/batch/create",
            json={"inputs": [{"category": "USER_DEFINED", "typeId": label, "maxToObjectIds": 4}]},
        )
        c.post("/crm/v4/associations/usage/high-usage-report/9")
        before = [
            c.get("/crm/v4/objects/company/2/associations/contact").json(),
            c.get("/crm/v4/associations/contact/company/labels").json(),
            c.get("/crm/v4/associations/definitions/configurations/all").json(),
            c.get("/_emulator/reports").json(),
        ]
    with (
        serve_in_thread(config) as server,
        httpx.Client(base_url=server.base_url, headers=AUTH) as c,
    ):
        after = [
            c.get("/crm/v4/objects/company/2/associations/contact").json(),
            c.get("/crm/v4/associations/contact/company/labels").json(),
            c.get("/crm/v4/associations/definitions/configurations/all").json(),
            c.get("/_emulator/reports").json(),
        ]
        again = c.post(
            "/crm/v4/associations/contact/company/labels", json={"name": "other", "label": "Other"}
        ).json()
    assert after == before
    assert before[0]["results"][0]["associationTypes"][-1]["label"] == "Owner"
    assert again["results"][0]["typeId"] > label + 1


def _read_line(stream: IO[str], timeout: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    return lines.get(timeout=timeout)


BATCH = 1500


def test_sigkill_in_the_middle_of_batches_leaves_every_input_whole(tmp_path: Path) -> None:
    """After SIGKILL mid-write each input is fully applied or absent, and finished batches stay."""
    db = tmp_path / "crash.db"
    cmd = [
        sys.executable,
        "-m",
        "hubspot_associations_emulator",
        "serve",
        "--port",
        "0",
        "--db",
        str(db),
        "--latency-ms",
        "20",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    done: list[int] = []
    try:
        assert proc.stdout is not None
        url = _read_line(proc.stdout, 30).split(" on ")[1].strip()
        assert _read_line(proc.stdout, 5).strip() == "Token: emulator-token"
        with httpx.Client(base_url=url, headers=AUTH, timeout=60) as c:
            made = c.post(
                "/crm/v4/associations/contact/company/labels",
                json={"name": "payer", "label": "Payer", "inverseLabel": "Paid by"},
            ).json()["results"]
        forward, inverse = made[0]["typeId"], made[1]["typeId"]
        first_done = threading.Event()

        def fire() -> None:
            with httpx.Client(base_url=url, headers=AUTH, timeout=60) as c:
                for batch in range(50):
                    inputs = [
                        {
                            "from": {"id": str(batch * BATCH + i + 1)},
                            "to": {"id": str(10**10 + i)},
                            "types": [spec(forward, "USER_DEFINED")],
                        }
                        for i in range(BATCH)
                    ]
                    try:
                        r = c.post(
                            "/crm/v4/associations/contact/company/batch/create",
                            json={"inputs": inputs},
                        )
                    except httpx.TransportError:
                        return
                    assert r.status_code == 201
                    done.append(batch)
                    first_done.set()

        worker = threading.Thread(target=fire, daemon=True)
        worker.start()
        assert first_done.wait(60)
        threading.Event().wait(0.15)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        worker.join(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = conn.execute("SELECT from_type, from_id, to_type, to_id, type_id FROM assoc").fetchall()
    conn.close()
    by_contact: dict[int, set[tuple[str, int, str, int, int]]] = {}
    for row in rows:
        contact = row[1] if row[0] == "0-1" else row[3]
        by_contact.setdefault(contact, set()).add(row)
    for contact, found in by_contact.items():
        company = 10**10 + (contact - 1) % BATCH
        assert found == {
            ("0-1", contact, "0-2", company, 279),
            ("0-2", company, "0-1", contact, 280),
            ("0-1", contact, "0-2", company, forward),
            ("0-2", company, "0-1", contact, inverse),
        }
    applied = {(contact - 1) // BATCH for contact in by_contact}
    assert set(done) <= applied
    for batch in applied:
        assert all(batch * BATCH + i + 1 in by_contact for i in range(BATCH))
    with (
        serve_in_thread(EmulatorConfig(db_path=str(db))) as server,
        httpx.Client(base_url=server.base_url, headers=AUTH) as c,
    ):
        page = c.get("/crm/v4/objects/contact/1/associations/company").json()
        assert page["results"][0]["associationTypes"][1] == {
            "category": "USER_DEFINED",
            "typeId": forward,
            "label": "Payer",
        }
