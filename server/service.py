"""`papersieve service install | uninstall | status`: start the server at login, as a systemd user
unit on Linux or a launchd agent on macOS. Writing the file is separate from starting it, so that
tests check what is written and nothing else."""

from __future__ import annotations

import os
import plistlib
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from server.command_error import CommandError

UNIT_NAME = "papersieve.service"
AGENT_LABEL = "org.papersieve.serve"


@dataclass(frozen=True)
class ServicePlan:
    """Where the service file goes, what it holds, and the commands that start and stop it."""

    path: Path
    content: bytes
    start: list[list[str]]
    stop: list[list[str]]
    manager: str  # the program those commands need: systemctl or launchctl


def papersieve_command() -> list[str]:
    """The absolute command that runs this papersieve (its console script, else `python -m`)."""
    launched = Path(sys.argv[0])
    if launched.name == "papersieve" and launched.exists():
        return [str(launched.resolve())]
    beside = Path(sys.executable).parent / "papersieve"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("papersieve")
    if found:
        return [str(Path(found).resolve())]
    return [str(Path(sys.executable).resolve()), "-m", "server.cli"]


def serve_arguments(port: int, data_dir: Path | None) -> list[str]:
    arguments = [*papersieve_command(), "serve", "--port", str(port)]
    if data_dir is not None:
        arguments += ["--data-dir", str(Path(data_dir).expanduser().resolve())]
    return arguments


def _systemd_quote(argument: str) -> str:
    """An ExecStart word: quoted when it holds spaces or quotes, '%' doubled (systemd specifiers)."""
    argument = argument.replace("%", "%%")
    if not argument or any(c in argument for c in " \t\"'\\;$"):
        return '"' + argument.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return argument


def systemd_unit(arguments: list[str]) -> str:
    return "\n".join(
        [
            "[Unit]",
            "Description=papersieve: the local server of the papersieve browser extension",
            "",
            "[Service]",
            "Type=simple",
            "ExecStart=" + " ".join(_systemd_quote(a) for a in arguments),
            "Restart=on-failure",
            "RestartSec=5",
            "",
            "[Install]",
            "WantedBy=default.target",
            "",
        ]
    )


def launchd_plist(arguments: list[str], log_dir: Path) -> bytes:
    return plistlib.dumps(
        {
            "Label": AGENT_LABEL,
            "ProgramArguments": arguments,
            "RunAtLoad": True,
            "KeepAlive": {"SuccessfulExit": False},  # restarted when it fails, not when stopped
            "StandardOutPath": str(log_dir / "papersieve.log"),
            "StandardErrorPath": str(log_dir / "papersieve.log"),
        }
    )


def plan(system: str, port: int, data_dir: Path | None) -> ServicePlan:
    """The service for `system` (platform.system(): Linux or Darwin) serving on `port`."""
    home = Path(os.environ.get("HOME") or Path.home())
    arguments = serve_arguments(port, data_dir)
    if system == "Linux":
        config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
        return ServicePlan(
            path=config / "systemd" / "user" / UNIT_NAME,
            content=systemd_unit(arguments).encode(),
            start=[
                ["systemctl", "--user", "daemon-reload"],
                ["systemctl", "--user", "enable", "--now", UNIT_NAME],
            ],
            stop=[["systemctl", "--user", "disable", "--now", UNIT_NAME]],
            manager="systemctl",
        )
    if system == "Darwin":
        path = home / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"
        return ServicePlan(
            path=path,
            content=launchd_plist(arguments, home / "Library" / "Logs"),
            start=[["launchctl", "load", "-w", str(path)]],
            stop=[["launchctl", "unload", "-w", str(path)]],
            manager="launchctl",
        )
    raise CommandError(f"papersieve service knows systemd (Linux) and launchd (macOS), not {system}")


def manager_usable(manager: str) -> bool:
    """Whether the service manager is there and answers for this user (a systemd user session)."""
    if shutil.which(manager) is None:
        return False
    probe = ["systemctl", "--user", "show-environment"] if manager == "systemctl" else ["launchctl", "list"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _run(commands: list[list[str]]) -> str | None:
    """Run each command; None when all succeeded, else what failed."""
    for command in commands:
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"{shlex.join(command)}: {error}"
        if result.returncode != 0:
            return f"{shlex.join(command)}: {(result.stderr or result.stdout).strip()}"
    return None


def install(service: ServicePlan, start: bool) -> list[str]:
    """Write the service file (0644, atomically), then start it if asked and possible; returns the
    lines to print."""
    try:
        service.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = service.path.with_name(service.path.name + ".tmp")
        tmp.write_bytes(service.content)
        tmp.chmod(0o644)
        tmp.replace(service.path)
    except OSError as error:
        raise CommandError(f"cannot write {service.path}: {error.strerror or error}") from None
    lines = [f"wrote {service.path}"]
    commands = "; ".join(shlex.join(c) for c in service.start)
    if not start:
        return [*lines, f"not started (--no-start): to start it now and at every login, run: {commands}"]
    if not manager_usable(service.manager):
        return [*lines, f"{service.manager} cannot be used from here: to start it, run: {commands}"]
    failure = _run(service.start)
    if failure:
        raise CommandError(f"wrote {service.path}, but starting it failed: {failure}")
    return [*lines, "started; it starts again at every login (`papersieve service status` shows it)"]


def uninstall(service: ServicePlan) -> list[str]:
    if not service.path.exists():
        return [f"no service installed ({service.path} does not exist)"]
    lines = []
    if manager_usable(service.manager):
        failure = _run(service.stop)
        if failure:
            lines.append(f"stopping it said: {failure}")
    else:
        lines.append(
            f"{service.manager} cannot be used from here; if it runs, stop it with: "
            + "; ".join(shlex.join(c) for c in service.stop)
        )
    service.path.unlink()
    return [*lines, f"removed {service.path}"]


def status(service: ServicePlan) -> tuple[list[str], bool]:
    """What is installed and whether the manager runs it; True when installed."""
    if not service.path.exists():
        return [f"not installed ({service.path} does not exist): `papersieve service install`"], False
    lines = [f"installed: {service.path}"]
    written = service.path.read_bytes()
    if written != service.content:
        lines.append(
            "it differs from what `papersieve service install` would write now (another path "
            "or options): run it again to update"
        )
    if manager_usable(service.manager):
        probe = (
            ["systemctl", "--user", "is-active", UNIT_NAME]
            if service.manager == "systemctl"
            else ["launchctl", "list", AGENT_LABEL]
        )
        result = subprocess.run(probe, capture_output=True, text=True, timeout=10)
        state = result.stdout.strip().splitlines()[:1] if service.manager == "systemctl" else []
        running = "running" if result.returncode == 0 else "not running"
        lines.append(f"{service.manager}: {state[0] if state else running}")
    else:
        lines.append(f"{service.manager} cannot be used from here: its state is unknown")
    return lines, True


def service_command(action: str, system: str, port: int, data_dir: Path | None, start: bool) -> int:
    """`papersieve service ACTION`: print what was done; status exits 1 when nothing is installed."""
    service = plan(system, port, data_dir)
    code = 0
    if action == "install":
        lines = install(service, start)
    elif action == "uninstall":
        lines = uninstall(service)
    else:
        lines, installed = status(service)
        code = 0 if installed else 1
    for line in lines:
        print(line)
    return code
