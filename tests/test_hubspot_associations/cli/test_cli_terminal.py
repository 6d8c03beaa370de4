"""The progress bar renders on a real pseudo-terminal (rate and ETA included)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from hubspot_associations_emulator import EmulatorConfig, serve_in_thread


def test_progress_bar_renders_on_a_terminal(tmp_path: Path) -> None:
    """Run the command with stderr on a pty: the bar, the count, the rate and the ETA appear."""
    source = tmp_path / "pairs.csv"
    source.write_text("from_id,to_id\n" + "".join(f"{i},{i + 1}\n" for i in range(1, 2001)))
    with serve_in_thread(EmulatorConfig(latency_ms=20)) as server:
        leader, follower = pty.openpty()
        env = dict(
            os.environ,
            HUBSPOT_ACCESS_TOKEN=server.token,
            HUBSPOT_BASE_URL=server.base_url,
            COLUMNS="120",
            TERM="xterm-256color",
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "hubspot_associations.cli", "associate", str(source), "--from", "contact", "--to", "company", "--batch-size", "50", "--concurrency", "2", "--rate-limit", "20/1"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, env=env,
        )  # fmt: skip
        os.close(follower)
        screen = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                screen += chunk
            elif process.poll() is not None:
                break
        stdout, _ = process.communicate(timeout=30)
        os.close(leader)
    text = screen.decode("utf-8", "replace")
    assert process.returncode == 0, text + stdout.decode()
    assert "associations" in text
    assert "━" in text
    assert "2000/2000" in text
    assert "/s" in text
    assert "eta" in text
    assert "2000 done, 0 failed" in stdout.decode()
