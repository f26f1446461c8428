"""The `papersieve` command line: every command has help, clear errors and exit codes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli import build_parser, main

REPO = Path(__file__).resolve().parents[2]
COMMANDS = ["serve", "token", "pair", "profiles", "import", "export", "doctor", "service", "eval"]


def run(*args: str, cwd: Path = REPO, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        **kwargs,
    )


def test_every_command_is_listed_and_documented_in_the_readme():
    parser = build_parser()
    listed = set(parser._subparsers._group_actions[0].choices)
    assert listed == set(COMMANDS)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"papersieve {command}" in readme, f"README.md does not document `papersieve {command}`"


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "eval"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "--data-dir" in capsys.readouterr().out


def test_token_is_made_once_and_private(tmp_path, capsys):
    assert main(["token", "--data-dir", str(tmp_path / "d")]) == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 40
    assert stat.S_IMODE(os.stat(tmp_path / "d" / "token").st_mode) == 0o600
    assert main(["token", "--data-dir", str(tmp_path / "d")]) == 0
    assert capsys.readouterr().out.strip() == token


def test_token_uses_the_environment_data_dir(isolated_data_dir, capsys):
    assert main(["token"]) == 0
    assert (isolated_data_dir / "token").read_text().strip() == capsys.readouterr().out.strip()


def test_profiles_create_list_delete(tmp_path, capsys):
    data = ["--data-dir", str(tmp_path)]
    assert main(["profiles", "create", "nlp", *data]) == 0
    assert main(["profiles", "create", "nlp", *data]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["profiles", "list", *data]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == ["default", "nlp"]
    assert main(["profiles", "delete", "nlp", *data]) == 0
    assert main(["profiles", "delete", "nlp", *data]) == 1
    assert "no profile named 'nlp'" in capsys.readouterr().err
    assert main(["profiles", "delete", "default", *data]) == 1
    assert main(["profiles", "create", "bad name!", *data]) == 2


def test_import_then_export_round_trips_through_files(tmp_path, hf_papers, capsys):
    data = ["--data-dir", str(tmp_path / "d")]
    source = tmp_path / "ratings.json"
    ratings = [
        {**p, "rating": 1 if i % 2 else -1, "rated_at": f"2026-11-0{i + 1}T10:00:00+00:00"}
        for i, p in enumerate(hf_papers[:6])
    ]
    source.write_text(json.dumps(ratings), encoding="utf-8")
    assert main(["import", str(source), *data]) == 0
    assert "imported 6 ratings" in capsys.readouterr().out
    out_csv = tmp_path / "out.csv"
    assert main(["export", "-o", str(out_csv), *data]) == 0
    assert main(["profiles", "create", "copy", *data]) == 0
    assert main(["import", str(out_csv), "--profile", "copy", *data]) == 0
    capsys.readouterr()
    assert main(["export", "--format", "json", "--profile", "copy", *data]) == 0
    exported = json.loads(capsys.readouterr().out)["ratings"]
    assert sorted((r["id"], r["rating"], r["rated_at"], r["abstract"]) for r in exported) == sorted(
        (r["id"], r["rating"], r["rated_at"], r["abstract"]) for r in ratings
    )


def test_import_from_stdin_as_arxiv_ids(tmp_path):
    result = run(
        "import",
        "-",
        "--format",
        "arxiv-ids",
        "--data-dir",
        str(tmp_path),
        input="2401.00001\nhttps://arxiv.org/abs/2401.00002v2\n",
    )
    assert result.returncode == 0, result.stderr
    assert "imported 2 ratings" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["import", "missing.json"], 1, "cannot read missing.json"),
        (["import", "ratings.xyz"], 1, "cannot tell the format"),
        (["import", "bad.json"], 2, "not valid JSON"),
        (["export", "--profile", "ghost"], 1, "no profile named 'ghost'"),
        (["serve", "--host", "0.0.0.0"], 1, "not a loopback address"),
        (["profiles", "create"], 2, "needs a profile name"),
        (["frobnicate"], 2, "invalid choice"),
        (["serve", "--port", "99999"], 2, "not a port number"),
        (["serve", "--port", "abc"], 2, "not a port number"),
    ],
)
def test_bad_input_gets_a_message_and_an_exit_code_never_a_traceback(tmp_path, args, code, message):
    (tmp_path / "bad.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "ratings.xyz").write_text("my notes\n", encoding="utf-8")
    result = (
        run(*args, "--data-dir", str(tmp_path / "d"), cwd=tmp_path) if args[0] != "frobnicate" else run(*args)
    )
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_reports_a_busy_port(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run("serve", "--port", str(busy.getsockname()[1]), "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert "cannot listen on 127.0.0.1" in result.stderr
    assert "Traceback" not in result.stderr


def test_data_dir_that_is_a_file_is_an_error(tmp_path):
    (tmp_path / "file").write_text("x")
    result = run("profiles", "--data-dir", str(tmp_path / "file"))
    assert result.returncode == 1
    assert "is a file" in result.stderr
