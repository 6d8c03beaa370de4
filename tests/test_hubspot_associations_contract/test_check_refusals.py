"""What `check` refuses before anything runs, and the runs that would pass having judged nothing
(a user's trial of the built wheel): writes allowed on no records, a write operation on a
read-only live run, a selection that judges nothing at run time; and the rate-limit test's
answers in the run's coverage.

The refusals run the command in-process against a port nothing listens on: reaching the target
would be exit 3, so exit 2 proves the refusal came first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hubspot_associations_contract import runner

from tests.test_hubspot_associations_contract.portal import RECORDS, TOKEN, check

NOWHERE = "http://127.0.0.1:9"


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A live run's token, no HUBSPOT_CONTRACT_* settings of the machine."""
    for name in ("HUBSPOT_CONTRACT_ALLOW_WRITES", "HUBSPOT_CONTRACT_RECORDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    return monkeypatch


@pytest.mark.parametrize("records", ["", "  "])
def test_writes_allowed_without_records_are_refused(
    live: pytest.MonkeyPatch, records: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """ALLOW_WRITES=1 and no records (an undefined repository variable) exits 2 before the run,
    saying to set HUBSPOT_CONTRACT_RECORDS, its format, or to drop the writes."""
    live.setenv("HUBSPOT_CONTRACT_ALLOW_WRITES", "1")
    live.setenv("HUBSPOT_CONTRACT_RECORDS", records)
    assert runner.main(["--live", "--base-url", NOWHERE]) == 2
    err = capsys.readouterr().err
    assert "Set HUBSPOT_CONTRACT_RECORDS" in err
    assert "contact:101,102,103;company:201,202,203" in err
    assert "drop HUBSPOT_CONTRACT_ALLOW_WRITES" in err


def test_a_write_operation_on_a_read_only_live_run_is_refused(
    live: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A read-only live run sends GETs only: selecting remove_associations exits 2 naming it;
    a read operation, or the same one with writes on records, gets past the refusal (exit 3:
    the target is unreachable)."""
    assert runner.main(["--live", "--base-url", NOWHERE, "--operation", "list_labels",
                        "--operation", "remove_associations"]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "remove_associations (DELETE)" in err
    assert "list_labels" not in err.split(":")[1]
    assert runner.main(["--live", "--base-url", NOWHERE, "--operation", "list_labels"]) == 3
    live.setenv("HUBSPOT_CONTRACT_ALLOW_WRITES", "1")
    live.setenv("HUBSPOT_CONTRACT_RECORDS", RECORDS)
    assert runner.main(["--live", "--base-url", NOWHERE, "--operation", "remove_associations"]) == 3


def test_a_selection_that_judges_nothing_at_run_time_exits_2(tmp_path: Path) -> None:
    """batch.accounting is declared on every operation but judges only batch answers: on
    remove_associations the run judges nothing, and says so with exit 2, not 0."""
    junit = tmp_path / "run.xml"
    done = check("--examples", "1", "--operation", "remove_associations", "--rule",
                 "batch.accounting", "--junit", str(junit))  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        "the selection judged nothing: --operation remove_associations --rule batch.accounting"
        in (done.stderr)
    )
    assert junit.exists()


def test_the_rate_limit_tests_answers_are_in_the_coverage(tmp_path: Path) -> None:
    """The 429s the rate-limit test gets through its own HTTP client are in coverage.json."""
    done = check("--examples", "1", "--rule", "ratelimit.enforced", "--report-dir", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads((tmp_path / "coverage.json").read_text(encoding="utf-8"))
    (labels,) = [o for o in document["operations"] if o["operation_id"] == "list_labels"]
    assert labels["statuses"].get("429", 0) >= 1, labels
    assert labels["rules"] == {"ratelimit.enforced": "held"}
