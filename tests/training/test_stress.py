"""Smoke test of the stress benchmark: every scenario against real server processes, tiny sizes."""

from __future__ import annotations

import pytest

from training.bench import stress


def test_the_stress_scenarios_run_and_report(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = [
        "--quick",
        "--no-write",
        "--no-vectors",
        "--sizes",
        "300",
        "--ratings",
        "40",
        "--load-seconds",
        "1",
        "--kill-rounds",
        "1",
    ]
    assert stress.main(arguments) == 0
    printed = capsys.readouterr().out
    assert "## Stress" in printed and "| 300 | 40 |" in printed
    assert "errors by status: none" in printed
    acknowledged = printed.split("kill -9 during writes")[1]
    count, found = (int(part.split()[0].replace(",", "")) for part in acknowledged.split(": ")[1].split(", "))
    assert count == found


def test_bad_sizes_are_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        stress.main(["--sizes", "5", "--no-write"])
    assert exit_info.value.code == 2
    assert "sizes must be >= 100" in capsys.readouterr().err
