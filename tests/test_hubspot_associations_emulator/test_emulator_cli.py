"""The command line: flags map onto EmulatorConfig; bad values exit with a usage error."""

from __future__ import annotations

import pytest
from hubspot_associations_emulator import EmulatorConfig
from hubspot_associations_emulator.cli import build_parser, config_from, main
from hubspot_associations_emulator.release_table import RELEASES


def test_every_flag_reaches_the_configuration() -> None:
    """serve's flags become the matching EmulatorConfig fields."""
    args = build_parser().parse_args(
        [
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            "x.db",
            "--token",
            "a",
            "--token",
            "b",
            "--rate-limit",
            "100/10",
            "--latency-ms",
            "5",
            "--faults",
            "rate=0.1,kinds=429+drop,seed=7",
            "--numeric-ids",
            "--max-labels-per-pair",
            "50",
            "--strict-records",
            "--enqueue-time-format",
            "object",
            "--record-limit",
            "0-1:0-2=3",
            "--record-limit",
            "deal:contacts=7",
        ]
    )
    assert config_from(args) == EmulatorConfig(
        tokens=("a", "b"),
        db_path="x.db",
        rate_limit=(100, 10.0),
        latency_ms=5,
        faults="rate=0.1,kinds=429+drop,seed=7",
        numeric_ids=True,
        max_labels_per_pair=50,
        strict_records=True,
        enqueue_time_format="object",
        record_limits=(("0-1", "0-2", 3), ("0-3", "0-1", 7)),
    )


def test_defaults_match_the_config_defaults() -> None:
    """serve without flags gives the default configuration."""
    assert config_from(build_parser().parse_args(["serve"])) == EmulatorConfig()


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--rate-limit", "ten"],
        ["serve", "--rate-limit", "0/10"],
        ["serve", "--rate-limit", "10/inf"],
        ["serve", "--rate-limit", "10/nan"],
        ["serve", "--rate-limit", "10/86401"],
        ["serve", "--faults", "rate=2"],
        ["serve", "--faults", "kinds=teapot"],
        ["serve", "--record-limit", "0-1:0-2"],
        ["serve", "--record-limit", "0-1=3"],
        ["serve", "--record-limit", "0-1:0-2=0"],
        ["serve", "--record-limit", "0-1:0-2=2147483648"],
        ["serve", "--record-limit", "0-1:0-2=" + "9" * 5000],
        ["serve", "--record-limit", "0-1:banana=3"],
        ["serve", "--record-limit", "0-1:0-2=3", "--record-limit", "contact:company=4"],
        [],
    ],
)
def test_bad_arguments_exit_with_usage_errors(argv: list[str]) -> None:
    """Malformed flags stop with exit status 2 before anything is served."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_the_help_names_every_release_of_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    """--help lists each release of release_table, 2025-09 marked as the beta it is."""
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(v4, 2025-09 (beta), 2026-03 and 2026-09)" in text
    assert list(RELEASES) == ["v4", "2025-09", "2026-03", "2026-09"]
