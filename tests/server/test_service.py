"""`papersieve service`: the systemd user unit and the launchd agent it writes (HOME and
XDG_CONFIG_HOME in a temporary folder; nothing is ever started: --no-start, or the plan alone)."""

from __future__ import annotations

import plistlib
import shlex
import sys
from pathlib import Path

import pytest

from server import service
from server.cli import main
from server.command_error import CommandError


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PAPERSIEVE_DATA_DIR", raising=False)
    return tmp_path


def exec_start(unit: str) -> list[str]:
    line = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


def test_install_writes_a_systemd_user_unit_and_starts_nothing(home, capsys):
    data_dir = home / "my data"
    assert main(["service", "install", "--no-start", "--data-dir", str(data_dir), "--port", "8500"]) == 0
    unit_path = home / "config" / "systemd" / "user" / "papersieve.service"
    unit = unit_path.read_text()
    command = exec_start(unit)
    assert Path(command[0]).is_absolute() and Path(command[0]).exists()
    assert command[1:] in (
        ["serve", "--port", "8500", "--data-dir", str(data_dir)],
        ["-m", "server.cli", "serve", "--port", "8500", "--data-dir", str(data_dir)],
    )
    assert "Restart=on-failure" in unit.splitlines()
    assert "WantedBy=default.target" in unit.splitlines()
    out = capsys.readouterr().out
    assert f"wrote {unit_path}" in out
    assert "systemctl --user enable --now papersieve.service" in out  # what to run, not run
    assert main(["service", "status", "--data-dir", str(data_dir), "--port", "8500"]) == 0
    status = capsys.readouterr().out
    assert f"installed: {unit_path}" in status and "differs" not in status
    assert main(["service", "status"]) == 0  # another port and data dir than installed
    assert "differs from what `papersieve service install` would write" in capsys.readouterr().out


def test_without_a_data_dir_the_unit_uses_the_default_one(home):
    unit = service.plan("Linux", 8417, None).content.decode()
    assert exec_start(unit)[-3:] == ["serve", "--port", "8417"]


def test_uninstall_removes_the_unit(home, capsys):
    assert main(["service", "install", "--no-start"]) == 0
    path = home / "config" / "systemd" / "user" / "papersieve.service"
    assert path.exists()
    assert main(["service", "uninstall"]) == 0
    assert not path.exists()
    assert f"removed {path}" in capsys.readouterr().out
    assert main(["service", "uninstall"]) == 0
    assert main(["service", "status"]) == 1
    assert "not installed" in capsys.readouterr().out


def test_the_macos_launch_agent(home):
    plan = service.plan("Darwin", 8417, home / "data")
    assert plan.path == home / "home" / "Library" / "LaunchAgents" / "org.papersieve.serve.plist"
    lines = service.install(plan, start=False)
    agent = plistlib.loads(plan.path.read_bytes())
    assert agent["Label"] == "org.papersieve.serve"
    assert agent["ProgramArguments"][-5:] == ["serve", "--port", "8417", "--data-dir", str(home / "data")]
    assert Path(agent["ProgramArguments"][0]).is_absolute()
    assert agent["RunAtLoad"] is True and agent["KeepAlive"] == {"SuccessfulExit": False}
    assert agent["StandardErrorPath"] == str(home / "home" / "Library" / "Logs" / "papersieve.log")
    assert any(f"launchctl load -w {plan.path}" in line for line in lines)


def test_paths_with_spaces_and_percent_signs_survive_systemd_quoting(home):
    unit = service.systemd_unit(["/opt/my tools/papersieve", "serve", "--data-dir", "/data/100% mine"])
    line = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    assert line == 'ExecStart="/opt/my tools/papersieve" serve --data-dir "/data/100%% mine"'


def test_other_systems_get_a_clear_message(home):
    with pytest.raises(CommandError, match="systemd \\(Linux\\) and launchd \\(macOS\\), not Windows"):
        service.plan("Windows", 8417, None)


def test_the_command_is_this_installation(home):
    command = service.papersieve_command()
    assert Path(command[0]).is_absolute()
    assert command[0].startswith(str(Path(sys.executable).parent)) or command[1:] == ["-m", "server.cli"]
